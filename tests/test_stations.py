"""Stations ("kommunetorg") with real clients: a rotation through three stations on a timer,
the screen and the tables' phones in step, posts grouped by station; bad input refused."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.live import (
    Phone,
    Server,
    Socket,
    expect_error,
    new_id,
    new_session,
    screen_socket_url,
)

STATIONS = [
    {"name": "Helse og omsorg", "prompt": "Hva trenger eldre i kommunen vår?"},
    {"name": "Teknisk", "prompt": "Hvilke veier må vi prioritere?"},
    {"name": "Oppvekst", "prompt": "Hva gjør en god skole?"},
]


def where(frame: dict[str, Any]) -> dict[int, str]:
    """table number -> station name, from a screen state's map."""
    return {t["number"]: s["name"] for s in frame["stations"]["stations"] for t in s["tables"]}


def at_round(round_: int):
    def check(m: dict[str, Any]) -> bool:
        return (
            m["type"] == "state"
            and m.get("stations") is not None
            and m["stations"]["state"] == "running"
            and m["stations"]["round"] == round_
        )

    return check


def table_at(round_: int, state: str = "running"):
    def check(m: dict[str, Any]) -> bool:
        s = m.get("station") if m["type"] == "table" else None
        return s is not None and s["state"] == state and s["round"] == round_

    return check


async def make_rotation(client: httpx.AsyncClient, code: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        f"/api/sessions/{code}/stations",
        json={"title": "Kommunetorg", "stations": STATIONS, **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_rotation_through_three_stations_on_a_timer(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Kommunetorget", tables=4)
    code = created["code"]
    segment = await facilitator.post(f"/api/sessions/{code}/segments", json={"title": "Torg"})
    assert segment.status_code == 201, segment.text
    made = await make_rotation(facilitator, code, seconds=5, segment=segment.json()["id"])
    activity = made["id"]
    assert made["state"] == "waiting" and made["rounds"] == 3 and made["seconds"] == 5
    phones = [await Phone.join(server, code, table=t) for t in (1, 2, 3, 4)]
    for phone in phones:
        await phone.connect()
    screen = await Socket.open(screen_socket_url(created))
    base = f"/api/sessions/{code}/stations/{activity}"

    # Not open yet: it cannot start.
    expect_error(await facilitator.post(f"{base}/start"), 409)
    response = await facilitator.post(
        f"/api/sessions/{code}/activities/{activity}/state", json={"state": "open"}
    )
    assert response.status_code == 200, response.text
    waiting = await screen.wait_for(
        lambda m: m["type"] == "state" and (m.get("stations") or {}).get("state") == "waiting"
    )
    # Before the start the screen shows where each table begins; table 4 shares with table 1.
    assert where(waiting) == {
        1: "Helse og omsorg",
        2: "Teknisk",
        3: "Oppvekst",
        4: "Helse og omsorg",
    }

    started = await facilitator.post(f"{base}/start")
    assert started.status_code == 200, started.text
    assert started.json()["round"] == 0
    expect_error(await facilitator.post(f"{base}/start"), 409)  # already running
    first = await screen.wait_for(at_round(0))
    assert first["stations"]["ends_at"] is not None
    for phone, station, following in zip(
        phones,
        ["Helse og omsorg", "Teknisk", "Oppvekst", "Helse og omsorg"],
        ["Teknisk", "Oppvekst", "Helse og omsorg", "Teknisk"],
        strict=True,
    ):
        assert phone.socket is not None
        frame = await phone.socket.wait_for(table_at(0))
        assert frame["station"]["station"]["name"] == station
        assert frame["station"]["station"]["prompt"]
        assert frame["station"]["next"]["name"] == following
        assert frame["station"]["next"]["at"] == first["stations"]["ends_at"]

    assert (await phones[0].post(activity, "Flere hender i hjemmetjenesten"))["type"] == "ack"
    assert (await phones[1].post(activity, "Gang- og sykkelvei til skolen"))["type"] == "ack"

    # "Next station" moves everyone on; a double click (the round seen is old) does nothing.
    # Posts sent from three tables just as it does so each land in exactly one station: the
    # one their table was at before the move or after it (table 3: Oppvekst or Helse).
    racing = [(phones[n], new_id(), f"Underveis {n + 1}") for n in (0, 1, 2)]
    sends = []
    for phone, client_id, text in racing:
        assert phone.socket is not None
        sends.append(
            phone.socket.send({"type": "post", "id": client_id, "activity": activity, "text": text})
        )
    *_, moved = await asyncio.gather(*sends, facilitator.post(f"{base}/next", json={"round": 0}))
    assert moved.status_code == 200, moved.text
    for phone, client_id, _ in racing:
        assert phone.socket is not None
        assert (await phone.socket.reply_to(client_id))["type"] == "ack"
    expect_error(await facilitator.post(f"{base}/next", json={"round": 0}), 409)
    second = await screen.wait_for(at_round(1))
    assert where(second) == {1: "Teknisk", 2: "Oppvekst", 3: "Helse og omsorg", 4: "Teknisk"}
    assert phones[0].socket is not None
    await phones[0].socket.wait_for(table_at(1))
    assert (await phones[0].post(activity, "Vintervedlikehold"))["type"] == "ack"

    # Round two runs out by itself: the timer moves the room on, screen and phones together.
    third = await screen.wait_for(at_round(2), timeout=12)
    assert where(third) == {1: "Oppvekst", 2: "Helse og omsorg", 3: "Teknisk", 4: "Oppvekst"}
    for phone in phones:
        assert phone.socket is not None
        frame = await phone.socket.wait_for(table_at(2), timeout=5)
        assert frame["station"]["next"] is None  # the last round
    assert (await phones[3].post(activity, "Rom for lek"))["type"] == "ack"

    # After the last round the rotation is over; a post then goes to the table's last station.
    done = await facilitator.post(f"{base}/next", json={"round": 2})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "over"
    assert (await phones[2].post(activity, "I siste liten"))["type"] == "ack"
    await screen.wait_for(
        lambda m: m["type"] == "state" and (m.get("stations") or {}).get("state") == "over"
    )
    expect_error(await facilitator.post(f"{base}/next", json={"round": 3}), 409)

    results = await facilitator.get(f"/api/sessions/{code}/results")
    assert results.status_code == 200, results.text
    rotation = next(a for a in results.json()["activities"] if a["id"] == activity)
    groups = {g["name"]: [p["text"] for p in g["posts"]] for g in rotation["stations"]}
    for text, allowed in [
        ("Underveis 1", {"Helse og omsorg", "Teknisk"}),
        ("Underveis 2", {"Teknisk", "Oppvekst"}),
        ("Underveis 3", {"Oppvekst", "Helse og omsorg"}),
    ]:
        found = [name for name, texts in groups.items() if text in texts]
        assert len(found) == 1 and found[0] in allowed, (text, found)
        for texts in groups.values():
            if text in texts:
                texts.remove(text)
    race = [name for name, texts in groups.items() if "I siste liten" in texts]
    # Table 3 was at Teknisk in the last round (and stays there once it is over).
    assert race == ["Teknisk"]
    assert groups["Helse og omsorg"] == ["Flere hender i hjemmetjenesten"]
    assert groups["Teknisk"] == [
        "Gang- og sykkelvei til skolen",
        "Vintervedlikehold",
        "I siste liten",
    ]
    assert groups["Oppvekst"] == ["Rom for lek"]
    assert all(p["station"] is not None for p in rotation["posts"])
    assert sum(len(g["posts"]) for g in rotation["stations"]) == len(rotation["posts"]) == 8

    # The console's view of it: the same groups.
    view = await facilitator.get(base)
    assert view.status_code == 200, view.text
    assert sum(len(g["posts"]) for g in view.json()["groups"]) == 8
    assert {g["name"]: [p["text"] for p in g["posts"]] for g in view.json()["groups"]} == {
        g["name"]: [p["text"] for p in g["posts"]] for g in rotation["stations"]
    }
    report = await facilitator.get(f"/report/{code}")
    assert report.status_code == 200, report.text
    assert "Helse og omsorg" in report.text and "Vintervedlikehold" in report.text
    assert report.text.index("Helse og omsorg") < report.text.index("Flere hender")
    pdf = await facilitator.get(f"/report/{code}.pdf", timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.text[:200]

    for phone in phones:
        await phone.close()
    await screen.close()


async def test_a_post_follows_the_table_the_participant_sits_at_now(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Flytting", tables=3)
    code = created["code"]
    activity = (await make_rotation(facilitator, code))["id"]
    response = await facilitator.post(
        f"/api/sessions/{code}/activities/{activity}/state", json={"state": "open"}
    )
    assert response.status_code == 200
    assert (
        await facilitator.post(f"/api/sessions/{code}/stations/{activity}/start")
    ).status_code == 200
    phone = await Phone.join(server, code, table=1)
    await phone.connect()
    assert phone.socket is not None
    await phone.socket.send({"type": "seat", "id": new_id(), "table": 3})
    await phone.socket.wait_for(lambda m: m["type"] == "seat")
    # The same socket, its participant now at table 3: the post goes to table 3's station.
    assert (await phone.post(activity, "Fra bord 3"))["type"] == "ack"
    view = (await facilitator.get(f"/api/sessions/{code}/stations/{activity}")).json()
    assert {g["name"]: [p["text"] for p in g["posts"]] for g in view["groups"]}["Oppvekst"] == [
        "Fra bord 3"
    ]
    await phone.close()


async def test_bad_station_rotations_get_clear_errors(facilitator: httpx.AsyncClient):
    created = await new_session(facilitator, title="Feil", tables=2)
    code = created["code"]
    url = f"/api/sessions/{code}/stations"

    async def refused(body: dict[str, Any], status: int = 400) -> str:
        english = {"Accept-Language": "en"}
        return expect_error(await facilitator.post(url, json=body, headers=english), status)

    assert "stations" in await refused({"title": "Ingen"})
    assert "stations" in await refused({"stations": []})
    assert "stations" in await refused({"stations": [{"name": "Bare én"}]})
    assert "stations" in await refused({"stations": [{"name": f"S{i}"} for i in range(13)]})
    assert "empty" in await refused({"stations": [{"name": "Teknisk"}, {"name": "  "}]})
    assert "name" in await refused({"stations": [{"name": "Teknisk"}, {"name": "teknisk"}]})
    assert await refused({"stations": STATIONS, "minutes": 0})
    assert await refused({"stations": STATIONS, "minutes": "10"})
    assert await refused({"stations": STATIONS, "seconds": 1})
    assert await refused({"stations": STATIONS, "rounds": 4})
    assert await refused({"stations": STATIONS, "segment": 10**9}, 404)
    assert await refused({"stations": [{"name": "A" * 81}, {"name": "B"}]})
    # Nothing was made by any of them.
    state = (await facilitator.get(f"/api/sessions/{code}/results")).json()
    assert state["activities"] == []
    made = await make_rotation(facilitator, code, minutes=7)
    assert made["seconds"] == 420
    base = f"{url}/{made['id']}"
    expect_error(await facilitator.post(f"{base}/next", json={"round": 0}), 409)  # not started
    changed = await facilitator.patch(base, json={"stations": STATIONS[:2]})
    assert changed.status_code == 200, changed.text
    assert [s["name"] for s in changed.json()["stations"]] == ["Helse og omsorg", "Teknisk"]
    assert changed.json()["rounds"] == 2 and changed.json()["seconds"] == 420
    expect_error(await facilitator.patch(base, json={"stations": []}), 400)
    expect_error(await facilitator.get(f"{url}/999999"), 404)
    vote = await facilitator.post(
        f"/api/sessions/{code}/activities",
        json={"kind": "poll", "prompt": "?", "options": ["a", "b"]},
    )
    expect_error(
        await facilitator.patch(f"{url}/{vote.json()['id']}", json={"stations": STATIONS}), 400
    )
