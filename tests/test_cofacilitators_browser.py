"""Co-facilitators in Chromium (issue 17): the owner adds a co-facilitator from the console's
"Facilitators" card, to watch the digital tables; the co-facilitator's console then starts
filtered to the digital tables: who has answered, the quiet tables, the tables calling and
the table list show only them, and the filter's buttons show all tables or the room's.

Against the real server, at the facilitator's 1440x900. The screenshot lands in
test-artifacts/cofacilitator-console-digital.png, for people to look at."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, add_facilitator, login, new_id, set_state
from tests.live import new_session as make_session
from workshop.i18n import gettext_for

TIMEOUT = 10_000  # ms
CONSOLE = {"viewport": {"width": 1440, "height": 900}, "locale": "nb-NO"}


def nb(message: str, **params: Any) -> str:
    return gettext_for("nb", message, **params)


async def console_of(
    browser: Browser, server: Server, client: httpx.AsyncClient, code: str, errors: list[str]
) -> tuple[BrowserContext, Page]:
    """The console page in a browser logged in as `client` is (its login cookie)."""
    context = await browser.new_context(**CONSOLE)
    await context.add_cookies(
        [{"name": k, "value": v, "url": server.url} for k, v in client.cookies.items()]
    )
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    await page.goto(f"{server.url}/console/{code}")
    await expect(page.locator("#live")).to_have_attribute("data-status", "open", timeout=TIMEOUT)
    return context, page


async def tables_named(names: Locator, expected: list[str]) -> None:
    """Exactly these tables, in this order (a name may carry a tag such as "Digital")."""
    await expect(names).to_have_count(len(expected))
    await expect(names).to_contain_text(expected)


async def seat_phones(server: Server, code: str, tables: list[dict[str, Any]]) -> dict[int, Phone]:
    """One connected phone at each table; people at digital tables join from home."""
    phones = {}
    for table in tables:
        remote = table["kind"] == "digital"
        phone = await Phone.join(server, code, table=table["number"], remote=remote)
        await phone.connect()
        phones[table["number"]] = phone
    return phones


async def raise_hand(phone: Phone) -> None:
    assert phone.socket is not None
    frame = new_id()
    since = len(phone.socket.received)
    await phone.socket.send({"type": "hand", "id": frame, "raised": True})
    assert (await phone.socket.reply_to(frame, since=since))["type"] == "ack"


async def test_a_cofacilitator_watching_digital_tables_sees_only_them(
    server: Server, browser: Browser, facilitator: httpx.AsyncClient
) -> None:
    helper = f"co{uuid.uuid4().hex[:8]}"
    add_facilitator(server.db, helper)
    code = (await make_session(facilitator, title="Hybrid i Lillevik", digital_tables=2, tables=3))[
        "code"
    ]
    state = (await facilitator.get(f"/api/sessions/{code}")).json()
    tables = state["tables"]
    room = [t["name"] for t in tables if t["kind"] == "room"]
    digital = [t["name"] for t in tables if t["kind"] == "digital"]
    assert (len(room), len(digital)) == (3, 2)

    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Er vi klare?", options=["Ja", "Nei"]
    )
    await set_state(facilitator, code, poll, "open")
    phones = await seat_phones(server, code, tables)
    by_name = {t["name"]: t["number"] for t in tables}
    # The first room table and the first digital table answer; the others are quiet.
    for name in (room[0], digital[0]):
        assert (await phones[by_name[name]].vote(poll, 0))["type"] == "ack"
    # A room table and a digital table call the facilitator.
    for name in (room[1], digital[1]):
        await raise_hand(phones[by_name[name]])

    errors: list[str] = []  # script errors on either page fail the test
    owner_context, owner = await console_of(browser, server, facilitator, code, errors)
    co_client = await login(server, helper)
    try:
        # The owner adds the co-facilitator from the console, to watch the digital tables.
        panel = owner.locator("#facilitators-panel")
        await expect(panel.locator("#fac-none")).to_be_visible()
        await panel.locator("#fac-username").fill(helper)
        await panel.locator("#fac-new-watch").select_option("digital")
        await panel.get_by_role("button", name=nb("Add facilitator")).click()
        row = panel.locator(f'li[data-username="{helper}"]')
        await expect(row).to_be_visible(timeout=TIMEOUT)
        await expect(row.locator("select")).to_have_value("digital")
        await expect(panel.locator("#fac-none")).to_be_hidden()
        ARTIFACTS.mkdir(exist_ok=True)
        await panel.screenshot(path=str(ARTIFACTS / "cofacilitator-owner-panel.png"))
        # The owner's own console still shows every table.
        await expect(owner.locator("#participation .part-row")).to_have_count(5)
        await expect(owner.locator("#talk-hands li")).to_have_count(2)

        co_context, co = await console_of(browser, server, co_client, code, errors)
        try:
            await check_digital_only(co, room, digital, helper)
            # The side column from the filter down: who has answered, the tables calling.
            await co.locator("#table-filter").evaluate(
                "el => { el.scrollIntoView(); window.scrollBy(0, -170); }"  # below the run bar
            )
            await co.screenshot(
                path=str(ARTIFACTS / "cofacilitator-console-digital.png"), animations="disabled"
            )

            filters = co.locator("#table-filter")
            await filters.get_by_role("button", name=nb("All tables")).click()
            await expect(co.locator("#participation .part-row")).to_have_count(5)
            await expect(co.locator("#talk-hands li")).to_have_count(2)
            await expect(co.locator("#tables li")).to_have_count(5)
            await filters.get_by_role("button", name=nb("Room tables")).click()
            rows = co.locator("#participation .part-row .part-name")
            await tables_named(rows, room)
            await tables_named(co.locator("#talk-hands .hand-table"), [room[1]])
            await tables_named(co.locator("#tables .t-name"), room)

            # The owner sets the co-facilitator to the room tables: their console follows.
            await filters.get_by_role("button", name=nb("All tables")).click()
            await row.locator("select").select_option("room")
            await expect(co.locator("#fac-list")).to_contain_text(nb("Follows the room tables"))
            await tables_named(rows, room)
            assert errors == []
        finally:
            await co_context.close()
    finally:
        await owner_context.close()
        await co_client.aclose()
        for phone in phones.values():
            await phone.close()


async def check_digital_only(co: Page, room: list[str], digital: list[str], helper: str) -> None:
    """The co-facilitator's console, filtered to the digital tables it watches."""
    filters = co.locator("#table-filter")
    await expect(filters).to_be_visible()
    pressed = filters.get_by_role("button", name=nb("Digital tables"))
    await expect(pressed).to_have_attribute("aria-pressed", "true")
    await expect(filters.locator("#table-filter-note")).to_contain_text("2")
    # Who has answered: the digital tables only, the quiet one named.
    await tables_named(co.locator("#participation .part-row .part-name"), digital)
    summary = co.locator("#participation .part-summary")
    await expect(summary).to_have_text(
        nb("Quiet: %(tables)s. You may want to look in on them.", tables=digital[1])
    )
    # The tables calling: only the digital one.
    await tables_named(co.locator("#talk-hands .hand-table"), [digital[1]])
    await tables_named(co.locator("#tables .t-name"), digital)
    # The card of who runs it: the owner, this account, and no form to add people.
    panel = co.locator("#facilitators-panel")
    await expect(panel.locator(".fac-owner")).to_contain_text("anna")
    await expect(panel.locator(f'li[data-username="{helper}"]')).to_contain_text(
        nb("Follows the digital tables")
    )
    await expect(panel.locator("#fac-add")).to_have_count(0)
    await expect(panel.locator("#fac-co-note")).to_be_visible()
