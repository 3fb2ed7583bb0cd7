"""A hybrid day (issue 17) through a real server: 3 room tables and 2 digital tables driven
through the two-hour plan with real phones. Remote people sit at digital tables only, get
their tables' meeting links, answer every kind of activity as the room does, call the
facilitator, take their turn in the round of the tables, and evaluate the day; the screen
and the console see both kinds of tables, marked."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx

from tests.live import Phone, Server, Socket, new_id, new_session, screen_socket_url, set_state

TEMPLATE = "for-kommunestyremotet-2-timer"
VOTES = ("dilemma", "poll", "scale")
PATTERN = "https://meet.example/lillevik-{table}"
PLENARY = "https://meet.example/lillevik-plenum"


async def _console(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def _post(client: httpx.AsyncClient, url: str, body: Any = None, status: int = 200) -> Any:
    response = await client.post(url, json=body)
    assert response.status_code == status, response.text
    return response.json()


async def _send(phone: Phone, frame: dict[str, Any]) -> dict[str, Any]:
    """Send a frame with a fresh id; its ack (or error)."""
    assert phone.socket is not None
    client_id = new_id()
    since = len(phone.socket.received)
    await phone.socket.send({**frame, "id": client_id})
    return await phone.socket.reply_to(client_id, since=since)


def _table_frame(phone: Phone, test: Any = None) -> Any:
    assert phone.socket is not None
    return phone.socket.wait_for(lambda m: m["type"] == "table" and (test is None or test(m)))


async def _answer(phones: dict[int, list[Phone]], activity: dict[str, Any]) -> Counter[int]:
    """Everyone answers `activity` as its kind asks; returns the options chosen (votes)."""
    chosen: Counter[int] = Counter()
    if activity["kind"] in VOTES and activity["by"] == "table":
        for members in phones.values():  # one member proposes, another confirms
            frame = {"activity": activity["id"], "option": 0}
            assert (await _send(members[0], {"type": "propose", **frame}))["type"] == "ack"
            await _table_frame(
                members[1], lambda m: ((m.get("answer") or {}).get("proposal") or {}) != {}
            )
            assert (await _send(members[1], {"type": "confirm", **frame}))["type"] == "ack"
    elif activity["kind"] in VOTES:
        count = len(activity["options"])
        every = [p for members in phones.values() for p in members]
        for index, phone in enumerate(every):
            option = index % count
            assert (await phone.vote(activity["id"], option))["type"] == "ack"
            chosen[option] += 1
    elif activity["kind"] == "reflection":
        for table, members in phones.items():
            ack = await members[0].post(activity["id"], f"Tanke fra bord {table}")
            assert ack["type"] == "ack"
    return chosen


async def test_a_hybrid_day_runs_through_the_plan_for_room_and_digital_tables(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Hybrid i Lillevik", tables=3, digital_tables=2)
    code = created["code"]
    await _post(facilitator, f"/api/sessions/{code}/agenda", {"template": TEMPLATE}, 201)
    links = await _post(
        facilitator, f"/api/sessions/{code}/meetings", {"pattern": PATTERN, "plenary": PLENARY}
    )
    assert [m["url"] for m in links["meetings"]] == [
        "https://meet.example/lillevik-1",  # {table}: the place among the digital tables
        "https://meet.example/lillevik-2",
    ]
    listing = (await facilitator.get(f"/api/sessions/{code}/tables")).json()["tables"]
    assert [(t["number"], t["kind"]) for t in listing] == [
        (1, "room"),
        (2, "room"),
        (3, "room"),
        (4, "digital"),
        (5, "digital"),
    ]
    # 9 in the room at the tables they sit at, 8 at home seated for them (balanced among
    # the digital tables, docs/seating.md): the kinds never mix.
    room = [await Phone.join(server, code, name=f"Rom {n}", table=1 + n % 3) for n in range(9)]
    home = [await Phone.join(server, code, name=f"Hjemme {n}", remote=True) for n in range(8)]
    assert Counter(p.table for p in room) == {1: 3, 2: 3, 3: 3}
    at_home = Counter(p.table for p in home)
    assert set(at_home) <= {4, 5} and sum(at_home.values()) == 8
    phones: dict[int, list[Phone]] = {}
    for phone in (*room, *home):
        await phone.connect()
        phones.setdefault(phone.table, []).append(phone)
    for phone in home:
        frame = await _table_frame(phone, lambda m: m["meeting"] is not None)
        assert frame["table"]["kind"] == "digital"
        assert frame["meeting"] == {
            "table": f"https://meet.example/lillevik-{phone.table - 3}",
            "plenary": PLENARY,
            "now": "plenary",
        }
    frame = await _table_frame(room[0])
    assert frame["table"]["kind"] == "room" and frame["meeting"] is None

    screen = await Socket.open(screen_socket_url(created))
    first = await screen.wait_for(lambda m: m["type"] == "state")
    assert {t["number"]: t["kind"] for t in first["tables"]} == {
        1: "room",
        2: "room",
        3: "room",
        4: "digital",
        5: "digital",
    }

    kinds_seen: set[str] = set()
    revealed_votes = 0
    while True:
        moved = await _post(facilitator, f"/api/sessions/{code}/next")
        if moved["closing"]:
            break
        if moved["activity"] is None:
            continue
        console = await _console(facilitator, code)
        activity = next(a for a in console["activities"] if a["id"] == moved["activity"])
        kinds_seen.add(f"{activity['kind']}/{activity['by']}")
        chosen = await _answer(phones, activity)
        if activity["kind"] in VOTES:
            await set_state(facilitator, code, activity["id"], "revealed")

            def shown(m: dict[str, Any], wanted: int = activity["id"]) -> bool:
                shown_activity = m.get("activity") or {}
                return (
                    m["type"] == "state"
                    and shown_activity.get("id") == wanted
                    and shown_activity.get("results") is not None
                )

            state = await screen.wait_for(shown)
            results = state["activity"]["results"]
            if chosen:  # each person's vote: the room's figures count both kinds of tables
                assert results["total"] == 17
                for table, people in at_home.items():  # option counts of each table
                    if people >= 3:
                        assert sum(results["tables"][str(table)]) == people
                    else:  # too few to stay anonymous: left off the screen, as in the room
                        assert str(table) not in results["tables"]
                revealed_votes += 1
    assert revealed_votes >= 1
    assert any(k.startswith(("dilemma", "poll", "scale")) for k in kinds_seen)

    # The closing opens the evaluation: both kinds of tables answer it.
    console = await _console(facilitator, code)
    evaluation = next(a for a in console["activities"] if a["kind"] == "evaluation")
    every = [p for members in phones.values() for p in members]
    for phone in every:
        ack = await _send(
            phone, {"type": "evaluation", "activity": evaluation["id"], "answers": {"useful": 4}}
        )
        assert ack["type"] == "ack"
    console = await _console(facilitator, code)
    live = next(a for a in console["activities"] if a["id"] == evaluation["id"])
    assert live["answered"] == 17

    # A digital table calls the facilitator; the console lists its hand.
    assert (await _send(home[0], {"type": "hand", "raised": True}))["type"] == "ack"
    talk = (await facilitator.get(f"/api/sessions/{code}/talk")).json()
    assert [h["table"] for h in talk["hands"]] == [home[0].table]

    # The round of the tables goes through the digital tables too.
    round_ = (await _post(facilitator, f"/api/sessions/{code}/round", {"action": "start"}))["round"]
    visited = [round_["table"]["number"]]
    while True:
        response = await facilitator.post(
            f"/api/sessions/{code}/round", json={"action": "next", "at": visited[-1]}
        )
        if response.status_code == 409:
            break
        assert response.status_code == 200, response.text
        visited.append(response.json()["round"]["table"]["number"])
    assert visited == [1, 2, 3, *sorted(at_home)]

    await asyncio.gather(screen.close(), *(p.close() for p in every))


async def test_a_phone_cannot_move_itself_between_the_room_and_home(
    server: Server, facilitator: httpx.AsyncClient
):
    """Changing table stays inside a kind; the facilitator moves people across (someone
    who joined from home has arrived, say)."""
    created = await new_session(facilitator, tables=2, digital_tables=2)
    code = created["code"]
    home = await Phone.join(server, code, name="Siri", remote=True)
    room = await Phone.join(server, code, name="Ola", table=1)
    assert home.table in (3, 4)
    await home.connect()
    await room.connect()
    for phone, other_kind, same_kind in ((home, 1, 7 - home.table), (room, 3, 2)):
        refused = await _send(phone, {"type": "seat", "table": other_kind})
        assert refused["type"] == "error"
        assert "facilitator" in refused["message"] or "kurslederen" in refused["message"]
        assert (await _send(phone, {"type": "seat", "table": same_kind}))["type"] == "ack"
    # The facilitator brings Siri into the room: she is at a room table now.
    response = await facilitator.post(
        f"/api/sessions/{code}/participants/{home.participant_id}/table", json={"table": 2}
    )
    assert response.status_code == 200, response.text
    frame = await _table_frame(home, lambda m: m["table"]["number"] == 2)
    assert frame["table"]["kind"] == "room" and frame["meeting"] is None
    await asyncio.gather(home.close(), room.close())
