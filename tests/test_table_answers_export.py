"""Table answers and before/after in the session file and the CSV (issue 16): an exported and
imported session keeps who answers each vote (`by`), each after round's round before, every
propose and confirm and each table's answer, so its results (`table_answers`, `before`,
`compare`) come out the same; an older file still imports; a bad file is refused whole."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from tests.live import Server, add_activity, expect_error, new_session, results, set_state
from tests.test_export import answers, normalised
from tests.test_table_answers import act, seated

OPTIONS = ["Legg ned", "Behold", "Utred"]


async def a_day_of_table_answers(server: Server, client: httpx.AsyncClient) -> dict[str, Any]:
    """Three tables answer a poll together (table 1 confirms, then changes its mind; table 2
    confirms and has a new proposal waiting; table 3 only proposes), then its after round;
    a scale each person answers, and its after round; one who proposed leaves."""
    code = (await new_session(client, title="Bord før og etter", tables=3))["code"]
    poll = await add_activity(
        client, code, kind="poll", prompt="Skolen?", options=OPTIONS, by="table"
    )
    scale = await add_activity(client, code, kind="scale", prompt="Åpenhet er viktig")
    one, two, three = [await seated(server, code, t, 2) for t in (1, 2, 3)]
    await set_state(client, code, poll, "open")
    for kind, phone, option in [
        ("propose", one[0], 0),
        ("confirm", one[1], 0),
        ("propose", two[1], 1),
        ("confirm", two[0], 1),
        ("propose", three[0], 2),
        ("propose", one[1], 2),
        ("confirm", one[0], 2),  # table 1 changed its mind
        ("propose", two[0], 0),  # waits for a confirm
    ]:
        assert (await act(phone, kind, poll, option))["type"] == "ack", (kind, option)
    await set_state(client, code, poll, "revealed")
    response = await client.post(f"/api/sessions/{code}/activities/{poll}/again")
    assert response.status_code == 201, response.text
    after = response.json()["id"]
    await set_state(client, code, after, "open")
    for kind, phone, option in [
        ("propose", one[1], 2),
        ("confirm", one[0], 2),
        ("propose", two[1], 0),
        ("confirm", two[0], 0),
    ]:
        assert (await act(phone, kind, after, option))["type"] == "ack", (kind, option)
    await set_state(client, code, after, "revealed")
    await set_state(client, code, scale, "open")
    for phone, option in zip([*one, *two], (0, 1, 3, 4), strict=True):
        assert (await phone.vote(scale, option))["type"] == "ack"
    response = await client.post(f"/api/sessions/{code}/activities/{scale}/again")
    scale_after = response.json()["id"]
    await set_state(client, code, scale_after, "open")
    for phone, option in zip([*one, *two], (2, 2, 3, 3), strict=True):
        assert (await phone.vote(scale_after, option))["type"] == "ack"
    await set_state(client, code, scale_after, "closed")
    gone = three[0].participant_id  # proposed for table 3, then left
    response = await client.delete(f"/api/sessions/{code}/participants/{gone}")
    assert response.status_code == 204, response.text
    for phone in (*one, *two, *three):
        await phone.close()
    ids = {"poll": poll, "after": after, "scale": scale, "scale_after": scale_after}
    return {"code": code, "ids": ids, "people": [p.participant_id for p in (*one, *two, *three)]}


def comparable(found: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The results in the day's order, with the activity ids (new in a copy) as places."""
    order = list(found)
    out = []
    for entry in found.values():
        entry = {k: v for k, v in entry.items() if k != "id"}
        if entry.get("before") is not None:
            entry["before"] = order.index(entry["before"])
        out.append(entry)
    return out


async def console_tables(client: httpx.AsyncClient, code: str) -> list[tuple[Any, Any]]:
    """What the console shows of each activity by the table: answers and waiting proposals."""
    state = (await client.get(f"/api/sessions/{code}")).json()
    return [
        (a.get("table_answers"), a.get("proposals"))
        for a in state["activities"]
        if a["by"] == "table"
    ]


async def test_table_answers_and_rounds_survive_export_and_import(
    server: Server, facilitator: httpx.AsyncClient
):
    day = await a_day_of_table_answers(server, facilitator)
    code, ids = day["code"], day["ids"]
    before = await results(facilitator, code)
    poll, after = before[ids["poll"]], before[ids["after"]]
    assert (poll["by"], poll["before"], poll["table_answers"]) == ("table", None, {"1": 2, "2": 1})
    assert (after["by"], after["before"]) == ("table", ids["poll"])
    assert after["table_answers"] == {"1": 2, "2": 0}
    assert {r["table"]: r["moved"] for r in after["compare"]["tables"]} == {1: 0.0, 2: 1.0}
    assert before[ids["scale_after"]]["before"] == ids["scale"]
    assert before[ids["scale_after"]]["compare"]["moved"] is not None
    assert await console_tables(facilitator, code) == [
        ({"1": 2, "2": 1}, {"2": 0, "3": 2}),
        ({"1": 2, "2": 0}, {}),
    ]

    exported = (await facilitator.get(f"/api/sessions/{code}/export.json")).json()
    assert exported["version"] == 2
    by_id = {a["id"]: a for a in exported["activities"]}
    assert (by_id[ids["poll"]]["by"], by_id[ids["poll"]]["before"]) == ("table", None)
    assert (by_id[ids["after"]]["by"], by_id[ids["after"]]["before"]) == ("table", ids["poll"])
    assert (by_id[ids["scale_after"]]["by"], by_id[ids["scale_after"]]["before"]) == (
        "person",
        ids["scale"],
    )
    acts = {a["id"]: a for a in exported["table_acts"]}
    assert len(acts) == 12 and {a["participant"] for a in acts.values()} <= set(day["people"])
    states = {(t["activity"], t["table"]): t for t in exported["table_answers"]}
    first = states[ids["poll"], 1]
    assert first["option"] == 2 and first["proposal"] is None
    confirm = acts[first["answer"]]
    proposal = acts[confirm["proposal"]]
    assert (confirm["kind"], confirm["participant"], confirm["table"]) == (
        "confirm",
        day["people"][0],
        1,
    )
    assert (proposal["kind"], proposal["participant"], proposal["option"]) == (
        "propose",
        day["people"][1],
        2,
    )
    waiting = states[ids["poll"], 3]
    assert (waiting["option"], waiting["answer"]) == (None, None)
    assert acts[waiting["proposal"]]["participant"] == day["people"][4]  # who has left since

    made = await facilitator.post("/api/sessions/import", json=exported)
    assert made.status_code == 201, made.text
    copy_code = made.json()["code"]
    again = (await facilitator.get(f"/api/sessions/{copy_code}/export.json")).json()
    assert normalised(again) == normalised(exported)
    assert not {a["id"] for a in again["table_acts"]} & set(acts)  # new ids
    assert comparable(await results(facilitator, copy_code)) == comparable(before)
    assert await console_tables(facilitator, copy_code) == await console_tables(facilitator, code)


async def test_the_csv_has_a_row_per_table_answer(server: Server, facilitator: httpx.AsyncClient):
    day = await a_day_of_table_answers(server, facilitator)
    ids = day["ids"]
    for names in (False, True):
        rows = await answers(facilitator, day["code"], names=names)
        assert all("by" in r and "before" in r for r in rows)
        tables = [
            (r["activity_id"], r["table"], r["option"], r["label"], r["before"])
            for r in rows
            if r["by"] == "table"
        ]
        assert tables == [
            (str(ids["poll"]), "1", "2", "Utred", ""),
            (str(ids["poll"]), "2", "1", "Behold", ""),
            (str(ids["after"]), "1", "2", "Utred", str(ids["poll"])),
            (str(ids["after"]), "2", "0", "Legg ned", str(ids["poll"])),
        ]
        table_rows = [r for r in rows if r["by"] == "table"]
        assert all(r["time"].endswith("+00:00") for r in table_rows)
        if names:  # a table's answer is the table's: no one's name
            assert {(r["participant"], r["name"]) for r in table_rows} == {("", "")}
        people = [r for r in rows if r["by"] == "person"]
        assert {r["activity_id"] for r in people} == {str(ids["scale"]), str(ids["scale_after"])}
        assert {r["before"] for r in people if r["activity_id"] == str(ids["scale_after"])} == {
            str(ids["scale"])
        }


async def test_an_older_file_imports_and_bad_table_answers_are_refused(
    server: Server, facilitator: httpx.AsyncClient
):
    day = await a_day_of_table_answers(server, facilitator)
    ids = day["ids"]
    good = (await facilitator.get(f"/api/sessions/{day['code']}/export.json")).json()

    async def count() -> int:
        return len((await facilitator.get("/api/sessions")).json()["sessions"])

    # A file from before table answers: every vote by each person, no round asked again.
    old = copy.deepcopy(good)
    old["version"] = 1
    for part in ("table_acts", "table_answers", "rotations"):
        del old[part]
    for activity in old["activities"]:
        del activity["by"], activity["before"]
    for post in old["posts"]:
        del post["station"], post["round"]
    made = await facilitator.post("/api/sessions/import", json=old)
    assert made.status_code == 201, made.text
    imported = await results(facilitator, made.json()["code"])
    assert [(a["by"], a["before"]) for a in imported.values()] == [("person", None)] * 4
    assert not any("table_answers" in a or "compare" in a for a in imported.values())
    assert sum(sum(a["counts"]) for a in imported.values()) == 8  # the scales' votes

    place = {a["id"]: i for i, a in enumerate(good["activities"])}
    poll, after, scale = place[ids["poll"]], place[ids["after"]], place[ids["scale_after"]]
    acts = good["table_acts"]
    confirm = next(i for i, a in enumerate(acts) if a["proposal"] is not None)
    propose = next(i for i, a in enumerate(acts) if a["kind"] == "propose")
    answered = next(i for i, t in enumerate(good["table_answers"]) if t["option"] is not None)
    waiting = next(i for i, t in enumerate(good["table_answers"]) if t["option"] is None)
    proposer = next(a for a in acts if a["id"] == acts[confirm]["proposal"])["participant"]

    def bad(change: Any) -> dict[str, Any]:
        data = copy.deepcopy(good)
        change(data)
        return data

    def activity(i: int, **fields: Any) -> Any:
        return lambda d: d["activities"][i].update(fields)

    def table_act(i: int, **fields: Any) -> Any:
        return lambda d: d["table_acts"][i].update(fields)

    def table_answer(i: int, **fields: Any) -> Any:
        return lambda d: d["table_answers"][i].update(fields)

    vote_id = good["votes"][0]["id"]
    voted = next(i for i, v in enumerate(good["votes"]) if v["activity"] == ids["scale_after"])
    cases = [
        (activity(poll, by="group"), f"activities[{poll}]"),
        (activity(scale, by="table"), f"votes[{voted}]"),  # each person voted on it
        (activity(after, before=10**9), f"activities[{after}]"),
        (activity(after, before=ids["after"]), f"activities[{after}]"),  # itself
        (activity(after, before=ids["scale"]), f"activities[{after}]"),  # another kind
        (activity(after, before="1"), f"activities[{after}]"),
        (activity(poll, before=ids["after"]), f"activities[{poll}]"),  # each the other's
        (table_act(propose, option=7), f"table_acts[{propose}]"),
        (table_act(propose, kind="vote"), f"table_acts[{propose}]"),
        (table_act(propose, participant=10**9), f"table_acts[{propose}]"),
        (table_act(propose, activity=ids["scale"]), f"table_acts[{propose}]"),  # each person's
        (table_act(propose, proposal=acts[confirm]["id"]), f"table_acts[{propose}]"),
        (table_act(confirm, participant=proposer), f"table_acts[{confirm}]"),  # own proposal
        (table_act(confirm, proposal="nothing"), f"table_acts[{confirm}]"),
        (table_act(confirm, option=(acts[confirm]["option"] + 1) % 3), f"table_acts[{confirm}]"),
        (table_act(confirm, id=vote_id), f"table_acts[{confirm}]"),  # a vote's id
        (lambda d: d["table_acts"].append(d["table_acts"][0]), f"table_acts[{len(acts)}]"),
        (table_answer(answered, option=9), f"table_answers[{answered}]"),
        (table_answer(answered, answer=None), f"table_answers[{answered}]"),
        (table_answer(answered, answer=acts[propose]["id"]), f"table_answers[{answered}]"),
        (table_answer(waiting, proposal=acts[confirm]["id"]), f"table_answers[{waiting}]"),
        (table_answer(waiting, table=9), f"table_answers[{waiting}]"),
        (table_answer(waiting, activity=ids["scale"]), f"table_answers[{waiting}]"),
        (
            lambda d: d["table_answers"].append(d["table_answers"][0]),
            f"table_answers[{len(good['table_answers'])}]",
        ),
        (lambda d: d.update(table_acts={}), "table_acts"),
    ]
    before = await count()
    for change, where in cases:
        message = expect_error(
            await facilitator.post("/api/sessions/import", json=bad(change)), 400
        )
        assert where in message, (where, message)
    assert await count() == before
