"""The talk at the tables in the session file and the CSV (issue 16): an exported and imported
session keeps each table's notes (the text and the whole Yjs document, kept off the screen or
not, emptied how often), who spoke for each table, and the round of the tables going; the
copy's console, screen and report show the same; an older file still imports; a bad entry
is refused whole, saying where."""

from __future__ import annotations

import base64
import copy
from typing import Any

import httpx
from pycrdt import Doc, Text

from tests.live import (
    Phone,
    Server,
    add_activity,
    expect_error,
    new_id,
    new_session,
    set_state,
)
from tests.test_export import answers, normalised
from tests.test_notes import Pad


def text_of(state: str) -> str:
    doc: Doc = Doc()
    doc.apply_update(base64.b64decode(state))
    return str(doc.get("notes", type=Text))


async def a_day_of_talk(server: Server, client: httpx.AsyncClient) -> dict[str, Any]:
    """Two tables write notes on a reflection (table 2's kept off the screen), table 1 picks
    Ola to speak on a poll, writes, is emptied once and writes again; the round of the tables
    is going; Per, who wrote for table 2, has left."""
    code = (await new_session(client, title="Bordprat", tables=2))["code"]
    reflection = await add_activity(client, code, kind="reflection", prompt="Hva er viktigst?")
    poll = await add_activity(client, code, kind="poll", prompt="Først?", options=["A", "B"])
    kari, ola = [await Phone.join(server, code, name=n, table=1) for n in ("Kari", "Ola")]
    per = await Phone.join(server, code, name="Per", table=2)
    for phone in (kari, ola, per):
        await phone.connect()
    await set_state(client, code, reflection, "open")
    for phone, words in ((kari, "Skolen først.\nSå veiene."), (per, "=SUM(A1) sa Per.")):
        pad = Pad(phone, reflection)
        pad.type(words)
        assert (await pad.send())["type"] == "ack"
    base = f"/api/sessions/{code}/tables"
    hidden = await client.put(
        f"{base}/2/notes/screen", json={"activity": reflection, "shown": False}
    )
    assert hidden.status_code == 200
    await set_state(client, code, poll, "open")
    assert ola.socket is not None
    pick = new_id()
    frame = {
        "type": "spokesperson",
        "id": pick,
        "activity": poll,
        "participant": ola.participant_id,
    }
    await ola.socket.send(frame)
    assert (await ola.socket.reply_to(pick))["type"] == "ack"
    pad = Pad(kari, poll)
    pad.type("Noe som skal bort.")
    assert (await pad.send())["type"] == "ack"
    cleared = await client.post(f"{base}/1/notes/clear", json={"activity": poll, "generation": 0})
    assert cleared.status_code == 200
    pad = Pad(kari, poll)
    pad.generation = 1
    pad.type("Etter tømming.")
    assert (await pad.send())["type"] == "ack"
    started = await client.post(
        f"/api/sessions/{code}/round", json={"action": "start", "seconds": 0}
    )
    assert started.status_code == 200, started.text
    for phone in (kari, ola, per):
        await phone.close()
    response = await client.delete(f"/api/sessions/{code}/participants/{per.participant_id}")
    assert response.status_code == 204, response.text
    people = {"kari": kari.participant_id, "ola": ola.participant_id, "per": per.participant_id}
    return {"code": code, "reflection": reflection, "poll": poll, "people": people}


async def talk(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}/talk")
    assert response.status_code == 200, response.text
    found = response.json()
    for table in (found["notes"] or {}).get("tables", []):
        if table["spokesperson"]:
            table["spokesperson"] = table["spokesperson"]["name"]  # ids are new in a copy
    found["notes"]["activity"] = None
    if found["round"]:
        found["round"]["activity"]["id"] = None
        found["round"]["spokesperson"] = found["round"]["spokesperson"]["name"]
    return found


async def test_notes_spokespersons_and_the_round_survive_export_and_import(
    server: Server, facilitator: httpx.AsyncClient
):
    day = await a_day_of_talk(server, facilitator)
    code, reflection, poll = day["code"], day["reflection"], day["poll"]
    exported = (await facilitator.get(f"/api/sessions/{code}/export.json")).json()
    assert exported["version"] == 2
    notes = {(n["activity"], n["table"]): n for n in exported["table_notes"]}
    assert set(notes) == {(reflection, 1), (reflection, 2), (poll, 1)}
    first = notes[reflection, 1]
    assert first["text"] == "Skolen først.\nSå veiene." == text_of(first["state"])
    assert (first["hidden"], first["generation"]) == (False, 0) and first["updated_at"] > 0
    assert (notes[reflection, 2]["hidden"], notes[reflection, 2]["text"]) == (
        True,
        "=SUM(A1) sa Per.",
    )
    emptied = notes[poll, 1]
    assert (emptied["text"], emptied["generation"]) == ("Etter tømming.", 1)
    assert text_of(emptied["state"]) == "Etter tømming."  # nothing of the old document
    turns = {(t["activity"], t["table"]): t for t in exported["spokespersons"]}
    people = day["people"]
    assert turns[reflection, 1] == {
        "activity": reflection,
        "table": 1,
        "participant": people["kari"],
        "chosen": False,
    }
    assert turns[reflection, 2]["participant"] == people["per"]  # who has left since
    assert (turns[poll, 1]["participant"], turns[poll, 1]["chosen"]) == (people["ola"], True)
    assert exported["round"] is not None
    assert {k: exported["round"][k] for k in ("activity", "tables", "position", "seconds")} == {
        "activity": poll,
        "tables": [1, 2],  # Per was still at table 2 when it started
        "position": 0,
        "seconds": 0,
    }

    made = await facilitator.post("/api/sessions/import", json=exported)
    assert made.status_code == 201, made.text
    copy_code = made.json()["code"]
    again = (await facilitator.get(f"/api/sessions/{copy_code}/export.json")).json()
    assert normalised(again) == normalised(exported)
    assert again["table_notes"][0]["state"] == exported["table_notes"][0]["state"]
    # The copy shows the same: the console's notes with who speaks, the round on the screen.
    original, copied = await talk(facilitator, code), await talk(facilitator, copy_code)
    assert copied == original
    assert copied["notes"]["tables"][0]["spokesperson"] == "Ola"
    assert copied["round"]["notes"] == "Etter tømming."
    # The report of the copy carries the notes, the one kept off the screen marked.
    page = (await facilitator.get(f"/report/{copy_code}")).text
    assert "Skolen først." in page and "Etter tømming." in page
    assert page.count("ikke vist på skjermen") == 1


async def test_the_csv_has_a_row_per_tables_notes(server: Server, facilitator: httpx.AsyncClient):
    day = await a_day_of_talk(server, facilitator)
    for names in (False, True):
        rows = await answers(facilitator, day["code"], names=names)
        notes = [
            (r["activity_id"], r["table"], r["text"], r["hidden"])
            for r in rows
            if r["by"] == "table"
        ]
        assert notes == [
            (str(day["reflection"]), "1", "Skolen først.\nSå veiene.", "0"),
            (str(day["reflection"]), "2", "'=SUM(A1) sa Per.", "1"),  # a formula made plain
            (str(day["poll"]), "1", "Etter tømming.", "0"),
        ]
        if names:  # the table's notes are the table's: no one's name
            table_rows = [r for r in rows if r["by"] == "table"]
            assert {(r["participant"], r["name"]) for r in table_rows} == {("", "")}


async def test_an_older_file_imports_and_bad_talk_is_refused(
    server: Server, facilitator: httpx.AsyncClient
):
    day = await a_day_of_talk(server, facilitator)
    good = (await facilitator.get(f"/api/sessions/{day['code']}/export.json")).json()

    async def count() -> int:
        return len((await facilitator.get("/api/sessions")).json()["sessions"])

    # From before the talk at the tables: none of it, version 1 or 2.
    for version in (1, 2):
        old = copy.deepcopy(good)
        old["version"] = version
        for part in ("table_notes", "spokespersons", "round"):
            del old[part]
        made = await facilitator.post("/api/sessions/import", json=old)
        assert made.status_code == 201, made.text
        imported = await talk(facilitator, made.json()["code"])
        assert imported["round"] is None
        assert all(t["text"] == "" for t in imported["notes"]["tables"])

    # A hand-made entry with only the text: a document is made for it.
    hand = copy.deepcopy(good)
    del hand["table_notes"][0]["state"]
    hand["table_notes"][0]["text"] = "Skrevet for hånd."
    made = await facilitator.post("/api/sessions/import", json=hand)
    assert made.status_code == 201, made.text
    back = (await facilitator.get(f"/api/sessions/{made.json()['code']}/export.json")).json()
    assert text_of(back["table_notes"][0]["state"]) == "Skrevet for hånd."

    def bad(change: Any) -> dict[str, Any]:
        data = copy.deepcopy(good)
        change(data)
        return data

    def note(**fields: Any) -> Any:
        return lambda d: d["table_notes"][0].update(fields)

    def turn(**fields: Any) -> Any:
        return lambda d: d["spokespersons"][0].update(fields)

    def round_(**fields: Any) -> Any:
        return lambda d: d["round"].update(fields)

    big: Doc = Doc()
    big.get("notes", type=Text).insert(0, "x" * 3001)
    too_long = base64.b64encode(big.get_update()).decode()
    cases = [
        (note(state="not base64!"), "table_notes[0]"),
        (note(state=base64.b64encode(b"\x05\x07garbage").decode()), "table_notes[0]"),
        (note(text="Noe annet enn dokumentet."), "table_notes[0]"),
        (note(state=too_long, text=None), "table_notes[0]"),
        (note(table=9), "table_notes[0]"),
        (note(activity=10**9), "table_notes[0]"),
        (note(hidden="yes"), "table_notes[0]"),
        (note(generation=-1), "table_notes[0]"),
        (note(updated_at="i går"), "table_notes[0]"),
        (lambda d: d["table_notes"].append(d["table_notes"][0]), "table_notes[3]"),
        (turn(participant=10**9), "spokespersons[0]"),
        (turn(table=9), "spokespersons[0]"),
        (turn(chosen=1), "spokespersons[0]"),
        (lambda d: d["spokespersons"].append(d["spokespersons"][0]), "spokespersons[3]"),
        (round_(tables=[1, 9]), "round"),
        (round_(tables=[1, 1]), "round"),
        (round_(tables=[]), "round"),
        (round_(position=2), "round"),
        (round_(seconds=10**6), "round"),
        (round_(activity=10**9), "round"),
        (lambda d: d.update(round=[1]), "round"),
        (lambda d: d.update(table_notes={}), "table_notes"),
    ]
    before = await count()
    for change, where in cases:
        message = expect_error(
            await facilitator.post("/api/sessions/import", json=bad(change)), 400
        )
        assert where in message, (where, message)
    assert await count() == before
