"""A table's shared notes: Yjs updates from the phones, merged on the server with pycrdt.

The test phones make their updates with pycrdt (binary-compatible with the browser's Yjs),
as a phone does: edit its own copy, send what the server has not seen, merge the `table`
frame's state back in."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

import httpx
import pytest
from pycrdt import Doc, Text

from tests.live import Phone, Server, add_activity, new_id, new_session, set_state
from workshop.errors import Invalid
from workshop.notes import MAX_NOTES, merge


class Pad:
    """One phone's copy of its table's notes."""

    def __init__(self, phone: Phone, activity: int) -> None:
        self.phone = phone
        self.activity = activity
        self.doc: Doc = Doc()
        self.text = self.doc.get("notes", type=Text)
        self.server_state = b""  # the state vector of what the server is known to have
        self.generation = 0  # the document's: the facilitator's clearings so far

    def type(self, words: str, at_start: bool = False) -> None:
        if at_start:
            self.text.insert(0, words)
        else:
            self.text += words

    def unsent(self) -> str:
        """What the server may not have, as the phone sends it: base64 of a Yjs update."""
        update = (
            self.doc.get_update(self.server_state) if self.server_state else self.doc.get_update()
        )
        return base64.b64encode(update).decode()

    async def send(self, client_id: str | None = None, update: str | None = None) -> dict[str, Any]:
        socket = self.phone.socket
        assert socket is not None
        client_id = client_id or new_id()
        since = len(socket.received)
        frame = {
            "type": "note",
            "id": client_id,
            "activity": self.activity,
            "generation": self.generation,
        }
        await socket.send({**frame, "update": update or self.unsent()})
        return await socket.reply_to(client_id, since=since)

    def merge(self, frame: dict[str, Any]) -> None:
        """A `table` frame's notes into this copy."""
        state = base64.b64decode(frame["notes"]["state"])
        if state:
            self.doc.apply_update(state)
            server: Doc = Doc()
            server.apply_update(state)
            self.server_state = server.get_state()  # what the server has, not this copy

    async def wait_text(self, predicate: Any) -> dict[str, Any]:
        socket = self.phone.socket
        assert socket is not None
        return await socket.wait_for(
            lambda m: (
                m["type"] == "table"
                and m.get("notes") is not None
                and m["notes"]["activity"] == self.activity
                and predicate(m["notes"]["text"])
            )
        )


async def _table(facilitator: httpx.AsyncClient, tables: int = 2) -> tuple[str, int]:
    created = await new_session(facilitator, title="Notater", tables=tables)
    code = created["code"]
    activity = await add_activity(facilitator, code, kind="reflection", prompt="Hva er viktigst?")
    await set_state(facilitator, code, activity, "open")
    return code, activity


async def test_two_phones_typing_at_once_lose_nothing(
    server: Server, facilitator: httpx.AsyncClient
):
    code, activity = await _table(facilitator)
    kari, ola = [await Phone.join(server, code, name=n, table=1) for n in ("Kari", "Ola")]
    per = await Phone.join(server, code, name="Per", table=2)
    for phone in (kari, ola, per):
        await phone.connect()
    a, b = Pad(kari, activity), Pad(ola, activity)
    a_words = ["Skolen ", "må ", "prioriteres. "]
    b_words = ["Veiene ", "også, ", "sa Ola. "]

    async def typing(pad: Pad, words: list[str]) -> None:
        # Keystrokes in batches, each sent before the other phone's arrive: neither has
        # seen the other's text when it types.
        for word in words:
            pad.type(word)
            reply = await pad.send()
            assert reply["type"] == "ack", reply

    await asyncio.gather(typing(a, a_words), typing(b, b_words))
    both = await a.wait_text(lambda t: all(w in t for w in a_words + b_words))
    assert len(both["notes"]["text"]) == len("".join(a_words + b_words))
    b_frame = await b.wait_text(lambda t: t == both["notes"]["text"])
    # Each phone merges the table's state into its own copy: the copies agree.
    a.merge(both)
    b.merge(b_frame)
    assert str(a.text) == str(b.text) == both["notes"]["text"]
    assert "".join(a_words) in str(a.text) and "".join(b_words) in str(a.text)
    # Another table hears nothing of it.
    assert per.socket is not None
    await per.socket.wait_for(lambda m: m["type"] == "table")
    frames = [m for m in per.socket.received if m["type"] == "table"]
    assert all(m["table"]["number"] == 2 and m["notes"]["text"] == "" for m in frames)
    for phone in (kari, ola, per):
        await phone.close()


async def test_edits_made_offline_merge_on_reconnect(
    server: Server, facilitator: httpx.AsyncClient
):
    code, activity = await _table(facilitator, tables=1)
    kari, ola = [await Phone.join(server, code, name=n, table=1) for n in ("Kari", "Ola")]
    await kari.connect()
    await ola.connect()
    a, b = Pad(kari, activity), Pad(ola, activity)
    a.type("Felles start. ")
    assert (await a.send())["type"] == "ack"
    b.merge(await b.wait_text(lambda t: t == "Felles start. "))
    await ola.close()  # Ola goes offline and types on
    b.type("Skrevet uten nett.", at_start=True)
    a.type("Kari skriver videre.")
    assert (await a.send())["type"] == "ack"
    await ola.connect()  # back: the table frame first, then what the phone kept
    b.merge(await b.wait_text(lambda t: "Kari skriver videre." in t))
    assert (await b.send())["type"] == "ack"
    final = await a.wait_text(lambda t: "Skrevet uten nett." in t)
    assert final["notes"]["text"] == "Skrevet uten nett.Felles start. Kari skriver videre."
    await kari.close()
    await ola.close()


async def test_a_note_sent_again_changes_nothing(server: Server, facilitator: httpx.AsyncClient):
    code, activity = await _table(facilitator, tables=1)
    kari, ola = [await Phone.join(server, code, name=n, table=1) for n in ("Kari", "Ola")]
    await kari.connect()
    await ola.connect()
    a, b = Pad(kari, activity), Pad(ola, activity)
    a.type("Én gang.")
    client_id, update = new_id(), a.unsent()
    assert (await a.send(client_id, update))["type"] == "ack"
    # The same frame again (the ack was lost, say): acknowledged, and stored once.
    assert (await a.send(client_id, update))["type"] == "ack"
    # Even with other content under the same id: the first one stands.
    a.type(" To ganger.")
    assert (await a.send(client_id))["type"] == "ack"
    await a.wait_text(lambda t: t == "Én gang.")
    # Another participant cannot use the id.
    b.type("Ola")
    reply = await b.send(client_id)
    assert reply["type"] == "error" and not reply.get("retry"), reply
    response = await facilitator.get(f"/api/sessions/{code}/talk")
    assert response.status_code == 200
    welcome = await kari.welcome()
    assert welcome["type"] == "welcome"
    assert kari.socket is not None
    frames = [m for m in kari.socket.received if m["type"] == "table" and m.get("notes")]
    assert frames[-1]["notes"]["text"] == "Én gang."
    await kari.close()
    await ola.close()


async def test_notes_past_the_cap_are_refused_whole(server: Server, facilitator: httpx.AsyncClient):
    code, activity = await _table(facilitator, tables=1)
    kari = await Phone.join(server, code, name="Kari", table=1)
    await kari.connect()
    pad = Pad(kari, activity)
    pad.type("x" * (MAX_NOTES - 5))
    assert (await pad.send())["type"] == "ack"
    pad.merge(await pad.wait_text(lambda t: len(t) == MAX_NOTES - 5))
    pad.type("for mye tekst")
    reply = await pad.send()
    assert reply["type"] == "error" and not reply.get("retry"), reply
    assert str(MAX_NOTES) in reply["message"]
    # Garbage is refused too, and nothing changes.
    reply = await pad.send(update=base64.b64encode(b"\x05\x07garbage").decode())
    assert reply["type"] == "error"
    reply = await pad.send(update="not base64!")
    assert reply["type"] == "error"
    assert kari.socket is not None
    frames = [m for m in kari.socket.received if m["type"] == "table" and m.get("notes")]
    assert len(frames[-1]["notes"]["text"]) == MAX_NOTES - 5
    await kari.close()


def test_a_made_up_update_is_refused_before_it_costs_anything():
    # 19 bytes announcing some 240 million clients: Yrs would size its buffers by that
    # (a second and gigabytes) before finding out; refused from the header alone.
    made_up = bytes.fromhex("d6d6e17462c09a7a1d0fdda74e799b3a4dc590")
    started = time.perf_counter()
    with pytest.raises(Invalid):
        merge(None, made_up)
    assert time.perf_counter() - started < 0.05
    with pytest.raises(Invalid):
        merge(None, b"")
    with pytest.raises(Invalid):
        merge(None, b"\x01\xff\xff\xff\xff\x0f")  # one client, four billion structs
    doc: Doc = Doc()
    doc.get("notes", type=Text).insert(0, "hei")
    assert merge(None, doc.get_update()).text == "hei"
