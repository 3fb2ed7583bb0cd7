"""The screen in a bright room (issue 18, point 8) and its agenda at the end of the day, in
Chromium at 1920x1080: high contrast from the console's link, switched with K and kept on
that screen; at the closing every segment of the agenda is finished, also one the room
never stepped into."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, new_session, set_state
from tests.test_axe import ok, view
from tests.test_evaluation import TEMPLATE, _to_the_closing
from tests.test_phone_page import session_state, watch_errors

HIGH = re.compile(r"\bcontrast-high\b")
SCREEN = {"viewport": {"width": 1920, "height": 1080}, "locale": "nb-NO"}


async def test_high_contrast_is_chosen_switched_and_kept(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=3)
    code = created["code"]
    response = await facilitator.get(f"/console/{code}")
    assert 'id="screen-link-contrast"' in response.text and "contrast=high" in response.text
    activity = await _poll(facilitator, code)
    await set_state(facilitator, code, activity, "open")
    phones = [await Phone.join(server, code) for _ in range(6)]
    for n, phone in enumerate(phones):
        await phone.connect()
        assert (await phone.vote(activity, n % 3))["type"] == "ack"
    await set_state(facilitator, code, activity, "revealed")

    page = await (await browser.new_context(**SCREEN)).new_page()
    watch_errors(page, errors)
    body = page.locator("body")
    await page.goto(created["screen_url"] + "&contrast=high")
    await view(page, "revealed", "document.querySelector('.bar-fill')")
    await expect(body).to_have_class(HIGH)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "screen-high-contrast.png"))
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 255, 255)"

    # K switches it; the screen remembers the last choice without the address saying so.
    await page.keyboard.press("k")
    await expect(body).not_to_have_class(HIGH)
    await page.goto(created["screen_url"])
    await view(page, "revealed")
    await expect(body).not_to_have_class(HIGH)
    await page.keyboard.press("K")
    await expect(body).to_have_class(HIGH)
    await page.reload()
    await view(page, "revealed")
    await expect(body).to_have_class(HIGH)
    await page.goto(created["screen_url"] + "&contrast=normal")
    await view(page, "revealed")
    await expect(body).not_to_have_class(HIGH)
    for phone in phones:
        await phone.close()
    assert errors == []


async def _poll(client: httpx.AsyncClient, code: str) -> int:
    response = await client.post(
        f"/api/sessions/{code}/activities",
        json={
            "kind": "poll",
            "prompt": "Hvor møtes vi?",
            "options": ["Nordvik", "Sørbø", "Holmøya"],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_at_the_closing_every_segment_of_the_agenda_is_finished(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    response = await facilitator.post(f"/api/sessions/{code}/agenda", json={"template": TEMPLATE})
    assert response.status_code == 201, response.text
    state = await session_state(facilitator, code)
    # The facilitator opens the second segment's first activity at once: the welcome
    # segment is never stepped into.
    later = next(a for a in state["activities"] if a["segment"] != state["segments"][0]["id"])
    await set_state(facilitator, code, later["id"], "open")
    await _to_the_closing(facilitator, code)
    await ok(facilitator, f"/api/sessions/{code}/screen-view", {"view": "agenda"})
    page = await (await browser.new_context(**SCREEN)).new_page()
    watch_errors(page, errors)
    await page.goto(created["screen_url"])
    await view(page, "agenda", "document.querySelector('.agenda-item')")
    items = page.locator(".agenda-item")
    count = await items.count()
    assert count == len(state["segments"])
    await expect(page.locator(".agenda-item.is-done")).to_have_count(count)
    await page.screenshot(path=str(ARTIFACTS / "screen-agenda-at-the-closing.png"))
    assert errors == []
