"""Which languages a case is written in (issue 18): the library API says it for each case,
and the console's case picker shows them and warns before adding a case that lacks the
session's language, which participants then see in bokmål. A real server with a library of
two cases, one without nynorsk; Chromium for the picker."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.live import Server, add_facilitator, login, new_session
from tests.test_browser_agenda import TIMEOUT, console_page, shot, watch_errors
from tests.test_library import CASE, changed, write_library
from workshop.i18n import gettext_for

NYNORSK = """
[nn]
title = "Prøvesak på nynorsk"
narrative = "Kari er nyvald i kommunestyret."
questions = ["Kva bør Kari gjere?"]
notes = "Berre for kursleiaren."

[[nn.activities]]
kind = "dilemma"
prompt = "Kva gjer Kari?"
options = ["Seie frå", "Teie"]

[[nn.activities]]
kind = "reflection"
prompt = "Kva tek du med deg?"

[en]"""
WITH_NYNORSK = changed(changed(CASE, 'id = "test-case"', 'id = "med-nynorsk"'), "\n[en]", NYNORSK)


@pytest.fixture(scope="module")
def two_cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose library is `test-case` (nb, en) and `med-nynorsk` (nb, nn, en)."""
    root = write_library(
        tmp_path_factory.mktemp("library"), {"test-case": CASE, "med-nynorsk": WITH_NYNORSK}
    )
    db = tmp_path_factory.mktemp("server") / "workshop.db"
    add_facilitator(db, "anna")
    running = Server(db, env={"WORKSHOP_CASES": str(root)}).start()
    yield running
    running.stop()


@pytest.fixture
async def anna(two_cases: Server) -> AsyncIterator[httpx.AsyncClient]:
    client = await login(two_cases, "anna")
    yield client
    await client.aclose()


async def test_the_library_api_gives_each_cases_languages(anna: httpx.AsyncClient) -> None:
    response = await anna.get("/api/library/cases", params={"language": "nn"})
    assert response.status_code == 200, response.text
    languages = {case["id"]: case["languages"] for case in response.json()["cases"]}
    assert languages == {"test-case": ["nb", "en"], "med-nynorsk": ["nb", "nn", "en"]}
    one = await anna.get("/api/library/cases/test-case", params={"language": "nn"})
    assert one.status_code == 200, one.text
    assert one.json()["languages"] == ["nb", "en"]
    assert one.json()["title"] == "Prøvesak"  # the bokmål text, for want of nynorsk


def nn(message: str, **params: Any) -> str:
    return gettext_for("nn", message, **params)


async def test_the_picker_warns_before_a_case_falls_back(
    two_cases: Server, anna: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    code = (await new_session(anna, title="Nordvik kommunestyre", language="nn"))["code"]
    made = await anna.post(f"/api/sessions/{code}/segments", json={"title": "Saker"})
    assert made.status_code == 201, made.text
    context, console = await console_page(browser, two_cases, code)  # the console in nynorsk
    try:
        watch_errors(console, errors)
        segment = console.locator("#agenda .segment")
        add = re.compile(re.escape(nn("Add a case")))
        await segment.get_by_role("button", name=add).click()
        found = console.locator(".picker .picker-case")
        await expect(found).to_have_count(2, timeout=TIMEOUT)

        with_nn = found.filter(has=console.get_by_role("heading", name="Prøvesak på nynorsk"))
        await expect(with_nn.locator(".picker-langs .badge")).to_have_text(["nb", "nn", "en"])
        await expect(with_nn.locator(".picker-fallback")).to_have_count(0)

        without = found.filter(has=console.get_by_role("heading", name="Prøvesak", exact=True))
        await expect(without.locator(".picker-langs .badge")).to_have_text(["nb", "en"])
        warning = nn(
            "This case has no %(missing)s text: participants will see it in %(fallback)s.",
            missing=nn("Norwegian (nynorsk)"),
            fallback=nn("Norwegian (bokmål)"),
        )
        await expect(without.locator(".picker-fallback")).to_have_text(warning)
        button = without.get_by_role("button")
        await expect(button).to_have_accessible_description(warning)
        await shot(console, "agenda-console-picker-fallback")

        await button.click()
        block = segment.locator(".case-block")
        await expect(block).to_have_count(1, timeout=TIMEOUT)
        await expect(block.locator(".case-title")).to_have_text("Prøvesak")  # in bokmål
        assert errors == []
    finally:
        await context.close()
