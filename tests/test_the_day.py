"""Running the day (issue 14), through a real server: the join page over the run of show, a
closing and closing the session, plan times that follow the clock, the timer of a step,
"why" texts and the law on the screen, and participants changing their table."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    login,
    new_id,
    new_session,
    screen_socket_url,
    set_state,
)

ENGLISH = {"Accept-Language": "en"}
TEMPLATE = "for-kommunestyremotet-2-timer"


async def _console(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def _post(client: httpx.AsyncClient, url: str, body: Any = None, status: int = 200) -> Any:
    response = await client.post(url, json=body, headers=ENGLISH)
    assert response.status_code == status, response.text
    return response.json()


async def _template(client: httpx.AsyncClient, **body: Any) -> tuple[str, dict[str, Any]]:
    created = await new_session(client, **body)
    code = created["code"]
    await _post(client, f"/api/sessions/{code}/agenda", {"template": TEMPLATE}, 201)
    return code, created


# --- the join page never moves the run of show -------------------------------------------


async def test_show_the_join_page_then_next_goes_on_from_where_the_room_was(
    server: Server, facilitator: httpx.AsyncClient
):
    """Reproduces the run that failed: a poll revealed, "show the join page", Next. The
    right Next goes on to the step after the poll; it never re-opens the poll."""
    created = await new_session(facilitator, tables=2)
    code = created["code"]
    first = await add_activity(facilitator, code, kind="poll", prompt="Én?", options=["Ja", "Nei"])
    second = await add_activity(facilitator, code, kind="poll", prompt="To?", options=["Ja", "Nei"])
    assert (await _post(facilitator, f"/api/sessions/{code}/next"))["activity"] == first
    await set_state(facilitator, code, first, "revealed")
    screen = await Socket.open(screen_socket_url(created))
    shown = await _post(facilitator, f"/api/sessions/{code}/screen", {"join_page": True})
    assert shown == {"join_page": True, "join_corner": True, "law": False, "wall_page": 0}
    state = await screen.wait_for(lambda m: m["type"] == "state" and m["screen"]["join_page"])
    assert state["activity"]["id"] == first and state["activity"]["state"] == "revealed"
    console = await _console(facilitator, code)
    assert console["current"] == first  # the run of show did not move
    assert console["next"] == {"segment": None, "activity": second, "closing": False}
    # A wrong Next: from a console that saw another step. Nothing moves.
    response = await facilitator.post(
        f"/api/sessions/{code}/next",
        json={"from": {"segment": None, "activity": None}},
        headers=ENGLISH,
    )
    assert "moved on" in expect_error(response, 409)
    assert (await _console(facilitator, code))["current"] == first
    # The right Next: from where the room is. The join page goes, the next poll opens.
    here = {"segment": None, "activity": first}
    moved = await _post(facilitator, f"/api/sessions/{code}/next", {"from": here})
    assert moved == {"segment": None, "activity": second, "closing": False}
    state = await screen.wait_for(
        lambda m: m["type"] == "state" and m["activity"] and m["activity"]["id"] == second
    )
    assert state["screen"]["join_page"] is False
    states = {a["id"]: a["state"] for a in (await _console(facilitator, code))["activities"]}
    assert states == {first: "revealed", second: "open"}
    await screen.close()


async def test_an_empty_plan_has_no_next_step(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator))["code"]
    assert (await _console(facilitator, code))["next"] is None
    response = await facilitator.post(f"/api/sessions/{code}/next", headers=ENGLISH)
    assert "plan is empty" in expect_error(response, 409)


async def test_screen_options_are_checked(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator))["code"]
    for body in ({}, {"join_page": "yes"}, {"law": 1}, {"wall_page": -1}, {"wall_page": 1.5}):
        response = await facilitator.post(
            f"/api/sessions/{code}/screen", json=body, headers=ENGLISH
        )
        assert expect_error(response, 400)
    hidden = await _post(facilitator, f"/api/sessions/{code}/screen", {"join_corner": False})
    assert hidden["join_corner"] is False
    stepped = await _post(facilitator, f"/api/sessions/{code}/screen", {"wall_page": 2})
    assert stepped["wall_page"] == 2 and stepped["join_corner"] is False


# --- a closing, then a closed session ----------------------------------------------------


async def test_a_closed_session_refuses_answers_and_joins_and_stays_readable(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=2, language="en")
    code = created["code"]
    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Nyttig?", options=["Ja", "Nei"]
    )
    await set_state(facilitator, code, poll, "open")
    phone = await Phone.join(server, code)
    await phone.connect()
    assert (await phone.vote(poll, 0))["type"] == "ack"
    closed = await _post(facilitator, f"/api/sessions/{code}/close")
    assert closed == {"closed": True}
    assert phone.socket is not None
    goodbye = await phone.socket.wait_for(lambda m: m["type"] == "activity" and m["closed"])
    assert goodbye["closed"] is True
    refused = await phone.vote(poll, 1)
    assert refused["type"] == "error" and "ended" in refused["message"]
    async with httpx.AsyncClient(base_url=server.url) as anyone:
        response = await anyone.post(f"/api/sessions/{code}/join", json={}, headers=ENGLISH)
    assert "ended" in expect_error(response, 403)
    response = await facilitator.post(f"/api/sessions/{code}/next", headers=ENGLISH)
    assert "Reopen" in expect_error(response, 409)
    # The console and the results stay readable, with the answer given before closing.
    console = await _console(facilitator, code)
    assert console["session"]["closed"] is True
    results = (await facilitator.get(f"/api/sessions/{code}/results")).json()
    assert results["activities"][0]["counts"] == [1, 0]
    assert {a["state"] for a in console["activities"]} == {"closed"}
    # Reopened, the facilitator can go on.
    assert await _post(facilitator, f"/api/sessions/{code}/reopen") == {"closed": False}
    await set_state(facilitator, code, poll, "open")
    assert (await phone.vote(poll, 1))["type"] == "ack"
    await phone.close()


async def test_only_the_owner_closes_a_session(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator))["code"]
    other = await login(server, "bjorn")
    for path in ("close", "reopen", "screen", "table-changes", "plan/start"):
        response = await other.post(f"/api/sessions/{code}/{path}", json={}, headers=ENGLISH)
        assert response.status_code == 404, (path, response.text)
    await other.aclose()
    async with httpx.AsyncClient(base_url=server.url) as anyone:
        response = await anyone.post(f"/api/sessions/{code}/close", headers=ENGLISH)
    assert response.status_code == 401


# --- plan times follow the clock --------------------------------------------------------


async def test_plan_times_follow_the_days_start_and_a_reorder(facilitator: httpx.AsyncClient):
    code, _ = await _template(facilitator)
    segments = (await _console(facilitator, code))["segments"]
    assert [s["start"] for s in segments] == ["16:00", "16:10", "16:50", "17:00", "17:40"]
    assert [s["offset"] for s in segments] == [0, 10, 50, 60, 100]
    # The day started at another hour: behind plan counts from the real start.
    before = time.time()
    started = await _post(facilitator, f"/api/sessions/{code}/plan/start")
    assert started["day"] == 1 and before <= started["started_at"] <= time.time()
    state = await _console(facilitator, code)
    assert state["days"] == [{"day": 1, "start": "16:00", "started_at": started["started_at"]}]
    # Move the break first: every start after it moves with it.
    brk = segments[2]
    response = await facilitator.patch(
        f"/api/sessions/{code}/segments/{brk['id']}", json={"position": 0}
    )
    assert response.status_code == 200, response.text
    moved = (await _console(facilitator, code))["segments"]
    assert moved[0]["title"] == brk["title"]
    assert [s["start"] for s in moved] == ["16:00", "16:10", "16:20", "17:00", "17:40"]
    # A start written on a segment sets the day's start so that it starts then.
    response = await facilitator.patch(
        f"/api/sessions/{code}/segments/{moved[1]['id']}", json={"start": "09:10"}
    )
    assert response.status_code == 200, response.text
    again = await _console(facilitator, code)
    assert [s["start"] for s in again["segments"]][:2] == ["09:00", "09:10"]
    response = await facilitator.patch(
        f"/api/sessions/{code}/plan/days/1", json={"start": "13:00"}, headers=ENGLISH
    )
    assert response.status_code == 200 and response.json()["start"] == "13:00"
    response = await facilitator.patch(
        f"/api/sessions/{code}/plan/days/1", json={"start": "25:00"}, headers=ENGLISH
    )
    assert "HH:MM" in expect_error(response, 400)


async def test_the_first_next_into_a_day_starts_its_clock(facilitator: httpx.AsyncClient):
    code, _ = await _template(facilitator)
    assert (await _console(facilitator, code))["days"][0]["started_at"] is None
    await _post(facilitator, f"/api/sessions/{code}/next")
    state = await _console(facilitator, code)
    day = state["days"][0]
    assert day["started_at"] is not None
    assert (
        state["segment"]["started_at"] == day["started_at"]
        or abs(state["segment"]["started_at"] - day["started_at"]) < 1
    )


async def test_a_case_longer_than_its_segment_is_flagged(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator))["code"]
    made = await _post(
        facilitator,
        f"/api/sessions/{code}/segments",
        {"title": "Kort", "start": "10:00", "minutes": 10},
        201,
    )
    segment = made["id"]
    before = (await _console(facilitator, code))["segments"][0]
    assert before["over"] is False and before["needs"] == 0
    await _post(
        facilitator,
        f"/api/sessions/{code}/segments/{segment}/cases",
        {"case": "lokalavisen-ringer"},
        201,
    )
    after = (await _console(facilitator, code))["segments"][0]
    assert after["needs"] > 10 and after["over"] is True
    response = await facilitator.patch(
        f"/api/sessions/{code}/segments/{segment}", json={"minutes": after["needs"]}
    )
    assert response.status_code == 200
    assert (await _console(facilitator, code))["segments"][0]["over"] is False


# --- the timer of a step -----------------------------------------------------------------


async def test_the_timer_gives_and_takes_minutes_and_ends_with_its_step(
    facilitator: httpx.AsyncClient,
):
    created = await new_session(facilitator)
    code = created["code"]
    await add_activity(facilitator, code, kind="poll", prompt="A?", options=["Ja", "Nei"])
    await add_activity(facilitator, code, kind="poll", prompt="B?", options=["Ja", "Nei"])
    await _post(facilitator, f"/api/sessions/{code}/next")
    response = await facilitator.post(
        f"/api/sessions/{code}/timer", json={"add": 60}, headers=ENGLISH
    )
    assert "No timer" in expect_error(response, 409)
    timer = (await _post(facilitator, f"/api/sessions/{code}/timer", {"seconds": 300}))["timer"]
    more = (await _post(facilitator, f"/api/sessions/{code}/timer", {"add": 60}))["timer"]
    assert abs(more["ends_at"] - timer["ends_at"] - 60) < 0.01 and more["seconds"] == 360
    less = (await _post(facilitator, f"/api/sessions/{code}/timer", {"add": -60}))["timer"]
    assert abs(less["ends_at"] - timer["ends_at"]) < 0.01 and less["up"] is False
    for bad in (0, 601, "60", True):
        response = await facilitator.post(
            f"/api/sessions/{code}/timer", json={"add": bad}, headers=ENGLISH
        )
        assert expect_error(response, 400)
    # Taking more than is left: time is up, and stays up in the state until the next step.
    screen = await Socket.open(screen_socket_url(created))
    for _ in range(5):
        up = (await _post(facilitator, f"/api/sessions/{code}/timer", {"add": -600}))["timer"]
    assert up["up"] is True
    state = await screen.wait_for(lambda m: m["type"] == "state" and (m["timer"] or {}).get("up"))
    assert state["timer"]["up"] is True
    # +1 min after time is up counts from now.
    back = (await _post(facilitator, f"/api/sessions/{code}/timer", {"add": 60}))["timer"]
    assert back["up"] is False and 55 < back["ends_at"] - time.time() <= 60
    await _post(facilitator, f"/api/sessions/{code}/next")
    await screen.wait_for(lambda m: m["type"] == "state" and m["timer"] is None)
    assert (await _console(facilitator, code))["timer"] is None
    await screen.close()


async def test_time_is_up_reaches_the_screen_when_the_countdown_runs_out(
    facilitator: httpx.AsyncClient,
):
    """The server says so itself when the timer runs out: a screen that only listens
    gets a state with `up` (the shortest timer is 10 s)."""
    created = await new_session(facilitator)
    code = created["code"]
    screen = await Socket.open(screen_socket_url(created))
    await _post(facilitator, f"/api/sessions/{code}/timer", {"seconds": 10})
    await screen.wait_for(lambda m: m["type"] == "state" and m["timer"] and not m["timer"]["up"])
    state = await screen.wait_for(
        lambda m: m["type"] == "state" and (m["timer"] or {}).get("up"), timeout=20
    )
    assert state["now"] >= state["timer"]["ends_at"]
    await screen.close()


# --- "why" texts and the law on the screen -----------------------------------------------


async def test_chosen_whys_reach_the_screen_after_reveal_without_names(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=2)
    code = created["code"]
    dilemma = await add_activity(
        facilitator, code, kind="dilemma", prompt="Svare?", options=["Vente", "Svare"]
    )
    await set_state(facilitator, code, dilemma, "open")
    phone = await Phone.join(server, code, name="Kari Nordmann")
    await phone.connect()
    vote_id = new_id()
    assert (await phone.vote(dilemma, 1, vote_id, why="Folk har rett på svar"))["type"] == "ack"
    whys = next(a for a in (await _console(facilitator, code))["activities"])["whys"]
    assert whys == [
        {
            "id": vote_id,
            "table": phone.table,
            "option": 1,
            "text": "Folk har rett på svar",
            "quoted": False,
        }
    ]
    url = f"/api/sessions/{code}/activities/{dilemma}/quotes"
    assert await _post(facilitator, url, {"why": vote_id}, 201) == {"quoted": True}
    assert await _post(facilitator, url, {"why": vote_id}) == {"quoted": True}  # again: no change
    response = await facilitator.post(url, json={"why": "no-such"}, headers=ENGLISH)
    assert expect_error(response, 404)
    screen = await Socket.open(screen_socket_url(created))
    state = await screen.wait_for(lambda m: m["type"] == "state")
    assert state["activity"]["quotes"] == []  # not while the vote is open
    await set_state(facilitator, code, dilemma, "revealed")
    state = await screen.wait_for(
        lambda m: m["type"] == "state" and m["activity"]["state"] == "revealed"
    )
    assert state["activity"]["quotes"] == [
        {"id": vote_id, "option": 1, "text": "Folk har rett på svar"}
    ]
    assert "Kari" not in str(state)
    response = await facilitator.delete(f"{url}/{vote_id}")
    assert response.status_code == 200
    await screen.wait_for(lambda m: m["type"] == "state" and m["activity"]["quotes"] == [])
    await screen.close()
    await phone.close()


async def test_the_law_is_on_the_screen_only_after_reveal_when_chosen(
    facilitator: httpx.AsyncClient,
):
    created = await new_session(facilitator)
    code = created["code"]
    segment = (
        await _post(facilitator, f"/api/sessions/{code}/segments", {"title": "Åpenhet"}, 201)
    )["id"]
    made = await _post(
        facilitator,
        f"/api/sessions/{code}/segments/{segment}/cases",
        {"case": "lokalavisen-ringer"},
        201,
    )
    law = [{"ref": "kommuneloven § 11-5 (2)", "text": "Et møte skal lukkes …"}]
    response = await facilitator.patch(
        f"/api/sessions/{code}/cases/{made['case']}", json={"law": law}
    )
    assert response.status_code == 200, response.text
    response = await facilitator.patch(
        f"/api/sessions/{code}/cases/{made['case']}",
        json={"law": [{"ref": "kommuneloven", "text": "uten paragraf"}]},
        headers=ENGLISH,
    )
    assert "paragraph" in expect_error(response, 400)
    assert (await _console(facilitator, code))["cases"][str(made["case"])]["law"] == law
    activity = made["activities"][0]
    await set_state(facilitator, code, activity, "open")
    screen = await Socket.open(screen_socket_url(created))
    await _post(facilitator, f"/api/sessions/{code}/screen", {"law": True})
    state = await screen.wait_for(lambda m: m["type"] == "state" and m["screen"]["law"])
    assert "law" not in state["activity"]["case"]  # not before the reveal
    await set_state(facilitator, code, activity, "revealed")
    state = await screen.wait_for(
        lambda m: m["type"] == "state" and m["activity"]["state"] == "revealed"
    )
    assert state["activity"]["case"]["law"] == law
    assert "notes" not in state["activity"]["case"]
    await _post(facilitator, f"/api/sessions/{code}/screen", {"law": False})
    state = await screen.wait_for(lambda m: m["type"] == "state" and not m["screen"]["law"])
    assert "law" not in state["activity"]["case"]
    await screen.close()


# --- who sits where ----------------------------------------------------------------------


async def test_a_participant_changes_table_and_the_console_sees_who_sits_where(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=3)
    code = created["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="Ja?", options=["Ja", "Nei"])
    await set_state(facilitator, code, poll, "open")
    kari = await Phone.join(server, code, name="Kari", table=1)
    anon = await Phone.join(server, code, table=1)
    welcome = await kari.connect()
    assert welcome["table_changes"] is True and welcome["participant"]["number"] == 1
    assert (await kari.vote(poll, 0))["type"] == "ack"
    assert kari.socket is not None
    move = new_id()
    await kari.socket.send({"type": "seat", "id": move, "table": 2})
    ack = await kari.socket.reply_to(move)
    assert ack["type"] == "ack"
    seat = await kari.socket.wait_for(lambda m: m["type"] == "seat")
    assert seat["table"]["number"] == 2 and seat["table"]["name"]
    # Her earlier vote stays with table 1; the next one counts at table 2.
    assert (await kari.vote(poll, 1))["type"] == "ack"
    results = (await facilitator.get(f"/api/sessions/{code}/results")).json()["activities"][0]
    assert results["tables"] == {"2": [0, 1]}
    listed = (await facilitator.get(f"/api/sessions/{code}/participants")).json()["participants"]
    by_number = {p["number"]: p for p in listed}
    assert by_number[1]["name"] == "Kari" and by_number[1]["table"] == 2
    assert by_number[1]["table_name"] == seat["table"]["name"]
    assert by_number[2]["name"] == "" and by_number[2]["table"] == 1
    assert anon.participant_id == by_number[2]["id"]
    # Unknown table, bad input, then the facilitator turns changes off.
    for table in (9, "2"):
        bad = new_id()
        await kari.socket.send({"type": "seat", "id": bad, "table": table})
        reply = await kari.socket.reply_to(bad)
        assert reply["type"] == "error" and reply["id"] == bad
    assert await _post(facilitator, f"/api/sessions/{code}/table-changes", {"allowed": False}) == {
        "allowed": False
    }
    await kari.socket.wait_for(lambda m: m["type"] == "activity" and m["table_changes"] is False)
    off = new_id()
    await kari.socket.send({"type": "seat", "id": off, "table": 3})
    reply = await kari.socket.reply_to(off)
    assert reply["type"] == "error" and reply["id"] == off
    await kari.close()


async def test_a_full_table_cannot_be_chosen(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, tables=2, language="en"))["code"]
    tables = (await facilitator.get(f"/api/sessions/{code}/tables")).json()
    capacity = (
        tables["tables"][1]["capacity"] if isinstance(tables, dict) else tables[1]["capacity"]
    )
    for _ in range(capacity):
        await Phone.join(server, code, table=2)
    phone = await Phone.join(server, code, table=1)
    await phone.connect()
    assert phone.socket is not None
    move = new_id()
    await phone.socket.send({"type": "seat", "id": move, "table": 2})
    reply = await phone.socket.reply_to(move)
    assert reply["type"] == "error" and "full" in reply["message"]
    await phone.close()
