"""axe-core on every page people see (issue 18, point 1): WCAG 2.1 A/AA, no violations.

One session a language (nb, nn, en: the pages follow the session's language), driven through
its states by the real server: the join page; the phone waiting, in an open dilemma, poll,
scale and reflection, after answering, with a revealed result, at the closing's evaluation
(before and after sending it) and closed; the screen's join page, an open question, revealed
bars and a revealed scale, the reflection's wall, the closing, the evaluation's figures, the
agenda view and the end; and the console, before and during an activity. Every violation of
every state is collected and reported together (tests/axe.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.axe import check
from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, login, new_session, set_state
from tests.test_browser import PHONE
from tests.test_evaluation import TEMPLATE, _evaluate, _to_the_closing
from tests.test_phone_page import TIMEOUT, session_state, watch_errors
from workshop.i18n import gettext_for


async def ok(client: httpx.AsyncClient, path: str, body: dict[str, Any] | None = None) -> None:
    response = await client.post(path, json=body or {})
    assert response.status_code == 200, response.text


async def view(screen: Page, name: str, also: str = "true") -> None:
    await screen.wait_for_function(
        f"() => document.body.dataset.view === {name!r} && ({also})", timeout=TIMEOUT
    )


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
async def test_no_wcag_violations_on_phone_screen_and_console(
    server: Server, browser: Browser, language: str
) -> None:
    errors: list[str] = []
    found: dict[str, str] = {}
    client = await login(server, "anna")
    others: list[Phone] = []
    try:
        created = await new_session(
            client, title="Lillevik kommunestyre", tables=3, language=language
        )
        code = created["code"]
        api = f"/api/sessions/{code}"
        response = await client.post(f"{api}/agenda", json={"template": TEMPLATE})
        assert response.status_code == 201, response.text
        state = await session_state(client, code)
        first = {}
        for activity in state["activities"]:
            first.setdefault(activity["kind"], activity)
        dilemma, scale, reflection = first["dilemma"], first["scale"], first["reflection"]
        poll = await add_activity(
            client,
            code,
            kind="poll",
            prompt="Er dagsordenen klar?",
            options=["Ja", "Nei"],
            segment=dilemma["segment"],
        )

        locale = f"{language}-NO" if language != "en" else "en-GB"
        phone = await (await browser.new_context(**PHONE, locale=locale)).new_page()
        screen = await (
            await browser.new_context(viewport={"width": 1920, "height": 1080}, locale=locale)
        ).new_page()
        console_context = await browser.new_context(
            viewport={"width": 1440, "height": 900}, locale=locale
        )
        await console_context.add_cookies(
            [
                {"name": c.name, "value": c.value or "", "url": server.url}
                for c in client.cookies.jar
            ]
        )
        console = await console_context.new_page()
        for page in (phone, screen, console):
            watch_errors(page, errors)

        # The join page, then waiting at a table.
        await phone.goto(created["join_url"])
        await expect(phone.locator("html")).to_have_attribute("lang", language)
        await check(phone, "phone: join page", found)
        choose = gettext_for(language, "Choose a table for me")
        await phone.get_by_role("button", name=choose).click()
        body = phone.locator("body")
        await expect(body).to_have_attribute("data-connection", "open", timeout=TIMEOUT)
        await check(phone, "phone: waiting", found)

        await screen.goto(created["screen_url"])
        await expect(screen.locator("html")).to_have_attribute("lang", language)
        await view(screen, "join")
        await check(screen, "screen: join", found)

        await console.goto(f"{server.url}/console/{code}")
        await expect(console.locator("html")).to_have_attribute("lang", language)
        await expect(console.locator(".activity-card").first).to_be_visible(timeout=TIMEOUT)
        await check(console, "console", found)

        for n in range(2):
            other = await Phone.join(server, code, table=n + 1)
            await other.connect()
            others.append(other)

        # An open dilemma; answered; revealed.
        await set_state(client, code, dilemma["id"], "open")
        await ok(client, f"{api}/current", {"activity": dilemma["id"]})
        options = phone.locator("section.activity button.option")
        await expect(options).to_have_count(len(dilemma["options"]), timeout=TIMEOUT)
        await check(phone, "phone: open dilemma", found)
        await options.nth(0).click()
        await expect(body).to_have_attribute("data-pending", "0", timeout=TIMEOUT)
        await expect(phone.locator(".feedback")).not_to_be_empty(timeout=TIMEOUT)
        await check(phone, "phone: after answering", found)
        for n, other in enumerate(others):
            assert (await other.vote(dilemma["id"], n % 2))["type"] == "ack"
        await view(screen, "open")
        await check(screen, "screen: open question", found)
        await check(console, "console: an open dilemma", found)
        await set_state(client, code, dilemma["id"], "revealed")
        await expect(phone.locator(".state-banner")).to_be_visible(timeout=TIMEOUT)
        await check(phone, "phone: revealed", found)
        await view(screen, "revealed", "document.querySelector('.bars')")
        await check(screen, "screen: revealed bars", found)

        # A poll, open.
        await set_state(client, code, poll, "open")
        await ok(client, f"{api}/current", {"activity": poll})
        await expect(phone.locator(".prompt")).to_have_text("Er dagsordenen klar?", timeout=TIMEOUT)
        await check(phone, "phone: open poll", found)

        # A scale, open, then revealed.
        await set_state(client, code, scale["id"], "open")
        await ok(client, f"{api}/current", {"activity": scale["id"]})
        await expect(phone.locator(".prompt")).to_have_text(scale["prompt"], timeout=TIMEOUT)
        await check(phone, "phone: open scale", found)
        for n, other in enumerate(others):
            assert (await other.vote(scale["id"], n + 1))["type"] == "ack"
        await set_state(client, code, scale["id"], "revealed")
        await view(screen, "revealed", "document.querySelector('.scale-cols')")
        await check(screen, "screen: revealed scale", found)
        if language == "nb":
            ARTIFACTS.mkdir(exist_ok=True)
            await screen.screenshot(path=str(ARTIFACTS / "axe-screen-scale.png"))

        # A reflection, open; posted; its wall on the screen.
        await set_state(client, code, reflection["id"], "open")
        await ok(client, f"{api}/current", {"activity": reflection["id"]})
        await expect(phone.locator(".prompt")).to_have_text(reflection["prompt"], timeout=TIMEOUT)
        await check(phone, "phone: open reflection", found)
        for other in others:
            reply = await other.post(reflection["id"], "At habilitet handler om tillit.")
            assert reply["type"] == "ack", reply
        await set_state(client, code, reflection["id"], "revealed")
        await view(screen, "revealed", "document.querySelector('.wall-post')")
        await check(screen, "screen: the wall", found)

        # The closing: the phone's evaluation, answered; the screen's count, then the
        # summary; the agenda view with every segment finished; the session closed.
        evaluation = (await _to_the_closing(client, code))["activity"]
        card = phone.locator(".kind-evaluation")
        await expect(card).to_be_visible(timeout=TIMEOUT)
        await check(phone, "phone: the evaluation", found)
        await view(screen, "closing")
        await check(screen, "screen: closing", found)
        await card.locator('.eval-question[data-key="useful"] .eval-step').nth(3).click()
        await card.locator(".eval-send").click()
        await expect(card.locator(".eval-foot .feedback")).not_to_be_empty(timeout=TIMEOUT)
        await expect(body).to_have_attribute("data-pending", "0", timeout=TIMEOUT)
        await check(phone, "phone: the evaluation sent", found)
        for n, other in enumerate(others):
            answers = {"useful": n + 2, "engaged": n + 3}
            assert (await _evaluate(other, evaluation, answers))["type"] == "ack"
        await set_state(client, code, evaluation, "revealed")
        await view(screen, "evaluation")
        await check(screen, "screen: the evaluation's figures", found)
        await ok(client, f"{api}/screen-view", {"view": "agenda"})
        await view(screen, "agenda", "document.querySelector('.agenda-item.is-done')")
        await check(screen, "screen: agenda", found)
        if language == "nb":
            await screen.screenshot(path=str(ARTIFACTS / "axe-screen-agenda.png"))
        await ok(client, f"{api}/screen-view", {"view": "options"})
        await ok(client, f"{api}/close")
        await expect(phone.locator(".closed-view")).to_be_visible(timeout=TIMEOUT)
        await check(phone, "phone: the session closed", found)
        await view(screen, "ended")
        await check(screen, "screen: the session closed", found)
    finally:
        for other in others:
            await other.close()
        await client.aclose()
    assert not found, "\n\n".join(found.values())
    assert errors == []
