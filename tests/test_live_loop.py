"""The whole loop over real sockets: 5 tables x 6 phones vote, change votes and post; the
results endpoint and the screen's final state match exactly what was sent."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    login,
    new_session,
    results,
    set_state,
)


async def test_thirty_phones_at_five_tables(server: Server, facilitator: httpx.AsyncClient):
    created = await new_session(facilitator, tables=5)
    code = created["code"]
    screen_ws = (
        created["screen_url"]
        .replace("http://", "ws://")
        .replace(f"/screen/{code}", f"/ws/{code}/screen")
    )
    screen = await Socket.open(screen_ws)
    dilemma = await add_activity(
        facilitator,
        code,
        kind="dilemma",
        prompt="Fredrik vil love noe i avisen.",
        options=["Vente", "Svare nå", "Spørre kommunedirektøren"],
    )
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="Hva lærte du?")

    phones = [await Phone.join(server, code, table=t) for t in range(1, 6) for _ in range(6)]
    assert Counter(p.table for p in phones) == {t: 6 for t in range(1, 6)}
    await asyncio.gather(*(p.connect() for p in phones))

    await set_state(facilitator, code, dilemma, "open")
    for phone in phones:
        await phone.socket.wait_for(
            lambda m: m["type"] == "activity" and m["activity"] and m["activity"]["id"] == dilemma
        )

    # First votes, then a third of the phones change their mind.
    first = {p.participant_id: i % 3 for i, p in enumerate(phones)}
    acks = await asyncio.gather(*(p.vote(dilemma, first[p.participant_id]) for p in phones))
    assert {a["type"] for a in acks} == {"ack"}
    final = dict(first)
    changers = phones[::3]
    for phone in changers:
        final[phone.participant_id] = (first[phone.participant_id] + 1) % 3
    acks = await asyncio.gather(*(p.vote(dilemma, final[p.participant_id]) for p in changers))
    assert {a["type"] for a in acks} == {"ack"}

    expected = [0, 0, 0]
    expected_tables: dict[str, list[int]] = {}
    for phone in phones:
        option = final[phone.participant_id]
        expected[option] += 1
        expected_tables.setdefault(str(phone.table), [0, 0, 0])[option] += 1

    await set_state(facilitator, code, dilemma, "revealed")
    got = (await results(facilitator, code))[dilemma]
    assert got["counts"] == expected
    assert got["tables"] == expected_tables

    state = await screen.wait_for(
        lambda m: m["type"] == "state" and m["activity"] and m["activity"]["state"] == "revealed"
    )
    assert state["activity"]["results"]["counts"] == expected
    assert state["activity"]["results"]["tables"] == expected_tables
    assert state["participants"] == 30

    # Reflections: every phone posts, two of them twice.
    await set_state(facilitator, code, reflection, "open")
    texts = [f"Innlegg fra deltaker {p.participant_id}: «tillit» æøå" for p in phones]
    acks = await asyncio.gather(
        *(p.post(reflection, t) for p, t in zip(phones, texts, strict=True))
    )
    assert {a["type"] for a in acks} == {"ack"}
    for phone in phones[:2]:
        assert (await phone.post(reflection, "Ett til"))["type"] == "ack"
    await set_state(facilitator, code, reflection, "revealed")
    got = (await results(facilitator, code))[reflection]
    assert sorted(p["text"] for p in got["posts"]) == sorted([*texts, "Ett til", "Ett til"])
    state = await screen.wait_for(
        lambda m: (
            m["type"] == "state"
            and m["activity"]
            and m["activity"]["id"] == reflection
            and m["activity"]["state"] == "revealed"
        )
    )
    assert sorted(p["text"] for p in state["activity"]["posts"]) == sorted(
        [*texts, "Ett til", "Ett til"]
    )
    assert state["activity"]["answered"] == 30

    versions = [m["version"] for m in screen.received if m["type"] == "state"]
    assert versions == sorted(versions)
    # Coalesced: far fewer screen snapshots than the 82 submissions and 5 state changes.
    assert len(versions) < 60
    for phone in phones:
        await phone.close()
    await screen.close()


async def test_a_silent_connection_is_closed_and_can_come_back(fresh_db):
    """A connection that does not answer the server's heartbeat (a phone gone without
    closing) is closed as going away, not as a lost seat, and the phone reconnects to the
    same seat."""
    server = Server(fresh_db, env={"WORKSHOP_QUIET_SECONDS": "1"}).start()
    try:
        anna = await login(server, "anna")
        code = (await new_session(anna, tables=1))["code"]
        phone = await Phone.join(server, code)
        phone.socket = await Socket.open(phone.url, answer_pings=False)
        close_code, reason = await phone.socket.wait_closed()
        assert close_code == 1001 and reason
        assert phone.socket.pings >= 1  # it was asked, and did not answer
        welcome = await phone.connect()
        assert welcome["participant"]["id"] == phone.participant_id
        await phone.close()
        await anna.aclose()
    finally:
        server.stop()


async def test_the_heartbeat_keeps_an_answering_connection_open(fresh_db):
    """Pages answer the server's ping with a pong; a page that does stays connected long
    past the quiet limit, with no reply to its pongs, and its own ping still gets a pong."""
    server = Server(fresh_db, env={"WORKSHOP_QUIET_SECONDS": "1"}).start()
    try:
        anna = await login(server, "anna")
        code = (await new_session(anna, tables=1))["code"]
        phone = await Phone.join(server, code)
        await phone.connect()
        assert phone.socket is not None
        await phone.socket.wait_pings(9)  # at least 3 s: three times the quiet limit
        assert not phone.socket.closed.is_set()
        # The welcome and its table's state: nothing besides the heartbeat's pings.
        assert sorted(m["type"] for m in phone.socket.received) == ["table", "welcome"]
        await phone.socket.send({"type": "ping"})
        await phone.socket.wait_for(lambda m: m["type"] == "pong")
        await phone.close()
        await anna.aclose()
    finally:
        server.stop()
