"""Table answers with real phones on a real server: one member proposes, the table's phones
see it, the proposer cannot confirm, another member does; results carry `table_answers` and
the room's bars count tables; a resend is acknowledged again and changes nothing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    new_id,
    new_session,
    results,
    screen_socket_url,
    set_state,
)


async def act(phone: Phone, kind: str, activity: int, option: Any, client_id: str | None = None):
    """Send a propose or confirm; its ack or error."""
    client_id = client_id or new_id()
    assert phone.socket is not None
    since = len(phone.socket.received)
    await phone.socket.send({"type": kind, "id": client_id, "activity": activity, "option": option})
    return await phone.socket.reply_to(client_id, since=since)


def answer_of(frame: dict[str, Any]) -> dict[str, Any] | None:
    return frame.get("answer") if frame["type"] == "table" else None


async def seated(server: Server, code: str, table: int, n: int) -> list[Phone]:
    phones = []
    for i in range(n):
        phone = await Phone.join(server, code, name=f"P{table}.{i}", table=table)
        await phone.connect()
        phones.append(phone)
    return phones


async def test_a_table_proposes_and_another_member_confirms(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Bordsvar", tables=3)
    code = created["code"]
    activity = await add_activity(
        facilitator, code, kind="dilemma", prompt="Hva gjør dere?", options=["A", "B"], by="table"
    )
    await set_state(facilitator, code, activity, "open")
    kari, ola, per = await seated(server, code, 1, 3)
    other = (await seated(server, code, 2, 1))[0]
    for phone in (kari, ola, per, other):
        assert phone.socket is not None
        welcome = await phone.socket.wait_for(lambda m: m["type"] == "welcome")
        assert welcome["activity"]["by"] == "table"

    ack = await act(kari, "propose", activity, 1)
    assert ack["type"] == "ack"

    def proposed(m: dict[str, Any]) -> bool:
        answer = answer_of(m)
        return bool(answer and answer["proposal"] and answer["proposal"]["option"] == 1)

    for phone in (kari, ola, per):  # the whole table sees who proposed what, live
        assert phone.socket is not None
        frame = await phone.socket.wait_for(proposed)
        assert frame["answer"]["activity"] == activity
        assert frame["answer"]["proposal"]["by"]["id"] == kari.participant_id
        assert frame["answer"]["proposal"]["by"]["name"] == "P1.0"
        assert frame["answer"]["option"] is None
    assert other.socket is not None
    assert not any(proposed(m) for m in other.socket.received)  # another table's business

    own = await act(kari, "confirm", activity, 1)
    assert own["type"] == "error" and "retry" not in own
    wrong = await act(ola, "confirm", activity, 0)
    assert wrong["type"] == "error"
    vote = await kari.vote(activity, 1)  # no personal votes on a table's question
    assert vote["type"] == "error"

    confirm_id = new_id()
    assert (await act(ola, "confirm", activity, 1, confirm_id))["type"] == "ack"

    def confirmed(option: int):
        def check(m: dict[str, Any]) -> bool:
            answer = answer_of(m)
            return bool(answer and answer["option"] == option and answer["proposal"] is None)

        return check

    for phone in (kari, ola, per):
        assert phone.socket is not None
        frame = await phone.socket.wait_for(confirmed(1))
        assert frame["answer"]["confirmed_by"]["id"] == ola.participant_id

    # The resend of an acknowledged confirm is acknowledged again and changes nothing.
    before = await results(facilitator, code)
    assert (await act(ola, "confirm", activity, 1, confirm_id))["type"] == "ack"
    assert await results(facilitator, code) == before
    entry = before[activity]
    assert entry["by"] == "table"
    assert entry["table_answers"] == {"1": 1}
    assert entry["counts"] == [0, 1]  # the bars count tables

    # A second table answers; a new proposal replaces the answer only once confirmed.
    lone = await Phone.join(server, code, table=2)
    await lone.connect()
    assert (await act(other, "propose", activity, 0))["type"] == "ack"
    assert (await act(lone, "confirm", activity, 0))["type"] == "ack"
    assert (await act(per, "propose", activity, 0))["type"] == "ack"
    entry = (await results(facilitator, code))[activity]
    assert entry["table_answers"] == {"1": 1, "2": 0} and entry["counts"] == [1, 1]
    assert (await act(kari, "confirm", activity, 0))["type"] == "ack"
    entry = (await results(facilitator, code))[activity]
    assert entry["table_answers"] == {"1": 0, "2": 0} and entry["counts"] == [2, 0]

    state = (await facilitator.get(f"/api/sessions/{code}")).json()
    live = next(a for a in state["activities"] if a["id"] == activity)
    assert live["results"]["counts"] == [2, 0] and live["results"]["total"] == 2
    assert live["table_answers"] == {"1": 0, "2": 0}

    await set_state(facilitator, code, activity, "closed")
    late = await act(ola, "propose", activity, 1)
    assert late["type"] == "error"
    for phone in (kari, ola, per, other, lone):
        await phone.close()


async def test_by_is_checked_at_creation(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, title="Sjekk"))["code"]
    for body in (
        {"kind": "reflection", "prompt": "Tanker?", "by": "table"},
        {"kind": "scale", "prompt": "Enig?", "by": "everyone"},
    ):
        response = await facilitator.post(f"/api/sessions/{code}/activities", json=body)
        expect_error(response, 400)
    scale = await add_activity(facilitator, code, kind="scale", prompt="Enig?", by="table")
    plain = await add_activity(facilitator, code, kind="scale", prompt="Enig?")
    found = await results(facilitator, code)
    assert found[scale]["by"] == "table" and found[plain]["by"] == "person"


async def test_a_small_table_s_answer_stays_off_the_screen(
    server: Server, facilitator: httpx.AsyncClient
):
    """A table answer speaks for the people seated there: a table of two is below the
    threshold (3), and so the screen shows no table answer one by one for it."""
    created = await new_session(facilitator, title="Terskel", tables=3)
    code = created["code"]
    activity = await add_activity(
        facilitator, code, kind="poll", prompt="Hva?", options=["A", "B", "C"], by="table"
    )
    await set_state(facilitator, code, activity, "open")
    big = await seated(server, code, 1, 3)
    other = await seated(server, code, 2, 3)
    small = await seated(server, code, 3, 2)
    for phones, option in ((big, 0), (other, 1), (small, 2)):
        assert (await act(phones[0], "propose", activity, option))["type"] == "ack"
        assert (await act(phones[1], "confirm", activity, option))["type"] == "ack"
    await set_state(facilitator, code, activity, "revealed")
    screen = await Socket.open(screen_socket_url(created))

    def revealed(m: dict[str, Any]) -> bool:
        a = m.get("activity") or {}
        return m["type"] == "state" and a.get("state") == "revealed" and a.get("id") == activity

    state = await screen.wait_for(revealed)
    shown = state["activity"]
    assert shown["results"]["counts"] == [1, 1, 1]
    # Table 3 is hidden; complementary suppression hides one more (the hidden together
    # must hold at least 3 people), so no table answer can be worked out from the counts.
    assert "3" not in shown["table_answers"] and len(shown["table_answers"]) == 1
    assert "3" not in shown["results"]["tables"]
    console = (await facilitator.get(f"/api/sessions/{code}")).json()
    live = next(a for a in console["activities"] if a["id"] == activity)
    assert live["table_answers"] == {"1": 0, "2": 1, "3": 2}
    assert 3 in live["hidden_on_screen"]
    await screen.close()
    for phone in (*big, *other, *small):
        await phone.close()
