"""Talk at the tables: notes (merged in the write that stores them), the spokesperson, raised
hands and the round of the tables. Every participant's frame is idempotent by client id, and
reads the participant's table in the same step as its write."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Sequence

from workshop.domain import Participant
from workshop.errors import N_, Conflict, Forbidden, NotFound
from workshop.notes import EMPTY, merge
from workshop.seating import REMOVED, SESSION_ENDED
from workshop.store.base import IdTaken
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import bump, fetchall, placeholders
from workshop.store.sqlite.submissions import KINDS
from workshop.table_talk import (
    HandAct,
    NoteEdit,
    Pick,
    Round,
    check_member,
    default_spokesperson,
)

NO_ACTIVITY = N_("This session has no such activity.")
NO_TABLE = N_("This session has no such table.")
NOTES_CLEARED = N_("The facilitator emptied the table's notes. You can write them again.")
RoundChange = Callable[[Round | None, list[int], int | None], Round | None]


def _first_use(db: sqlite3.Connection, client_id: str, participant_id: int, kind: str) -> bool:
    """True for a new id; False for this participant's repeat of the same frame. IdTaken
    when another participant used it, or it names a frame of another kind or an answer."""
    for other in KINDS:
        if fetchall(db, f"SELECT 1 FROM {other} WHERE id = ?", (client_id,)):
            raise IdTaken(client_id)
    rows = fetchall(
        db, "SELECT participant_id, kind FROM table_talk_ids WHERE id = ?", (client_id,)
    )
    if not rows:
        return True
    if tuple(rows[0]) != (participant_id, kind):
        raise IdTaken(client_id)
    return False


def _used(db: sqlite3.Connection, client_id: str, participant_id: int, kind: str) -> None:
    db.execute(
        "INSERT INTO table_talk_ids (id, participant_id, kind, created_at) VALUES (?, ?, ?, ?)",
        (client_id, participant_id, kind, time.time()),
    )


def _seat(db: sqlite3.Connection, participant_id: int) -> tuple[int, int]:
    """The participant's session and table now; Forbidden once removed or ended."""
    rows = fetchall(
        db,
        "SELECT p.session_id, p.table_number, s.closed_at FROM participants p"
        " JOIN sessions s ON s.id = p.session_id WHERE p.id = ? AND p.removed_at IS NULL",
        (participant_id,),
    )
    if not rows:
        raise Forbidden(REMOVED)
    if rows[0][2] is not None:
        raise Conflict(SESSION_ENDED)
    return rows[0][0], rows[0][1]


def _check_activity(db: sqlite3.Connection, session_id: int, activity_id: int) -> None:
    if not fetchall(
        db,
        "SELECT 1 FROM activities WHERE id = ? AND session_id = ?",
        (activity_id, session_id),
    ):
        raise NotFound(NO_ACTIVITY)


def _check_table(db: sqlite3.Connection, session_id: int, table: int) -> None:
    if not fetchall(
        db, "SELECT 1 FROM tables WHERE session_id = ? AND number = ?", (session_id, table)
    ):
        raise NotFound(NO_TABLE)


def _member_ids(db: sqlite3.Connection, session_id: int, table: int) -> list[int]:
    return [
        r[0]
        for r in fetchall(
            db,
            "SELECT id FROM participants WHERE session_id = ? AND table_number = ?"
            " AND removed_at IS NULL ORDER BY id",
            (session_id, table),
        )
    ]


def turns_sql(members: Sequence[int]) -> str:
    return (
        "SELECT participant_id, COUNT(*) FROM spokespersons"
        f" WHERE participant_id IN ({placeholders(members)}) AND activity_id != ?"
        " GROUP BY participant_id"
    )


def _fix_turn(db: sqlite3.Connection, session_id: int, activity_id: int, table: int) -> None:
    """The table's default spokesperson has their turn on `activity_id`, unless it has one."""
    if fetchall(
        db,
        "SELECT 1 FROM spokespersons WHERE activity_id = ? AND table_number = ?",
        (activity_id, table),
    ):
        return
    members = _member_ids(db, session_id, table)
    if not members:
        return
    turns = dict(fetchall(db, turns_sql(members), (*members, activity_id)))
    chosen = default_spokesperson(members, turns)
    db.execute(
        "INSERT INTO spokespersons (activity_id, table_number, participant_id, chosen)"
        " VALUES (?, ?, ?, 0)",
        (activity_id, table, chosen),
    )


def round_from(row: Sequence[object] | None) -> Round | None:
    if row is None:
        return None
    activity_id, tables, position, seconds, started = row
    return Round(activity_id, tuple(json.loads(tables)), position, seconds, started)  # type: ignore[arg-type]


ROUND_SQL = (
    "SELECT activity_id, tables, position, seconds, turn_started_at FROM table_rounds"
    " WHERE session_id = ?"
)


class TableTalkStore(Connection):
    # --- what the phones send -------------------------------------------------------------

    async def record_note(self, edit: NoteEdit) -> int | None:
        """Merge a Yjs update into the table's notes for the activity; the participant's
        table (read in this step) when stored now, None for a repeat of the same id."""

        def op(db: sqlite3.Connection) -> int | None:
            if not _first_use(db, edit.id, edit.participant_id, "note"):
                return None
            session_id, table = _seat(db, edit.participant_id)
            _check_activity(db, session_id, edit.activity_id)
            rows = fetchall(
                db,
                "SELECT state, generation FROM table_notes"
                " WHERE activity_id = ? AND table_number = ?",
                (edit.activity_id, table),
            )
            if (rows[0][1] if rows else 0) != edit.generation:  # made on a cleared document
                raise Conflict(NOTES_CLEARED)
            notes = merge(rows[0][0] if rows else None, edit.update)  # Invalid: nothing written
            db.execute(
                "INSERT INTO table_notes (activity_id, table_number, state, text, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (activity_id, table_number) DO UPDATE"
                " SET state = excluded.state, text = excluded.text,"
                " updated_at = excluded.updated_at",
                (edit.activity_id, table, notes.state, notes.text, time.time()),
            )
            _used(db, edit.id, edit.participant_id, "note")
            _fix_turn(db, session_id, edit.activity_id, table)
            bump(db, session_id)
            return table

        return await self._write(op)

    async def pick_spokesperson(self, pick: Pick) -> int | None:
        """The table picks who speaks for it; their table, or None for a repeat."""

        def op(db: sqlite3.Connection) -> int | None:
            if not _first_use(db, pick.id, pick.participant_id, "spokesperson"):
                return None
            session_id, table = _seat(db, pick.participant_id)
            _check_activity(db, session_id, pick.activity_id)
            members = _member_ids(db, session_id, table)
            check_member([Participant(m, session_id, table) for m in members], pick.spokesperson)
            db.execute(
                "INSERT INTO spokespersons (activity_id, table_number, participant_id, chosen)"
                " VALUES (?, ?, ?, 1) ON CONFLICT (activity_id, table_number) DO UPDATE"
                " SET participant_id = excluded.participant_id, chosen = 1",
                (pick.activity_id, table, pick.spokesperson),
            )
            _used(db, pick.id, pick.participant_id, "spokesperson")
            bump(db, session_id)
            return table

        return await self._write(op)

    async def set_hand(self, act: HandAct) -> int | None:
        """Raise the table's hand (kept from the first raise) or lower it; the table, or
        None for a repeat."""

        def op(db: sqlite3.Connection) -> int | None:
            if not _first_use(db, act.id, act.participant_id, "hand"):
                return None
            session_id, table = _seat(db, act.participant_id)
            if act.raised:
                db.execute(
                    "INSERT INTO table_hands (session_id, table_number, raised_by, raised_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (session_id, table_number) DO NOTHING",
                    (session_id, table, act.participant_id, time.time()),
                )
            else:
                db.execute(
                    "DELETE FROM table_hands WHERE session_id = ? AND table_number = ?",
                    (session_id, table),
                )
            _used(db, act.id, act.participant_id, "hand")
            bump(db, session_id)
            return table

        return await self._write(op)

    # --- what the facilitator does --------------------------------------------------------

    async def lower_hand(self, session_id: int, table: int) -> bool:
        """The facilitator answered the table; False when its hand was not raised."""

        def op(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "DELETE FROM table_hands WHERE session_id = ? AND table_number = ?",
                (session_id, table),
            )
            if cursor.rowcount:
                bump(db, session_id)
            return bool(cursor.rowcount)

        return await self._write(op)

    async def show_notes(self, session_id: int, activity_id: int, table: int, shown: bool) -> bool:
        """Keep a table's notes on an activity off the screen (`shown` False) or let them
        back; False when they already were so. NotFound for no such activity or table."""

        def op(db: sqlite3.Connection) -> bool:
            _check_activity(db, session_id, activity_id)
            _check_table(db, session_id, table)
            rows = fetchall(
                db,
                "SELECT hidden FROM table_notes WHERE activity_id = ? AND table_number = ?",
                (activity_id, table),
            )
            if (bool(rows[0][0]) if rows else False) == (not shown):
                return False
            db.execute(
                "INSERT INTO table_notes (activity_id, table_number, state, text, updated_at,"
                " hidden) VALUES (?, ?, ?, '', ?, ?) ON CONFLICT (activity_id, table_number)"
                " DO UPDATE SET hidden = excluded.hidden",
                (activity_id, table, EMPTY, time.time(), int(not shown)),
            )
            bump(db, session_id)
            return True

        return await self._write(op)

    async def clear_notes(
        self, session_id: int, activity_id: int, table: int, generation: int
    ) -> tuple[int, bool]:
        """Empty a table's notes on an activity, as the console saw them at `generation`:
        a fresh, empty document of the next generation (the phones switch to it; an update
        made on the old one is refused). Idempotent: when the notes were cleared past
        `generation` already, nothing changes. (the generation now, whether it changed)"""

        def op(db: sqlite3.Connection) -> tuple[int, bool]:
            _check_activity(db, session_id, activity_id)
            _check_table(db, session_id, table)
            rows = fetchall(
                db,
                "SELECT generation FROM table_notes WHERE activity_id = ? AND table_number = ?",
                (activity_id, table),
            )
            now = rows[0][0] if rows else 0
            if generation < now:
                return now, False  # a second press, or another console: cleared already
            if generation > now:
                raise Conflict(N_("These notes have not been written yet. Look again."))
            db.execute(
                "INSERT INTO table_notes (activity_id, table_number, state, text, updated_at,"
                " generation) VALUES (?, ?, ?, '', ?, ?) ON CONFLICT (activity_id, table_number)"
                " DO UPDATE SET state = excluded.state, text = '',"
                " updated_at = excluded.updated_at, generation = excluded.generation",
                (activity_id, table, EMPTY, time.time(), now + 1),
            )
            bump(db, session_id)
            return now + 1, True

        return await self._write(op)

    async def step_round(self, session_id: int, change: RoundChange) -> Round | None:
        """`change(round now, tables with people in table order, the current activity)` in
        one step: the round it returns is stored (None: no round), and the spokesperson of
        the table it reaches has their turn."""

        def op(db: sqlite3.Connection) -> Round | None:
            rows = fetchall(db, ROUND_SQL, (session_id,))
            current = round_from(rows[0] if rows else None)
            tables = [
                r[0]
                for r in fetchall(
                    db,
                    "SELECT DISTINCT table_number FROM participants WHERE session_id = ?"
                    " AND removed_at IS NULL ORDER BY table_number",
                    (session_id,),
                )
            ]
            session = fetchall(
                db, "SELECT current_activity_id FROM sessions WHERE id = ?", (session_id,)
            )
            if not session:
                raise NotFound(N_("There is no such session."))
            after = change(current, tables, session[0][0])
            if after is None:
                db.execute("DELETE FROM table_rounds WHERE session_id = ?", (session_id,))
            else:
                db.execute(
                    "INSERT INTO table_rounds (session_id, activity_id, tables, position,"
                    " seconds, turn_started_at) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (session_id) DO UPDATE SET activity_id = excluded.activity_id,"
                    " tables = excluded.tables, position = excluded.position,"
                    " seconds = excluded.seconds, turn_started_at = excluded.turn_started_at",
                    (
                        session_id,
                        after.activity_id,
                        json.dumps(list(after.tables)),
                        after.position,
                        after.seconds,
                        after.turn_started_at,
                    ),
                )
                if after.activity_id is not None:
                    _fix_turn(db, session_id, after.activity_id, after.table)
            bump(db, session_id)
            return after

        return await self._write(op)
