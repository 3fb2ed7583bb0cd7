"""Station rotations in the session file and the CSV (issue 16): an exported and imported
session keeps each rotation (stations, timing, clock) and each post's station, so its
results group the same posts under the same stations; a version 1 file still imports; a
file with a bad station is refused whole."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    new_id,
    new_session,
    results,
    set_state,
)
from tests.test_export import answers, normalised
from tests.test_stations import STATIONS, make_rotation


def by_station(activity: dict[str, Any]) -> list[tuple[Any, str, list[tuple[int, str]]]]:
    """A rotation's results as (index, name, [(table, text)]): what must survive the file."""
    return [
        (g["index"], g["name"], sorted((p["table"], p["text"]) for p in g["posts"]))
        for g in activity["stations"]
    ]


async def a_day_at_the_stations(server: Server, client: httpx.AsyncClient) -> dict[str, Any]:
    """Three tables through three stations: a post before the start (no station), posts in
    round 1 and round 2 (one hidden), a plain reflection beside it with a post."""
    code = (await new_session(client, title="Kommunetorget", tables=3))["code"]
    wall = await add_activity(client, code, kind="reflection", prompt="Hva tar du med deg?")
    made = await make_rotation(client, code, minutes=15)
    rotation = made["id"]
    phones = [await Phone.join(server, code, table=t) for t in (1, 2, 3)]
    for phone in phones:
        await phone.connect()
    await set_state(client, code, wall, "open")
    assert (await phones[0].post(wall, "Mer tid til samtale"))["type"] == "ack"
    await set_state(client, code, rotation, "open")
    assert (await phones[2].post(rotation, "Før start"))["type"] == "ack"
    base = f"/api/sessions/{code}/stations/{rotation}"
    assert (await client.post(f"{base}/start")).status_code == 200
    for phone, text in zip(phones, ("Eldreomsorg", "Veier", "Skolevei"), strict=True):
        assert (await phone.post(rotation, text))["type"] == "ack"
    moved = await client.post(f"{base}/next", json={"round": 0})
    assert moved.status_code == 200, moved.text
    hidden = new_id()
    assert (await phones[0].post(rotation, "Brøyting", client_id=hidden))["type"] == "ack"
    assert (await phones[1].post(rotation, "Lekeplass"))["type"] == "ack"
    response = await client.post(
        f"/api/sessions/{code}/posts/{hidden}/hidden", json={"hidden": True}
    )
    assert response.status_code == 200, response.text
    for phone in phones:
        await phone.close()
    return {"code": code, "rotation": rotation, "wall": wall}


async def test_a_rotation_survives_export_and_import(
    server: Server, facilitator: httpx.AsyncClient
):
    day = await a_day_at_the_stations(server, facilitator)
    code, rotation = day["code"], day["rotation"]
    before = (await results(facilitator, code))[rotation]
    assert by_station(before) == [
        (0, "Helse og omsorg", [(1, "Eldreomsorg")]),
        (1, "Teknisk", [(1, "Brøyting"), (2, "Veier")]),
        (2, "Oppvekst", [(2, "Lekeplass"), (3, "Skolevei")]),
        (None, "", [(3, "Før start")]),
    ]

    exported = (await facilitator.get(f"/api/sessions/{code}/export.json")).json()
    assert exported["version"] == 2
    (entry,) = exported["rotations"]
    assert entry["activity"] == rotation
    assert entry["stations"] == STATIONS
    assert (entry["seconds"], entry["rounds"], entry["base_round"]) == (900, 3, 1)
    assert entry["base_at"] is not None  # started: the clock is in the file
    places = {p["text"]: (p["station"], p["round"]) for p in exported["posts"]}
    assert places["Eldreomsorg"] == (0, 0) and places["Brøyting"] == (1, 1)
    assert places["Før start"] == (None, None) and places["Mer tid til samtale"] == (None, None)

    made = await facilitator.post("/api/sessions/import", json=exported)
    assert made.status_code == 201, made.text
    copy_code = made.json()["code"]
    again = (await facilitator.get(f"/api/sessions/{copy_code}/export.json")).json()
    assert normalised(again) == normalised(exported)

    # The copy's results group the same posts under the same stations, and so does the
    # console's view of the rotation; the plain reflection beside it stays plain.
    after = await results(facilitator, copy_code)
    (copied,) = [a for a in after.values() if "stations" in a]
    assert by_station(copied) == by_station(before)
    view = (await facilitator.get(f"/api/sessions/{copy_code}/stations/{copied['id']}")).json()
    assert [(g["name"], len(g["posts"])) for g in view["groups"]] == [
        ("Helse og omsorg", 1), ("Teknisk", 2), ("Oppvekst", 2), ("", 1),
    ]  # fmt: skip
    assert (view["round"], view["state"], view["seconds"]) == (1, "running", 900)
    plain = [a for a in after.values() if a["kind"] == "reflection" and "stations" not in a]
    assert [p["text"] for a in plain for p in a["posts"]] == ["Mer tid til samtale"]


async def test_the_csv_names_each_posts_station(server: Server, facilitator: httpx.AsyncClient):
    day = await a_day_at_the_stations(server, facilitator)
    rows = await answers(facilitator, day["code"])
    assert all("station" in r for r in rows)
    stations = {r["text"]: r["station"] for r in rows if r["activity_id"] == str(day["rotation"])}
    assert stations == {
        "Før start": "",
        "Eldreomsorg": "Helse og omsorg",
        "Veier": "Teknisk",
        "Skolevei": "Oppvekst",
        "Brøyting": "Teknisk",
        "Lekeplass": "Oppvekst",
    }
    assert {r["station"] for r in rows if r["activity_id"] == str(day["wall"])} == {""}


async def test_the_console_card_of_a_rotation_says_stations(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2))["code"]
    wall = await add_activity(facilitator, code, kind="reflection", prompt="Tanker?")
    rotation = (await make_rotation(facilitator, code))["id"]
    url = f"{server.ws_url}/ws/{code}/console"
    cookie = "; ".join(f"{k}={v}" for k, v in facilitator.cookies.items())
    console = await Socket.open(url, {"Cookie": cookie, "Origin": server.url})
    try:
        state = await console.wait_for(lambda m: m["type"] == "state")
    finally:
        await console.close()
    cards = {a["id"]: a for a in state["activities"]}
    assert cards[rotation]["station_count"] == 3
    assert "station_count" not in cards[wall]


async def test_an_older_file_imports_and_bad_stations_are_refused(
    server: Server, facilitator: httpx.AsyncClient
):
    day = await a_day_at_the_stations(server, facilitator)
    good = (await facilitator.get(f"/api/sessions/{day['code']}/export.json")).json()

    async def count() -> int:
        return len((await facilitator.get("/api/sessions")).json()["sessions"])

    # A version 1 file (before stations): it imports, its rotation as a plain reflection.
    old = copy.deepcopy(good)
    old["version"] = 1
    del old["rotations"]
    for post in old["posts"]:
        del post["station"], post["round"]
    made = await facilitator.post("/api/sessions/import", json=old)
    assert made.status_code == 201, made.text
    imported = await results(facilitator, made.json()["code"])
    assert not any("stations" in a for a in imported.values())
    assert sum(len(a.get("posts", [])) for a in imported.values()) == len(good["posts"])

    at = next(i for i, p in enumerate(good["posts"]) if p["station"] == 2)
    plain = next(i for i, p in enumerate(good["posts"]) if p["activity"] == day["wall"])
    far = copy.deepcopy(good)
    far["posts"][at]["station"] = 3  # only three stations
    late = copy.deepcopy(good)
    late["posts"][at]["round"] = 3
    stray = copy.deepcopy(good)
    stray["posts"][plain]["station"] = 0  # a post of no rotation
    twice = copy.deepcopy(good)
    twice["rotations"].append(twice["rotations"][0])
    vote = copy.deepcopy(good)  # stations on a poll
    (poll,) = [a for a in vote["activities"] if a["id"] == day["rotation"]]
    poll.update(kind="poll", options=["Ja", "Nei"])
    one = copy.deepcopy(good)
    one["rotations"][0]["stations"] = one["rotations"][0]["stations"][:1]
    nowhere = copy.deepcopy(good)
    nowhere["rotations"][0]["activity"] = 10**9
    clock = copy.deepcopy(good)
    clock["rotations"][0]["base_round"] = 4
    before = await count()
    for bad, where in [
        (far, f"posts[{at}]"),
        (late, f"posts[{at}]"),
        (stray, f"posts[{plain}]"),
        (twice, "rotations[1]"),
        (vote, "rotations[0]"),
        (one, "rotations[0]"),
        (nowhere, "rotations[0]"),
        (clock, "rotations[0]"),
        ({**good, "rotations": {}}, "rotations"),
    ]:
        message = expect_error(await facilitator.post("/api/sessions/import", json=bad), 400)
        assert where in message, (where, message)
    assert await count() == before
