"""A phone switches its language mid-session in Chromium (issue 18, point 4): one tap, the
same seat and answers, every text in the new language, `lang` right on what is not in it,
and the choice kept for a rejoin."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, expect

from tests.live import Server, add_activity, new_session, set_state
from tests.test_browser import PHONE
from tests.test_phone_page import TIMEOUT, add_case, shot, watch_errors
from workshop.i18n import gettext_for


async def test_a_phone_switches_language_mid_session_and_keeps_it(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    dilemma, scale, _ = await add_case(facilitator, code, "fredrik-forste-uke")
    written = await add_activity(
        facilitator,
        code,
        kind="poll",
        prompt="Hvilken dag passer best?",
        options=["Mandag", "Tirsdag"],
    )
    await set_state(facilitator, code, dilemma, "open")
    context = await browser.new_context(**PHONE, locale="nb-NO")
    phone = await context.new_page()
    watch_errors(phone, errors)
    await phone.goto(created["join_url"])
    await phone.get_by_role("button", name=gettext_for("nb", "Choose a table for me")).click()
    await expect(phone.locator("body")).to_have_attribute(
        "data-connection", "open", timeout=TIMEOUT
    )
    await expect(phone.locator(".activity-title")).to_have_text("Hva svarer Fredrik?")
    await phone.locator("button.option").first.tap()
    await expect(phone.locator("button.option").first).to_have_attribute("aria-pressed", "true")
    seat = await phone.locator("#seat-line").inner_text()
    assert "Bord" in seat

    # One tap: English. Same seat, same answer, every text in English.
    await phone.get_by_role("link", name="English").tap()
    await expect(phone.locator("html")).to_have_attribute("lang", "en", timeout=TIMEOUT)
    await expect(phone.locator("body")).to_have_attribute(
        "data-connection", "open", timeout=TIMEOUT
    )
    await expect(phone.locator(".activity-title")).to_have_text("What does Fredrik answer?")
    await expect(phone.locator("button.option").first).to_have_attribute("aria-pressed", "true")
    await expect(phone.locator("#seat-line")).to_contain_text("Table")
    await expect(phone.get_by_role("button", name="Read the whole case")).to_be_visible()
    await expect(phone.get_by_role("link", name="English")).to_have_attribute(
        "aria-current", "true"
    )
    assert await phone.locator(".case-title").get_attribute("lang") is None  # in the page's own

    # A live update in the new language: the scale's labels are English words too.
    await set_state(facilitator, code, scale, "open")
    await expect(phone.locator("button.option").first).to_contain_text(
        "Strongly disagree", timeout=TIMEOUT
    )
    await expect(phone.locator(".prompt")).to_contain_text("It is fine")

    # A question the facilitator wrote stays as written, marked and said to be in bokmål.
    await set_state(facilitator, code, written, "open")
    prompt = phone.locator(".prompt")
    await expect(prompt).to_have_text("Hvilken dag passer best?", timeout=TIMEOUT)
    await expect(prompt).to_have_attribute("lang", "nb")
    await expect(phone.locator(".language-note")).to_have_text(
        "This text is only in Norwegian (bokmål)."
    )
    await expect(phone.locator(".option-label").first).to_have_attribute("lang", "nb")
    await shot(phone, "language-fallback-en")

    # Nynorsk, then a rejoin from the code with a new seat: still nynorsk.
    await phone.get_by_role("link", name="Nynorsk").tap()
    await expect(phone.locator("html")).to_have_attribute("lang", "nn", timeout=TIMEOUT)
    await expect(phone.locator(".language-note")).to_have_text(
        "Denne teksten finst berre på bokmål."
    )
    await set_state(facilitator, code, scale, "open")
    await expect(phone.locator(".prompt")).to_contain_text("Det er greitt", timeout=TIMEOUT)
    await phone.evaluate("localStorage.clear()")
    await phone.goto(created["join_url"])
    await expect(phone.locator("html")).to_have_attribute("lang", "nn")
    await expect(
        phone.get_by_role("button", name=gettext_for("nn", "Choose a table for me"))
    ).to_be_visible()
    await shot(phone, "language-rejoin-nn")
    await context.close()
    assert errors == []
