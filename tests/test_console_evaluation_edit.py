"""Two small pieces of issue 15 in Chromium against the real server: a draft evaluation's
questions edited in the console (a prompt changed, a question removed, a choice question
added, the server's own message when an edit is refused), and a session file imported from
the dashboard onto a new console.

Screenshots land in test-artifacts/evaluation-edit-*.png and dashboard-import-*.png."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from tests.live import PASSWORD, Server, add_activity, new_session
from tests.test_browser_agenda import CONSOLE, TIMEOUT, console_page, nb, shot, watch_errors


async def state_of(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def questions_of(client: httpx.AsyncClient, code: str, activity: int) -> list[dict]:
    state = await state_of(client, code)
    return next(a for a in state["activities"] if a["id"] == activity)["questions"]


async def draft_evaluation(client: httpx.AsyncClient) -> tuple[str, int]:
    code = (await new_session(client, title="Nordvik kommunestyre", tables=3))["code"]
    await add_activity(client, code, kind="poll", prompt="Hvem bestemmer?", options=["A", "B"])
    evaluation = await add_activity(client, code, kind="evaluation")
    return code, evaluation


async def open_editor(console: Page, evaluation: int) -> Any:
    card = console.locator(f'.activity-card[data-id="{evaluation}"]')
    await card.get_by_role("button", name=nb("Edit questions")).click()
    editor = card.locator("form.activity-editor")
    await expect(editor.locator(".eval-edit-q")).to_have_count(5, timeout=TIMEOUT)
    return card, editor


async def test_a_draft_evaluations_questions_are_edited_in_the_console(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    code, evaluation = await draft_evaluation(facilitator)
    before = await questions_of(facilitator, code, evaluation)
    assert [q["key"] for q in before] == ["topics", "useful", "engaged", "again", "comment"]
    context, console = await console_page(browser, server, code)
    try:
        watch_errors(console, errors)
        card, editor = await open_editor(console, evaluation)

        # A prompt changed, a question removed, a choice question added with three choices.
        await editor.locator('.eval-edit-q[data-key="useful"] textarea').fill(
            "Hvor nyttig var kurset for deg i ditt arbeid som folkevalgt?"
        )
        await (
            editor.locator('.eval-edit-q[data-key="engaged"]')
            .get_by_role("button", name=nb("Remove question"))
            .click()
        )
        await expect(editor.locator(".eval-edit-q")).to_have_count(4)
        await editor.get_by_label(nb("New question:")).select_option("choice")
        await editor.get_by_role("button", name=nb("Add question")).click()
        added = editor.locator(".eval-edit-q").last
        await expect(added).to_have_attribute("data-kind", "choice")
        prompt = added.get_by_label(nb("Question: %(kind)s", kind=nb("choice")))
        await expect(prompt).to_be_focused()
        await prompt.fill("Vil du anbefale dagen til andre i Ålesund?")
        await added.get_by_label(nb("Choices, one per line")).fill("Ja, gjerne\nKanskje\n\nNei")
        await editor.scroll_into_view_if_needed()
        await shot(console, "evaluation-edit-form", full_page=True)

        await editor.get_by_role("button", name=nb("Save")).click()
        await expect(editor).to_have_count(0, timeout=TIMEOUT)
        await expect(card).to_contain_text("Vil du anbefale dagen til andre i Ålesund?")
        await expect(card).to_contain_text("i ditt arbeid som folkevalgt?")

        after = await questions_of(facilitator, code, evaluation)
        assert [q["key"] for q in after] == [
            "topics",
            "useful",
            "again",
            "comment",
            "vil_du_anbefale_dagen_til_and",  # from the prompt: ascii, at most 29 + room for _2
        ]
        by_key = {q["key"]: q for q in after}
        assert by_key["useful"]["prompt"] == (
            "Hvor nyttig var kurset for deg i ditt arbeid som folkevalgt?"
        )
        assert by_key["useful"]["kind"] == "scale"
        assert by_key["again"] == next(q for q in before if q["key"] == "again")
        assert by_key["topics"]["kind"] == "topics"
        new = by_key["vil_du_anbefale_dagen_til_and"]
        assert new["kind"] == "choice"
        assert new["prompt"] == "Vil du anbefale dagen til andre i Ålesund?"
        assert new["choices"] == [
            {"id": "ja_gjerne", "label": "Ja, gjerne"},
            {"id": "kanskje", "label": "Kanskje"},
            {"id": "nei", "label": "Nei"},
        ]
        await shot(console, "evaluation-edit-saved", full_page=True)

        # Opened again: a second question of the same prompt gets a key of its own.
        card, editor = await open_editor(console, evaluation)
        await editor.get_by_label(nb("New question:")).select_option("text")
        await editor.get_by_role("button", name=nb("Add question")).click()
        await (
            editor.locator(".eval-edit-q")
            .last.locator("textarea")
            .fill("Vil du anbefale dagen til andre?")
        )
        await editor.get_by_role("button", name=nb("Save")).click()
        await expect(editor).to_have_count(0, timeout=TIMEOUT)
        keys = [q["key"] for q in await questions_of(facilitator, code, evaluation)]
        assert keys[-2:] == ["vil_du_anbefale_dagen_til_and", "vil_du_anbefale_dagen_til_and_2"]
        assert errors == []
    finally:
        await context.close()


async def test_a_refused_edit_shows_the_servers_message(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    code, evaluation = await draft_evaluation(facilitator)
    before = await questions_of(facilitator, code, evaluation)
    context, console = await console_page(browser, server, code)
    try:
        watch_errors(console, errors)
        _, editor = await open_editor(console, evaluation)
        await editor.get_by_label(nb("New question:")).select_option("choice")
        await editor.get_by_role("button", name=nb("Add question")).click()
        added = editor.locator(".eval-edit-q").last
        await added.locator("textarea").first.fill("Hvilken dag passer best?")
        await added.get_by_label(nb("Choices, one per line")).fill("Tirsdag")
        await editor.get_by_role("button", name=nb("Save")).click()

        problem = editor.get_by_role("alert")
        message = nb("A choice question has from 2 to %(max)d choices.", max=8)
        await expect(problem).to_have_text(message, timeout=TIMEOUT)
        await expect(editor.get_by_role("button", name=nb("Save"))).to_be_enabled()
        # What the facilitator wrote is still there to put right; nothing was stored.
        await expect(added.locator("textarea").first).to_have_value("Hvilken dag passer best?")
        assert await questions_of(facilitator, code, evaluation) == before
        await problem.scroll_into_view_if_needed()
        await shot(console, "evaluation-edit-refused", full_page=True)

        await added.get_by_label(nb("Choices, one per line")).fill("Tirsdag\nTorsdag")
        await editor.get_by_role("button", name=nb("Save")).click()
        await expect(editor).to_have_count(0, timeout=TIMEOUT)
        last = (await questions_of(facilitator, code, evaluation))[-1]
        assert last["prompt"] == "Hvilken dag passer best?"
        assert [c["label"] for c in last["choices"]] == ["Tirsdag", "Torsdag"]
        assert errors == []
    finally:
        await context.close()


async def dashboard(browser: Browser, server: Server) -> tuple[Any, Page]:
    context = await browser.new_context(**CONSOLE)
    page = await context.new_page()
    await page.goto(f"{server.url}/login")
    await page.locator("#username").fill("anna")
    await page.locator("#password").fill(PASSWORD)
    await page.get_by_role("button", name=nb("Log in")).click()
    await page.wait_for_url(re.compile(r"/$"))
    return context, page


async def codes(client: httpx.AsyncClient) -> list[str]:
    response = await client.get("/api/sessions")
    assert response.status_code == 200, response.text
    return [s["code"] for s in response.json()["sessions"]]


async def test_a_session_file_is_imported_from_the_dashboard(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser, tmp_path: Path
) -> None:
    errors: list[str] = []
    code, _ = await draft_evaluation(facilitator)
    response = await facilitator.get(f"/api/sessions/{code}/export.json")
    assert response.status_code == 200, response.text
    exported = response.json()
    good = tmp_path / "økt-nordvik.json"
    good.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "noe-annet.json"
    bad.write_text(json.dumps({"title": "Ikke en øktfil"}), encoding="utf-8")
    expected = (
        await facilitator.post(
            "/api/sessions/import",
            content=bad.read_bytes(),
            headers={"content-type": "application/json", "accept-language": "nb-NO,nb"},
        )
    ).json()["error"]
    before = await codes(facilitator)

    context, page = await dashboard(browser, server)
    try:
        watch_errors(page, errors)
        form = page.locator("form#import-session")
        button = form.get_by_role("button", name=nb("Import the file"))

        # No file chosen, then a file that is not a session: said plainly, nothing made.
        await button.click()
        await expect(form.get_by_role("alert")).to_have_text(nb("Choose a session file first."))
        await form.get_by_label(nb("Session file (JSON)")).set_input_files(str(bad))
        await button.click()
        await expect(form.get_by_role("alert")).to_have_text(expected, timeout=TIMEOUT)
        await expect(button).to_be_enabled()
        await shot(page, "dashboard-import-refused", full_page=True)
        assert await codes(facilitator) == before

        await form.get_by_label(nb("Session file (JSON)")).set_input_files(str(good))
        await expect(form.get_by_role("alert")).to_be_hidden()
        await button.click()
        await page.wait_for_url(re.compile(r"/console/[A-Z0-9]+$"), timeout=TIMEOUT)
        new_code = page.url.rsplit("/", 1)[1]
        assert new_code != code
        await expect(page.locator("#live")).to_have_attribute(
            "data-status", "open", timeout=TIMEOUT
        )
        await expect(page.locator(".activity-card")).to_have_count(2, timeout=TIMEOUT)
        await shot(page, "dashboard-import-console")

        after = await codes(facilitator)
        assert len(after) == len(before) + 1
        assert set(after) - set(before) == {new_code}
        imported = await state_of(facilitator, new_code)
        assert [a["kind"] for a in imported["activities"]] == ["poll", "evaluation"]

        await page.goto(f"{server.url}/")
        await expect(page.locator(f'.session-item[data-code="{new_code}"]')).to_be_visible()
        await shot(page, "dashboard-import-listed", full_page=True)
        assert errors == []
    finally:
        await context.close()
