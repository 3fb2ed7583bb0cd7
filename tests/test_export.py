"""Exports and import (issue 15) on a real server: the answers as CSV for a spreadsheet, the
whole session as JSON, and a new session made from that file."""

from __future__ import annotations

import copy
import csv
import io
from typing import Any
from urllib.parse import quote

import httpx

from tests.live import (
    Phone,
    Server,
    add_activity,
    expect_error,
    login,
    new_id,
    new_session,
    refused,
    set_state,
)

FORMULAS = ["=1+1", "+SUM(A1)", "-2", "@cmd", "\t=x", " =x", "\r=x", "  +1"]


async def answers(client: httpx.AsyncClient, code: str, names: bool = False) -> list[dict]:
    response = await client.get(f"/api/sessions/{code}/export.csv" + ("?names=1" if names else ""))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="session-') and ".csv" in disposition
    assert "filename*=UTF-8''" in disposition
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def evaluate(phone: Phone, activity: int, answers: dict[str, Any]) -> dict[str, Any]:
    assert phone.socket is not None
    client_id = new_id()
    since = len(phone.socket.received)
    frame = {"type": "evaluation", "id": client_id, "activity": activity, "answers": answers}
    await phone.socket.send(frame)
    return await phone.socket.reply_to(client_id, since=since)


async def test_the_answers_as_csv(server: Server, facilitator: httpx.AsyncClient):
    created = await new_session(facilitator, title="Bærum kommunestyre", tables=["Bord Å", "Øst"])
    code = created["code"]
    dilemma = await add_activity(
        facilitator, code, kind="dilemma", title="Habilitet", prompt="Svogerens tomt?",
        options=["Ja, gå ut", "Nei, bli"],
    )  # fmt: skip
    wall = await add_activity(facilitator, code, kind="reflection", prompt="Hva lærte du?")
    scale = await add_activity(facilitator, code, kind="scale", prompt="Åpenhet er viktig")
    åse = await Phone.join(server, code, name="Åse Ødegård", table=1)
    per = await Phone.join(server, code, name='=HYPERLINK("x")', table=2)
    for phone in (åse, per):
        await phone.connect()
    await set_state(facilitator, code, dilemma, "open")
    assert (await åse.vote(dilemma, 1, why="Først nei"))["type"] == "ack"
    assert (await åse.vote(dilemma, 0, why="Så ja: æøå"))["type"] == "ack"  # the latest counts
    assert (await per.vote(dilemma, 1, why="-1 er for lite"))["type"] == "ack"
    await set_state(facilitator, code, wall, "open")
    for text in [*FORMULAS, "Blåbærsyltetøy"]:
        assert (await per.post(wall, text))["type"] == "ack"
    hidden = new_id()
    assert (await åse.post(wall, "Skjul meg", client_id=hidden))["type"] == "ack"
    response = await facilitator.post(
        f"/api/sessions/{code}/posts/{hidden}/hidden", json={"hidden": True}
    )
    assert response.status_code == 200, response.text
    await set_state(facilitator, code, scale, "open")
    assert (await åse.vote(scale, 3))["type"] == "ack"

    response = await facilitator.get(f"/api/sessions/{code}/export.csv")
    assert quote("session-bærum-kommunestyre.csv") in response.headers["content-disposition"]
    rows = await answers(facilitator, code)
    assert "name" not in rows[0] and "participant" not in rows[0]  # anonymous by default
    votes = [r for r in rows if r["activity_id"] == str(dilemma)]
    assert sorted((r["table_name"], r["option"], r["label"], r["why"]) for r in votes) == [
        ("Bord Å", "0", "Ja, gå ut", "Så ja: æøå"),
        ("Øst", "1", "Nei, bli", "'-1 er for lite"),
    ]
    assert all(r["kind"] == "dilemma" and r["activity"] == "Habilitet" for r in votes)
    posts = {r["text"]: r for r in rows if r["activity_id"] == str(wall)}
    for text in FORMULAS:
        assert "'" + text in posts, (text, sorted(posts))
    assert posts["Blåbærsyltetøy"]["hidden"] == "0"
    assert posts["Skjul meg"]["hidden"] == "1"
    assert posts["Skjul meg"]["activity"] == "Hva lærte du?"
    (scaled,) = [r for r in rows if r["activity_id"] == str(scale)]
    assert (scaled["option"], scaled["label"]) == ("3", "Enig")  # in the session's language
    assert scaled["time"].endswith("+00:00") and scaled["time"][4] == "-"  # ISO 8601
    for row in rows:  # nothing any cell could run as a formula
        for value in row.values():
            assert not value.lstrip().startswith(("=", "+", "-", "@")), row

    named = await answers(facilitator, code, names=True)
    people = {(r["participant"], r["name"]) for r in named if r["activity_id"] == str(dilemma)}
    assert people == {("1", "Åse Ødegård"), ("2", '\'=HYPERLINK("x")')}
    for phone in (åse, per):
        await phone.close()


async def test_the_evaluation_is_in_the_csv_without_names(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    segment = (
        await facilitator.post(f"/api/sessions/{code}/segments", json={"title": "Kultur i rådet"})
    ).json()["id"]
    evaluation = await add_activity(facilitator, code, kind="evaluation", prompt="Hvordan var det?")
    phone = await Phone.join(server, code, name="Kari")
    await phone.connect()
    await set_state(facilitator, code, evaluation, "open")
    given = {"topics": [segment], "useful": 5, "again": "yes", "comment": "=mer kaffe"}
    assert (await evaluate(phone, evaluation, given))["type"] == "ack"
    rows = [r for r in await answers(facilitator, code, names=True) if r["kind"] == "evaluation"]
    by_key = {r["question"]: r for r in rows}
    assert set(by_key) == {"topics", "useful", "again", "comment"}
    assert (by_key["topics"]["option"], by_key["topics"]["label"]) == (
        str(segment),
        "Kultur i rådet",
    )
    assert by_key["useful"]["option"] == "5"
    assert by_key["again"]["option"] == "yes" and by_key["again"]["label"] == "Ja"
    assert by_key["comment"]["text"] == "'=mer kaffe"
    assert {(r["participant"], r["name"]) for r in rows} == {("", "")}  # anonymous, always
    await phone.close()


async def test_only_the_sessions_facilitator_exports(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    bjorn = await login(server, "bjorn")
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        try:
            for path in ("export.csv", "export.json"):
                expect_error(await bjorn.get(f"/api/sessions/{code}/{path}"), 404)
                expect_error(await anonymous.get(f"/api/sessions/{code}/{path}"), 401)
            exported = (await facilitator.get(f"/api/sessions/{code}/export.json")).json()
            expect_error(await anonymous.post("/api/sessions/import", json=exported), 401)
        finally:
            await bjorn.aclose()


# --- export -> import -> export -----------------------------------------------------------


def normalised(data: dict[str, Any]) -> dict[str, Any]:
    """The file with every id replaced by its entry's place in its list (references too),
    and without the session's code and creation time: what an import gives anew."""
    data = copy.deepcopy(data)
    session = data["session"]
    del session["code"], session["created_at"]
    places = {
        part: {entry["id"]: n for n, entry in enumerate(data.get(part, []))}
        for part in ("segments", "cases", "activities", "participants", "votes", "posts",
                     "evaluations", "table_acts", "join_questions")
    }  # fmt: skip
    refs = {
        "segment": "segments",
        "case": "cases",
        "activity": "activities",
        "participant": "participants",
        "vote": "votes",
        "before": "activities",
        "proposal": "table_acts",
        "answer": "table_acts",
        "question": "join_questions",
    }

    def rename(entry: dict[str, Any], part: str | None) -> None:
        if part is not None:
            entry["id"] = places[part][entry["id"]]
        for key, target in refs.items():
            if entry.get(key) is not None:
                entry[key] = places[target][entry[key]]

    for part in places:
        for entry in data.get(part, []):
            rename(entry, part)
    for entry in [*data["quotes"], *data.get("rotations", []), *data.get("table_answers", [])]:
        rename(entry, None)
    talk = [*data.get("table_notes", []), *data.get("spokespersons", [])]  # the tables' talk
    for entry in [*talk, *([data["round"]] if data.get("round") else [])]:
        rename(entry, None)
    for entry in [*data.get("join_answers", []), *data.get("seatings", [])]:  # seating
        rename(entry, None)
    for key, part in (("current_segment", "segments"), ("current_activity", "activities")):
        if session[key] is not None:
            session[key] = places[part][session[key]]
    topic_keys = {
        (a["id"], q["key"])
        for a in data["activities"]
        for q in a["questions"]
        if q["kind"] == "topics"
    }
    for e in data["evaluations"]:
        for row in e["answers"]:
            if (e["activity"], row["key"]) in topic_keys:
                row["number"] = places["segments"][row["number"]]
    return data


async def a_full_day(server: Server, client: httpx.AsyncClient) -> tuple[str, str]:
    """A session with a bit of everything: a template's plan with its cases and the
    evaluation, votes changed and reasons on the screen, posts (one hidden), a removed
    participant, a running day and closed joining."""
    code = (await new_session(client, title="Ålesund bystyre", tables=["Ærlig", "Ørsta", "Å"]))[
        "code"
    ]
    agendas = (await client.get("/api/library/agendas")).json()["agendas"]
    response = await client.post(
        f"/api/sessions/{code}/agenda", json={"template": agendas[0]["id"]}
    )
    assert response.status_code == 201, response.text
    state = (await client.get(f"/api/sessions/{code}")).json()
    activities = {a["id"]: a for a in state["activities"]}
    dilemma = next(a["id"] for a in activities.values() if a["kind"] == "dilemma")
    evaluation = next(a["id"] for a in activities.values() if a["kind"] == "evaluation")
    wall = await add_activity(client, code, kind="reflection", prompt="Hva tar du med deg?")
    phones = [await Phone.join(server, code, name=n) for n in ("Åse", "", "Øyvind", "Gone")]
    for phone in phones:
        await phone.connect()
    await set_state(client, code, dilemma, "open")
    first = new_id()
    assert (await phones[0].vote(dilemma, 0, client_id=first, why="Fordi"))["type"] == "ack"
    assert (await phones[0].vote(dilemma, 1, why="Nei, fordi æøå"))["type"] == "ack"
    quoted = new_id()
    for phone, client_id in zip(phones[1:], (quoted, new_id(), new_id()), strict=True):
        assert (await phone.vote(dilemma, 0, client_id=client_id, why="Ja"))["type"] == "ack"
    await set_state(client, code, dilemma, "revealed")
    response = await client.post(
        f"/api/sessions/{code}/activities/{dilemma}/quotes", json={"why": quoted}
    )
    assert response.status_code == 201, response.text
    await set_state(client, code, wall, "open")
    hidden = new_id()
    assert (await phones[1].post(wall, "Skjult", client_id=hidden))["type"] == "ack"
    assert (await phones[2].post(wall, "Åpenhet"))["type"] == "ack"
    assert (await phones[3].post(wall, "Borte"))["type"] == "ack"
    await client.post(f"/api/sessions/{code}/posts/{hidden}/hidden", json={"hidden": True})
    await set_state(client, code, evaluation, "open")
    segments = [s["id"] for s in state["segments"]]
    for phone, useful in zip(phones[:3], (5, 4, 2), strict=True):
        answers = {"topics": segments[:2], "useful": useful, "again": "unsure", "comment": "Bra"}
        assert (await evaluate(phone, evaluation, answers))["type"] == "ack"
    assert (await evaluate(phones[0], evaluation, {"useful": 3}))["type"] == "ack"  # changed
    response = await client.delete(f"/api/sessions/{code}/participants/{phones[3].participant_id}")
    assert response.status_code == 204, response.text
    response = await client.post(f"/api/sessions/{code}/joining", json={"open": False})
    assert response.status_code == 200, response.text
    for phone in phones:
        await phone.close()
    return code, phones[0].token


async def test_export_import_export_gives_the_same_file(
    server: Server, facilitator: httpx.AsyncClient
):
    code, token = await a_full_day(server, facilitator)
    response = await facilitator.get(f"/api/sessions/{code}/export.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith('attachment; filename="session-')
    first = response.json()
    assert (first["format"], first["version"]) == ("workshop-session", 2)
    assert all("token" not in key for p in first["participants"] for key in p)
    assert any(p["hidden"] for p in first["posts"]) and first["quotes"]
    assert any(not v["latest"] for v in first["votes"])
    assert any(p["removed_at"] for p in first["participants"])
    assert first["evaluations"] and any(not e["latest"] for e in first["evaluations"])

    response = await facilitator.post("/api/sessions/import", json=first)
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["code"] != code and set(made) == {"code", "join_url", "screen_url", "console_url"}
    second = (await facilitator.get(f"/api/sessions/{made['code']}/export.json")).json()
    assert second["session"]["code"] == made["code"]
    assert normalised(second) == normalised(first)
    assert {v["id"] for v in second["votes"]}.isdisjoint(v["id"] for v in first["votes"])

    # The copy is a session like any other: its results are the original's.
    def results(code: str) -> Any:
        return facilitator.get(f"/api/sessions/{code}/results")

    before, after = (await results(code)).json(), (await results(made["code"])).json()
    assert [a["kind"] for a in after["activities"]] == [a["kind"] for a in before["activities"]]
    assert [a.get("total") for a in after["activities"]] == [
        a.get("total") for a in before["activities"]
    ]
    sessions = (await facilitator.get("/api/sessions")).json()["sessions"]
    assert made["code"] in {s["code"] for s in sessions}
    # …but no phone can answer as one of its participants: their tokens were not copied.
    closed, _ = await refused(f"{server.ws_url}/ws/{made['code']}/participant?token={token}")
    assert closed == 1008


async def test_a_bad_import_stores_nothing(server: Server, facilitator: httpx.AsyncClient):
    code, _ = await a_full_day(server, facilitator)
    good = (await facilitator.get(f"/api/sessions/{code}/export.json")).json()

    async def count() -> int:
        return len((await facilitator.get("/api/sessions")).json()["sessions"])

    before = await count()
    broken_vote = copy.deepcopy(good)
    broken_vote["votes"][-1]["option"] = 7
    broken_ref = copy.deepcopy(good)
    broken_ref["posts"][-1]["activity"] = 10**12
    late = copy.deepcopy(good)  # wrong only at the very end of the file
    late["evaluations"][-1]["answers"] = [{"key": "useful", "number": 9, "text": None}]
    for bad, where in [
        (broken_vote, f"votes[{len(good['votes']) - 1}]"),
        (broken_ref, f"posts[{len(good['posts']) - 1}]"),
        (late, f"evaluations[{len(good['evaluations']) - 1}]"),
        ({**good, "version": 3}, ""),
        ({**good, "format": "workshop-plan"}, ""),
        ({**good, "tables": []}, "tables"),
        ({**good, "session": {**good["session"], "language": "de"}}, "session"),
    ]:
        message = expect_error(await facilitator.post("/api/sessions/import", json=bad), 400)
        assert where in message, (where, message)
    message = expect_error(
        await facilitator.post(
            "/api/sessions/import", json=broken_vote, headers={"accept-language": "en"}
        ),
        400,
    )
    assert message.startswith("In the session file at votes[") and "option" in message, message
    huge = {**good, "padding": "x" * (33 * 1024 * 1024)}
    expect_error(await facilitator.post("/api/sessions/import", json=huge), 413)
    assert await count() == before
