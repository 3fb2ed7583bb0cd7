"""Table answers: each member's propose and confirm (idempotent by client id, checked against
the table's state in the same step as the write), the tables' answers as the room reads them,
the "after" round of a vote, and all of it out and in with the session file (`dump_table_answers`,
`load_table_answers`, called by transfer.py)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Mapping, Sequence

import aiosqlite

from workshop.domain import Activity
from workshop.errors import N_, Conflict, Forbidden, Invalid, NotFound
from workshop.seating import REMOVED
from workshop.session_file import SessionRecord, TableActRecord, TableAnswerRecord
from workshop.store.base import IdTaken
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import activity_from, bump, fetchall, placeholders
from workshop.store.sqlite.submissions import KINDS, _refuse_if_ended
from workshop.table_answers import CONFIRM, PROPOSE, Proposal, TableAct, TableAnswer, check_confirm


def _first_act(db: sqlite3.Connection, act: TableAct) -> bool:
    """True for a new id; False for this participant's repeat of the same act. IdTaken when
    the id names another participant's act, another kind of act, or any other answer."""
    for other in KINDS:
        if fetchall(db, f"SELECT 1 FROM {other} WHERE id = ?", (act.id,)):
            raise IdTaken(act.id)
    rows = fetchall(db, "SELECT participant_id, kind FROM table_acts WHERE id = ?", (act.id,))
    if not rows:
        return True
    if tuple(rows[0]) != (act.participant_id, act.kind):
        raise IdTaken(act.id)
    return False


def _proposal(db: sqlite3.Connection, act_id: str | None) -> Proposal | None:
    if act_id is None:
        return None
    rows = fetchall(db, "SELECT id, participant_id, option FROM table_acts WHERE id = ?", (act_id,))
    return Proposal(rows[0][0], rows[0][1], rows[0][2]) if rows else None


_STATE = (
    "SELECT t.activity_id, t.table_number, t.option, p.id, p.participant_id, p.option,"
    " c.participant_id FROM table_answers t"
    " LEFT JOIN table_acts p ON p.id = t.proposal_id"
    " LEFT JOIN table_acts c ON c.id = t.answer_id"
)


def _answer(row: Sequence[object]) -> TableAnswer:
    proposal = Proposal(row[3], row[4], row[5]) if row[3] is not None else None  # type: ignore[arg-type]
    return TableAnswer(row[1], row[2], proposal, row[6])  # type: ignore[arg-type]


async def dump_table_answers(
    conn: Connection, session_id: int, db: aiosqlite.Connection
) -> tuple[list[TableActRecord], list[TableAnswerRecord]]:
    """A session's every propose and confirm (oldest first) and each table's state (by
    activity in the day's order, then table), for the session file."""
    acts = await conn._all(
        "SELECT x.id, x.kind, x.activity_id, x.participant_id, x.table_number, x.option,"
        " x.proposal_id, x.created_at FROM table_acts x JOIN activities a ON a.id = x.activity_id"
        " WHERE a.session_id = ? ORDER BY x.created_at, x.rowid",
        (session_id,),
        db,
    )
    answers = await conn._all(
        "SELECT t.activity_id, t.table_number, t.option, t.answer_id, t.proposal_id"
        " FROM table_answers t JOIN activities a ON a.id = t.activity_id"
        " WHERE a.session_id = ? ORDER BY a.position, t.table_number",
        (session_id,),
        db,
    )
    return [TableActRecord(*r) for r in acts], [TableAnswerRecord(*r) for r in answers]


def load_table_answers(
    db: sqlite3.Connection,
    record: SessionRecord,
    activities: Mapping[int, int],
    people: Mapping[int, int],
) -> None:
    """The record's `by` and `before` of each activity, its table acts (new ids, times as they
    were) and the tables' states, with the new ids (`activities`, `people`: the file's id ->
    the new one). In load_session's transaction, before any participant is marked removed."""
    db.executemany(
        "UPDATE activities SET answer_by = ?, before_id = ? WHERE id = ?",
        [
            (a.by, activities[a.before] if a.before is not None else None, activities[a.id])
            for a in record.activities
            if a.by != "person" or a.before is not None
        ],
    )
    acts = {t.id: str(uuid.uuid4()) for t in record.table_acts}
    db.executemany(
        "INSERT INTO table_acts (id, kind, activity_id, participant_id, table_number, option,"
        " proposal_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (acts[t.id], t.kind, activities[t.activity_id], people[t.participant_id], t.table,
             t.option, acts.get(t.proposal_id) if t.proposal_id else None, t.created_at)
            for t in record.table_acts
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO table_answers (activity_id, table_number, proposal_id, answer_id, option)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (activities[t.activity_id], t.table, acts.get(t.proposal_id) if t.proposal_id else None,
             acts.get(t.answer_id) if t.answer_id else None, t.option)
            for t in record.table_answers
        ],
    )  # fmt: skip


class TableAnswers(Connection):
    async def record_table_act(self, act: TableAct) -> int | None:
        def op(db: sqlite3.Connection) -> int | None:
            if not _first_act(db, act):
                return None
            seat = fetchall(
                db,
                "SELECT table_number FROM participants WHERE id = ? AND removed_at IS NULL",
                (act.participant_id,),
            )
            if not seat:
                raise Forbidden(REMOVED)
            table = seat[0][0]
            open_ = fetchall(
                db,
                "SELECT 1 FROM activities a JOIN sessions s ON s.id = a.session_id"
                " WHERE a.id = ? AND a.state = 'open' AND a.answer_by = 'table'"
                " AND s.closed_at IS NULL",
                (act.activity_id,),
            )
            if not open_:
                _refuse_if_ended(db, act.activity_id)
                raise Conflict(N_("Voting is closed for this activity."))
            now = time.time()
            state = fetchall(
                db,
                "SELECT proposal_id, option FROM table_answers"
                " WHERE activity_id = ? AND table_number = ?",
                (act.activity_id, table),
            )
            if act.kind == PROPOSE:
                db.execute(
                    "INSERT INTO table_acts (id, kind, activity_id, participant_id, table_number,"
                    " option, created_at) VALUES (?, 'propose', ?, ?, ?, ?, ?)",
                    (act.id, act.activity_id, act.participant_id, table, act.option, now),
                )
                db.execute(
                    "INSERT INTO table_answers (activity_id, table_number, proposal_id)"
                    " VALUES (?, ?, ?) ON CONFLICT (activity_id, table_number)"
                    " DO UPDATE SET proposal_id = excluded.proposal_id",
                    (act.activity_id, table, act.id),
                )
            elif (
                act.kind == CONFIRM and state and state[0][0] is None and state[0][1] == act.option
            ):
                # Two members confirmed the same proposal at once: the second finds it done.
                db.execute(
                    "INSERT INTO table_acts (id, kind, activity_id, participant_id, table_number,"
                    " option, created_at) VALUES (?, 'confirm', ?, ?, ?, ?, ?)",
                    (act.id, act.activity_id, act.participant_id, table, act.option, now),
                )
                return int(table)
            elif act.kind == CONFIRM:
                pending = _proposal(db, state[0][0]) if state else None
                proposal = check_confirm(pending, act.participant_id, act.option)
                db.execute(
                    "INSERT INTO table_acts (id, kind, activity_id, participant_id, table_number,"
                    " option, proposal_id, created_at) VALUES (?, 'confirm', ?, ?, ?, ?, ?, ?)",
                    (act.id, act.activity_id, act.participant_id, table, act.option,
                     proposal.id, now),
                )  # fmt: skip
                db.execute(
                    "UPDATE table_answers SET option = ?, answer_id = ?, proposal_id = NULL"
                    " WHERE activity_id = ? AND table_number = ?",
                    (proposal.option, act.id, act.activity_id, table),
                )
            else:
                raise Invalid(N_("Unknown message type %(type)s."), type=act.kind)
            db.execute(
                "UPDATE sessions SET version = version + 1 WHERE id ="
                " (SELECT session_id FROM activities WHERE id = ?)",
                (act.activity_id,),
            )
            return int(table)

        return await self._write(op)

    async def table_answers_of(
        self, activity_ids: list[int], db: aiosqlite.Connection | None = None
    ) -> dict[int, dict[int, TableAnswer]]:
        """activity id -> table -> its state, for the activities answered by the table."""
        if not activity_ids:
            return {}
        out: dict[int, dict[int, TableAnswer]] = {}
        for row in await self._all(
            f"{_STATE} WHERE t.activity_id IN ({placeholders(activity_ids)})", activity_ids, db
        ):
            out.setdefault(row[0], {})[row[1]] = _answer(row)
        return out

    async def table_answer_of(
        self, activity: Activity | None, table: int, db: aiosqlite.Connection | None = None
    ) -> TableAnswer | None:
        """One table's state for `activity`, if it is answered by the table."""
        if activity is None or activity.by != "table":
            return None
        rows = await self._all(
            f"{_STATE} WHERE t.activity_id = ? AND t.table_number = ?", (activity.id, table), db
        )
        return _answer(rows[0]) if rows else TableAnswer(table)

    async def add_again(self, session_id: int, activity_id: int) -> Activity:
        def op(db: sqlite3.Connection) -> Activity:
            rows = fetchall(
                db,
                "SELECT * FROM activities WHERE id = ? AND session_id = ?",
                (activity_id, session_id),
            )
            if not rows:
                raise NotFound(N_("This session has no such activity."))
            old = activity_from(rows[0])
            if not old.is_vote:
                raise Invalid(N_("Only a dilemma, a poll or a scale can be asked again."))
            db.execute(
                "UPDATE activities SET position = position + 1"
                " WHERE session_id = ? AND position > ?",
                (session_id, old.position),
            )
            cursor = db.execute(
                "INSERT INTO activities (session_id, position, kind, title, prompt, options,"
                " allow_why, created_at, segment_id, case_id, questions, answer_by, before_id)"
                " SELECT session_id, position + 1, kind, title, prompt, options, allow_why, ?,"
                " segment_id, case_id, questions, answer_by, id FROM activities WHERE id = ?",
                (time.time(), old.id),
            )
            bump(db, session_id)
            made = fetchall(db, "SELECT * FROM activities WHERE id = ?", (cursor.lastrowid,))
            return activity_from(made[0])

        return await self._write(op)
