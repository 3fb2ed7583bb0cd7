"""Reading the talk at the tables: one table's talk for its channel, every table's notes for
the console, the day's notes for the report, raised hands and the round of the tables."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from workshop.domain import Activity, Participant
from workshop.notes import Notes
from workshop.store.sqlite.connection import Connection, uncut
from workshop.store.sqlite.rows import activity_from
from workshop.store.sqlite.sessions import NUMBER
from workshop.store.sqlite.table_talk import ROUND_SQL, round_from, turns_sql
from workshop.table_talk import Hand, RoundRoom, TableNotes, TableTalk


class TableTalkReads(Connection):
    async def table_talk_of(
        self,
        session_id: int,
        number: int,
        members: Sequence[Participant],
        activity: Activity | None,
        db: aiosqlite.Connection | None = None,
    ) -> TableTalk:
        """A table's notes and spokesperson for `activity`, its hand and the round (inside
        the caller's read when `db` is given)."""
        talk = TableTalk()
        # Few reads: every table of a session is rendered again when the room moves on.
        row = await self._one(
            "SELECT h.raised_at, h.raised_by, r.activity_id, r.tables, r.position, r.seconds,"
            " r.turn_started_at FROM (SELECT 1) AS one"
            " LEFT JOIN table_hands h ON h.session_id = ? AND h.table_number = ?"
            " LEFT JOIN table_rounds r ON r.session_id = ?",
            (session_id, number, session_id),
            db,
        )
        assert row is not None
        if row[0] is not None:
            talk.hand = Hand(number, row[0], row[1])
        talk.round = round_from(tuple(row[2:]) if row[3] is not None else None)
        if activity is None:
            return talk
        row = await self._one(
            "SELECT n.state, n.text, s.participant_id, s.chosen, n.hidden, n.generation"
            " FROM (SELECT 1) AS one"
            " LEFT JOIN table_notes n ON n.activity_id = ? AND n.table_number = ?"
            " LEFT JOIN spokespersons s ON s.activity_id = ? AND s.table_number = ?",
            (activity.id, number, activity.id, number),
            db,
        )
        assert row is not None
        if row[0] is not None:
            talk.notes = Notes(bytes(row[0]), row[1])
            talk.hidden, talk.generation = bool(row[4]), row[5]
        if row[2] is not None:
            talk.spokesperson, talk.chosen = row[2], bool(row[3])
        ids = [p.id for p in members]
        if ids:
            talk.turns = {
                r[0]: r[1] for r in await self._all(turns_sql(ids), (*ids, activity.id), db)
            }
        return talk

    @uncut
    async def tables_notes(
        self, session_id: int, activity_id: int
    ) -> tuple[dict[int, list[Participant]], dict[int, TableNotes], dict[int, int], dict[int, int]]:
        """Every table's talk on an activity, read at one moment, for the console: (members
        by table in joining order, notes by table, the spokesperson stored by table, turns
        per participant on the session's other activities)."""
        db = self._snapshots
        assert db is not None
        async with self._read_lock:
            await db.execute("BEGIN")
            try:
                members: dict[int, list[Participant]] = {}
                for r in await self._all(
                    # Numbered in one pass (NUMBER counts per row: slow for a big room).
                    "SELECT id, session_id, table_number, name, created_at, nth FROM"
                    " (SELECT *, ROW_NUMBER() OVER (ORDER BY id) AS nth FROM participants"
                    " WHERE session_id = ?) AS numbered WHERE removed_at IS NULL ORDER BY id",
                    (session_id,),
                    db,
                ):
                    members.setdefault(r[2], []).append(Participant(*r))
                notes = {
                    r[0]: TableNotes(activity_id, r[0], r[1], bool(r[2]), r[3], None)
                    for r in await self._all(
                        "SELECT table_number, text, hidden, generation FROM table_notes"
                        " WHERE activity_id = ?",
                        (activity_id,),
                        db,
                    )
                }
                stored = {
                    r[0]: r[1]
                    for r in await self._all(
                        "SELECT table_number, participant_id FROM spokespersons"
                        " WHERE activity_id = ?",
                        (activity_id,),
                        db,
                    )
                }
                turns = {
                    r[0]: r[1]
                    for r in await self._all(
                        "SELECT s.participant_id, COUNT(*) FROM spokespersons s"
                        " JOIN activities a ON a.id = s.activity_id"
                        " WHERE a.session_id = ? AND s.activity_id != ? GROUP BY s.participant_id",
                        (session_id, activity_id),
                        db,
                    )
                }
                return members, notes, stored, turns
            finally:
                await db.execute("COMMIT")

    async def day_notes(self, session_id: int) -> list[TableNotes]:
        """Every table's notes of the session that have text, with the spokesperson who had
        the turn (removed people too: they spoke), by activity then table."""
        rows = await self._all(
            "SELECT n.activity_id, n.table_number, n.text, n.hidden, n.generation,"
            f" p.id, p.session_id, p.table_number, p.name, p.created_at, {NUMBER}"
            " FROM table_notes n JOIN activities a ON a.id = n.activity_id"
            " LEFT JOIN spokespersons s ON s.activity_id = n.activity_id"
            " AND s.table_number = n.table_number"
            " LEFT JOIN participants p ON p.id = s.participant_id"
            " WHERE a.session_id = ? AND n.text != ''"
            " ORDER BY n.activity_id, n.table_number",
            (session_id,),
        )
        return [
            TableNotes(
                r[0],
                r[1],
                r[2],
                bool(r[3]),
                r[4],
                Participant(*r[5:]) if r[5] is not None else None,
            )
            for r in rows
        ]

    async def round_table(self, session_id: int) -> int | None:
        """The table speaking in the round of the tables; None when no round is going."""
        row = await self._one(ROUND_SQL, (session_id,))
        found = round_from(tuple(row) if row is not None else None)
        return found.table if found is not None else None

    async def hands(self, session_id: int) -> list[Hand]:
        rows = await self._all(
            "SELECT table_number, raised_at, raised_by FROM table_hands WHERE session_id = ?"
            " ORDER BY raised_at",
            (session_id,),
        )
        return [Hand(r[0], r[1], r[2]) for r in rows]

    @uncut
    async def round_room(self, session_id: int) -> RoundRoom | None:
        """The round of the tables and the table speaking, read at one moment; None when
        no round is going."""
        db = self._snapshots
        assert db is not None
        async with self._read_lock:
            await db.execute("BEGIN")
            try:
                row = await self._one(ROUND_SQL, (session_id,), db)
                round_ = round_from(tuple(row) if row is not None else None)
                if round_ is None:
                    return None
                names = {
                    r[0]: r[1]
                    for r in await self._all(
                        "SELECT number, name FROM tables WHERE session_id = ?", (session_id,), db
                    )
                }
                members = [
                    Participant(r[0], r[1], r[2], r[3], r[4], r[5])
                    for r in await self._all(
                        f"SELECT id, session_id, table_number, name, created_at, {NUMBER}"
                        " FROM participants p WHERE session_id = ? AND table_number = ?"
                        " AND removed_at IS NULL ORDER BY id",
                        (session_id, round_.table),
                        db,
                    )
                ]
                activity = None
                if round_.activity_id is not None:
                    found = await self._one(
                        "SELECT * FROM activities WHERE id = ?", (round_.activity_id,), db
                    )
                    activity = activity_from(found) if found is not None else None
                talk = await self.table_talk_of(session_id, round_.table, members, activity, db)
                room = RoundRoom(round_, names, members, activity, talk)
                if activity is not None:
                    room.votes = {
                        r[0]: r[1]
                        for r in await self._all(
                            "SELECT v.option, COUNT(*) FROM ballots b JOIN votes v"
                            " ON v.id = b.vote_id JOIN participants p ON p.id = b.participant_id"
                            " WHERE b.activity_id = ? AND v.table_number = ?"
                            " AND p.removed_at IS NULL GROUP BY v.option",
                            (activity.id, round_.table),
                            db,
                        )
                    }
                    # The table's own answer, where the activity is answered by the table.
                    answer_of = getattr(self, "table_answer_of", None)
                    if answer_of is not None:
                        answer = await answer_of(activity, round_.table, db)
                        room.table_answer = getattr(answer, "option", None)
                return room
            finally:
                await db.execute("COMMIT")
