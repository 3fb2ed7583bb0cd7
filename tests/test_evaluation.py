"""The day's evaluation (issue 15) through a real server: the template's closing opens it,
phones answer it in one frame, the console counts responses live, the screen shows only the
count until a reveal and never a free text, and the results carry the summary."""

from __future__ import annotations

from typing import Any

import httpx

from tests.live import Phone, Server, Socket, new_id, new_session, screen_socket_url, set_state

TEMPLATE = "for-kommunestyremotet-2-timer"


async def _console(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def _to_the_closing(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    while True:
        response = await client.post(f"/api/sessions/{code}/next")
        assert response.status_code == 200, response.text
        moved = response.json()
        if moved["closing"]:
            return moved


async def _evaluate(phone: Phone, activity: int, answers: Any, client_id: str | None = None):
    assert phone.socket is not None
    client_id = client_id or new_id()
    since = len(phone.socket.received)
    await phone.socket.send(
        {"type": "evaluation", "id": client_id, "activity": activity, "answers": answers}
    )
    return await phone.socket.reply_to(client_id, since=since)


async def test_the_closing_opens_the_evaluation_and_phones_answer_it(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=3, language="en")
    code = created["code"]
    response = await facilitator.post(f"/api/sessions/{code}/agenda", json={"template": TEMPLATE})
    assert response.status_code == 201, response.text
    state = await _console(facilitator, code)
    evaluations = [a for a in state["activities"] if a["kind"] == "evaluation"]
    assert len(evaluations) == 1 and evaluations[0]["segment"] is None
    keys = [q["key"] for q in evaluations[0]["questions"]]
    assert keys == ["topics", "useful", "engaged", "again", "comment"]
    segments = [s["id"] for s in state["segments"]]

    phones = [await Phone.join(server, code, table=n % 3 + 1) for n in range(4)]
    for phone in phones:
        await phone.connect()
    screen = await Socket.open(screen_socket_url(created))
    moved = await _to_the_closing(facilitator, code)
    evaluation = evaluations[0]["id"]
    assert moved == {"segment": None, "activity": evaluation, "closing": True}
    for phone in phones:
        assert phone.socket is not None
        shown = await phone.socket.wait_for(
            lambda m: m["type"] == "activity" and (m["activity"] or {}).get("id") == evaluation
        )
        assert shown["closing"] is True
        topics = shown["activity"]["questions"][0]
        # The topics are the segments that had something to do: not the welcome or a break.
        busy = [s["id"] for s in state["segments"] if s["activities"]]
        assert [c["id"] for c in topics["choices"]] == busy == [segments[1], segments[3]]

    answers = [
        {"topics": [segments[1]], "useful": 5, "engaged": 4, "again": "yes", "comment": "Bra"},
        {"topics": [segments[1], segments[3]], "useful": 4, "again": "unsure"},
        {"useful": 2, "engaged": 2, "again": "no", "comment": "For lite tid til bordene"},
    ]
    for phone, given in zip(phones, answers, strict=False):
        assert (await _evaluate(phone, evaluation, given))["type"] == "ack"
    # A repeat of the same id changes nothing; a new frame replaces the earlier answers.
    first = new_id()
    assert (await _evaluate(phones[3], evaluation, {"useful": 1}, first))["type"] == "ack"
    assert (await _evaluate(phones[3], evaluation, {"useful": 1}, first))["type"] == "ack"
    assert (await _evaluate(phones[3], evaluation, {"useful": 3}))["type"] == "ack"

    # The console counts responses live, with the summary and its free texts.
    console = await _console(facilitator, code)
    live = next(a for a in console["activities"] if a["id"] == evaluation)
    assert live["answered"] == 4
    summary = live["results"]["summary"]
    assert summary["useful"] == {"counts": [0, 1, 1, 1, 1], "mean": 3.5}
    assert summary["engaged"]["counts"] == [0, 1, 0, 1, 0]
    assert summary["again"] == {"counts": {"yes": 1, "no": 1, "unsure": 1}}
    assert summary["topics"] == {"counts": {str(segments[1]): 2, str(segments[3]): 1}}
    assert sorted(summary["comment"]["texts"]) == ["Bra", "For lite tid til bordene"]

    # The screen: the count only, then the figures when revealed, never a free text.
    state = await screen.wait_for(
        lambda m: m["type"] == "state" and (m["activity"] or {}).get("answered") == 4
    )
    assert state["closing"] is True and state["activity"]["results"] is None
    await set_state(facilitator, code, evaluation, "revealed")
    state = await screen.wait_for(
        lambda m: m["type"] == "state" and (m["activity"] or {}).get("state") == "revealed"
    )
    assert state["activity"]["results"], state["activity"]
    assert state["activity"]["results"]["summary"]["useful"]["mean"] == 3.5
    assert "Bra" not in str(state) and state["activity"]["results"]["summary"]["comment"] == {}

    # The results endpoint, for the report and exports.
    results = (await facilitator.get(f"/api/sessions/{code}/results")).json()["activities"]
    mine = next(a for a in results if a["id"] == evaluation)
    assert mine["responses"] == 4 and mine["summary"]["again"]["counts"]["no"] == 1
    # A phone that comes back finds its own answers.
    welcome = await phones[1].welcome()
    assert welcome["answers"][str(evaluation)]["evaluation"] == answers[1]
    await screen.close()
    for phone in phones:
        await phone.close()


async def test_bad_evaluations_get_an_error_frame_and_store_nothing(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=1, language="en"))["code"]
    response = await facilitator.post(
        f"/api/sessions/{code}/activities", json={"kind": "evaluation"}
    )
    assert response.status_code == 201, response.text
    evaluation = response.json()["id"]
    poll = (
        await facilitator.post(
            f"/api/sessions/{code}/activities",
            json={"kind": "poll", "prompt": "Ja?", "options": ["Ja", "Nei"]},
        )
    ).json()["id"]
    await set_state(facilitator, code, evaluation, "open")
    phone = await Phone.join(server, code)
    await phone.connect()
    for bad in (
        {"useful": 6},
        {"useful": "5"},
        {"useful": True},
        {"again": "maybe"},
        {"topics": [999999]},
        {"topics": "all"},
        {"shoe_size": 44},
        {"comment": "x" * 1001},
        [],
        "everything",
    ):
        reply = await _evaluate(phone, evaluation, bad)
        assert reply["type"] == "error" and reply["message"], (bad, reply)
    reply = await _evaluate(phone, poll, {"useful": 3})
    assert reply["type"] == "error"
    # A vote to the evaluation is refused too, with a message that says what to send.
    assert phone.socket is not None
    vote = await phone.vote(evaluation, 0)
    assert vote["type"] == "error" and "evaluation" in vote["message"]
    console = await _console(facilitator, code)
    assert next(a for a in console["activities"] if a["id"] == evaluation)["answered"] == 0
    # Closed: refused for good.
    await facilitator.post(f"/api/sessions/{code}/close")
    reply = await _evaluate(phone, evaluation, {"useful": 3})
    assert reply["type"] == "error" and "ended" in reply["message"]
    await phone.close()


async def test_a_facilitator_writes_their_own_questions(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, language="nb"))["code"]
    questions = [
        {"key": "useful", "kind": "scale", "prompt": "Hvor nyttig var dagen?"},
        {
            "key": "format",
            "kind": "choice",
            "prompt": "Fysisk eller digitalt neste gang?",
            "choices": [
                {"id": "fysisk", "label": "Fysisk"},
                {"id": "digitalt", "label": "Digitalt"},
            ],
        },
    ]
    response = await facilitator.post(
        f"/api/sessions/{code}/activities",
        json={"kind": "evaluation", "prompt": "Evaluering", "questions": questions},
    )
    assert response.status_code == 201, response.text
    state = await _console(facilitator, code)
    made = next(a for a in state["activities"] if a["kind"] == "evaluation")
    assert made["questions"] == questions
    for bad in (
        [],
        [{"key": "Bad Key", "kind": "scale", "prompt": "?"}],
        [{"key": "a", "kind": "stars", "prompt": "?"}],
        [{"key": "a", "kind": "choice", "prompt": "?", "choices": [{"id": "x", "label": "X"}]}],
        [{"key": "a", "kind": "scale", "prompt": "?"}, {"key": "a", "kind": "text", "prompt": "?"}],
    ):
        response = await facilitator.post(
            f"/api/sessions/{code}/activities",
            json={"kind": "evaluation", "questions": bad},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 400, (bad, response.text)
    response = await facilitator.post(
        f"/api/sessions/{code}/activities",
        json={"kind": "poll", "prompt": "?", "options": ["A", "B"], "questions": questions},
    )
    assert response.status_code == 400
