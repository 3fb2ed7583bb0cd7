"""End to end in Chromium: a facilitator sets up a dilemma in the console, three phones join
through the QR code on the screen page (decoded from its pixels), vote, and the revealed
bars on the screen are right. Screenshots land in test-artifacts/ for a human to look at."""

from __future__ import annotations

import io
import re
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import (
    PASSWORD,
    Server,
    add_activity,
    login,
    new_session,
    results,
    set_state,
)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def decode_qr(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found in the screenshot"
    return results[0].text


async def test_facilitator_phones_and_screen(server: Server, browser: Browser) -> None:
    console_context = await browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="en-GB"
    )
    console = await console_context.new_page()
    await console.goto(f"{server.url}/login")
    await console.get_by_label("User name").fill("anna")
    await console.get_by_label("Password").fill(PASSWORD)
    await console.get_by_role("button", name="Log in").click()

    await console.get_by_label("Name of the session").fill("Lillevik kommunestyre")
    await console.get_by_label("Number of tables").fill("3")
    await console.get_by_label("Language for participants").select_option("en")
    await console.get_by_role("button", name="Create session").click()
    await expect(console.get_by_role("heading", name="Lillevik kommunestyre")).to_be_visible()
    code = re.search(r"/console/([A-Z0-9]+)", console.url).group(1)  # type: ignore[union-attr]

    await console.get_by_label("Kind").select_option("dilemma")
    await console.get_by_label("Text people see").fill(
        "Fredrik has promised a new sports hall. Should he raise it before the budget?"
    )
    await console.get_by_label("Choice A").fill("Wait for the budget")
    await console.get_by_label("Choice B").fill("Raise it now")
    await console.get_by_role("button", name="Add activity").click()
    card = console.locator(".activity-card").first
    await expect(card).to_contain_text("Fredrik has promised")

    # The projector: the join view with its QR code.
    screen_url = await console.locator("#screen-link").get_attribute("href")
    assert screen_url
    screen_context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    screen = await screen_context.new_page()
    await screen.goto(screen_url)
    qr = screen.locator(".join-qr img")
    await expect(qr).to_be_visible()
    await screen.wait_for_function(
        "() => { const i = document.querySelector('.join-qr img'); return i && i.complete"
        " && i.naturalWidth > 0; }"
    )
    await shot(screen, "screen-join")
    join_url = decode_qr(await qr.screenshot())
    assert join_url == f"{server.url}/j/{code}"

    # Three phones join through the decoded URL.
    phones = []
    for n in range(3):
        context = await browser.new_context(**PHONE)
        phone = await context.new_page()
        await phone.goto(join_url)
        await phone.get_by_role("button", name="Table 1").first.click() if n == 0 else (
            await phone.get_by_role(
                "button", name=re.compile("choose a table for me", re.I)
            ).click()
        )
        await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
        phones.append(phone)
    await shot(phones[0], "phone-waiting")
    await expect(screen.locator(".joined")).to_contain_text("3")

    await card.get_by_role("button", name="Open", exact=True).click()
    for n, phone in enumerate(phones):
        option = phone.locator("button.option").nth(0 if n < 2 else 1)
        await option.click()
        await expect(phone.locator(".feedback")).to_contain_text("Saved")
    await shot(phones[2], "phone-voted")
    await expect(screen.locator(".answered-total")).to_contain_text("3")
    # While open the screen shows no distribution.
    assert await screen.locator(".bars").count() == 0
    await shot(screen, "screen-open")
    await shot(console, "console-open")

    await card.get_by_role("button", name=re.compile("^Reveal")).click()
    bars = screen.locator(".bars .bar-row")
    await expect(bars).to_have_count(2)
    await expect(bars.nth(0).locator(".bar-count")).to_have_text("2")
    await expect(bars.nth(1).locator(".bar-count")).to_have_text("1")
    await expect(bars.nth(0).locator(".bar-percent")).to_have_text("67 %")
    await expect(bars.nth(1).locator(".bar-percent")).to_have_text("33 %")
    await shot(screen, "screen-revealed")
    await shot(console, "console-revealed")
    for phone in phones:
        await expect(phone.locator(".state-banner")).to_be_visible()


async def test_a_phone_keeps_its_answer_through_a_server_crash(
    fresh_db: Path, browser: Browser
) -> None:
    """The server dies (kill -9); the phone votes anyway; the server comes back on the same
    address; the phone reconnects by itself, sends what it kept, and it counts once."""
    server = Server(fresh_db).start()
    facilitator = await login(server, "anna")
    try:
        created = await new_session(facilitator, tables=2, language="en")
        code = created["code"]
        poll = await add_activity(
            facilitator, code, kind="poll", prompt="Is the agenda clear?", options=["Yes", "No"]
        )
        await set_state(facilitator, code, poll, "open")
        phone = await (await browser.new_context(**PHONE)).new_page()
        await phone.goto(created["join_url"])
        await phone.get_by_role("button", name=re.compile("choose a table for me", re.I)).click()
        body = phone.locator("body")
        await expect(body).to_have_attribute("data-connection", "open")
        await expect(phone.locator("button.option")).to_have_count(2)

        server.kill()
        await expect(body).to_have_attribute("data-connection", "closed")
        await phone.locator("button.option").nth(1).click()
        await expect(body).to_have_attribute("data-pending", "1")
        await shot(phone, "phone-offline")

        server = Server(fresh_db, port=server.port).start()
        await expect(body).to_have_attribute("data-pending", "0", timeout=30_000)
        await expect(body).to_have_attribute("data-connection", "open")
        await facilitator.aclose()
        facilitator = await login(server, "anna")
        assert (await results(facilitator, code))[poll]["counts"] == [0, 1]

        # The phone sleeps and wakes (a reload): same seat, its answer still marked.
        await phone.reload()
        await expect(body).to_have_attribute("data-connection", "open")
        await expect(phone.locator("button.option").nth(1)).to_have_attribute(
            "aria-pressed", "true"
        )
        assert (await results(facilitator, code))[poll]["counts"] == [0, 1]
    finally:
        await facilitator.aclose()
        server.stop()
