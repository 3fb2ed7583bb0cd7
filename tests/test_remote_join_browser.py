"""Joining from home in Chromium (390x844): `/j/{code}?from=home` says plainly that this is
joining from home and lists only the digital tables; the phone lands at one and shows one big
link to the video meeting to be in now — a short line while the facilitator has added no
link, the plenary's once there is one, the table's own while the timer runs — updated live.
A phone in the room shows none of it. Screenshots in test-artifacts/ are for people to
look at."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Server, new_session

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "en-GB",
}
PLENARY = "https://meet.example/plenum"


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def test_joining_from_home_opens_the_right_meeting(
    server: Server, browser: Browser, facilitator: httpx.AsyncClient
):
    created = await new_session(
        facilitator, title="Folkevalgtopplæring", tables=2, digital_tables=2, language="en"
    )
    code = created["code"]
    base = f"/api/sessions/{code}"

    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.goto(f"{server.url}/j/{code}?from=home")
    await expect(phone.locator("#join-home")).to_contain_text("You are joining from home")
    await expect(phone.locator("#join-home")).to_contain_text("video meeting")
    choices = phone.locator(".table-choice-name")
    await expect(choices).to_have_text(["Online table 1", "Online table 2"])
    await shot(phone, "phone-join-from-home")
    await phone.get_by_label("Your name (optional)").fill("Kari")
    async with phone.expect_request(re.compile(r"/join$")) as sent:
        await phone.get_by_role("button", name="Choose a table for me").click()
    assert (await sent.value).post_data_json == {"name": "Kari", "remote": True}
    await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
    await expect(phone.locator("#seat-line")).to_have_text("You are at Online table 1")

    meeting = phone.locator("#meeting")
    link = phone.locator("#meeting-link")
    await expect(meeting).to_be_visible()
    await expect(phone.locator("#meeting-missing")).to_have_text(
        "The facilitator has not added a meeting link yet."
    )
    await expect(link).to_be_hidden()
    await shot(phone, "phone-meeting-missing")

    # The facilitator adds the links: the plenary's shows at once, no reload.
    links = await facilitator.post(
        f"{base}/meetings", json={"pattern": "https://meet.example/x-{table}", "plenary": PLENARY}
    )
    assert links.status_code == 200, links.text
    await expect(link).to_have_text("Open the plenary meeting")
    await expect(link).to_have_attribute("href", PLENARY)
    await expect(link).to_have_attribute("target", "_blank")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    await expect(phone.locator("#meeting-missing")).to_be_hidden()
    box = await link.bounding_box()
    assert box is not None and box["height"] >= 60 and box["width"] >= 330  # a big target
    await shot(phone, "phone-meeting-plenary")

    # The timer starts: the tables talk, each in its own meeting (table 3 is Online table 1: x-1).
    started = await facilitator.post(f"{base}/timer", json={"seconds": 300})
    assert started.status_code == 200, started.text
    await expect(link).to_have_text("Open your table's meeting")
    await expect(link).to_have_attribute("href", "https://meet.example/x-1")
    await expect(phone.locator("#timer-line")).to_contain_text("Time left")
    await shot(phone, "phone-meeting-table")

    # A tap opens the meeting in a new tab (the meeting service is played here), which gets
    # neither this page as its opener nor its address, and leaves this page as it was.
    await phone.context.route(
        "https://meet.example/**",
        lambda route: route.fulfill(body="<p>meeting</p>", content_type="text/html"),
    )
    async with phone.context.expect_page() as opened:
        await link.click()
    other = await opened.value
    await other.wait_for_load_state()
    assert other.url == "https://meet.example/x-1"
    assert await other.evaluate("window.opener === null && document.referrer === ''")
    await other.close()
    await expect(phone.locator("#seat-line")).to_have_text("You are at Online table 1")

    # The timer stops: back to the plenary.
    await facilitator.post(f"{base}/timer", json={"seconds": 0})
    await expect(link).to_have_text("Open the plenary meeting")

    # Opened again from the room's join link, the phone keeps its seat at home (and its
    # meeting); changing table from there offers the digital tables only.
    await phone.goto(f"{server.url}/j/{code}")
    await expect(phone.locator("#seat-line")).to_have_text("You are at Online table 1")
    await expect(link).to_have_text("Open the plenary meeting")
    await phone.get_by_role("button", name="Change table").click()
    await expect(phone.locator("#seat-panel .table-choice-name")).to_have_text(
        ["Online table 1", "Online table 2"]
    )
    await phone.locator("#seat-panel").get_by_role("button", name="Cancel").click()
    await expect(phone.locator("#seat-panel")).to_be_hidden()

    # A phone in the room shows nothing of it.
    room = await (await browser.new_context(**PHONE)).new_page()
    await room.goto(f"{server.url}/j/{code}")
    await expect(room.locator("#join-home")).to_have_count(0)
    await expect(room.locator(".table-choice-name")).to_have_text(["Table 1", "Table 2"])
    await room.get_by_role("button", name="Choose a table for me").click()
    await expect(room.locator("#seat-line")).to_have_text("You are at Table 1")
    await expect(room.locator("body")).to_have_attribute("data-connection", "open")
    await expect(room.locator("#table-talk")).to_be_visible()  # its table frame has come
    await expect(room.locator("#meeting")).to_be_hidden()


async def test_joining_from_home_without_digital_tables_says_why(
    server: Server, browser: Browser, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, title="Bare salen", tables=2, language="en"))["code"]
    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.goto(f"{server.url}/j/{code}?from=home")
    await expect(phone.locator("#join-home")).to_be_visible()
    await expect(phone.locator(".table-choice")).to_have_count(0)  # no room table offered
    await phone.get_by_role("button", name="Choose a table for me").click()
    await expect(phone.get_by_role("alert")).to_have_text(
        "This session has no tables for people joining from home. Ask the facilitator to add one."
    )
    await expect(phone.get_by_role("button", name="Choose a table for me")).to_be_enabled()
    await shot(phone, "phone-join-from-home-no-tables")
