"""Seating in the session file (issue 16): an exported and imported session keeps its join
questions, each participant's answers and who sat where in each seating, so its seating,
its answer counts and what a later reseat knows of who has sat together come out the same;
an older file still imports; a bad file is refused whole, the place named."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from tests.live import Phone, Server, expect_error, new_id, new_session
from tests.test_export import normalised
from tests.test_seating import add_question


async def a_day_of_seating(server: Server, client: httpx.AsyncClient) -> dict[str, Any]:
    """Two join questions (some leave the second out), 14 people crowded at two tables, a
    reseat, the facilitator moves one, one changes table from their phone, one leaves."""
    code = (await new_session(client, title="Plassering", tables=4))["code"]
    term = await add_question(client, code, "Første periode?", ["Ja", "Nei"])
    role = await add_question(client, code, "Rolle?", ["Politiker", "Ansatt"])
    phones = []
    for i in range(14):
        answers = {str(term): i % 2} if i % 5 == 0 else {str(term): i % 2, str(role): i // 7}
        phones.append(
            await Phone.join(server, code, name=f"P{i}", table=1 + i % 2, answers=answers)
        )
    response = await client.post(f"/api/sessions/{code}/reseat")
    assert response.status_code == 200, response.text
    tables = {int(t): ids for t, ids in response.json()["tables"].items()}
    empty = [t for t in (1, 2, 3, 4) if not tables.get(t)]  # 14 people: two tables of 7
    moved, changer, gone = phones[3], phones[4], phones[5]
    response = await client.post(
        f"/api/sessions/{code}/participants/{moved.participant_id}/table", json={"table": empty[0]}
    )
    assert response.status_code == 200, response.text
    await changer.connect()
    assert changer.socket is not None
    move = new_id()
    await changer.socket.send({"type": "seat", "id": move, "table": empty[-1]})
    assert (await changer.socket.reply_to(move))["type"] == "ack"
    await changer.close()
    response = await client.delete(f"/api/sessions/{code}/participants/{gone.participant_id}")
    assert response.status_code == 204, response.text
    return {
        "code": code,
        "questions": (term, role),
        "moved": moved.participant_id,
        "changer": changer.participant_id,
        "first": {p.participant_id: p.table for p in phones},
    }


async def seen(client: httpx.AsyncClient, code: str) -> tuple[Any, Any]:
    """What the facilitator sees: who sits where, and how many gave each join answer."""
    seating = (await client.get(f"/api/sessions/{code}/seating")).json()["tables"]
    listed = (await client.get(f"/api/sessions/{code}/join-questions")).json()["questions"]
    return seating, [(q["prompt"], q["options"], q["counts"]) for q in listed]


def together(data: dict[str, Any]) -> dict[int, dict[int, int]]:
    """Who has sat with whom by a file (its seatings and the tables now), by join number:
    what a reseat weighs."""
    number = {p["id"]: p["number"] for p in data["participants"]}
    groups: dict[tuple[int, int], set[int]] = {}
    for s in data["seatings"]:
        groups.setdefault((s["round"], s["table"]), set()).add(number[s["participant"]])
    now = 1 + max((s["round"] for s in data["seatings"] if not s["moved"]), default=0)
    for p in data["participants"]:  # the tables now: the seating in progress
        if p["removed_at"] is None:
            groups.setdefault((now, p["table"]), set()).add(p["number"])
    met: dict[int, dict[int, int]] = {}
    for group in groups.values():
        for a in group:
            for b in group - {a}:
                met.setdefault(a, {}).setdefault(b, 0)
                met[a][b] += 1
    return met


async def test_seating_survives_export_and_import(server: Server, facilitator: httpx.AsyncClient):
    day = await a_day_of_seating(server, facilitator)
    code = day["code"]
    before = await seen(facilitator, code)
    assert before[1] == [
        ("Første periode?", ["Ja", "Nei"], [7, 6]),  # who left is not counted
        ("Rolle?", ["Politiker", "Ansatt"], [5, 6]),
    ]

    exported = (await facilitator.get(f"/api/sessions/{code}/export.json")).json()
    assert exported["version"] == 2
    assert exported["session"]["screen_view"] == "seating"  # the reseat put it on the screen
    questions = exported["join_questions"]
    assert [q["id"] for q in questions] == list(day["questions"])
    assert questions[1]["prompt"] == "Rolle?" and questions[1]["options"] == ["Politiker", "Ansatt"]
    assert len(exported["join_answers"]) == 14 + 11  # three left the second question out
    assert {a["question"] for a in exported["join_answers"]} == set(day["questions"])
    first = [s for s in exported["seatings"] if s["round"] == 1]
    assert {s["participant"]: s["table"] for s in first} == day["first"]  # before the reseat
    assert not any(s["moved"] for s in first)
    left = {s["participant"]: s["table"] for s in exported["seatings"] if s["moved"]}
    assert set(left) == {day["moved"], day["changer"]}  # the move and the change of table
    assert all(s["round"] == 2 for s in exported["seatings"] if s["moved"])

    made = await facilitator.post("/api/sessions/import", json=exported)
    assert made.status_code == 201, made.text
    copy_code = made.json()["code"]
    again = (await facilitator.get(f"/api/sessions/{copy_code}/export.json")).json()
    assert normalised(again) == normalised(exported)
    assert not {q["id"] for q in again["join_questions"]} & set(day["questions"])  # new ids
    assert await seen(facilitator, copy_code) == before
    assert together(again) == together(exported)
    number = {p["id"]: p["number"] for p in exported["participants"]}
    mates = [  # at the table the changer left: met there, so a reseat keeps them apart
        p["number"]
        for p in exported["participants"]
        if p["table"] == left[day["changer"]] and p["removed_at"] is None
    ]
    assert mates and all(together(exported)[number[day["changer"]]][m] >= 1 for m in mates)

    # A reseat of the copy knows who has sat together: its seating joins the history there
    # as the original's does.
    for c in (code, copy_code):
        response = await facilitator.post(f"/api/sessions/{c}/reseat")
        assert response.status_code == 200, response.text
    kept = [
        (await facilitator.get(f"/api/sessions/{c}/export.json")).json() for c in (code, copy_code)
    ]
    rounds = [normalised(k)["seatings"] for k in kept]
    assert rounds[0] == rounds[1] and {s["round"] for s in rounds[0]} == {1, 2}


async def test_an_older_file_imports_and_bad_seating_is_refused(
    server: Server, facilitator: httpx.AsyncClient
):
    day = await a_day_of_seating(server, facilitator)
    good = (await facilitator.get(f"/api/sessions/{day['code']}/export.json")).json()

    async def count() -> int:
        return len((await facilitator.get("/api/sessions")).json()["sessions"])

    for version in (1, 2):  # from before seating: no questions, answers or history
        old = copy.deepcopy(good)
        old["version"] = version
        for part in ("join_questions", "join_answers", "seatings"):
            del old[part]
        old["session"]["screen_view"] = "tables"
        made = await facilitator.post("/api/sessions/import", json=old)
        assert made.status_code == 201, made.text
        copy_code = made.json()["code"]
        seating, questions = await seen(facilitator, copy_code)
        assert questions == [] and seating == (await seen(facilitator, day["code"]))[0]
        again = (await facilitator.get(f"/api/sessions/{copy_code}/export.json")).json()
        assert (again["join_questions"], again["join_answers"], again["seatings"]) == ([], [], [])

    def bad(change: Any) -> dict[str, Any]:
        data = copy.deepcopy(good)
        change(data)
        return data

    def entry(part: str, i: int, **fields: Any) -> Any:
        return lambda d: d[part][i].update(fields)

    def drop(part: str, i: int, key: str) -> Any:
        return lambda d: d[part][i].pop(key)

    def append(part: str, **fields: Any) -> Any:
        return lambda d: d[part].append({**d[part][0], **fields})

    questions, answers, seats = (
        len(good[p]) for p in ("join_questions", "join_answers", "seatings")
    )
    other_table = 1 + good["seatings"][0]["table"] % 4
    fourth = {"id": 10**6, "prompt": "Mer?", "options": ["a", "b"], "created_at": 1.0}
    cases = [
        (entry("join_questions", 0, prompt=""), "join_questions[0]"),
        (entry("join_questions", 0, prompt="x" * 201), "join_questions[0]"),
        (entry("join_questions", 0, options=["Ja"]), "join_questions[0]"),
        (entry("join_questions", 0, options=["Ja", "Ja"]), "join_questions[0]"),
        (entry("join_questions", 1, options="Ja,Nei"), "join_questions[1]"),
        (entry("join_questions", 0, id="1"), "join_questions[0]"),
        (entry("join_questions", 0, created_at=None), "join_questions[0]"),
        (drop("join_questions", 1, "created_at"), "join_questions[1]"),
        (append("join_questions"), f"join_questions[{questions}]"),  # the same id
        (
            lambda d: d["join_questions"].extend(
                [fourth, {**fourth, "id": 10**6 + 1, "prompt": "Enda mer?"}]
            ),
            "join_questions[3]",
        ),
        (entry("join_answers", 0, participant=10**9), "join_answers[0]"),
        (entry("join_answers", 0, question=10**9), "join_answers[0]"),
        (entry("join_answers", 0, question=str(day["questions"][0])), "join_answers[0]"),
        (entry("join_answers", 0, option=2), "join_answers[0]"),
        (entry("join_answers", 0, option=-1), "join_answers[0]"),
        (entry("join_answers", 0, option="0"), "join_answers[0]"),
        (entry("join_answers", 0, option=True), "join_answers[0]"),
        (append("join_answers"), f"join_answers[{answers}]"),  # answered twice
        (entry("seatings", 0, round=0), "seatings[0]"),
        (entry("seatings", 0, round="1"), "seatings[0]"),
        (entry("seatings", 0, table=9), "seatings[0]"),
        (entry("seatings", 0, participant=10**9), "seatings[0]"),
        (entry("seatings", 0, moved="yes"), "seatings[0]"),
        (append("seatings"), f"seatings[{seats}]"),  # at that table in that seating already
        (append("seatings", table=other_table), f"seatings[{seats}]"),  # at two tables at once
        (lambda d: d.update(seatings={}), "seatings"),
        (lambda d: d.update(join_answers=[1]), "join_answers[0]"),
    ]
    before = await count()
    for change, where in cases:
        message = expect_error(
            await facilitator.post("/api/sessions/import", json=bad(change)), 400
        )
        assert where in message, (where, message)
    assert await count() == before  # nothing stored
    moved_again = append("seatings", table=other_table, moved=True)  # a table left: fine
    made = await facilitator.post("/api/sessions/import", json=bad(moved_again))
    assert made.status_code == 201, made.text
