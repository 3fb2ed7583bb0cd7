"""The throwaway PostgreSQL and Redis a fresh machine's `make test` starts (tests/services.py),
started here whatever else is running, so that path is known to work."""

from __future__ import annotations

import glob
import shutil

import psycopg
import pytest
import redis

from tests import services
from workshop.store.postgres import PostgresStore

needs_servers = pytest.mark.skipif(
    not glob.glob("/usr/lib/postgresql/*/bin/initdb") or shutil.which("redis-server") is None,
    reason="PostgreSQL's and Redis's programs are installed only where none was running",
)


@needs_servers
async def test_a_throwaway_postgresql_takes_the_store_and_is_gone_after():
    with services.throwaway_postgres() as url:
        store = PostgresStore(services.schema_url(url))
        await store.open()
        try:
            anna = await store.add_facilitator("anna", "hash")
            assert (await store.facilitator_by_name("ANNA")) == anna  # NOCASE, as SQLite
        finally:
            await store.close()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


@needs_servers
def test_a_throwaway_redis_answers_and_is_gone_after():
    with services.throwaway_redis() as url:
        assert redis.Redis.from_url(url).ping()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
