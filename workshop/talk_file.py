"""The talk at the tables in the session file (session_file.py): each table's notes per
activity (the plain text and the whole Yjs document), who spoke for each table, and the
round of the tables if one is going. Plain rules: the JSON out, and each entry checked on the
way in (`session_read.py` calls these with what the file holds). A file from before issue 16
has none of it, and imports as it did.

The notes' text is the document's: an entry with a `state` must have the `text` the state
holds; one with only `text` (a hand-made file) gets a document made from it."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc, Text

from workshop import notes
from workshop.checks import flag, moment, ref, whole
from workshop.errors import N_, Invalid
from workshop.table_talk import MAX_SPEAKING, Round

NOT_THE_TEXT = N_("The notes' text is not the text their document holds.")
TWO_NOTES = N_("A table has two sets of notes on one activity.")
TWO_SPOKESPERSONS = N_("A table has two spokespersons on one activity.")


@dataclass(frozen=True, slots=True)
class TableNoteRecord:
    """One table's notes on one activity."""

    activity_id: int
    table: int
    state: bytes  # the whole Yjs document, as one update
    text: str
    updated_at: float
    hidden: bool = False  # kept off the screen by the facilitator
    generation: int = 0  # how often the facilitator emptied them


@dataclass(frozen=True, slots=True)
class SpokespersonRecord:
    """Who had the turn to speak for a table on an activity (table_talk.py)."""

    activity_id: int
    table: int
    participant_id: int
    chosen: bool  # picked by the table, not by turn


# --- out -------------------------------------------------------------------------------------


def note_json(note: TableNoteRecord) -> dict[str, Any]:
    return {
        "activity": note.activity_id,
        "table": note.table,
        "text": note.text,
        "state": base64.b64encode(note.state).decode("ascii"),
        "hidden": note.hidden,
        "generation": note.generation,
        "updated_at": note.updated_at,
    }


def spokesperson_json(turn: SpokespersonRecord) -> dict[str, Any]:
    return {
        "activity": turn.activity_id,
        "table": turn.table,
        "participant": turn.participant_id,
        "chosen": turn.chosen,
    }


def round_json(round_: Round | None) -> dict[str, Any] | None:
    if round_ is None:
        return None
    return {
        "activity": round_.activity_id,
        "tables": list(round_.tables),
        "position": round_.position,
        "seconds": round_.seconds,
        "turn_started_at": round_.turn_started_at,
    }


# --- in --------------------------------------------------------------------------------------


def _document(raw: Mapping[str, Any]) -> notes.Notes:
    """The entry's document, read as the server reads a phone's update (the same caps)."""
    text, state = raw.get("text"), raw.get("state")
    if text is not None and not isinstance(text, str):
        raise Invalid(N_("text must be the notes' text."))
    if state is None or state == "":
        doc: Doc = Doc()
        doc.get(notes.TEXT, type=Text).insert(0, text or "")
        found = notes.merge(None, doc.get_update())
    else:
        if not isinstance(state, str):
            raise Invalid(notes.BAD_UPDATE)
        try:
            update = base64.b64decode(state, validate=True)
        except (binascii.Error, ValueError):
            raise Invalid(notes.BAD_UPDATE) from None
        found = notes.merge(None, update)
        if text is not None and text != found.text:
            raise Invalid(NOT_THE_TEXT)
    if len(found.text) > notes.MAX_NOTES:
        raise Invalid(notes.NOTES_FULL, max=notes.MAX_NOTES)
    return found


def note_of_file(
    raw: Mapping[str, Any], activities: Mapping[int, Any], tables: Mapping[int, Any]
) -> TableNoteRecord:
    """An entry of the file's `table_notes`, on an activity and a table of the file."""
    activity = ref(raw.get("activity"), activities, "activity")
    table = ref(raw.get("table"), tables, "table")
    found = _document(raw)
    return TableNoteRecord(
        activity,
        table,
        found.state,
        found.text,
        moment(raw.get("updated_at", 0), "updated_at"),
        flag(raw.get("hidden", False), "hidden"),
        whole(raw.get("generation", 0), "generation", 0, 2**31 - 1),
    )


def spokesperson_of_file(
    raw: Mapping[str, Any],
    activities: Mapping[int, Any],
    tables: Mapping[int, Any],
    people: Mapping[int, Any],
) -> SpokespersonRecord:
    """An entry of the file's `spokespersons`: a participant of the file (they may have
    moved or left since: the turn was theirs)."""
    return SpokespersonRecord(
        ref(raw.get("activity"), activities, "activity"),
        ref(raw.get("table"), tables, "table"),
        ref(raw.get("participant"), people, "participant"),
        flag(raw.get("chosen", False), "chosen"),
    )


def round_of_file(
    raw: object, activities: Mapping[int, Any], tables: Mapping[int, Any]
) -> Round | None:
    """The file's `round`: null (or missing) for none."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise Invalid(N_("Each entry must be a JSON object."))
    activity = raw.get("activity")
    if activity is not None:
        activity = ref(activity, activities, "activity")
    order = raw.get("tables")
    if not isinstance(order, list) or not order:
        raise Invalid(N_("tables must be the round's table numbers."))
    numbers = tuple(ref(n, tables, "tables") for n in order)
    if len(set(numbers)) != len(numbers):
        raise Invalid(N_("tables must be the round's table numbers."))
    return Round(
        activity,
        numbers,
        whole(raw.get("position"), "position", 0, len(numbers) - 1),
        whole(raw.get("seconds"), "seconds", 0, MAX_SPEAKING),
        moment(raw.get("turn_started_at"), "turn_started_at"),
    )
