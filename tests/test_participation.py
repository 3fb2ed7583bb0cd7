"""Participation at a glance: the console's snapshot says, for the live activity, how many at
each table have answered of how many are seated, and which tables are quiet, live."""

from __future__ import annotations

from typing import Any

import httpx

from tests.live import Server, Socket, add_activity, new_session, set_state
from tests.test_table_answers import act, seated
from workshop.domain import Session, Table
from workshop.store.base import Room
from workshop.table_answers import participation, quiet


def rows_of(state: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {r["table"]: r for r in state["participation"]["tables"]}


def test_quiet_is_fewer_than_half_of_those_seated():
    assert quiet(4, 0) and quiet(4, 1) and not quiet(4, 2) and not quiet(0, 0)
    assert quiet(1, 0) and not quiet(1, 1)


def test_no_live_activity_no_participation():
    session = Session(1, "ABCDEF", 1, "t", "nb", "k")
    room = Room(session, [Table(1, "Bord 1")], {1: 3}, [])
    assert participation(room, {}) is None


async def console_socket(server: Server, client: httpx.AsyncClient, code: str) -> Socket:
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return await Socket.open(f"{server.ws_url}/ws/{code}/console", {"Cookie": cookies})


async def test_the_console_shows_who_has_answered_per_table_live(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, title="Deltakelse", tables=3))["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="Hva?", options=["A", "B"])
    one = await seated(server, code, 1, 3)
    two = await seated(server, code, 2, 2)
    await set_state(facilitator, code, poll, "open")
    console = await console_socket(server, facilitator, code)
    first = await console.wait_for(lambda m: m["type"] == "state" and m.get("participation"))
    assert first["participation"]["activity"] == poll
    rows = rows_of(first)
    assert rows[1] == {"table": 1, "name": "Bord 1", "seated": 3, "answered": 0, "quiet": True}
    assert rows[3]["seated"] == 0 and not rows[3]["quiet"]  # nobody there: nothing to see
    assert first["participation"]["quiet"] == [1, 2]

    for phone in one[:2]:
        assert (await phone.vote(poll, 0))["type"] == "ack"

    def two_at_one(m: dict[str, Any]) -> bool:
        return (
            m["type"] == "state" and bool(m.get("participation")) and rows_of(m)[1]["answered"] == 2
        )

    state = await console.wait_for(two_at_one)  # live, without asking
    assert not rows_of(state)[1]["quiet"] and rows_of(state)[2]["quiet"]
    assert state["participation"]["quiet"] == [2]

    # A table answer: a pending proposal is not quiet, a confirmed answer is answered.
    together = await add_activity(
        facilitator, code, kind="dilemma", prompt="Bordet?", options=["A", "B"], by="table"
    )
    await set_state(facilitator, code, together, "open")
    assert (await act(two[0], "propose", together, 1))["type"] == "ack"

    def proposed(m: dict[str, Any]) -> bool:
        p = m.get("participation") if m["type"] == "state" else None
        return bool(p and p["activity"] == together and rows_of(m)[2]["proposed"])

    state = await console.wait_for(proposed)
    rows = rows_of(state)
    assert state["participation"]["by"] == "table"
    assert (rows[2]["answered"], rows[2]["quiet"]) == (False, False)
    assert (rows[1]["answered"], rows[1]["quiet"]) == (False, True)
    assert (await act(two[1], "confirm", together, 1))["type"] == "ack"
    state = await console.wait_for(
        lambda m: (
            m["type"] == "state"
            and bool(m.get("participation"))
            and m["participation"]["activity"] == together
            and rows_of(m)[2]["answered"] is True
        )
    )
    assert state["participation"]["quiet"] == [1]
    await console.close()
    for phone in (*one, *two):
        await phone.close()
