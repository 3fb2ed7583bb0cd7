"""Focus and announcements on the phone in Chromium (issue 18, point 5): a live update never
steals or drops focus, a new activity and an accepted answer are announced through live
regions, and the word explanation is a modal dialog that gives focus back."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page, expect

from tests.live import Phone, Server, add_activity, new_id, new_session, set_state
from tests.test_phone_page import TIMEOUT, add_case, join, nb, watch_errors

FOCUSED = """() => {
  const a = document.activeElement;
  return a ? [a.tagName, a.className, a.textContent.trim()] : null;
}"""


async def focused(page: Page) -> list[str] | None:
    return await page.evaluate(FOCUSED)


async def test_live_updates_keep_focus_and_a_new_question_takes_it_and_is_announced(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=1)
    code = created["code"]
    dilemma, scale, _ = await add_case(facilitator, code, "fredrik-forste-uke")
    await set_state(facilitator, code, dilemma, "open")
    phone = await join(browser, created["join_url"], errors)
    second = phone.locator("button.option").nth(1)
    await second.focus()
    where = await focused(phone)
    assert where and "option" in where[1]

    # Someone joins the table (a table frame), the facilitator starts a timer (an activity
    # frame): focus stays on the same answer.
    other = await Phone.join(server, code)
    await other.connect()
    await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
    response = await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": 300})
    assert response.status_code == 200, response.text
    await expect(phone.locator("#timer-line")).to_be_visible(timeout=TIMEOUT)
    assert await focused(phone) == where

    # Answering with the keyboard: still there, and the saved answer is announced.
    await phone.keyboard.press("Enter")
    await expect(second).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    status = phone.locator(".feedback[role=status]")
    await expect(status).to_contain_text("✓", timeout=TIMEOUT)
    now = await focused(phone)
    assert now and now[0] == where[0] and now[2] == where[2]  # the same answer button

    # A new question: focus goes to it (not to <body>), and the live region says so.
    await set_state(facilitator, code, scale, "open")
    question = phone.locator(".question")
    await expect(question).to_be_focused(timeout=TIMEOUT)
    await expect(phone.locator("#announce")).to_contain_text(nb("New question"))
    # Focus outside the redrawn part is never moved: the language links, say.
    link = phone.locator(".lang-choice a").first
    await link.focus()
    await set_state(facilitator, code, dilemma, "open")
    await expect(phone.locator(".activity-title")).to_be_visible(timeout=TIMEOUT)
    await expect(link).to_be_focused()
    await other.close()
    assert errors == []


async def test_the_word_explanation_is_a_modal_dialog(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=1)
    code = created["code"]
    ids = await add_case(facilitator, code, "habilitet-svogerens-tomt")
    await set_state(facilitator, code, ids[0], "open")
    phone = await join(browser, created["join_url"], errors)
    watch_errors(phone, errors)
    await phone.get_by_role("button", name=nb("Read the whole case")).tap()
    word = phone.locator(".case-story button.term").first
    await word.focus()
    await phone.keyboard.press("Enter")
    dialog = phone.get_by_role("dialog")
    await expect(dialog).to_be_visible(timeout=TIMEOUT)
    await expect(dialog).to_have_attribute("aria-modal", "true")
    close = dialog.get_by_role("button", name=nb("Close the explanation"))
    await expect(close).to_be_focused()
    # The page behind is inert, and Tab stays in the dialog.
    assert await phone.evaluate("document.querySelector('.phone').inert") is True
    for _ in range(3):
        await phone.keyboard.press("Tab")
        await expect(close).to_be_focused()
    await phone.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(word).to_be_focused()
    assert await phone.evaluate("document.querySelector('.phone').inert") is False
    assert errors == []


async def test_the_table_answers_confirm_button_keeps_focus_through_updates(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Bordet svarer", tables=1)
    code = created["code"]
    activity = await add_activity(
        facilitator, code, kind="poll", prompt="Hvor møtes vi?", options=["Her", "Der"], by="table"
    )
    await set_state(facilitator, code, activity, "open")
    phone = await join(browser, created["join_url"], errors)
    other = await Phone.join(server, code, table=1)
    await other.connect()
    assert other.socket is not None
    await other.socket.send({"type": "propose", "id": new_id(), "activity": activity, "option": 1})
    confirm = phone.locator(".confirm-proposal")
    await expect(confirm).to_be_visible(timeout=TIMEOUT)
    await confirm.focus()
    # Every frame redraws the proposal; the button under the reader's focus is kept.
    for seconds in (300, 240):
        response = await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": seconds})
        assert response.status_code == 200, response.text
        await expect(phone.locator("#timer-line")).to_contain_text(
            f"{seconds // 60 - 1}:", timeout=TIMEOUT
        )
        await expect(confirm).to_be_focused()
    await other.close()
    assert errors == []
