"""A station rotation in Chromium: the console adds it to the plan, starts it and moves it
on; the screen (1920x1080) shows the map of who is where; a phone (390x844) says where to go
now and next, and its post lands under its station. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import PASSWORD, Server, new_session

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
STATIONS = [
    ("Helse og omsorg", "What do older people in our municipality need most in ten years?"),
    ("Technical services", "Which roads and water pipes should come first?"),
    ("Schools and kindergartens", "What makes a good school day for every child?"),
]


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def test_stations_in_the_browser(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    created = await new_session(facilitator, title="Kommunetorget", tables=6, language="en")
    code = created["code"]
    segment = await facilitator.post(
        f"/api/sessions/{code}/segments", json={"title": "Meet the administration"}
    )
    assert segment.status_code == 201

    console_context = await browser.new_context(
        viewport={"width": 1440, "height": 1000}, locale="en-GB"
    )
    console = await console_context.new_page()
    await console.goto(f"{server.url}/login")
    await console.get_by_label("User name").fill("anna")
    await console.get_by_label("Password").fill(PASSWORD)
    await console.get_by_role("button", name="Log in").click()
    await console.wait_for_url(re.compile(r"/(dashboard|sessions|$)"))
    await console.goto(f"{server.url}/console/{code}")

    # The form in the console: three stations, ten minutes each, in the segment.
    tool = console.locator("#stations-add")
    await tool.locator("summary").click()
    await tool.get_by_label("Segment").select_option(label="Meet the administration")
    await tool.get_by_label("Title (optional)").fill("Kommunetorg")
    rows = tool.locator(".station-row")
    for n, (name, prompt) in enumerate(STATIONS):
        await rows.nth(n).get_by_label("Name of the station").fill(name)
        await rows.nth(n).get_by_label("The station's question").fill(prompt)
    await tool.get_by_role("button", name="Add the station rotation").click()
    await expect(console.locator("#toast")).to_contain_text("station rotation is in the plan")
    activities = (await facilitator.get(f"/api/sessions/{code}/results")).json()["activities"]
    activity = activities[0]["id"]
    # Its card in the plan says what it is: stations, and how many (not just "Reflection").
    badge = console.locator(f'.activity-card[data-id="{activity}"] .kind-badge')
    await expect(badge).to_have_text("Stations: 3")

    response = await facilitator.post(
        f"/api/sessions/{code}/activities/{activity}/state", json={"state": "open"}
    )
    assert response.status_code == 200
    panel = console.locator("#stations-panel")
    await expect(panel).to_be_visible()
    await expect(panel).to_contain_text("Not started yet")

    screen = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    await screen.goto(created["screen_url"])
    await expect(screen.locator(".stations-view")).to_be_visible()
    await expect(screen.locator(".station-box")).to_have_count(3)

    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.goto(created["join_url"])
    await phone.get_by_role("button", name="Table 2").first.click()
    await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
    card = phone.locator("#station")
    await expect(card).to_contain_text("Technical services")

    await panel.get_by_role("button", name="Start the rotation").click()
    await expect(panel).to_contain_text("Round 1 of 3")
    await expect(card.locator(".station-go")).to_have_text("Technical services")
    await expect(card.locator(".station-next")).to_contain_text(
        re.compile(r"Next: Schools and kindergartens at \d\d:\d\d")
    )
    await expect(card.locator(".station-left")).to_contain_text("left at this station")
    await expect(screen.locator(".stations-countdown")).to_have_text(re.compile(r"^(09|10):\d\d$"))
    boxes = screen.locator(".station-box")
    await expect(boxes.nth(0).locator(".station-table")).to_have_text(["Table 1", "Table 4"])
    await expect(boxes.nth(1).locator(".station-table")).to_have_text(["Table 2", "Table 5"])

    await shot(phone, "stations-phone")
    await phone.get_by_role("textbox", name="Your thoughts").fill(
        "Fix the road to the school before winter"
    )
    await phone.get_by_role("button", name="Post", exact=True).click()
    await expect(phone.locator(".post-text")).to_contain_text(["Fix the road"])
    await phone.evaluate("window.scrollTo(0, 0)")
    await shot(phone, "stations-phone-posted")
    await shot(screen, "stations-screen")

    await panel.get_by_role("button", name="Next station").click()
    await expect(panel).to_contain_text("Round 2 of 3")
    await expect(card.locator(".station-go")).to_have_text("Schools and kindergartens")
    await expect(boxes.nth(0).locator(".station-table")).to_have_text(["Table 3", "Table 6"])
    await expect(panel.locator(".stations-groups")).to_contain_text("Technical services (1)")
    await shot(console, "stations-console")

    # Each touch target on the phone card's page is big enough.
    post_button = phone.get_by_role("button", name="Post", exact=True)
    box = await post_button.bounding_box()
    assert box is not None and box["height"] >= 44
    # Nothing on the screen's map spills out of the window.
    overflow = await screen.evaluate(
        "() => [...document.querySelectorAll('.station-box')].some("
        "b => b.getBoundingClientRect().bottom > window.innerHeight + 1)"
    )
    assert not overflow


async def test_thirty_tables_at_five_stations_fit_the_screen(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    created = await new_session(facilitator, title="Stort torg", tables=30, language="nb")
    code = created["code"]
    names = ["Helse og omsorg", "Teknisk", "Oppvekst", "Kultur og frivillighet", "Økonomi"]
    made = await facilitator.post(
        f"/api/sessions/{code}/stations",
        json={
            "title": "Kommunetorg",
            "stations": [{"name": n, "prompt": f"Hva bør {n.lower()} gjøre først?"} for n in names],
            "minutes": 12,
        },
    )
    assert made.status_code == 201, made.text
    activity = made.json()["id"]
    opened = await facilitator.post(
        f"/api/sessions/{code}/activities/{activity}/state", json={"state": "open"}
    )
    assert opened.status_code == 200
    started = await facilitator.post(f"/api/sessions/{code}/stations/{activity}/start")
    assert started.status_code == 200
    for size, name in [
        ((1920, 1080), "stations-screen-30"),
        ((1280, 720), "stations-screen-30-720"),
    ]:
        screen = await (
            await browser.new_context(viewport={"width": size[0], "height": size[1]})
        ).new_page()
        await screen.goto(created["screen_url"])
        await expect(screen.locator(".station-table")).to_have_count(30)
        await expect(screen.locator(".station-box").nth(0)).to_contain_text("Bord 1")
        await expect(screen.locator(".station-box").nth(0)).to_contain_text("Bord 26")
        cut = await screen.evaluate(
            "() => [...document.querySelectorAll('.station-box')].filter("
            "b => b.scrollHeight > b.clientHeight + 1 || "
            "b.getBoundingClientRect().bottom > window.innerHeight + 1).length"
        )
        assert cut == 0
        await shot(screen, name)
