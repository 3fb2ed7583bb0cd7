"""The round of the tables, the spokesperson and calling the facilitator, with real clients:
the screen shows table N while table N+1's phones hear "you are next"; the turn to speak goes
round the table over the day; a raised hand reaches the console and is cleared."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from pycrdt import Doc, Text

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    new_id,
    new_session,
    screen_socket_url,
    set_state,
)
from workshop.table_talk import default_spokesperson


def talk(frame: dict[str, Any]) -> dict[str, Any]:
    return frame.get("round") or {}


async def _round(client: httpx.AsyncClient, code: str, **body: Any) -> httpx.Response:
    return await client.post(f"/api/sessions/{code}/round", json=body)


async def test_the_round_drives_screen_and_phones_in_step(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Runden", tables=3)
    code = created["code"]
    activity = await add_activity(
        facilitator, code, kind="poll", prompt="Hva først?", options=["Skole", "Vei"]
    )
    await set_state(facilitator, code, activity, "open")
    phones = {
        n: [await Phone.join(server, code, name=f"P{n}{i}", table=n) for i in range(3)]
        for n in (1, 3)
    }  # table 2 is empty: the round passes it by
    for table in phones.values():
        for phone in table:
            await phone.connect()
    for i, phone in enumerate(phones[1]):
        assert (await phone.vote(activity, i % 2))["type"] == "ack"
    screen = await Socket.open(screen_socket_url(created))
    await screen.wait_for(lambda m: m["type"] == "state")

    started = await _round(facilitator, code, action="start", seconds=90)
    assert started.status_code == 200, started.text
    now = started.json()["round"]
    assert (now["table"]["number"], now["position"], now["total"]) == (1, 1, 2)
    assert now["next"]["number"] == 3
    shown = await screen.wait_for(lambda m: m["type"] == "state" and m.get("round"))
    assert shown["round"]["table"]["name"] == "Bord 1"
    assert shown["round"]["votes"] == {"shown": True, "total": 3, "counts": [2, 1]}
    assert shown["round"]["spokesperson"]["name"] == "P10"  # the first to join
    assert shown["timer"]["seconds"] == 90  # the session's timer is the speaking time
    next_phone = phones[3][0].socket
    assert next_phone is not None
    await next_phone.wait_for(lambda m: m["type"] == "table" and talk(m).get("next") is True)
    speaking = phones[1][1].socket
    assert speaking is not None
    await speaking.wait_for(lambda m: m["type"] == "table" and talk(m).get("speaking") is True)

    # The console's second press of Next finds the round moved on: nothing moves twice.
    assert (await _round(facilitator, code, action="next", at=1)).status_code == 200
    again = await _round(facilitator, code, action="next", at=1)
    assert again.status_code == 409, again.text
    shown = await screen.wait_for(
        lambda m: (
            m["type"] == "state" and (m.get("round") or {}).get("table", {}).get("number") == 3
        )
    )
    assert shown["round"]["next"] is None
    assert shown["round"]["votes"] == {"shown": False, "total": 0}  # too few to show
    await next_phone.wait_for(lambda m: m["type"] == "table" and talk(m).get("speaking") is True)
    await speaking.wait_for(lambda m: m["type"] == "table" and talk(m).get("done") is True)
    assert (await _round(facilitator, code, action="next")).status_code == 409  # the last
    assert (await _round(facilitator, code, action="previous")).status_code == 200
    await screen.wait_for(
        lambda m: m["type"] == "state" and (m.get("round") or {}).get("position") == 1
    )
    assert (await _round(facilitator, code, action="stop")).status_code == 200
    ended = await screen.wait_for(
        lambda m: m["type"] == "state" and m.get("round") is None and m.get("timer") is None
    )
    assert ended["round"] is None
    await next_phone.wait_for(lambda m: m["type"] == "table" and m.get("round") is None)
    bad = await _round(facilitator, code, action="jump")
    assert bad.status_code == 400
    await screen.close()
    for table in phones.values():
        for phone in table:
            await phone.close()


async def test_the_spokesperson_rotates_and_the_table_can_pick(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Talsperson", tables=2)
    code = created["code"]
    kari, ola, per = [
        await Phone.join(server, code, name=n, table=1) for n in ("Kari", "Ola", "Per")
    ]
    other = await Phone.join(server, code, name="Eva", table=2)
    for phone in (kari, ola, per, other):
        await phone.connect()
    assert kari.socket is not None
    speakers = []
    for round_ in range(4):
        activity = await add_activity(facilitator, code, kind="reflection", prompt=f"Sak {round_}")
        await set_state(facilitator, code, activity, "open")
        frame = await kari.socket.wait_for(
            lambda m, a=activity: (
                m["type"] == "table" and m["activity"] == a and m["spokesperson"] is not None
            )
        )
        speakers.append(frame["spokesperson"]["name"])
        # The table writes notes: the spokesperson's turn is counted.
        doc: Doc = Doc()
        doc.get("notes", type=Text).insert(0, "notat")
        update = base64.b64encode(doc.get_update()).decode()
        assert ola.socket is not None
        since, note = len(ola.socket.received), new_id()
        await ola.socket.send({"type": "note", "id": note, "activity": activity, "update": update})
        assert (await ola.socket.reply_to(note, since=since))["type"] == "ack"
    assert speakers == ["Kari", "Ola", "Per", "Kari"]  # everyone in turn, by joining order

    # The table picks Per instead; everyone at the table sees it, the other table does not.
    since = len(kari.socket.received)
    pick = new_id()
    await kari.socket.send(
        {
            "type": "spokesperson",
            "id": pick,
            "activity": activity,
            "participant": per.participant_id,
        }
    )
    assert (await kari.socket.reply_to(pick, since=since))["type"] == "ack"
    assert per.socket is not None
    chosen = await per.socket.wait_for(
        lambda m: m["type"] == "table" and (m.get("spokesperson") or {}).get("chosen")
    )
    assert chosen["spokesperson"]["name"] == "Per"
    # Someone at another table cannot be picked.
    since = len(kari.socket.received)
    wrong = new_id()
    await kari.socket.send(
        {
            "type": "spokesperson",
            "id": wrong,
            "activity": activity,
            "participant": other.participant_id,
        }
    )
    assert (await kari.socket.reply_to(wrong, since=since))["type"] == "error"
    for phone in (kari, ola, per, other):
        await phone.close()


def test_the_default_is_the_fewest_turns_then_the_earliest():
    assert default_spokesperson([], {}) is None
    assert default_spokesperson([5, 3, 9], {}) == 5
    assert default_spokesperson([5, 3, 9], {5: 1}) == 3
    assert default_spokesperson([5, 3, 9], {5: 1, 3: 1}) == 9
    assert default_spokesperson([5, 3, 9], {5: 2, 3: 1, 9: 1}) == 3


async def test_a_table_calls_the_facilitator(server: Server, facilitator: httpx.AsyncClient):
    created = await new_session(facilitator, title="Hånd", tables=2)
    code = created["code"]
    kari, ola = [await Phone.join(server, code, name=n, table=2) for n in ("Kari", "Ola")]
    await kari.connect()
    await ola.connect()
    assert kari.socket is not None and ola.socket is not None
    console = await Socket.open(
        f"{server.ws_url}/ws/{code}/console",
        {"Cookie": f"workshop={facilitator.cookies['workshop']}"},
    )
    await console.wait_for(lambda m: m["type"] == "state")
    hand = new_id()
    await kari.socket.send({"type": "hand", "id": hand, "raised": True})
    assert (await kari.socket.reply_to(hand))["type"] == "ack"
    raised = await console.wait_for(
        lambda m: m["type"] == "state" and m.get("talk", {}).get("hands")
    )
    assert [(h["table"], h["name"]) for h in raised["talk"]["hands"]] == [(2, "Bord 2")]
    assert raised["talk"]["hands"][0]["since"] > 0
    await ola.socket.wait_for(lambda m: m["type"] == "table" and m["hand"]["raised"] is True)
    # The facilitator came: cleared from the console, and the table's phones know.
    cleared = await facilitator.delete(f"/api/sessions/{code}/tables/2/hand")
    assert cleared.status_code == 200, cleared.text
    await console.wait_for(lambda m: m["type"] == "state" and m.get("talk", {}).get("hands") == [])
    await ola.socket.wait_for(lambda m: m["type"] == "table" and m["hand"]["raised"] is False)
    assert (await facilitator.delete(f"/api/sessions/{code}/tables/2/hand")).status_code == 200
    assert (await facilitator.delete(f"/api/sessions/{code}/tables/9/hand")).status_code == 404
    # Raised again, and lowered by the table itself.
    for raised_ in (True, False):
        since = len(ola.socket.received)
        frame_id = new_id()
        await ola.socket.send({"type": "hand", "id": frame_id, "raised": raised_})
        assert (await ola.socket.reply_to(frame_id, since=since))["type"] == "ack"
        await console.wait_for(
            lambda m, r=raised_: m["type"] == "state" and bool(m.get("talk", {}).get("hands")) is r,
        )
    bad = new_id()
    await ola.socket.send({"type": "hand", "id": bad, "raised": "yes"})
    assert (await ola.socket.reply_to(bad))["type"] == "error"
    await console.close()
    await kari.close()
    await ola.close()
