from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from tests import services
from tests.chromium import chromium
from tests.live import Server, add_facilitator, login


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Server]:
    """One real server for the tests that need no restart; each test makes its own session."""
    db: Path | str = tmp_path_factory.mktemp("server") / "workshop.db"
    if os.environ.get("WORKSHOP_TEST_STORE") == "postgresql":
        # The shared server's tests on PostgreSQL: WORKSHOP_TEST_STORE=postgresql pytest …
        db = services.schema_url(request.getfixturevalue("postgres_base"))
    add_facilitator(db, "anna")
    add_facilitator(db, "bjorn")
    # Many tests try wrong codes on purpose; the throttle has a test of its own.
    running = Server(db, env={"WORKSHOP_FAILED_GUESSES": "100000"}).start()
    yield running
    running.stop()


@pytest.fixture
async def facilitator(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    client = await login(server, "anna")
    yield client
    await client.aclose()


@pytest.fixture
def fresh_db(tmp_path: Path) -> Path:
    db = tmp_path / "workshop.db"
    add_facilitator(db, "anna")
    return db


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium for one test (tests/chromium.py)."""
    async with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def postgres_base() -> Iterator[str]:
    """A PostgreSQL URL for the run (tests/services.py); add a schema with `schema_url`."""
    with services.postgres() as url:
        yield url
        services.drop_schemas(url)


@pytest.fixture
def postgres_url(postgres_base: str) -> str:
    """A PostgreSQL URL with a schema of this test's own."""
    return services.schema_url(postgres_base)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis URL for the run (tests/services.py)."""
    with services.redis() as url:
        yield url
