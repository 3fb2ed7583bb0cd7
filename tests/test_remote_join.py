"""Joining from home (hybrid days) against the real server: people at home sit at digital
tables and people in the room at room tables, balanced within each kind; a reseat keeps the
kinds apart unless told to mix; the join page in its from-home mode; and a digital table's
`table` frame carries the video meetings, switching between the plenary and the table's own
as the tables start and stop talking."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from typing import Any

import httpx

from tests.live import (
    WAIT,
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    new_session,
    set_state,
)

PATTERN = "https://meet.example/x-{table}"
PLENARY = "https://meet.example/plenum"


async def kinds_of(server: Server, code: str) -> dict[int, str]:
    """Table number -> kind, as the phones' table list has it."""
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        response = await client.get(f"/api/sessions/{code}/tables")
    assert response.status_code == 200, response.text
    return {t["number"]: t["kind"] for t in response.json()["tables"]}


async def join(server: Server, code: str, **body: Any) -> httpx.Response:
    """A join from a phone set to English (errors follow the phone's language)."""
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        return await client.post(
            f"/api/sessions/{code}/join", json=body, headers={"Accept-Language": "en"}
        )


async def seats(facilitator: httpx.AsyncClient, code: str) -> dict[int, int]:
    """Participant id -> table."""
    response = await facilitator.get(f"/api/sessions/{code}/participants?limit=200")
    assert response.status_code == 200, response.text
    return {p["id"]: p["table"] for p in response.json()["participants"]}


def page_json(text: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="page">(.*?)</script>', text, re.S)
    assert found, "the join page has no page data"
    return json.loads(html.unescape(found.group(1)))


def table_frame(predicate: Any) -> Any:
    return lambda m: m["type"] == "table" and predicate(m)


async def test_people_at_home_sit_at_digital_tables_balanced_and_the_room_at_room_tables(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2, digital_tables=2))["code"]
    kinds = await kinds_of(server, code)
    assert kinds == {1: "room", 2: "room", 3: "digital", 4: "digital"}
    at_home = [await Phone.join(server, code, name=f"H{i}", remote=True) for i in range(12)]
    in_room = [await Phone.join(server, code, name=f"R{i}") for i in range(12)]
    assert {kinds[p.table] for p in at_home} == {"digital"}
    assert {kinds[p.table] for p in in_room} == {"room"}
    # Balanced within each kind as the room grows (seating.md): a table fills to 7 before
    # the next one opens, newcomers then go to the emptier one; nobody already seated moves.
    assert sorted(Counter(p.table for p in at_home).values()) == [5, 7]
    assert sorted(Counter(p.table for p in in_room).values()) == [5, 7]
    # `remote: false` is the room, like leaving it out.
    plain = await Phone.join(server, code, remote=False)
    assert kinds[plain.table] == "room"


async def test_a_picked_table_of_the_other_kind_is_refused_plainly(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2, digital_tables=1, language="en"))["code"]
    message = expect_error(await join(server, code, table=1, remote=True), 400)
    assert message == "Table 1 is in the room. Pick a table for people at home."
    message = expect_error(await join(server, code, table=3), 400)
    assert message == "Online table 1 is for people joining from home."
    picked = await Phone.join(server, code, table=3, remote=True)
    assert picked.table == 3
    expect_error(await join(server, code, remote="yes"), 400)
    assert len(await seats(facilitator, code)) == 1  # nothing else was stored


async def test_joining_from_home_without_digital_tables_is_a_conflict(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2, language="en"))["code"]
    message = expect_error(await join(server, code, remote=True), 409)
    assert message.startswith("This session has no tables for people joining from home")
    assert await seats(facilitator, code) == {}


async def test_an_all_digital_session_seats_everyone_at_digital_tables(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=0, digital_tables=2))["code"]
    kinds = await kinds_of(server, code)
    assert set(kinds.values()) == {"digital"}
    people = [await Phone.join(server, code, name=f"P{i}") for i in range(12)]
    people += [await Phone.join(server, code, remote=True)]
    assert all(p.table in kinds for p in people)
    assert sorted(Counter(p.table for p in people).values()) == [6, 7]
    # Its join page is the from-home one even without ?from=home.
    page = await facilitator.get(f"/j/{code}")
    data = page_json(page.text)
    assert data["remote"] is True
    assert sorted(t["number"] for t in data["tables"]) == sorted(kinds)


async def test_the_join_page_lists_the_tables_of_its_kind(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2, digital_tables=2))["code"]
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        room = page_json((await client.get(f"/j/{code}")).text)
        home = page_json((await client.get(f"/j/{code}?from=home")).text)
        lower = await client.get(f"/j/{code.lower()}?from=home", follow_redirects=False)
    assert room["remote"] is False
    assert [(t["number"], t["kind"]) for t in room["tables"]] == [(1, "room"), (2, "room")]
    assert home["remote"] is True
    assert [(t["number"], t["kind"]) for t in home["tables"]] == [(3, "digital"), (4, "digital")]
    assert lower.status_code == 303  # a code typed in lower case keeps ?from=home
    assert lower.headers["location"].endswith(f"/j/{code}?from=home")


async def test_a_reseat_keeps_room_and_home_apart_unless_told_to_mix(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2, digital_tables=2))["code"]
    kinds = await kinds_of(server, code)
    at_home = {(await Phone.join(server, code, remote=True)).participant_id for _ in range(8)}
    in_room = {(await Phone.join(server, code)).participant_id for _ in range(8)}
    base = f"/api/sessions/{code}"

    apart = await facilitator.post(f"{base}/reseat")
    assert apart.status_code == 200, apart.text
    seated = await seats(facilitator, code)
    assert {kinds[seated[p]] for p in at_home} == {"digital"}
    assert {kinds[seated[p]] for p in in_room} == {"room"}
    assert sorted(Counter(seated[p] for p in at_home).values()) == [4, 4]

    expect_error(await facilitator.post(f"{base}/reseat", json={"mix": "yes"}), 400)
    mixed = await facilitator.post(f"{base}/reseat", json={"mix": True})
    assert mixed.status_code == 200, mixed.text
    seated = await seats(facilitator, code)
    groups: dict[int, set[str]] = {}
    for person, table in seated.items():
        groups.setdefault(table, set()).add("home" if person in at_home else "room")
    # Mixed: people who have sat together are split up, so home and room share tables.
    assert any(len(kinds_at) == 2 for kinds_at in groups.values()), groups


async def test_a_digital_tables_frame_carries_its_meeting_and_which_one_is_now(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=1, digital_tables=2))["code"]
    base = f"/api/sessions/{code}"
    home = await Phone.join(server, code, name="Kari", remote=True)
    room = await Phone.join(server, code, name="Ola")
    await home.connect()
    await room.connect()
    assert home.socket is not None and room.socket is not None
    sock: Socket = home.socket
    first = await sock.wait_for(table_frame(lambda m: True))
    assert first["table"]["kind"] == "digital" and first["table"]["number"] == home.table
    assert first["meeting"] == {"table": None, "plenary": None, "now": "plenary"}
    in_room = await room.socket.wait_for(table_frame(lambda m: True))
    assert in_room["table"]["kind"] == "room" and in_room["meeting"] is None

    since = len(sock.received)
    links = await facilitator.post(
        f"{base}/meetings", json={"pattern": PATTERN, "plenary": PLENARY}
    )
    assert links.status_code == 200, links.text
    mine = f"https://meet.example/x-{home.table - 1}"  # its place among the digital tables
    frame = await sock.wait_for(table_frame(lambda m: m["meeting"]["table"] == mine), since=since)
    assert frame["meeting"] == {"table": mine, "plenary": PLENARY, "now": "plenary"}

    # The step's timer runs: the tables talk, each in its own meeting.
    since = len(sock.received)
    started = await facilitator.post(f"{base}/timer", json={"seconds": 600})
    assert started.status_code == 200, started.text
    await sock.wait_for(table_frame(lambda m: m["meeting"]["now"] == "table"), since=since)
    since = len(sock.received)
    stopped = await facilitator.post(f"{base}/timer", json={"seconds": 0})
    assert stopped.status_code == 200, stopped.text
    await sock.wait_for(table_frame(lambda m: m["meeting"]["now"] == "plenary"), since=since)

    # A timer that runs out brings everyone back to the plenary by itself.
    await facilitator.post(f"{base}/timer", json={"seconds": 10})
    since = len(sock.received)
    shortened = await facilitator.post(f"{base}/timer", json={"add": -9})
    assert shortened.status_code == 200, shortened.text
    await sock.wait_for(table_frame(lambda m: m["meeting"]["now"] == "plenary"), since=since)

    # An open reflection is talked about at the table too.
    since = len(sock.received)
    reflection = await add_activity(
        facilitator, code, kind="reflection", prompt="Hva tar dere med?"
    )
    await set_state(facilitator, code, reflection, "open")
    await sock.wait_for(table_frame(lambda m: m["meeting"]["now"] == "table"), since=since)

    # A table's own link wins over the pattern.
    since = len(sock.received)
    own = "https://video.example/kari-bord"
    changed = await facilitator.post(f"{base}/meetings", json={"tables": {str(home.table): own}})
    assert changed.status_code == 200, changed.text
    frame = await sock.wait_for(table_frame(lambda m: m["meeting"]["table"] == own), since=since)
    assert frame["meeting"] == {"table": own, "plenary": PLENARY, "now": "table"}
    assert all(m["meeting"] is None for m in room.socket.received if m["type"] == "table")
    await home.close()
    await room.close()
