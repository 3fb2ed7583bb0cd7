"""In Chromium: two phones at one table answer together (one proposes, the other sees it and
confirms), and the screen compares a revealed after round with the round before it.
Screenshots in test-artifacts/ (phone 390x844, screen 1920x1080, console) are for people to
look at."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, new_session, results, set_state

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "en-GB",
}


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def join(browser: Browser, server: Server, code: str, name: str) -> Page:
    page = await (await browser.new_context(**PHONE)).new_page()
    await page.goto(f"{server.url}/j/{code}")
    await page.get_by_label("Your name (optional)").fill(name)
    await page.get_by_role("button", name=re.compile("^Table 1")).first.click()
    await expect(page.locator("body")).to_have_attribute("data-connection", "open")
    return page


async def test_two_phones_propose_and_confirm_the_table_s_answer(
    server: Server, browser: Browser, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Bordet svarer", tables=3, language="en")
    code = created["code"]
    activity = await add_activity(
        facilitator,
        code,
        kind="dilemma",
        title="The sports hall",
        prompt="Fredrik has promised a new sports hall. What should the council do?",
        options=["Wait for the budget", "Raise it now", "Ask the administration first"],
        by="table",
    )
    kari = await join(browser, server, code, "Kari")
    ola = await join(browser, server, code, "Ola")
    per = await Phone.join(server, code, table=1)  # a third member, on a plain socket
    await per.connect()
    await set_state(facilitator, code, activity, "open")
    screen = await (
        await browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    ).new_page()
    await screen.goto(created["screen_url"])
    await expect(screen.locator(".answered-total")).to_contain_text("tables have answered")
    for page in (kari, ola):
        await expect(page.locator(".table-together")).to_be_visible()
        await expect(page.locator("button.option")).to_have_count(3)

    await kari.locator("button.option").nth(1).click()  # Kari proposes B
    await expect(kari.locator(".table-proposal")).to_contain_text("You proposed B")
    assert await kari.locator(".confirm-proposal").count() == 0  # never one's own
    proposal = ola.locator(".table-proposal")
    await expect(proposal).to_contain_text("Kari proposes B")
    confirm = ola.get_by_role("button", name="Yes, B is our answer")
    await expect(confirm).to_be_visible()
    box = await confirm.bounding_box()
    assert box is not None and box["height"] >= 44  # a big target
    await shot(ola, "phone-table-proposal")

    await confirm.click()
    for page in (kari, ola):
        await expect(page.locator(".table-answer-line")).to_contain_text("Your table's answer: B")
        await expect(page.locator(".confirm-proposal")).to_have_count(0)
    await shot(kari, "phone-table-answer")
    await expect(screen.locator(".answered-total strong")).to_have_text("1")  # one table of one
    await shot(screen, "screen-table-open")
    found = (await results(facilitator, code))[activity]
    assert found["table_answers"] == {"1": 1} and found["counts"] == [0, 1, 0]
    assert per.socket is not None  # the plain socket heard it too
    await per.socket.wait_for(
        lambda m: m["type"] == "table" and (m.get("answer") or {}).get("option") == 1
    )

    await set_state(facilitator, code, activity, "closed")
    await expect(ola.locator(".own-answer")).to_contain_text("Your table's answer:")
    await set_state(facilitator, code, activity, "revealed")
    await expect(screen.locator(".results-total")).to_have_text("1 table")

    # After table talk the same question again: the table changes its answer.
    response = await facilitator.post(f"/api/sessions/{code}/activities/{activity}/again")
    after = response.json()["id"]
    await set_state(facilitator, code, after, "open")
    await expect(ola.locator(".table-together")).to_be_visible()
    await ola.locator("button.option").nth(0).click()
    await kari.get_by_role("button", name="Yes, A is our answer").click()
    await expect(ola.locator(".table-answer-line")).to_contain_text("Your table's answer: A")
    await set_state(facilitator, code, after, "revealed")
    await expect(screen.locator("body")).to_have_attribute("data-view", "compare")
    row = screen.locator(".compare-table:not(.is-head)")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("changed")
    await expect(screen.locator(".compare-most")).to_contain_text("Table 1")
    await shot(screen, "screen-compare-by-table")
    await per.close()
    for page in (kari, ola, screen):
        await page.context.close()


async def test_the_screen_compares_before_and_after(
    server: Server, browser: Browser, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Skolestruktur", tables=6, language="en")
    code = created["code"]
    first = await add_activity(
        facilitator,
        code,
        kind="poll",
        title="The school",
        prompt="Should the municipality close the small school at Nesset?",
        options=["Close it", "Keep it", "Study it more"],
    )
    before = [[0, 0, 0, 1], [1, 1, 2, 2], [0, 2, 2, 1], [1, 1, 1], [0, 0, 2], [2, 2, 1, 1, 0]]
    after = [[1, 1, 1, 1], [1, 1, 2, 2], [2, 2, 2, 1], [1, 1, 1], [0, 2, 2], [1, 1, 1, 1, 1]]
    phones: list[list[Phone]] = []
    for table, votes in enumerate(before, start=1):
        row = []
        for _ in votes:
            phone = await Phone.join(server, code, table=table)
            await phone.connect()
            row.append(phone)
        phones.append(row)
    await set_state(facilitator, code, first, "open")
    for row, votes in zip(phones, before, strict=True):
        for phone, option in zip(row, votes, strict=True):
            assert (await phone.vote(first, option))["type"] == "ack"
    await set_state(facilitator, code, first, "closed")
    response = await facilitator.post(f"/api/sessions/{code}/activities/{first}/again")
    second = response.json()["id"]

    console = await (
        await browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    ).new_page()
    await console.context.add_cookies(
        [{"name": k, "value": v, "url": server.url} for k, v in facilitator.cookies.items()]
    )
    await console.goto(f"{server.url}/console/{code}")
    # The console's form: "The table answers together" makes an activity by the table.
    await console.get_by_label("Kind").select_option("scale")
    await console.get_by_label("Text people see").fill("The school should stay open.")
    await console.get_by_label("The table answers together").check()
    await console.get_by_role("button", name="Add activity").click()
    await expect(console.locator(".badge.by-table")).to_have_count(1)
    made = [a for a in (await results(facilitator, code)).values() if a["kind"] == "scale"]
    assert [a["by"] for a in made] == ["table"]
    await set_state(facilitator, code, second, "open")
    for row, votes in zip(phones[:4], after[:4], strict=True):  # two tables still talking
        for phone, option in zip(row, votes, strict=True):
            assert (await phone.vote(second, option))["type"] == "ack"
    part = console.locator("#participation")
    await expect(part).to_be_visible()
    await expect(part.locator(".part-row.is-quiet")).to_have_count(2)
    await expect(part.locator(".part-summary")).to_contain_text("Table 5, Table 6")
    await shot(console, "console-participation")
    for row, votes in zip(phones[4:], after[4:], strict=True):
        for phone, option in zip(row, votes, strict=True):
            assert (await phone.vote(second, option))["type"] == "ack"
    await expect(part.locator(".part-row.is-quiet")).to_have_count(0)
    await expect(console.locator(".compare-line")).to_contain_text("Moved most: Table 1")

    screen = await (
        await browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    ).new_page()
    await screen.goto(created["screen_url"])
    await set_state(facilitator, code, second, "revealed")
    await expect(screen.locator("body")).to_have_attribute("data-view", "compare")
    await expect(screen.locator(".compare-row")).to_have_count(3)
    rows = screen.locator(".compare-table:not(.is-head)")
    await expect(rows).to_have_count(6)
    await expect(screen.locator(".compare-most")).to_contain_text("Table 1")
    await expect(screen.locator(".compare-table.is-most").first).to_contain_text("Table 1")
    # Nothing on the stage is cut off at 1920x1080.
    overflow = await screen.evaluate(
        "() => [...document.querySelectorAll('.compare-view *')].filter((el) => {"
        " const r = el.getBoundingClientRect(); return r.bottom > innerHeight + 1"
        " || r.right > innerWidth + 1; }).length"
    )
    assert overflow == 0
    await shot(screen, "screen-compare")
    for row in phones:
        for phone in row:
            await phone.close()
    await console.context.close()
    await screen.context.close()
