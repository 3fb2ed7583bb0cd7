"""No ballot stuffing: a participant cap, a lock on joining, and removing a participant.

Against a real server (tests/live.py), plus the store's own guarantee that a removed
participant's answers can never come back into a tally."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.live import (
    PASSWORD,
    WAIT,
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    login,
    new_id,
    new_session,
    refused,
    results,
    screen_socket_url,
    set_state,
)
from tests.test_browser import PHONE, shot
from workshop.domain import ActivityState, Vote, activity_spec
from workshop.errors import Conflict, Forbidden
from workshop.seating import choose_table
from workshop.store.sqlite import SQLiteStore

EN = {"Accept-Language": "en"}
REMOVED = "The facilitator removed you from this session."


async def join(server: Server, code: str, **body: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT, headers=EN) as client:
        return await client.post(f"/api/sessions/{code}/join", json=body)


async def console(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def joining(client: httpx.AsyncClient, code: str, open_: bool) -> None:
    response = await client.post(f"/api/sessions/{code}/joining", json={"open": open_})
    assert response.status_code == 200, response.text
    assert response.json() == {"open": open_}


# --- the cap -------------------------------------------------------------------------------


async def test_cap_is_twice_the_seats_and_a_join_past_it_is_refused(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=1))["code"]  # 7 seats, so 14 may join
    state = await console(facilitator, code)
    assert (state["capacity"], state["max_participants"]) == (7, 14)
    # Past the seats but under the cap: seated, never refused because tables are full.
    for _ in range(14):
        assert (await join(server, code)).status_code == 201
    message = expect_error(await join(server, code, name="Bot"), 403)
    assert "ask the facilitator" in message.lower()
    state = await console(facilitator, code)
    assert (state["participants"], state["over_capacity"]) == (14, True)


async def test_max_participants_set_at_creation(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, tables=2, max_participants=3))["code"]
    assert (await console(facilitator, code))["max_participants"] == 3
    for _ in range(3):
        assert (await join(server, code)).status_code == 201
    assert "facilitator" in expect_error(await join(server, code, table=2), 403)
    # A large cap is allowed, up to 10,000.
    code = (await new_session(facilitator, tables=1, max_participants=10_000))["code"]
    assert (await console(facilitator, code))["max_participants"] == 10_000


@pytest.mark.parametrize("bad", [0, -1, 10_001, "20", 2.5, True, [], {}])
async def test_max_participants_out_of_range_is_refused(facilitator: httpx.AsyncClient, bad: Any):
    body = {"title": "Kommunestyret", "max_participants": bad}
    response = await facilitator.post("/api/sessions", json=body, headers=EN)
    assert "max_participants" in expect_error(response, 400)


async def test_sixty_joins_at_once_never_pass_a_cap_of_twenty(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2, max_participants=20))["code"]
    answers = await asyncio.gather(*(join(server, code) for _ in range(60)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] * 20 + [403] * 40
    tables = (await facilitator.get(f"/api/sessions/{code}/tables")).json()["tables"]
    assert sum(t["seated"] for t in tables) == 20
    assert (await console(facilitator, code))["participants"] == 20


# --- locking -------------------------------------------------------------------------------


async def test_locked_joining_refuses_newcomers_while_seated_phones_reconnect_and_vote(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2))["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="?", options=["A", "B"])
    await set_state(facilitator, code, poll, "open")
    phone = await Phone.join(server, code)
    assert (await console(facilitator, code))["joining_locked"] is False

    await joining(facilitator, code, False)
    assert (await console(facilitator, code))["joining_locked"] is True
    message = expect_error(await join(server, code, name="Late"), 403)
    assert message.startswith("Joining is closed") and "facilitator" in message
    # The seated phone's token still works: it connects (as after a reconnect) and votes.
    await phone.connect()
    vote_id = new_id()
    assert await phone.vote(poll, 1, vote_id) == {"type": "ack", "id": vote_id}
    await phone.close()
    welcome = await phone.welcome()
    assert welcome["answers"][str(poll)]["vote"]["option"] == 1
    assert (await results(facilitator, code))[poll]["counts"] == [0, 1]

    await joining(facilitator, code, True)
    assert (await join(server, code)).status_code == 201
    assert (await console(facilitator, code))["participants"] == 2


@pytest.mark.parametrize(
    "body", [{}, {"open": "false"}, {"open": 0}, {"open": None}, {"closed": True}]
)
async def test_joining_needs_open_true_or_false(facilitator: httpx.AsyncClient, body: Any):
    code = (await new_session(facilitator))["code"]
    response = await facilitator.post(f"/api/sessions/{code}/joining", json=body, headers=EN)
    assert "open" in expect_error(response, 400)
    assert (await console(facilitator, code))["joining_locked"] is False


async def test_joining_body_must_be_json(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator))["code"]
    response = await facilitator.post(
        f"/api/sessions/{code}/joining",
        content=b"open=false",
        headers={"Content-Type": "application/json"},
    )
    expect_error(response, 400)


# --- removing ------------------------------------------------------------------------------


async def test_removed_participant_leaves_every_tally_and_is_closed_out(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=2, language="en")
    code = created["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="?", options=["A", "B"])
    wall = await add_activity(facilitator, code, kind="reflection", prompt="?")
    await set_state(facilitator, code, wall, "open")
    bot, other = await Phone.join(server, code, table=1), await Phone.join(server, code, table=2)
    await bot.connect()
    await other.connect()
    assert (await bot.post(wall, "Bot was here"))["type"] == "ack"
    assert (await other.post(wall, "Tillit tar tid"))["type"] == "ack"
    await set_state(facilitator, code, poll, "open")
    bot_vote = new_id()
    assert (await bot.vote(poll, 0, bot_vote))["type"] == "ack"
    assert (await other.vote(poll, 1))["type"] == "ack"
    screen = await Socket.open(screen_socket_url(created))
    await screen.wait_for(lambda m: m["type"] == "state" and m["activity"]["answered"] == 2)
    assert (await results(facilitator, code))[poll]["counts"] == [1, 1]

    seen = len(screen.received)
    response = await facilitator.delete(f"/api/sessions/{code}/participants/{bot.participant_id}")
    assert response.status_code == 204, response.text

    # The tally drops, in the results and on the screen.
    got = await results(facilitator, code)
    assert (got[poll]["counts"], got[poll]["tables"]) == ([0, 1], {"2": [0, 1]})
    assert [p["text"] for p in got[wall]["posts"]] == ["Tillit tar tid"]
    state = await screen.wait_for(
        lambda m: m["type"] == "state" and m["participants"] == 1, since=seen
    )
    assert state["activity"]["answered"] == 1  # per table: hidden below 3 answers (point 8)
    assert (await console(facilitator, code))["participants"] == 1
    # The removed phone's socket is closed with 1008 and the reason; the other stays.
    assert bot.socket is not None
    assert await bot.socket.wait_closed() == (1008, REMOVED)
    assert not other.socket.closed.is_set()  # type: ignore[union-attr]
    # Its token is refused on reconnect, so its old vote can never be resent.
    assert (await refused(bot.url))[0] == 1008
    assert (await results(facilitator, code))[poll]["counts"] == [0, 1]
    # Removing again, or someone who never was: 404.
    again = await facilitator.delete(f"/api/sessions/{code}/participants/{bot.participant_id}")
    expect_error(again, 404)
    expect_error(await facilitator.delete(f"/api/sessions/{code}/participants/abc"), 404)
    await screen.close()
    await other.close()


async def test_removing_belongs_to_the_sessions_own_facilitator(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    elsewhere = (await new_session(facilitator))["code"]
    phone = await Phone.join(server, code)
    stranger = await Phone.join(server, elsewhere)
    bjorn = await login(server, "bjorn")
    try:
        url = f"/api/sessions/{code}/participants"
        expect_error(await bjorn.delete(f"{url}/{phone.participant_id}"), 404)
        expect_error(await bjorn.get(url), 404)
        expect_error(await bjorn.post(f"/api/sessions/{code}/joining", json={"open": False}), 404)
    finally:
        await bjorn.aclose()
    # A participant of another session of the same facilitator is not in this one.
    expect_error(await facilitator.delete(f"{url}/{stranger.participant_id}"), 404)
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as anonymous:
        expect_error(await anonymous.delete(f"{url}/{phone.participant_id}"), 401)
    listed = (await facilitator.get(url)).json()
    assert [p["id"] for p in listed["participants"]] == [phone.participant_id]
    assert (await (await Phone.join(server, elsewhere)).welcome())["type"] == "welcome"


# --- the list ------------------------------------------------------------------------------


async def test_participant_list_is_paged_newest_first(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2))["code"]
    people = [await Phone.join(server, code, name=f"Person {n}") for n in range(5)]
    url = f"/api/sessions/{code}/participants"
    first = (await facilitator.get(url, params={"limit": 2})).json()
    assert first["total"] == 5
    assert [p["name"] for p in first["participants"]] == ["Person 4", "Person 3"]
    entry = first["participants"][0]
    assert set(entry) == {"id", "number", "name", "table", "table_name", "joined_at"}
    assert (entry["id"], entry["table"]) == (people[4].participant_id, people[4].table)
    rest = (await facilitator.get(url, params={"offset": 2, "limit": 200})).json()
    assert [p["name"] for p in rest["participants"]] == ["Person 2", "Person 1", "Person 0"]
    assert (await facilitator.delete(f"{url}/{people[0].participant_id}")).status_code == 204
    after = (await facilitator.get(url)).json()
    assert after["total"] == 4 and len(after["participants"]) == 4


@pytest.mark.parametrize(
    "params",
    [{"limit": 201}, {"limit": 0}, {"limit": "x"}, {"offset": -1}, {"offset": "1e3"}],
)
async def test_participant_list_bad_paging_is_refused(
    facilitator: httpx.AsyncClient, params: dict[str, Any]
):
    code = (await new_session(facilitator))["code"]
    response = await facilitator.get(f"/api/sessions/{code}/participants", params=params)
    expect_error(response, 400)


# --- the store's own guarantee ---------------------------------------------------------------


async def test_store_never_counts_a_removed_participant_again(tmp_path: Path):
    """Even an answer already on its way when the facilitator removes someone (a socket in
    another process, a frame queued behind the removal) never reaches a tally."""
    store = SQLiteStore(str(tmp_path / "store.db"))
    await store.open()
    try:
        owner = await store.add_facilitator("kari", "$argon2id$hash")
        session = await store.create_session(
            code="ABCDEF",
            facilitator_id=owner.id,
            title="Kommunestyret",
            language="nb",
            screen_key="key",
            base_url="http://example.test",
            table_names=["Bord 1"],
            max_participants=2,
        )
        assert session is not None and session.max_participants == 2

        def seat(tables: Any, seated: Any) -> int:
            return choose_table(tables, seated, None)

        bot = await store.seat_participant(session.id, "", "hash-bot", seat)
        other = await store.seat_participant(session.id, "", "hash-other", seat)
        with pytest.raises(Forbidden):
            await store.seat_participant(session.id, "", "hash-third", seat)
        activity = await store.add_activity(session.id, activity_spec("poll", "?", ["A", "B"]))
        await store.set_activity_states(session.id, {activity.id: ActivityState.OPEN}, activity.id)
        old = Vote(new_id(), activity.id, bot.id, bot.table, 0)
        assert await store.record_vote(old) is True

        removed = await store.remove_participant(session.id, bot.id)
        assert removed is not None and removed.id == bot.id
        assert await store.remove_participant(session.id, bot.id) is None
        assert await store.participant_by_token(session.id, "hash-bot") is None
        # The old vote resent is at most a repeat; a new one is refused; neither counts.
        assert await store.record_vote(old) is False
        with pytest.raises(Conflict):
            await store.record_vote(Vote(new_id(), activity.id, bot.id, bot.table, 1))
        room = await store.room(session.id, "all")
        assert room.votes.get(activity.id, []) == []
        assert room.participants == 1
        assert (await store.answers(bot.id)).votes == {}
        # The freed place can be taken; with joining locked, no place is.
        await store.seat_participant(session.id, "", "hash-third", seat)
        await store.remove_participant(session.id, other.id)
        locked = await store.set_joining_locked(session.id, True)
        assert locked.joining_locked
        with pytest.raises(Forbidden):
            await store.seat_participant(session.id, "", "hash-fourth", seat)
    finally:
        await store.close()


# --- in the browser --------------------------------------------------------------------------


async def test_console_room_panel_and_phone_messages(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    """The facilitator sees joins against seats, locks joining (a newcomer's phone says so),
    and removes a participant from the list (that phone says so)."""
    created = await new_session(facilitator, tables=1, language="en")
    code = created["code"]
    console_context = await browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="en-GB"
    )
    console_page = await console_context.new_page()
    await console_page.goto(f"{server.url}/login")
    await console_page.get_by_label("User name").fill("anna")
    await console_page.get_by_label("Password").fill(PASSWORD)
    await console_page.get_by_role("button", name="Log in").click()
    await console_page.wait_for_url(re.compile(r"/$"))
    await console_page.goto(created["console_url"])
    counts = console_page.locator("#room-counts")
    await expect(counts).to_have_text("0 joined · 7 seats · at most 14")
    screen = await (
        await browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    ).new_page()
    await screen.goto(created["screen_url"])
    await expect(screen.locator(".join-qr img")).to_be_visible()

    phone = await (await browser.new_context(**PHONE, locale="en-GB")).new_page()
    await phone.goto(created["join_url"])
    await phone.get_by_role("button", name=re.compile("choose a table for me", re.I)).click()
    await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
    await expect(counts).to_have_text("1 joined · 7 seats · at most 14")
    alert = console_page.locator("#room-alert")
    await expect(alert).to_be_hidden()
    for n in range(7):
        await Phone.join(server, code, name=f"Bot {n}")
    await expect(counts).to_have_text("8 joined · 7 seats · at most 14")
    await expect(alert).to_be_visible()
    await expect(alert).to_contain_text("More people have joined than there are seats")

    await console_page.get_by_role("button", name="Lock joining").click()
    await expect(console_page.locator("#room-joining")).to_contain_text("Joining is locked")
    # The projector stops inviting people who would be turned away.
    await expect(screen.locator(".join-title")).to_have_text("Joining is closed")
    await expect(screen.locator("img")).to_have_count(0)
    await shot(screen, "screen-joining-closed")
    late = await (await browser.new_context(**PHONE, locale="en-GB")).new_page()
    await late.goto(created["join_url"])
    await late.get_by_role("button", name=re.compile("choose a table for me", re.I)).click()
    await expect(late.locator(".alert")).to_have_text(
        "Joining is closed for this session. Ask the facilitator to let you in."
    )

    console_page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await console_page.locator("#room-people summary").click()
    rows = console_page.locator("#room-people-list li")
    await expect(rows).to_have_count(8)
    await expect(rows.first).to_contain_text("Bot 6")  # newest first
    await shot(console_page, "console-room-panel")
    await rows.last.get_by_role("button", name=re.compile("^Remove")).click()
    await expect(rows).to_have_count(7)
    await expect(phone.locator(".alert")).to_have_text(REMOVED)
    await shot(phone, "phone-removed")
    await expect(counts).to_have_text("7 joined · 7 seats · at most 14")
    await expect(alert).to_be_hidden()

    await console_page.get_by_role("button", name="Open joining again").click()
    await expect(console_page.locator("#room-joining")).to_contain_text("Joining is open")
    await expect(screen.locator(".join-qr img")).to_be_visible()
    await late.get_by_role("button", name=re.compile("choose a table for me", re.I)).click()
    await expect(late.locator("body")).to_have_attribute("data-connection", "open")
    await console_context.close()


async def test_the_dashboard_form_sets_the_participant_cap(server: Server) -> None:
    client = await login(server, "anna")
    try:
        for cap, expected in (("", 2 * 7 * 2), ("25", 25)):
            before = {s["code"] for s in (await client.get("/api/sessions")).json()["sessions"]}
            form = {"title": "Skjema", "tables": "2", "language": "nb", "max_participants": cap}
            assert (await client.post("/sessions", data=form)).status_code == 303
            after = (await client.get("/api/sessions")).json()["sessions"]
            (code,) = {s["code"] for s in after} - before
            state = (await client.get(f"/api/sessions/{code}")).json()
            assert state["max_participants"] == expected
        form = {"title": "Skjema", "tables": "2", "max_participants": "mange"}
        assert (await client.post("/sessions", data=form)).status_code == 400
    finally:
        await client.aclose()
