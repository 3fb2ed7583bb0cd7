"""Seating on a real server: join questions, joining with answers, the balanced seat,
reseating the room (phones follow to their new table's channel) and moving one person."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tests.live import (
    Phone,
    Server,
    Socket,
    expect_error,
    login,
    new_session,
    screen_socket_url,
)


async def add_question(client: httpx.AsyncClient, code: str, prompt: str, options: list) -> int:
    response = await client.post(
        f"/api/sessions/{code}/join-questions", json={"prompt": prompt, "options": options}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_join_questions_are_added_listed_shown_to_the_join_page_and_deleted(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, title="Spørsmål", tables=3))["code"]
    term = await add_question(facilitator, code, "Første periode?", ["Ja", "Nei"])
    role = await add_question(facilitator, code, "Folkevalgt?", ["Folkevalgt", "Administrasjon"])
    third = await add_question(facilitator, code, "Alder?", ["Under 40", "40-60", "Over 60"])
    fourth = await facilitator.post(
        f"/api/sessions/{code}/join-questions", json={"prompt": "Mer?", "options": ["a", "b"]}
    )
    assert "høyst tre" in expect_error(fourth, 400)
    for bad in (
        {"prompt": "", "options": ["a", "b"]},
        {"prompt": "Ett valg?", "options": ["a"]},
        {"prompt": "Like?", "options": ["a", "a"]},
        {"prompt": "Tekst?", "options": "a,b"},
    ):
        expect_error(await facilitator.post(f"/api/sessions/{code}/join-questions", json=bad), 400)

    async with httpx.AsyncClient(base_url=server.url) as anyone:
        public = (await anyone.get(f"/api/sessions/{code}/tables")).json()
        assert [q["id"] for q in public["questions"]] == [term, role, third]
        assert public["questions"][0] == {
            "id": term,
            "prompt": "Første periode?",
            "options": ["Ja", "Nei"],
        }
        expect_error(await anyone.get(f"/api/sessions/{code}/join-questions"), 401)
        expect_error(
            await anyone.post(
                f"/api/sessions/{code}/join-questions", json={"prompt": "x", "options": ["a", "b"]}
            ),
            401,
        )
        page = await anyone.get(f"/j/{code}")
        assert "rste periode?" in page.text  # in the page data (JSON): asked before seating

    other = await login(server, "bjorn")
    try:
        expect_error(await other.delete(f"/api/sessions/{code}/join-questions/{third}"), 404)
    finally:
        await other.aclose()
    await Phone.join(server, code, answers={str(term): 1, str(role): 0})
    listed = (await facilitator.get(f"/api/sessions/{code}/join-questions")).json()["questions"]
    assert listed[0]["counts"] == [0, 1] and listed[1]["counts"] == [1, 0]
    deleted = await facilitator.delete(f"/api/sessions/{code}/join-questions/{third}")
    assert deleted.status_code == 200 and deleted.json() == {"id": third}
    expect_error(await facilitator.delete(f"/api/sessions/{code}/join-questions/{third}"), 404)
    listed = (await facilitator.get(f"/api/sessions/{code}/join-questions")).json()["questions"]
    assert [q["id"] for q in listed] == [term, role]
    await add_question(facilitator, code, "Igjen?", ["Ja", "Nei"])  # room for a third again


async def test_join_answers_are_checked_and_optional(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, title="Svar", tables=2))["code"]
    term = await add_question(facilitator, code, "Første periode?", ["Ja", "Nei"])
    async with httpx.AsyncClient(base_url=server.url) as client:

        async def join(answers: object) -> httpx.Response:
            return await client.post(f"/api/sessions/{code}/join", json={"answers": answers})

        assert "velkomstspørsmål 999" in expect_error(await join({"999": 0}), 400)
        assert "ikke svar nummer 2" in expect_error(await join({str(term): 2}), 400)
        expect_error(await join({str(term): -1}), 400)
        expect_error(await join({str(term): "0"}), 400)
        expect_error(await join({str(term): True}), 400)
        expect_error(await join([0]), 400)
        expect_error(await join({"abc": 0}), 400)
        expect_error(await join({"²": 0}), 400)
        expect_error(await join({"9" * 5000: 0}), 400)
        for answers in (None, {}, {str(term): 0}):  # leaving a question out is allowed
            assert (await join(answers)).status_code == 201
    listed = (await facilitator.get(f"/api/sessions/{code}/join-questions")).json()["questions"]
    assert listed[0]["counts"] == [1, 0]  # refused joins stored nothing


async def test_a_newcomer_sits_where_fewest_share_their_answer(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, title="Balanse", tables=2))["code"]
    term = await add_question(facilitator, code, "Første periode?", ["Ja", "Nei"])
    for table, answer in ((1, 0), (1, 0), (1, 0), (2, 1), (2, 1), (2, 1)):
        await Phone.join(server, code, table=table, answers={str(term): answer})
    first_term = await Phone.join(server, code, answers={str(term): 0})
    assert first_term.table == 2  # table 1 already has three first-termers
    again = await Phone.join(server, code, answers={str(term): 1})
    assert again.table == 1


async def test_concurrent_joins_stay_balanced(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, title="Samtidig", tables=4))["code"]
    term = await add_question(facilitator, code, "Første periode?", ["Ja", "Nei"])
    phones = await asyncio.gather(
        *(Phone.join(server, code, answers={str(term): i % 2}) for i in range(28))
    )
    sizes = Counter(p.table for p in phones)
    assert max(sizes.values()) <= 7, sizes  # decided in the seat's step: no table overfills
    assert sum(sizes.values()) == 28


async def test_reseat_balances_moves_phones_and_shows_the_seating(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Ny plassering", tables=4)
    code = created["code"]
    term = await add_question(facilitator, code, "Første periode?", ["Ja", "Nei"])
    role = await add_question(facilitator, code, "Folkevalgt?", ["Folkevalgt", "Administrasjon"])
    phones = [
        await Phone.join(
            server,
            code,
            name=f"P{i}",
            table=1 if i < 10 else 2,  # everyone crowded at two tables
            answers={str(term): i % 2, str(role): (i // 2) % 2},
        )
        for i in range(20)
    ]
    watched = phones[:3]
    for phone in watched:
        await phone.connect()
    screen = await Socket.open(screen_socket_url(created))
    await screen.wait_for(lambda m: m.get("type") == "state" or "view" in m)

    response = await facilitator.post(f"/api/sessions/{code}/reseat")
    assert response.status_code == 200, response.text
    tables = {int(t): ids for t, ids in response.json()["tables"].items()}
    assert sorted(len(ids) for ids in tables.values()) == [6, 7, 7]  # 20 at 3 tables of 6-7
    assert sorted(i for ids in tables.values() for i in ids) == sorted(
        p.participant_id for p in phones
    )
    answer_of = {p.participant_id: i % 2 for i, p in enumerate(phones)}
    for ids in tables.values():
        firsts = sum(answer_of[i] == 0 for i in ids)
        assert firsts in (3, 4), tables  # 10 first-termers over 3 tables: 3 or 4 each
    where = {i: t for t, ids in tables.items() for i in ids}

    for phone in watched:
        assert phone.socket is not None
        new = where[phone.participant_id]
        told = await phone.socket.wait_for(lambda m: m["type"] == "seat")
        assert told["table"]["number"] == new and told["moved"] is (new != phone.table)
        everyone = sorted(tables[new])
        await phone.socket.wait_for(  # the new table's frame, with its new members
            lambda m, new=new, everyone=everyone: (
                m["type"] == "table"
                and m["table"]["number"] == new
                and sorted(x["id"] for x in m["members"]) == everyone
            )
        )
        welcome = await phone.welcome()  # a reconnect knows the new table too
        assert welcome["participant"]["table"]["number"] == new

    shown = await screen.wait_for(lambda m: m.get("view") == "seating" and m.get("seating"))
    by_number = {t["number"]: t for t in shown["seating"]}
    for number, ids in tables.items():
        assert len(by_number[number]["members"]) == len(ids)
        assert all(m["name"].startswith("P") for m in by_number[number]["members"])
    assert all("answers" not in m for t in shown["seating"] for m in t["members"])
    for phone in watched:
        await phone.close()
    await screen.close()


async def test_reseat_mixes_people_who_sat_together(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, title="Bland", tables=6))["code"]
    phones = [await Phone.join(server, code, table=1 + i % 6) for i in range(36)]
    first = (await facilitator.post(f"/api/sessions/{code}/reseat")).json()["tables"]
    before = {p.participant_id: p.table for p in phones}
    for ids in first.values():  # nobody meets someone from their first table again
        assert len({before[i] for i in ids}) == len(ids), first
    second = (await facilitator.post(f"/api/sessions/{code}/reseat")).json()["tables"]
    met = {frozenset((a, b)) for ids in first.values() for a in ids for b in ids if a != b}
    met |= {frozenset((a, b)) for a in before for b in before if a != b and before[a] == before[b]}
    again = [
        (a, b)
        for ids in second.values()
        for a in ids
        for b in ids
        if a < b and frozenset((a, b)) in met
    ]
    assert len(again) <= 6, again  # 36 people, 6 tables: all but a few pairs are new


async def test_moving_one_person(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, title="Flytt", tables=3))["code"]
    phone = await Phone.join(server, code, name="Kari", table=1)
    await phone.connect()
    assert phone.socket is not None
    await phone.socket.wait_for(lambda m: m["type"] == "table" and m["table"]["number"] == 1)
    url = f"/api/sessions/{code}/participants/{phone.participant_id}/table"
    moved = await facilitator.post(url, json={"table": 3})
    assert moved.status_code == 200 and moved.json() == {"id": phone.participant_id, "table": 3}
    told = await phone.socket.wait_for(lambda m: m["type"] == "seat")
    assert told == {"type": "seat", "table": {"number": 3, "name": "Bord 3"}, "moved": True}
    await phone.socket.wait_for(lambda m: m["type"] == "table" and m["table"]["number"] == 3)
    expect_error(await facilitator.post(url, json={"table": 9}), 404)
    expect_error(await facilitator.post(url, json={"table": "3"}), 400)
    expect_error(await facilitator.post(url, json={"table": 10**12}), 404)
    expect_error(
        await facilitator.post(
            f"/api/sessions/{code}/participants/999999/table", json={"table": 1}
        ),
        404,
    )
    async with httpx.AsyncClient(base_url=server.url) as anyone:
        expect_error(await anyone.post(url, json={"table": 2}), 401)
        expect_error(await anyone.post(f"/api/sessions/{code}/reseat"), 401)
    await phone.close()
