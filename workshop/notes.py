"""A table's shared notes: one Yjs document per table and activity, merged with pycrdt.

Phones edit the notes with Yjs (static/vendor/yjs.js) and send Yjs updates; pycrdt (the
Python binding of Yrs, Yjs's Rust port, binary-compatible with it) merges each one into the
stored document. A CRDT merges edits made at the same moment, or offline, without losing
either: two phones typing at once both keep what they typed, in an order every copy agrees
on, and an update that arrives twice changes nothing.

Plain functions, no I/O: the store calls `merge` inside the write that stores the result.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from pycrdt import Doc, Text

from workshop.errors import N_, Invalid

TEXT = "notes"  # the name of the Y.Text in the document (`doc.getText("notes")` on the phone)
MAX_NOTES = 3000  # characters of notes a table keeps per activity: about a page
# Bytes of the stored document: the text and its history. A document is only ever this
# text; the cap keeps a page that sends other Yjs types from growing it without end.
MAX_STATE = 128 * 1024
EMPTY = b"\x00\x00"  # the update of an empty document

NOTES_FULL = N_(
    "The table's notes are full: at most %(max)d characters. Shorten them to write more."
)
BAD_UPDATE = N_("The notes could not be read. Reload the page.")


@dataclass(frozen=True, slots=True)
class Notes:
    """A table's notes for one activity: the whole document and its text."""

    state: bytes
    text: str

    @property
    def encoded(self) -> str:
        return base64.b64encode(self.state).decode("ascii")


def decode(update: object) -> bytes:
    """A frame's base64 update as bytes, or Invalid."""
    if not isinstance(update, str) or not update or len(update) > 4 * MAX_STATE:
        raise Invalid(BAD_UPDATE)
    try:
        return base64.b64decode(update, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(BAD_UPDATE) from None


def _varuint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise Invalid(BAD_UPDATE)
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def check_header(update: bytes) -> None:
    """Refuse an update whose first counts (clients, then the first client's structs) are
    more than its bytes could hold. Yrs sizes its buffers by them before it reads on: a
    made-up 19-byte update announcing millions of clients costs a second and gigabytes."""
    clients, at = _varuint(update, 0)
    if clients > len(update):
        raise Invalid(BAD_UPDATE)
    if clients:
        structs, _ = _varuint(update, at)
        if structs > len(update):
            raise Invalid(BAD_UPDATE)


def _doc(state: bytes | None) -> tuple[Doc, Text]:
    doc: Doc = Doc()
    text = doc.get(TEXT, type=Text)
    if state:
        doc.apply_update(state)
    return doc, text


def text_of(state: bytes | None) -> str:
    return str(_doc(state)[1])


def merge(state: bytes | None, update: bytes) -> Notes:
    """The stored document with `update` applied. Invalid when the update cannot be read,
    or when it makes the notes longer than `MAX_NOTES` (or the document than `MAX_STATE`):
    nothing is stored then, and the phone goes back to the table's stored notes."""
    check_header(update)
    try:
        doc, text = _doc(state)
        before = str(text)
        doc.apply_update(update)
    except (ValueError, RuntimeError):
        raise Invalid(BAD_UPDATE) from None
    except BaseException as error:  # a panic in the Rust code: pyo3's PanicException
        if type(error).__name__ != "PanicException":
            raise
        raise Invalid(BAD_UPDATE) from None
    after = str(text)
    if len(after) > MAX_NOTES and len(after) > len(before):
        raise Invalid(NOTES_FULL, max=MAX_NOTES)
    merged = doc.get_update()
    if len(merged) > MAX_STATE:
        raise Invalid(NOTES_FULL, max=MAX_NOTES)
    return Notes(merged, after)
