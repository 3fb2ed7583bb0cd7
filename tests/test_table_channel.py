"""Each table's phones share a channel of their own: the `table` frame carries the table's
members, and only that table's phones hear it. A phone that changes table hears its new one."""

from __future__ import annotations

import httpx

from tests.live import Phone, Server, new_id, new_session


def members_of(frame: dict) -> list[int]:
    return [m["id"] for m in frame["members"]]


async def test_a_table_hears_its_own_members_only(server: Server, facilitator: httpx.AsyncClient):
    created = await new_session(facilitator, title="Bordkanal", tables=2)
    code = created["code"]
    first = await Phone.join(server, code, name="Kari", table=1)
    await first.connect()
    assert first.socket is not None
    await first.socket.wait_for(
        lambda m: m["type"] == "table" and members_of(m) == [first.participant_id]
    )
    second = await Phone.join(server, code, name="Ola", table=1)
    await second.connect()
    other = await Phone.join(server, code, name="Per", table=2)
    await other.connect()
    both = [first.participant_id, second.participant_id]
    frame = await first.socket.wait_for(lambda m: m["type"] == "table" and members_of(m) == both)
    assert frame["table"] == {"number": 1, "name": "Bord 1", "kind": "room"}
    assert frame["meeting"] is None  # a room table has no video meeting
    assert other.socket is not None
    mine = await other.socket.wait_for(lambda m: m["type"] == "table")
    assert mine["table"]["number"] == 2
    assert all(m["table"]["number"] == 2 for m in other.socket.received if m["type"] == "table")
    for phone in (first, second, other):
        await phone.close()


async def test_a_phone_that_changes_table_hears_the_new_one(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Bytte bord", tables=2)
    code = created["code"]
    mover = await Phone.join(server, code, table=1)
    await mover.connect()
    stayer = await Phone.join(server, code, table=2)
    await stayer.connect()
    assert mover.socket is not None and stayer.socket is not None
    await mover.socket.wait_for(lambda m: m["type"] == "table" and m["table"]["number"] == 1)
    await mover.socket.send({"type": "seat", "id": new_id(), "table": 2})
    together = sorted([mover.participant_id, stayer.participant_id])
    moved = await mover.socket.wait_for(
        lambda m: m["type"] == "table" and sorted(members_of(m)) == together
    )
    assert moved["table"]["number"] == 2
    await stayer.socket.wait_for(
        lambda m: m["type"] == "table" and sorted(members_of(m)) == together
    )
    await mover.close()
    await stayer.close()
