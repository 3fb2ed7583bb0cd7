"""The facilitator's say over a table's notes, with real clients: the console sees every
table's notes live with its spokesperson; one table's notes kept off the screen (the round
says "not shown", the phones keep them); a table's notes emptied, after which the table
writes again though its document was full, and nothing of the old one comes back."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    new_session,
    screen_socket_url,
    set_state,
)
from tests.test_notes import Pad
from workshop.notes import MAX_NOTES


def notes_of(state: dict[str, Any], table: int) -> dict[str, Any] | None:
    notes = (state.get("talk") or {}).get("notes") or {}
    return next((t for t in notes.get("tables", []) if t["table"] == table), None)


def console_has(table: int, test: Any) -> Any:
    def check(m: dict[str, Any]) -> bool:
        found = notes_of(m, table) if m["type"] == "state" else None
        return found is not None and bool(test(found))

    return check


async def test_the_console_sees_hides_and_empties_a_tables_notes(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Ordstyring", tables=2)
    code = created["code"]
    activity = await add_activity(facilitator, code, kind="reflection", prompt="Hva nå?")
    await set_state(facilitator, code, activity, "open")
    kari, ola = [await Phone.join(server, code, name=n, table=1) for n in ("Kari", "Ola")]
    per = await Phone.join(server, code, name="Per", table=2)
    for phone in (kari, ola, per):
        await phone.connect()
    cookie = {"Cookie": f"workshop={facilitator.cookies['workshop']}"}
    console = await Socket.open(f"{server.ws_url}/ws/{code}/console", cookie)
    a, b = Pad(kari, activity), Pad(ola, activity)
    base = f"/api/sessions/{code}/tables"

    # Live on the console, with who speaks for the table; an empty table is listed too.
    a.type("Skolen først. Ola er treg.")
    assert (await a.send())["type"] == "ack"
    seen = await console.wait_for(console_has(1, lambda t: t["text"].startswith("Skolen")))
    row = notes_of(seen, 1)
    assert row is not None
    assert row["name"] == "Bord 1" and row["people"] == 2 and row["shown"] is True
    assert row["spokesperson"]["name"] == "Kari" and row["generation"] == 0
    other = notes_of(seen, 2)
    assert other is not None and other["text"] == "" and other["spokesperson"]["name"] == "Per"
    assert seen["talk"]["notes"]["activity"] == activity
    got = (await facilitator.get(f"/api/sessions/{code}/talk")).json()
    assert got["notes"]["tables"][0]["text"] == "Skolen først. Ola er treg."

    # The round of the tables: Bord 1 speaks, its notes on the screen ...
    screen = await Socket.open(screen_socket_url(created))
    started = await facilitator.post(f"/api/sessions/{code}/round", json={"action": "start"})
    assert started.status_code == 200, started.text
    shown = await screen.wait_for(lambda m: m["type"] == "state" and m.get("round"))
    assert shown["round"]["notes"] == "Skolen først. Ola er treg."
    assert shown["round"]["notes_hidden"] is False

    # ... until the facilitator keeps them off: "not shown", and not even sent to the screen.
    put = await facilitator.put(
        f"{base}/1/notes/screen", json={"activity": activity, "shown": False}
    )
    assert put.status_code == 200, put.text
    assert put.json() == {"table": 1, "activity": activity, "shown": False}
    off = await screen.wait_for(
        lambda m: m["type"] == "state" and (m.get("round") or {}).get("notes_hidden") is True
    )
    assert "Ola er treg" not in json.dumps(off)
    await console.wait_for(console_has(1, lambda t: t["shown"] is False))
    # The phones still have them, and can write on.
    a.type(" Og veiene.")
    assert (await a.send())["type"] == "ack"
    still = await b.wait_text(lambda t: t.endswith("Og veiene."))
    assert still["notes"]["text"].startswith("Skolen først.")
    later = await screen.wait_for(
        lambda m: m["type"] == "state" and (m.get("round") or {}).get("notes_hidden") is True
    )
    assert "veiene" not in json.dumps(later)
    again = await facilitator.put(
        f"{base}/1/notes/screen", json={"activity": activity, "shown": False}
    )
    assert again.status_code == 200  # the same again changes nothing
    for bad in ({"activity": activity, "shown": "no"}, {"shown": False}):
        assert (await facilitator.put(f"{base}/1/notes/screen", json=bad)).status_code == 400
    missing = await facilitator.put(
        f"{base}/9/notes/screen", json={"activity": activity, "shown": True}
    )
    assert missing.status_code == 404
    elsewhere = await facilitator.put(
        f"{base}/1/notes/screen", json={"activity": 10**6, "shown": True}
    )
    assert elsewhere.status_code == 404
    async with httpx.AsyncClient(base_url=server.url) as stranger:
        refused = await stranger.put(
            f"{base}/1/notes/screen", json={"activity": activity, "shown": True}
        )
        assert refused.status_code in (401, 403)
        refused = await stranger.post(
            f"{base}/1/notes/clear", json={"activity": activity, "generation": 0}
        )
        assert refused.status_code in (401, 403)

    # A member fills the notes to the cap on purpose: the table cannot write any more.
    b.merge(still)
    b.type("x" * (MAX_NOTES - len(str(b.text))))
    assert (await b.send())["type"] == "ack"
    full = await a.wait_text(lambda t: len(t) == MAX_NOTES)
    a.merge(full)
    a.type("Mer.")
    assert (await a.send())["type"] == "error"

    # Emptied from the console: the phones get a fresh document, and the table writes again.
    cleared = await facilitator.post(
        f"{base}/1/notes/clear", json={"activity": activity, "generation": 0}
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json() == {"table": 1, "activity": activity, "generation": 1}
    fresh = await b.wait_text(lambda t: t == "")
    assert fresh["notes"]["generation"] == 1
    twice = await facilitator.post(
        f"{base}/1/notes/clear", json={"activity": activity, "generation": 0}
    )
    assert twice.json()["generation"] == 1  # a second press (or console): nothing more
    ahead = await facilitator.post(
        f"{base}/1/notes/clear", json={"activity": activity, "generation": 5}
    )
    assert ahead.status_code == 409
    # An update made on the old document would bring the emptied text back: refused.
    a.type(" Gammelt.")
    refused_frame = await a.send()
    assert refused_frame["type"] == "error" and not refused_frame.get("retry"), refused_frame
    assert "tømte notatene" in refused_frame["message"]
    # The phone starts again on the new document, as the page does.
    new = Pad(kari, activity)
    new.generation = 1
    new.merge(fresh)
    new.type("Ny start.")
    assert (await new.send())["type"] == "ack"
    now = await b.wait_text(lambda t: t == "Ny start.")
    assert now["notes"]["generation"] == 1
    row_now = await console.wait_for(console_has(1, lambda t: t["text"] == "Ny start."))
    assert notes_of(row_now, 1)["generation"] == 1  # type: ignore[index]
    # Still off the screen until the facilitator lets them back.
    assert (
        await screen.wait_for(
            lambda m: m["type"] == "state" and (m.get("round") or {}).get("notes_hidden") is True
        )
    )["round"]["notes"] == ""
    back = await facilitator.put(
        f"{base}/1/notes/screen", json={"activity": activity, "shown": True}
    )
    assert back.status_code == 200
    on = await screen.wait_for(
        lambda m: m["type"] == "state" and (m.get("round") or {}).get("notes") == "Ny start."
    )
    assert on["round"]["notes_hidden"] is False
    # The other table was never touched.
    assert per.socket is not None
    frames = [m for m in per.socket.received if m["type"] == "table" and m.get("notes")]
    assert all(f["notes"]["text"] == "" and f["notes"]["generation"] == 0 for f in frames)
    await screen.close()
    await console.close()
    for phone in (kari, ola, per):
        await phone.close()
