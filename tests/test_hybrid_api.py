"""Hybrid days over HTTP against a real server: sessions with digital tables, adding a table
of either kind, the video-meeting links (plenary, pattern, a table's own), what is refused,
and the console state's `hybrid` part."""

from __future__ import annotations

import httpx

from tests.live import Phone, Server, Socket, expect_error, new_session

PATTERN = "https://meet.example/lillevik-{table}"


async def tables_of(client: httpx.AsyncClient, code: str) -> list[dict]:
    response = await client.get(f"/api/sessions/{code}/tables")
    assert response.status_code == 200, response.text
    return response.json()["tables"]


async def console_state(client: httpx.AsyncClient, code: str) -> dict:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_session_with_digital_tables_numbers_the_room_first(
    facilitator: httpx.AsyncClient,
):
    code = (await new_session(facilitator, tables=3, digital_tables=2))["code"]
    tables = await tables_of(facilitator, code)
    assert [(t["number"], t["name"], t["kind"]) for t in tables] == [
        (1, "Bord 1", "room"),
        (2, "Bord 2", "room"),
        (3, "Bord 3", "room"),
        (4, "Digitalt bord 1", "digital"),
        (5, "Digitalt bord 2", "digital"),
    ]
    named = await new_session(facilitator, tables=["Nord"], digital_tables=["Hjemme"])
    listed = await tables_of(facilitator, named["code"])
    assert [(t["name"], t["kind"]) for t in listed] == [("Nord", "room"), ("Hjemme", "digital")]
    plain = await tables_of(facilitator, (await new_session(facilitator, tables=2))["code"])
    assert [t["kind"] for t in plain] == ["room", "room"]


async def test_an_all_digital_session_has_no_room_tables(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, tables=0, digital_tables=3, language="en"))["code"]
    tables = await tables_of(facilitator, code)
    assert [(t["name"], t["kind"]) for t in tables] == [
        ("Online table 1", "digital"),
        ("Online table 2", "digital"),
        ("Online table 3", "digital"),
    ]
    state = await console_state(facilitator, code)
    assert [m["number"] for m in state["hybrid"]["meetings"]] == [1, 2, 3]


async def test_sessions_without_any_table_or_with_too_many_are_refused(
    facilitator: httpx.AsyncClient,
):
    for body in (
        {"tables": 0, "digital_tables": 0},
        {"tables": 0},
        {"tables": 300, "digital_tables": 300},
        {"tables": 3, "digital_tables": 501},
        {"tables": 3, "digital_tables": -1},
        {"tables": 3, "digital_tables": True},
        {"tables": 3, "digital_tables": "two"},
    ):
        response = await facilitator.post("/api/sessions", json={"title": "Dag", **body})
        assert "bord" in expect_error(response, 400).lower(), body


async def test_adding_tables_of_either_kind(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, tables=2))["code"]
    base = f"/api/sessions/{code}"
    added = await facilitator.post(f"{base}/tables", json={"kind": "digital"})
    assert added.status_code == 201, added.text
    assert added.json() == {"number": 3, "name": "Digitalt bord 1", "kind": "digital"}
    again = await facilitator.post(f"{base}/tables", json={"kind": "digital", "name": "Heime"})
    assert again.json() == {"number": 4, "name": "Heime", "kind": "digital"}
    room = await facilitator.post(f"{base}/tables", json={"kind": "room"})
    assert room.status_code == 201 and room.json()["kind"] == "room", room.text
    assert room.json()["name"] == "Bord 3"
    kinds = [t["kind"] for t in await tables_of(facilitator, code)]
    assert kinds == ["room", "room", "digital", "digital", "room"]
    expect_error(await facilitator.post(f"{base}/tables", json={"kind": "garden"}), 400)
    expect_error(
        await facilitator.post(f"{base}/tables", json={"kind": "digital", "name": ""}), 400
    )
    assert len(await tables_of(facilitator, code)) == 5


async def test_a_full_session_takes_no_more_tables(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, tables=499, digital_tables=1))["code"]
    response = await facilitator.post(f"/api/sessions/{code}/tables", json={"kind": "digital"})
    assert "500" in expect_error(response, 409)
    assert len(await tables_of(facilitator, code)) == 500


async def test_only_the_facilitator_adds_tables_or_sets_links(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=1, digital_tables=1))["code"]
    async with httpx.AsyncClient(base_url=server.url) as stranger:
        for path, body in (("tables", {"kind": "digital"}), ("meetings", {"pattern": PATTERN})):
            response = await stranger.post(f"/api/sessions/{code}/{path}", json=body)
            assert response.status_code in (401, 403), response.text
    assert len(await tables_of(facilitator, code)) == 2


async def test_meeting_links_resolve_by_pattern_or_a_table_of_its_own(
    facilitator: httpx.AsyncClient,
):
    code = (await new_session(facilitator, tables=3, digital_tables=2))["code"]
    base = f"/api/sessions/{code}"
    response = await facilitator.post(
        f"{base}/meetings", json={"plenary": "https://meet.example/plenum", "pattern": PATTERN}
    )
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["plenary_url"] == "https://meet.example/plenum"
    assert view["meeting_pattern"] == PATTERN
    assert view["meetings"] == [
        {
            "number": 4,
            "name": "Digitalt bord 1",
            "url": PATTERN.replace("{table}", "1"),
            "own": False,
        },
        {
            "number": 5,
            "name": "Digitalt bord 2",
            "url": PATTERN.replace("{table}", "2"),
            "own": False,
        },
    ]
    own = await facilitator.post(f"{base}/meetings", json={"tables": {"5": "https://x.example/5"}})
    meetings = own.json()["meetings"]
    assert meetings[1] == {
        "number": 5,
        "name": "Digitalt bord 2",
        "url": "https://x.example/5",
        "own": True,
    }
    assert own.json()["plenary_url"] == "https://meet.example/plenum"  # left out: unchanged
    cleared = await facilitator.post(
        f"{base}/meetings", json={"tables": {"5": None}, "plenary": ""}
    )
    assert cleared.json()["plenary_url"] is None
    assert cleared.json()["meetings"][1]["url"] == PATTERN.replace("{table}", "2")
    assert cleared.json()["meetings"][1]["own"] is False
    none = await facilitator.post(f"{base}/meetings", json={"pattern": None})
    assert [m["url"] for m in none.json()["meetings"]] == [None, None]


async def test_bad_meeting_links_are_refused_and_change_nothing(facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, tables=3, digital_tables=2))["code"]
    base = f"/api/sessions/{code}"
    saved = await facilitator.post(f"{base}/meetings", json={"pattern": PATTERN})
    assert saved.status_code == 200, saved.text
    refused = [
        ({"plenary": "javascript:alert(1)"}, "https://"),
        ({"pattern": "javascript:alert('{table}')"}, "https://"),
        ({"tables": {"4": "javascript:alert(1)"}}, "https://"),
        ({"plenary": "meet.example/plenum"}, "https://"),
        ({"plenary": "https://meet.example/a b"}, "spaces"),
        ({"plenary": "https://meet.example/" + "a" * 600}, "500"),
        ({"pattern": "https://meet.example/lillevik"}, "{table}"),
        ({"tables": {"2": "https://meet.example/room"}}, "Bord 2"),
        ({"tables": {"99": "https://meet.example/99"}}, "99"),
        ({"tables": {"fire": "https://meet.example/4"}}, "fire"),
        ({"tables": ["https://meet.example/4"]}, ""),  # any plain message
    ]
    for body, says in refused:
        english = {"Accept-Language": "en"}
        response = await facilitator.post(f"{base}/meetings", json=body, headers=english)
        assert says in expect_error(response, 400), body
    state = await console_state(facilitator, code)
    hybrid = state["hybrid"]
    assert hybrid["plenary_url"] is None and hybrid["meeting_pattern"] == PATTERN
    assert [m["own"] for m in hybrid["meetings"]] == [False, False]


async def test_the_console_state_carries_the_hybrid_part(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=2, digital_tables=1)
    code = created["code"]
    state = await console_state(facilitator, code)
    hybrid = state["hybrid"]
    assert hybrid["join_home_url"] == f"{created['join_url']}?from=home"
    assert hybrid["plenary_url"] is None and hybrid["meeting_pattern"] is None
    assert hybrid["meetings"] == [
        {"number": 3, "name": "Digitalt bord 1", "url": None, "own": False}
    ]
    assert [t["kind"] for t in state["tables"]] == ["room", "room", "digital"]

    cookies = "; ".join(f"{k}={v}" for k, v in facilitator.cookies.items())
    console = await Socket.open(f"{server.ws_url}/ws/{code}/console", {"Cookie": cookies})
    try:
        await console.wait_for(lambda m: m["type"] == "state")
        since = len(console.received)
        added = await facilitator.post(f"/api/sessions/{code}/tables", json={"kind": "digital"})
        assert added.status_code == 201, added.text
        grown = await console.wait_for(
            lambda m: m["type"] == "state" and len(m["hybrid"]["meetings"]) == 2, since=since
        )
        assert grown["tables"][-1]["kind"] == "digital"
        since = len(console.received)
        await facilitator.post(f"/api/sessions/{code}/meetings", json={"pattern": PATTERN})
        linked = await console.wait_for(
            lambda m: m["type"] == "state" and m["hybrid"]["meeting_pattern"] == PATTERN,
            since=since,
        )
        assert [m["url"] for m in linked["hybrid"]["meetings"]] == [
            "https://meet.example/lillevik-1",
            "https://meet.example/lillevik-2",
        ]
        # Someone joining from home sits at a digital table, and the console counts them.
        since = len(console.received)
        phone = await Phone.join(server, code, name="Heime", remote=True)
        assert phone.table in (3, 4)
        seated = await console.wait_for(
            lambda m: (
                m["type"] == "state"
                and sum(t["seated"] for t in m["tables"] if t["kind"] == "digital") == 1
            ),
            since=since,
        )
        assert sum(t["seated"] for t in seated["tables"] if t["kind"] == "room") == 0
    finally:
        await console.close()


async def test_the_join_from_home_qr_code_is_served(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, tables=1, digital_tables=1))["code"]
    async with httpx.AsyncClient(base_url=server.url) as anyone:
        home = await anyone.get(f"/qr/{code}.svg?from=home")
        room = await anyone.get(f"/qr/{code}.svg")
    assert home.status_code == 200 and home.headers["content-type"].startswith("image/svg")
    assert home.text.startswith("<") and home.text != room.text


async def test_the_new_session_form_takes_digital_tables(facilitator: httpx.AsyncClient):
    for room, digital, kinds in (
        ("3", "2", ["room"] * 3 + ["digital"] * 2),
        ("0", "2", ["digital"] * 2),
        ("2", "0", ["room"] * 2),
        ("2", "", ["room"] * 2),
    ):
        form = {"title": "Skjema", "tables": room, "digital_tables": digital, "language": "nb"}
        response = await facilitator.post("/sessions", data=form)
        assert response.status_code == 303, response.text
        code = response.headers["location"].rsplit("/", 1)[1]
        assert [t["kind"] for t in await tables_of(facilitator, code)] == kinds, form
    for room, digital in (("0", "0"), ("2", "-1"), ("2", "mange")):
        form = {"title": "Skjema", "tables": room, "digital_tables": digital}
        assert (await facilitator.post("/sessions", data=form)).status_code == 400, form
