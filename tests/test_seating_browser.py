"""Seating in Chromium: a phone answers the join questions before it is seated (big
buttons, one skipped), the facilitator adds a question and reseats from the console, the
phone says "Your new table: …" and the screen shows who sits where. Screenshots in
test-artifacts/ (phone 390x844, screen and console 1920x1080) are for people to look at."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, new_session

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "en-GB",
}
WIDE = {"viewport": {"width": 1920, "height": 1080}, "locale": "en-GB"}


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def test_a_phone_answers_join_questions_and_follows_a_reseat(
    server: Server, browser: Browser, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Folkevalgtopplæring", tables=4, language="en")
    code = created["code"]
    base = f"/api/sessions/{code}"

    console = await (await browser.new_context(**WIDE)).new_page()
    await console.context.add_cookies(
        [{"name": k, "value": v, "url": server.url} for k, v in facilitator.cookies.items()]
    )
    await console.goto(f"{server.url}/console/{code}")
    panel = console.locator("#seating-panel")
    await panel.get_by_label("Join question").fill("First term or re-elected?")
    await panel.get_by_label("Answers").fill("First term\nRe-elected")
    await panel.get_by_role("button", name="Add the question").click()
    await expect(panel.locator(".seating-question")).to_have_count(1)
    made = await facilitator.post(
        f"{base}/join-questions",
        json={"prompt": "Elected or administration?", "options": ["Elected", "Administration"]},
    )
    assert made.status_code == 201, made.text
    questions = (await facilitator.get(f"{base}/join-questions")).json()["questions"]
    first, second = (q["id"] for q in questions)

    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.goto(f"{server.url}/j/{code}")
    await phone.get_by_label("Your name (optional)").fill("Kari")
    await phone.get_by_role("button", name="Choose a table for me").click()
    await expect(phone.locator(".join-question-prompt")).to_have_text("First term or re-elected?")
    await expect(phone.locator(".join-question-step")).to_have_text("Question 1 of 2")
    option = phone.get_by_role("button", name="Re-elected")
    box = await option.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300  # a big target
    skip = phone.get_by_role("button", name="I would rather not answer")
    skip_box = await skip.bounding_box()
    assert skip_box is not None and skip_box["height"] >= 44
    await shot(phone, "phone-join-question")
    await option.click()
    await expect(phone.locator(".join-question-prompt")).to_have_text("Elected or administration?")
    await skip.click()  # the second is left unanswered
    await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
    await expect(phone.locator("#seat-line")).to_contain_text("You are at Table")

    listed = (await facilitator.get(f"{base}/join-questions")).json()["questions"]
    assert listed[0]["counts"] == [0, 1] and listed[1]["counts"] == [0, 0]
    others = [
        await Phone.join(
            server, code, name=f"P{i}", table=1, answers={str(first): i % 2, str(second): i % 3 % 2}
        )
        for i in range(11)
    ]
    await console.reload()
    await console.locator("#room-people summary").click()
    moves = console.locator("#room-people-list select.move-table")
    await expect(moves).to_have_count(12)
    # The console's table menu in the participants list moves one person (the newest, P10).
    await console.get_by_label("Table for P10").select_option("4")
    await expect(console.locator("#toast")).to_contain_text("P10 now sits at Table 4.")
    people = (await facilitator.get(f"{base}/participants")).json()["participants"]
    assert next(p["table"] for p in people if p["name"] == "P10") == 4

    console.on("dialog", lambda dialog: dialog.accept())
    async with console.expect_response(re.compile(r"/reseat$")) as answer:
        await console.get_by_role("button", name="Reseat everyone").click()
    seating = await (await answer.value).json()
    tables = {int(t): ids for t, ids in seating["tables"].items()}
    assert sorted(len(ids) for ids in tables.values()) == [6, 6]
    me = next(
        p["id"]
        for p in (await facilitator.get(f"{base}/participants")).json()["participants"]
        if p["name"] == "Kari"
    )
    mine = next(t for t, ids in tables.items() if me in ids)
    note = phone.locator("#seat-note")
    await expect(note).to_have_text(re.compile(rf"^(Your new table: |You stay at )Table {mine}$"))
    await expect(phone.locator("#seat-line")).to_have_text(f"You are at Table {mine}")

    screen = await (await browser.new_context(**WIDE)).new_page()
    await screen.goto(created["screen_url"])
    await expect(screen.locator(".seating-table")).to_have_count(2)
    await expect(screen.locator(".seating-view")).to_contain_text("Kari")
    await expect(screen.locator(".seating-view")).to_contain_text("P3")
    await shot(screen, "screen-seating")
    await console.locator("#room-panel").scroll_into_view_if_needed()
    await shot(console, "console-seating")

    # Moved by the facilitator to a table of its own: the phone says it big.
    elsewhere = next(n for n in (1, 2, 3, 4) if n != mine)
    moved = await facilitator.post(f"{base}/participants/{me}/table", json={"table": elsewhere})
    assert moved.status_code == 200, moved.text
    await expect(note).to_have_text(f"Your new table: Table {elsewhere}")
    await expect(note).to_have_attribute("data-kind", "reseat")
    await expect(phone.locator("#seat-line")).to_have_text(f"You are at Table {elsewhere}")
    await shot(phone, "phone-new-table")
    size = await note.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 24  # "Your new table" is the biggest line on the phone's header

    for page in (phone, screen, console):
        await page.context.close()
    assert len(others) == 11
