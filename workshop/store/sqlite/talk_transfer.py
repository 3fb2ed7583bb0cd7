"""The talk at the tables in the session file (`talk_file.py`): dumped in the export's read,
loaded in the import's transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

import aiosqlite

from workshop.session_file import SessionRecord
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.table_talk import ROUND_SQL, round_from
from workshop.table_talk import Round
from workshop.talk_file import SpokespersonRecord, TableNoteRecord


async def dump_table_talk(
    conn: Connection, session_id: int, db: aiosqlite.Connection
) -> tuple[list[TableNoteRecord], list[SpokespersonRecord], Round | None]:
    """A session's table notes and spokespersons' turns (by activity in the day's order,
    then table) and the round going, for the session file, in the caller's read."""
    notes = await conn._all(
        "SELECT n.activity_id, n.table_number, n.state, n.text, n.updated_at, n.hidden,"
        " n.generation FROM table_notes n JOIN activities a ON a.id = n.activity_id"
        " WHERE a.session_id = ? ORDER BY a.position, n.table_number",
        (session_id,),
        db,
    )
    turns = await conn._all(
        "SELECT s.activity_id, s.table_number, s.participant_id, s.chosen FROM spokespersons s"
        " JOIN activities a ON a.id = s.activity_id"
        " WHERE a.session_id = ? ORDER BY a.position, s.table_number",
        (session_id,),
        db,
    )
    found = await conn._one(ROUND_SQL, (session_id,), db)
    return (
        [TableNoteRecord(r[0], r[1], bytes(r[2]), r[3], r[4], bool(r[5]), r[6]) for r in notes],
        [SpokespersonRecord(r[0], r[1], r[2], bool(r[3])) for r in turns],
        round_from(tuple(found) if found is not None else None),
    )


def load_table_talk(
    db: sqlite3.Connection,
    session_id: int,
    record: SessionRecord,
    activities: Mapping[int, int],
    people: Mapping[int, int],
) -> None:
    """The record's table notes, spokespersons and round with the new ids (`activities`,
    `people`: the file's id -> the new one), in load_session's transaction, before any
    participant is marked removed."""
    db.executemany(
        "INSERT INTO table_notes (activity_id, table_number, state, text, updated_at, hidden,"
        " generation) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (activities[n.activity_id], n.table, n.state, n.text, n.updated_at, int(n.hidden),
             n.generation)
            for n in record.table_notes
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO spokespersons (activity_id, table_number, participant_id, chosen)"
        " VALUES (?, ?, ?, ?)",
        [
            (activities[t.activity_id], t.table, people[t.participant_id], int(t.chosen))
            for t in record.spokespersons
        ],
    )
    r = record.round
    if r is not None:
        activity = activities[r.activity_id] if r.activity_id is not None else None
        db.execute(
            "INSERT INTO table_rounds (session_id, activity_id, tables, position, seconds,"
            " turn_started_at) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, activity, json.dumps(list(r.tables)), r.position, r.seconds,
             r.turn_started_at),
        )  # fmt: skip
