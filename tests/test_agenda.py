"""The day's plan over real sockets: built from a template and from the library, run from
start to end with "next" while the screen and the phones follow step by step; the timer;
the plan file round trip; bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    login,
    new_session,
    screen_socket_url,
)
from workshop.library import DEFAULT_ROOT, load_library

TEMPLATE = "for-kommunestyremotet-2-timer"
ENGLISH = {"Accept-Language": "en"}


async def _console(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def _next(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.post(f"/api/sessions/{code}/next")
    assert response.status_code == 200, response.text
    return response.json()


def _at(segment: int | None, activity: int | None):
    """A predicate: a screen `state` or phone `activity` message showing this step."""

    def showing(m: dict[str, Any]) -> bool:
        if m["type"] == "state":
            seg = m["segment"]["id"] if m["segment"] else None
            act = m["activity"]["id"] if m["activity"] else None
            return seg == segment and act == activity
        if m["type"] == "activity":
            act = m["activity"]["id"] if m["activity"] else None
            return act == activity and (m["segment"] is not None or segment is None)
        return False

    return showing


async def test_a_template_run_from_start_to_end_moves_screen_and_phones_in_step(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=2)
    code = created["code"]
    response = await facilitator.post(f"/api/sessions/{code}/agenda", json={"template": TEMPLATE})
    assert response.status_code == 201, response.text

    library = load_library(DEFAULT_ROOT)
    template = library.agendas[TEMPLATE]
    state = await _console(facilitator, code)
    assert [s["title"] for s in state["segments"]] == [s.title("nb") for s in template.segments]
    assert [s["start"] for s in state["segments"]] == [s.start for s in template.segments]
    # The cases are copied in the session's language, with all their activities.
    expected_activities = sum(
        len(library.cases[c].text("nb").activities) for s in template.segments for c in s.cases
    )
    # And the closing's evaluation, outside the segments.
    assert len(state["activities"]) == expected_activities + 1
    closing = next(a for a in state["activities"] if a["kind"] == "evaluation")
    assert closing["segment"] is None
    first_case = library.cases[template.segments[1].cases[0]].text("nb")
    case_activities = [a for a in state["activities"] if a["case"]]
    copied = state["cases"][str(case_activities[0]["case"]["id"])]
    assert copied["title"] == first_case.title
    assert copied["notes"] == first_case.notes  # the console sees notes
    assert "".join(run for run, _ in copied["marks"]["narrative"]) == copied["narrative"]
    # Each case once in the state, however many activities it has.
    assert len(state["cases"]) == len({a["case"]["id"] for a in case_activities})
    assert state["next"] == {
        "segment": state["segments"][0]["id"],
        "activity": None,
        "closing": False,
    }

    screen = await Socket.open(screen_socket_url(created))
    phones = [await Phone.join(server, code) for _ in range(12)]
    for phone in phones:
        await phone.connect()

    steps: list[tuple[int, int | None]] = []
    for segment in state["segments"]:
        steps.append((segment["id"], None))
        steps.extend((segment["id"], a) for a in segment["activities"])
    for segment_id, activity_id in steps:
        moved = await _next(facilitator, code)
        assert moved == {"segment": segment_id, "activity": activity_id, "closing": False}
        await screen.wait_for(_at(segment_id, activity_id))
        for phone in phones:
            assert phone.socket is not None
            await phone.socket.wait_for(_at(segment_id, activity_id))
        if activity_id is not None:
            # The step's activity is open, every earlier one closed.
            now = await _console(facilitator, code)
            states = {a["id"]: a["state"] for a in now["activities"]}
            assert states[activity_id] == "open"
            assert [i for i, s in states.items() if s == "open"] == [activity_id]

    # The last segment has no activity: phones show its title.
    received = phones[0].socket.received  # type: ignore[union-attr]
    last = [m for m in received if m["type"] != "table"][-1]
    assert last["type"] == "activity" and last["activity"] is None
    assert last["segment"] == {"title": state["segments"][-1]["title"]}
    assert (await _console(facilitator, code))["next"] == {
        "segment": None,
        "activity": closing["id"],
        "closing": True,
    }
    # A second press from a console that saw an earlier step changes nothing.
    stale = {"segment": steps[-2][0], "activity": steps[-2][1]}
    response = await facilitator.post(
        f"/api/sessions/{code}/next", json={"from": stale}, headers=ENGLISH
    )
    assert "moved on" in expect_error(response, 409)
    assert (await _console(facilitator, code))["current_segment"] == steps[-1][0]
    # After the last step every plan ends with its closing: a thank-you on every screen.
    assert await _next(facilitator, code) == {
        "segment": None,
        "activity": closing["id"],
        "closing": True,
    }
    await screen.wait_for(lambda m: m.get("closing") is True and m["participants"] == 12)
    for phone in phones:
        assert phone.socket is not None
        await phone.socket.wait_for(lambda m: m.get("closing") is True)
    final = await _console(facilitator, code)
    assert final["next"] is None and final["closing"] is True
    response = await facilitator.post(f"/api/sessions/{code}/next", headers=ENGLISH)
    assert "Close the session" in expect_error(response, 409)
    # Then the facilitator closes it: phones say goodbye, the console stays readable.
    response = await facilitator.post(f"/api/sessions/{code}/close")
    assert response.status_code == 200 and response.json() == {"closed": True}
    for phone in phones:
        assert phone.socket is not None
        await phone.socket.wait_for(lambda m: m.get("closed") is True)
    await screen.wait_for(lambda m: m.get("session", {}).get("closed") is True)
    closed = await _console(facilitator, code)
    assert closed["session"]["closed"] and len(closed["activities"]) == len(final["activities"])
    # Every segment was reached, in order, and remembers when.
    started = [s["started_at"] for s in final["segments"]]
    assert all(started) and started == sorted(started)
    await screen.close()
    for phone in phones:
        await phone.close()


async def test_phones_get_case_text_with_glossary_marks(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=1))["code"]
    segment = await _segment(facilitator, code, title="Habilitet", start="09:00", minutes=40)
    response = await facilitator.post(
        f"/api/sessions/{code}/segments/{segment}/cases", json={"case": "habilitet-svogerens-tomt"}
    )
    assert response.status_code == 201, response.text
    made = response.json()
    phone = await Phone.join(server, code)
    await phone.connect()
    await _next(facilitator, code)
    await _next(facilitator, code)
    assert phone.socket is not None
    message = await phone.socket.wait_for(_at(segment, made["activities"][0]))
    case = message["activity"]["case"]
    assert "notes" not in case  # for the facilitator only
    for field in ("narrative", "title"):
        assert "".join(run for run, _ in case["marks"][field]) == case[field]
    found = {term for _, term in case["marks"]["narrative"] if term}
    assert "habilitet" in found
    assert "habilitet" in message["terms"]
    assert message["terms"]["habilitet"]["explanation"]
    prompt = message["activity"]["marks"]["prompt"]
    assert "".join(run for run, _ in prompt) == message["activity"]["prompt"]
    await phone.close()


async def test_the_timer_reaches_phones_and_screen_and_stops(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=1)
    code = created["code"]
    screen = await Socket.open(screen_socket_url(created))
    phone = await Phone.join(server, code)
    await phone.connect()
    response = await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": 300})
    assert response.status_code == 200, response.text
    timer = response.json()["timer"]
    assert timer["seconds"] == 300

    def running(m: dict[str, Any]) -> bool:
        return m["type"] in ("state", "activity") and m["timer"] == timer

    state = await screen.wait_for(running)
    assert 299 <= state["timer"]["ends_at"] - state["now"] <= 300
    assert phone.socket is not None
    await phone.socket.wait_for(running)
    response = await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": 0})
    assert response.json() == {"timer": None}
    stopped = len(screen.received)
    await screen.wait_for(lambda m: m["type"] == "state" and m["timer"] is None, since=stopped)
    await phone.socket.wait_for(lambda m: m["type"] == "activity" and m["timer"] is None)
    for bad in (5, 3601, "300", None, True):
        response = await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": bad})
        assert expect_error(response, 400)
    await screen.close()
    await phone.close()


async def _segment(client: httpx.AsyncClient, code: str, **body: Any) -> int:
    response = await client.post(f"/api/sessions/{code}/segments", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_a_plan_exported_and_imported_elsewhere_is_the_same_plan(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, title="Lillevik dag 1"))["code"]
    await facilitator.post(f"/api/sessions/{code}/agenda", json={"template": TEMPLATE})
    # This session's own changes: an edited case, a segment written here, moved first, with
    # an activity of its own; a reordered activity.
    state = await _console(facilitator, code)
    case_id = next(a["case"]["id"] for a in state["activities"] if a["case"])
    response = await facilitator.patch(
        f"/api/sessions/{code}/cases/{case_id}",
        json={"narrative": "Lokal versjon: «Fredrik» & <b>Lillevik</b>.", "questions": ["Hva nå?"]},
    )
    assert response.status_code == 200, response.text
    own = await _segment(facilitator, code, title="Morgenkaffe", start="08:30", minutes=20, day=1)
    response = await facilitator.patch(f"/api/sessions/{code}/segments/{own}", json={"position": 0})
    assert response.status_code == 200, response.text
    await add_activity(
        facilitator,
        code,
        kind="poll",
        prompt="Kaffe eller te?",
        options=["Kaffe", "Te"],
        segment=own,
    )
    cased = next(s for s in state["segments"] if len(s["activities"]) > 1)
    response = await facilitator.patch(
        f"/api/sessions/{code}/activities/{cased['activities'][-1]}", json={"position": 0}
    )
    assert response.status_code == 200, response.text

    response = await facilitator.get(f"/api/sessions/{code}/plan")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    exported = response.json()
    assert exported["segments"][0]["title"] == "Morgenkaffe"
    assert exported["segments"][0]["items"][0]["activities"][0]["prompt"] == "Kaffe eller te?"

    other = (await new_session(facilitator, title="Lillevik dag 1"))["code"]
    response = await facilitator.post(f"/api/sessions/{other}/plan", json=exported)
    assert response.status_code == 201, response.text
    again = (await facilitator.get(f"/api/sessions/{other}/plan")).json()
    assert again == exported
    assert json.dumps(again, sort_keys=True) == json.dumps(exported, sort_keys=True)


async def test_bad_plans_and_plan_edits_are_refused_and_change_nothing(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    segment = await _segment(facilitator, code, title="Velkommen", start="09:00", minutes=30)
    before = (await facilitator.get(f"/api/sessions/{code}/plan")).json()
    bad_requests = [
        ("post", "segments", {"title": "", "minutes": 10}, 400, "empty"),
        ("post", "segments", {"title": "X", "start": "9.30"}, 400, "HH:MM"),
        ("post", "segments", {"title": "X", "start": "24:00"}, 400, "HH:MM"),
        ("post", "segments", {"title": "X", "minutes": -5}, 400, "minutes"),
        ("post", "agenda", {"template": "finnes-ikke"}, 404, "agenda"),
        ("post", f"segments/{segment}/cases", {"case": "finnes-ikke"}, 404, "case"),
        ("post", "segments/999999/cases", {"case": "tonen-i-kommunestyret"}, 404, "segment"),
        ("patch", "segments/999999", {"title": "Y"}, 404, "segment"),
        ("patch", f"segments/{segment}", {"position": -1}, 400, "position"),
        ("patch", "cases/999999", {"title": "Y"}, 404, "case"),
        ("post", "plan", {"format": "something else"}, 400, "plan file"),
        (
            "post",
            "plan",
            {"format": "workshop-plan", "version": 99, "segments": []},
            400,
            "version",
        ),
        (
            "post",
            "plan",
            {
                "format": "workshop-plan",
                "version": 1,
                "segments": [
                    {"title": "Ok", "items": []},
                    {"title": "Bad", "items": [{"activities": [{"kind": "dilemma"}]}]},
                ],
            },
            400,
            "",
        ),
    ]
    for method, path, body, status, phrase in bad_requests:
        response = await getattr(facilitator, method)(
            f"/api/sessions/{code}/{path}", json=body, headers=ENGLISH
        )
        message = expect_error(response, status)
        assert phrase.lower() in message.lower(), (path, body, message)
    assert (await facilitator.get(f"/api/sessions/{code}/plan")).json() == before

    # A segment that has been run stays in the plan.
    await add_activity(
        facilitator, code, kind="scale", prompt="Jeg er klar for dagen.", segment=segment
    )
    await _next(facilitator, code)
    await _next(facilitator, code)
    response = await facilitator.delete(f"/api/sessions/{code}/segments/{segment}", headers=ENGLISH)
    assert "run" in expect_error(response, 409)
    opened = (await _console(facilitator, code))["current"]
    response = await facilitator.delete(
        f"/api/sessions/{code}/activities/{opened}", headers=ENGLISH
    )
    assert "opened" in expect_error(response, 409)

    # What has not been run can go: an activity of a case (the case goes with its last
    # activity), and a whole segment with a case in it.
    later = await _segment(facilitator, code, title="Pause", minutes=15)
    response = await facilitator.post(
        f"/api/sessions/{code}/segments/{later}/cases", json={"case": "lokalavisen-ringer"}
    )
    made = response.json()
    for activity in made["activities"][1:]:
        response = await facilitator.delete(f"/api/sessions/{code}/activities/{activity}")
        assert response.status_code == 204
    state = await _console(facilitator, code)
    left = [a for a in state["activities"] if a["segment"] == later]
    assert [a["id"] for a in left] == made["activities"][:1]
    assert left[0]["case"]["id"] == made["case"]
    response = await facilitator.delete(f"/api/sessions/{code}/segments/{later}")
    assert response.status_code == 204
    state = await _console(facilitator, code)
    assert later not in [s["id"] for s in state["segments"]]
    assert all(a["segment"] != later for a in state["activities"])


async def test_the_library_is_searchable_by_text_and_tag(facilitator: httpx.AsyncClient):
    response = await facilitator.get("/api/library/cases", params={"tag": "impartiality"})
    assert response.status_code == 200
    found = response.json()
    assert "habilitet-svogerens-tomt" in {c["id"] for c in found["cases"]}
    assert all("impartiality" in c["tags"] for c in found["cases"])
    assert {"id": "impartiality", "name": "Habilitet"} in found["tags"]
    response = await facilitator.get("/api/library/cases", params={"q": "Fredrik"})
    assert len(response.json()["cases"]) >= 4
    response = await facilitator.get(
        "/api/library/cases/fredrik-forste-uke", params={"language": "nn"}
    )
    assert response.status_code == 200
    assert response.json()["activities"]
    response = await facilitator.get("/api/library/agendas", params={"language": "en"})
    assert TEMPLATE in {a["id"] for a in response.json()["agendas"]}
    response = await facilitator.get("/api/library/cases/finnes-ikke")
    assert expect_error(response, 404)
    async with httpx.AsyncClient(base_url=str(facilitator.base_url)) as anonymous:
        for path in ("cases", "cases?language=en", "cases/lokalavisen-ringer", "agendas"):
            response = await anonymous.get(f"/api/library/{path}")
            assert expect_error(response, 401), path
    response = await facilitator.get("/api/library/cases", params={"language": "sv"})
    assert expect_error(response, 400)


async def test_a_broken_case_is_refused_with_its_line_and_the_rest_loads(
    fresh_db: Path, tmp_path: Path
):
    cases = tmp_path / "cases"
    shutil.copytree(DEFAULT_ROOT, cases)
    broken = cases / "library" / "tonen-i-kommunestyret.toml"
    source = broken.read_text("utf-8")
    broken.write_text(source.replace('"political-culture"', '"politcal-culture"', 1), "utf-8")
    server = Server(fresh_db, env={"WORKSHOP_CASES": str(cases)}).start()
    try:
        logged = [line for line in server.output if "tonen-i-kommunestyret.toml:3:" in line]
        assert logged and "politcal-culture" in logged[0] and "political-culture" in logged[0]
        anna = await login(server, "anna")
        found = {c["id"] for c in (await anna.get("/api/library/cases")).json()["cases"]}
        assert "tonen-i-kommunestyret" not in found
        assert len(found) == len(load_library(DEFAULT_ROOT).cases) - 1
        await anna.aclose()
    finally:
        server.stop()


async def test_a_draft_activity_is_edited_for_this_session_and_answered_as_edited(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=1))["code"]
    segment = await _segment(facilitator, code, title="Habilitet")
    made = (
        await facilitator.post(
            f"/api/sessions/{code}/segments/{segment}/cases",
            json={"case": "habilitet-svogerens-tomt"},
        )
    ).json()
    dilemma = made["activities"][0]
    phone = await Phone.join(server, code)
    await phone.connect()
    # An answer to a draft is refused, and must not leave the old text behind anywhere.
    assert (await phone.vote(dilemma, 0))["type"] == "error"
    options = ["Si ifra", "Si ikke noe", "Spør ordføreren", "Melde forfall"]  # was three
    response = await facilitator.patch(
        f"/api/sessions/{code}/activities/{dilemma}",
        json={"prompt": "Hva gjør Ingrid nå?", "options": options},
    )
    assert response.status_code == 200, response.text
    response = await facilitator.post(
        f"/api/sessions/{code}/activities/{dilemma}/state", json={"state": "open"}
    )
    assert response.status_code == 200
    assert phone.socket is not None
    shown = await phone.socket.wait_for(
        lambda m: m["type"] == "activity" and m["activity"] and m["activity"]["id"] == dilemma
    )
    assert shown["activity"]["prompt"] == "Hva gjør Ingrid nå?"
    assert shown["activity"]["options"] == options
    assert (await phone.vote(dilemma, 3))["type"] == "ack"  # the fourth option, new here
    response = await facilitator.patch(
        f"/api/sessions/{code}/activities/{dilemma}", json={"prompt": "Noe annet"}, headers=ENGLISH
    )
    assert "opened" in expect_error(response, 409)
    for bad in ({"options": ["Bare ett"]}, {"prompt": ""}, {}, {"position": "først"}):
        response = await facilitator.patch(
            f"/api/sessions/{code}/activities/{made['activities'][1]}", json=bad
        )
        assert expect_error(response, 400)
    await phone.close()
