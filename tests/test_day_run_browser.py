"""The two-hour template run end to end, as a facilitator runs it (issue 14): the console in
Chromium at 1440x900 presses the one obvious button at each step, the plenary screen follows
at 1920x1080, twelve phones at six tables answer every activity (one of them a real page at
390x844, the rest WebSocket clients), and the day ends in a closed session: phones say
goodbye, the screen thanks the room, and the results are all there.

Screenshots of each step land in test-artifacts/day-<n>-<what>.png."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, new_id, new_session
from tests.test_browser_agenda import SCREEN, TEMPLATE, TIMEOUT, console_page, nb, watch_errors

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "nb-NO", "is_mobile": True}
TABLES = 6
PHONES = 12


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"day-{name}.png"), animations="disabled")


async def answer(phones: list[Phone], activity: dict[str, Any]) -> None:
    """Every WebSocket phone answers: a vote (with a why on a dilemma) or a post."""
    for n, phone in enumerate(phones):
        if activity["kind"] == "reflection":
            reply = await phone.post(activity["id"], f"Tanke {n + 1} fra bordet")
        else:
            why = {"why": f"Grunn {n + 1}"} if activity["kind"] == "dilemma" else {}
            reply = await phone.vote(activity["id"], n % len(activity["options"]), **why)
        assert reply["type"] == "ack", reply


async def test_the_two_hour_template_from_first_step_to_a_closed_session(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
):
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=TABLES)
    code = created["code"]
    response = await facilitator.post(f"/api/sessions/{code}/agenda", json={"template": TEMPLATE})
    assert response.status_code == 201, response.text
    plan = (await facilitator.get(f"/api/sessions/{code}")).json()

    console_context, console = await console_page(browser, server, code)
    watch_errors(console, errors)
    screen_context = await browser.new_context(**SCREEN)
    screen = await screen_context.new_page()
    watch_errors(screen, errors)
    await screen.goto(created["screen_url"])
    phone_context = await browser.new_context(**PHONE)
    page = await phone_context.new_page()
    watch_errors(page, errors)
    await page.goto(f"{server.url}/j/{code}")
    await page.get_by_label(nb("Your name (optional)")).fill("Kari")
    await page.get_by_role("button", name=nb("Choose a table for me")).click()
    await expect(page.get_by_text(nb("You are in!"))).to_be_visible(timeout=TIMEOUT)
    phones = [await Phone.join(server, code, table=n % TABLES + 1) for n in range(PHONES - 1)]
    for phone in phones:
        await phone.connect()
    await expect(console.locator("#participants")).to_contain_text(str(PHONES), timeout=TIMEOUT)

    activities = {a["id"]: a for a in plan["activities"]}
    steps = 0
    for segment in plan["segments"]:
        for activity_id in [None, *segment["activities"]]:
            await console.locator("#next-button").click()
            steps += 1
            title = activities[activity_id]["title"] if activity_id else segment["title"]
            await expect(console.locator("#run-now")).to_contain_text(
                title or activities[activity_id]["prompt"][:20], timeout=TIMEOUT
            )
            if activity_id is None:
                await expect(screen.locator(".segment-big")).to_have_text(
                    segment["title"], timeout=TIMEOUT
                )
                continue
            activity = activities[activity_id]
            await answer(phones, activity)
            if activity["kind"] != "reflection":  # the page phone votes by touch
                await page.locator("button.option").first.click()
                # "Saved" names the answer (its label shortened when long).
                saved = nb(
                    "✓ Saved: your answer %(mark)s “%(label)s”",
                    mark="1" if activity["kind"] == "scale" else "A",
                    label="\0",
                ).split("\0")[0]
                await expect(page.locator("body")).to_contain_text(saved, timeout=TIMEOUT)
            await expect(console.locator("#reveal-button")).to_be_visible(timeout=TIMEOUT)
            await console.locator("#reveal-button").click()
            await expect(screen.locator("body")).to_have_attribute(
                "data-view", "revealed", timeout=TIMEOUT
            )
            await shot(screen, f"{steps:02d}-revealed")
    # After the last step: the closing, then the facilitator closes the session.
    await expect(console.locator("#next-button")).to_contain_text(
        nb("Finish: thank-you slide"), timeout=TIMEOUT
    )
    await console.locator("#next-button").click()
    await expect(screen.locator("body")).to_have_attribute("data-view", "closing", timeout=TIMEOUT)
    await expect(screen.locator("#stage")).to_contain_text(str(PHONES), timeout=TIMEOUT)
    await shot(screen, "closing")
    await expect(page.locator("body")).to_contain_text(
        nb("Thank you for taking part today"), timeout=TIMEOUT
    )
    # The closing opens the evaluation: every phone answers it.
    closing = next(a for a in plan["activities"] if a["kind"] == "evaluation")
    busy = [s["id"] for s in plan["segments"] if s["activities"]]
    for n, phone in enumerate(phones):
        assert phone.socket is not None
        frame = {
            "type": "evaluation",
            "id": new_id(),
            "activity": closing["id"],
            "answers": {"topics": busy[: n % 2 + 1], "useful": n % 5 + 1, "again": "yes"},
        }
        since = len(phone.socket.received)
        await phone.socket.send(frame)
        assert (await phone.socket.reply_to(frame["id"], since=since))["type"] == "ack"
    console.once("dialog", lambda dialog: dialog.accept())
    await console.locator("#close-session").click()
    await expect(console.locator("#closed-banner")).to_be_visible(timeout=TIMEOUT)
    await expect(page.locator("body")).to_contain_text(
        nb("The session has ended. Thank you."), timeout=TIMEOUT
    )
    await shot(console, "closed-console")
    await shot(page, "closed-phone")
    for phone in phones:
        assert phone.socket is not None
        await phone.socket.wait_for(lambda m: m["type"] == "activity" and m["closed"])
    # Every answer is in the results: twelve per vote, eleven posts per reflection.
    results = (await facilitator.get(f"/api/sessions/{code}/results")).json()["activities"]
    for result in results:
        kind = activities[result["id"]]["kind"]
        if kind == "evaluation":
            assert result["responses"] == PHONES - 1, result
        elif kind == "reflection":
            assert len(result["posts"]) == PHONES - 1
        else:
            assert sum(result["counts"]) == PHONES, result
    assert errors == []
    for phone in phones:
        await phone.close()
    for context in (console_context, screen_context, phone_context):
        await context.close()
