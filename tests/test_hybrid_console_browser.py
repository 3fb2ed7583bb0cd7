"""The console on a hybrid day, in Chromium at 1440x900: the "Join from home" box beside the
room's join link (link, QR code, digital tables and people at them), the video meetings'
links (a wrong pattern refused in plain words, then saved and resolved per digital table, a
table's own link), "Add a digital table", and the "Digital" tags. Screenshots in
test-artifacts/ are for people to look at."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, new_session, set_state

LAPTOP = {"viewport": {"width": 1440, "height": 900}, "locale": "en-GB"}
PATTERN = "https://meet.example/lillevik-{table}"


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def open_console(browser: Browser, server: Server, client: httpx.AsyncClient, code: str):
    page = await (await browser.new_context(**LAPTOP)).new_page()
    await page.context.add_cookies(
        [{"name": k, "value": v, "url": server.url} for k, v in client.cookies.items()]
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{server.url}/console/{code}")
    await expect(page.locator("#live")).to_have_attribute("data-status", "open")
    return page, errors


async def test_the_facilitator_sets_up_a_hybrid_day_from_the_console(
    server: Server, browser: Browser, facilitator: httpx.AsyncClient
):
    created = await new_session(
        facilitator, title="Lillevik kommunestyre", tables=3, digital_tables=2, language="en"
    )
    code = created["code"]
    console, errors = await open_console(browser, server, facilitator, code)

    home = console.locator("#home-box")
    await expect(home.get_by_role("heading", name="Join from home")).to_be_visible()
    link = home.locator("#home-link")
    await expect(link).to_have_text(f"{created['join_url']}?from=home")
    assert await link.get_attribute("href") == f"{created['join_url']}?from=home"
    qr = home.get_by_role("img", name="QR code for joining from home")
    await expect(qr).to_be_visible()
    assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")  # it loaded
    await expect(home.get_by_role("button", name="Copy the join-from-home link")).to_be_visible()
    counts = home.locator("#home-counts")
    await expect(counts).to_have_text("Digital tables: 2 · People at them: 0")
    # Beside the room's own join link, not instead of it.
    room_box = await console.locator(".join-box").first.bounding_box()
    home_box = await home.bounding_box()
    assert room_box and home_box and home_box["y"] >= room_box["y"] + room_box["height"] - 1
    next_button = await console.locator("#next-button").bounding_box()
    assert next_button and next_button["y"] + next_button["height"] <= 900  # Next in sight

    missing = home.locator("#home-missing")
    await expect(missing).to_be_visible()
    await missing.get_by_role("link", name="Set the meeting links").click()
    panel = console.locator("#meetings-panel")
    await expect(panel.get_by_label("Link to the plenary meeting")).to_be_focused()
    await expect(panel.locator(".hy-meeting-row")).to_have_count(2)
    await expect(panel.locator(".hy-meeting-row").first).to_contain_text("No link yet")

    # What is typed survives a live update (somebody joins from home meanwhile).
    await panel.get_by_label("Link to the plenary meeting").fill("https://meet.example/plenum")
    await Phone.join(server, code, name="Heime", remote=True)
    await expect(counts).to_have_text("Digital tables: 2 · People at them: 1")
    await expect(panel.get_by_label("Link to the plenary meeting")).to_have_value(
        "https://meet.example/plenum"
    )

    # A pattern without {table} is refused, in plain words, next to the form.
    pattern = panel.get_by_label("Link for the digital tables")
    await pattern.fill("https://meet.example/lillevik")
    save = panel.get_by_role("button", name="Save the links")
    await save.click()
    error = panel.locator("#meetings-error")
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("{table}")
    await expect(panel.locator("#meetings-status")).to_have_text("Not saved yet")

    await pattern.fill(PATTERN)
    await save.click()
    await expect(panel.locator("#meetings-status")).to_have_text("Saved")
    await expect(error).to_be_hidden()
    rows = panel.locator(".hy-meeting-row")
    await expect(rows.nth(0)).to_contain_text("Online table 1")
    await expect(rows.nth(0).get_by_role("link")).to_have_text("https://meet.example/lillevik-1")
    await expect(rows.nth(1).get_by_role("link")).to_have_text("https://meet.example/lillevik-2")
    await expect(missing).to_be_hidden()
    stored = (await facilitator.get(f"/api/sessions/{code}")).json()["hybrid"]
    assert stored["plenary_url"] == "https://meet.example/plenum"
    assert stored["meeting_pattern"] == PATTERN

    # One table gets a link of its own instead of the pattern's.
    second = rows.nth(1)
    await second.get_by_text("Its own link instead (optional)").click()
    await second.get_by_label("Own meeting link for Online table 2").fill("https://x.example/two")
    await save.click()
    await expect(second.get_by_role("link")).to_have_text("https://x.example/two")
    await expect(second.locator(".own-tag")).to_have_text("own link")
    await expect(rows.nth(0).get_by_role("link")).to_have_text("https://meet.example/lillevik-1")
    await panel.evaluate("el => el.scrollIntoView({block: 'start'})")  # as the link does
    await shot(console, "console-hybrid-meetings")

    # One more digital table, with the button: its link follows the pattern.
    await console.evaluate("window.scrollTo(0, 0)")
    await home.get_by_role("button", name="Add a digital table").click()
    await expect(console.locator("#toast")).to_contain_text("Online table 3 is added.")
    await expect(counts).to_have_text("Digital tables: 3 · People at them: 1")
    await expect(rows).to_have_count(3)
    await expect(rows.nth(2).get_by_role("link")).to_have_text("https://meet.example/lillevik-3")
    await expect(console.locator("#tables .digital-tag")).to_have_count(3)
    await expect(console.locator("#tables .digital-tag").first).to_have_text("Digital")
    # While an activity is live, "who has answered" marks the digital table with people.
    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Kaffe?", options=["Ja", "Nei"]
    )
    await set_state(facilitator, code, poll, "open")
    await expect(console.locator("#participation .part-row")).to_have_count(1)
    await expect(console.locator("#participation .digital-tag")).to_have_text("Digital")
    await shot(console, "console-hybrid")
    for box, name in (("#participation", "participation"), ("#tables", "tables")):
        await console.locator(box).screenshot(path=str(ARTIFACTS / f"console-hybrid-{name}.png"))

    # Reseating mixes the room and home only when asked.
    mix = console.locator("#seating-panel").get_by_label("Mix room and home")
    await expect(mix).not_to_be_checked()
    await mix.check()
    console.on("dialog", lambda dialog: dialog.accept())
    async with console.expect_request(lambda r: r.url.endswith("/reseat")) as sent:
        await console.get_by_role("button", name="Reseat everyone").click()
    assert (await sent.value).post_data_json == {"mix": True}
    kinds = [
        t["kind"] for t in (await facilitator.get(f"/api/sessions/{code}/tables")).json()["tables"]
    ]
    assert kinds == ["room"] * 3 + ["digital"] * 3
    assert errors == []
    await console.context.close()


async def test_a_room_only_session_explains_joining_from_home(
    server: Server, browser: Browser, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Bystyret", tables=2, language="en")
    console, errors = await open_console(browser, server, facilitator, created["code"])
    home = console.locator("#home-box")
    await expect(home.locator("#home-none")).to_contain_text("digital table")
    await expect(home.locator("#home-link")).to_be_hidden()
    await expect(home.get_by_role("img")).to_be_hidden()
    await expect(console.locator("#meetings-panel")).to_be_hidden()
    await expect(console.locator("#reseat-mix")).to_be_hidden()
    await shot(console, "console-room-only")
    await home.get_by_role("button", name="Add a digital table").click()
    await expect(home.locator("#home-link")).to_have_text(f"{created['join_url']}?from=home")
    await expect(home.locator("#home-none")).to_be_hidden()
    await expect(home.locator("#home-counts")).to_have_text("Digital tables: 1 · People at them: 0")
    await expect(console.locator("#meetings-panel .hy-meeting-row")).to_have_count(1)
    await expect(console.locator("#reseat-mix")).to_be_visible()
    assert errors == []
    await console.context.close()
