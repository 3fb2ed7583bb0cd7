"""Join questions, the answers given at joining, and reseating (docs/seating.md)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import aiosqlite

from workshop.balance import JoinQuestion, Person, partners
from workshop.domain import Participant
from workshop.errors import N_, NotFound
from workshop.seating_file import JoinAnswerRecord, QuestionRecord, SeatRecord
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import bump, fetchall
from workshop.store.sqlite.seats import NUMBER, recount

if TYPE_CHECKING:
    from workshop.session_file import SessionRecord

# plan(people, table numbers, who sat with whom, question ids) -> table -> participant ids
Plan = Callable[
    [list[Person], list[int], Mapping[int, Mapping[int, int]], list[int]], dict[int, list[int]]
]


def question_from(row: sqlite3.Row | tuple) -> JoinQuestion:  # type: ignore[type-arg]
    return JoinQuestion(row[0], row[1], tuple(json.loads(row[2])))


def save_answers(
    db: sqlite3.Connection, session_id: int, participant_id: int, answers: Mapping[int, int]
) -> None:
    """A newcomer's answers, in the seat's step; a question deleted meanwhile is skipped."""
    db.executemany(
        "INSERT INTO join_answers (participant_id, question_id, option)"
        " SELECT ?, id, ? FROM join_questions WHERE id = ? AND session_id = ?",
        [(participant_id, option, question, session_id) for question, option in answers.items()],
    )


def _round(db: sqlite3.Connection, session_id: int) -> int:
    """The seating now in progress: one after the last one kept."""
    row = fetchall(
        db, "SELECT MAX(round) FROM seatings WHERE session_id = ? AND moved = 0", (session_id,)
    )
    return (row[0][0] or 0) + 1


def keep_left(db: sqlite3.Connection, session_id: int, participant_id: int, table: int) -> None:
    """A person leaves `table` between reseats (moved by the facilitator, or changing table
    themselves): kept as having sat there, in the round in progress, so a reseat mixes them
    with people they have not met yet. In the move's step."""
    db.execute(
        "INSERT OR IGNORE INTO seatings (session_id, round, table_number, participant_id, moved)"
        " VALUES (?, ?, ?, ?, 1)",
        (session_id, _round(db, session_id), table, participant_id),
    )


async def dump_seating(
    conn: Connection, session_id: int, db: aiosqlite.Connection
) -> tuple[list[QuestionRecord], list[JoinAnswerRecord], list[SeatRecord]]:
    """A session's join questions (by id), its participants' answers to them (in the order
    they joined, then by question) and every seating kept, for the session file."""
    questions = await conn._all(
        "SELECT id, prompt, options, created_at FROM join_questions WHERE session_id = ?"
        " ORDER BY id",
        (session_id,),
        db,
    )
    answers = await conn._all(
        "SELECT a.participant_id, a.question_id, a.option FROM join_answers a"
        " JOIN join_questions q ON q.id = a.question_id"
        " WHERE q.session_id = ? ORDER BY a.participant_id, a.question_id",
        (session_id,),
        db,
    )
    seats = await conn._all(
        "SELECT round, table_number, participant_id, moved FROM seatings WHERE session_id = ?"
        " ORDER BY round, table_number, participant_id",
        (session_id,),
        db,
    )
    return (
        [QuestionRecord(question_from(r), r[3]) for r in questions],
        [JoinAnswerRecord(r[0], r[1], r[2]) for r in answers],
        [SeatRecord(r[0], r[1], r[2], bool(r[3])) for r in seats],
    )


def load_seating(
    db: sqlite3.Connection, session_id: int, record: SessionRecord, people: Mapping[int, int]
) -> None:
    """The record's join questions (new ids, in the file's order, so in the same order), the
    answers and the seatings, with the new ids (`people`: the file's id -> the new one). In
    load_session's transaction."""
    asked = {
        q.question.id: db.execute(
            "INSERT INTO join_questions (session_id, prompt, options, created_at)"
            " VALUES (?, ?, ?, ?)",
            (
                session_id,
                q.question.prompt,
                json.dumps(list(q.question.options), ensure_ascii=False),
                q.created_at,
            ),
        ).lastrowid
        for q in record.join_questions
    }
    db.executemany(
        "INSERT INTO join_answers (participant_id, question_id, option) VALUES (?, ?, ?)",
        [(people[a.participant_id], asked[a.question_id], a.option) for a in record.join_answers],
    )
    db.executemany(
        "INSERT INTO seatings (session_id, round, table_number, participant_id, moved)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (session_id, s.round, s.table, people[s.participant_id], int(s.moved))
            for s in record.seatings
        ],
    )


class SeatingStore(Connection):
    # --- join questions -------------------------------------------------------------------

    async def add_join_question(
        self, session_id: int, prompt: str, options: list[str], most: int
    ) -> JoinQuestion | None:
        """A new question; None when the session already has `most` (checked in the step)."""

        def op(db: sqlite3.Connection) -> JoinQuestion | None:
            (had,) = fetchall(
                db, "SELECT COUNT(*) FROM join_questions WHERE session_id = ?", (session_id,)
            )[0]
            if had >= most:
                return None
            cursor = db.execute(
                "INSERT INTO join_questions (session_id, prompt, options, created_at)"
                " VALUES (?, ?, ?, ?)",
                (session_id, prompt, json.dumps(options, ensure_ascii=False), time.time()),
            )
            bump(db, session_id)
            return JoinQuestion(cursor.lastrowid or 0, prompt, tuple(options))

        return await self._write(op)

    async def join_questions(self, session_id: int) -> list[JoinQuestion]:
        rows = await self._all(
            "SELECT id, prompt, options FROM join_questions WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [question_from(r) for r in rows]

    async def delete_join_question(self, session_id: int, question_id: int) -> bool:
        """The question and every answer to it; False if the session has no such question."""

        def op(db: sqlite3.Connection) -> bool:
            found = db.execute(
                "DELETE FROM join_questions WHERE id = ? AND session_id = ?",
                (question_id, session_id),
            ).rowcount
            if found:
                bump(db, session_id)
            return bool(found)

        return await self._write(op)

    async def join_answer_counts(self, session_id: int) -> dict[int, dict[int, int]]:
        """Question -> option -> how many still in the session gave it."""
        rows = await self._all(
            "SELECT a.question_id, a.option, COUNT(*) FROM join_answers a"
            " JOIN participants p ON p.id = a.participant_id"
            " WHERE p.session_id = ? AND p.removed_at IS NULL GROUP BY 1, 2",
            (session_id,),
        )
        counts: dict[int, dict[int, int]] = defaultdict(dict)
        for question, option, n in rows:
            counts[question][option] = n
        return dict(counts)

    # --- reseating ---------------------------------------------------------------------

    async def reseat(
        self, session_id: int, plan: Plan
    ) -> tuple[dict[int, list[int]], dict[int, int]]:
        """Seat everyone anew by `plan`, in one step (joins wait for it, so nobody is left
        out): the seating it replaces is kept as a round of who sat with whom. Returns the
        new seating (table -> ids) and where each person sat before (id -> table)."""

        def op(db: sqlite3.Connection) -> tuple[dict[int, list[int]], dict[int, int]]:
            before = dict(
                fetchall(
                    db,
                    "SELECT id, table_number FROM participants"
                    " WHERE session_id = ? AND removed_at IS NULL ORDER BY id",
                    (session_id,),
                )
            )
            answers: dict[int, dict[int, int]] = {p: {} for p in before}
            for participant, question, option in db.execute(
                "SELECT a.participant_id, a.question_id, a.option FROM join_answers a"
                " JOIN participants p ON p.id = a.participant_id"
                " WHERE p.session_id = ? AND p.removed_at IS NULL",
                (session_id,),
            ):
                answers[participant][question] = option
            questions = [
                r[0]
                for r in fetchall(
                    db,
                    "SELECT id FROM join_questions WHERE session_id = ? ORDER BY id",
                    (session_id,),
                )
            ]
            tables = [
                r[0]
                for r in fetchall(
                    db,
                    "SELECT number FROM tables WHERE session_id = ? ORDER BY number",
                    (session_id,),
                )
            ]
            now = _round(db, session_id)
            db.executemany(
                "INSERT OR IGNORE INTO seatings (session_id, round, table_number, participant_id)"
                " VALUES (?, ?, ?, ?)",
                [(session_id, now, table, p) for p, table in before.items()],
            )
            together = _together(db, session_id, set(before))
            people = [Person(p, answers[p], before[p]) for p in before]
            seating = plan(people, tables, together, questions)
            db.executemany(
                "UPDATE participants SET table_number = ? WHERE id = ?",
                [(table, p) for table, ids in seating.items() for p in ids],
            )
            recount(db, session_id)
            bump(db, session_id)
            return seating, before

        return await self._write(op)

    async def move_participant(
        self, session_id: int, participant_id: int, table: int
    ) -> tuple[Participant, int]:
        """The facilitator seats one person at `table` (no capacity or permission asked):
        the table they leave is kept as having sat there. Returns them and their old table."""

        def op(db: sqlite3.Connection) -> tuple[Participant, int]:
            rows = fetchall(
                db,
                f"SELECT id, session_id, table_number, name, created_at, {NUMBER}"
                " FROM participants p WHERE id = ? AND session_id = ? AND removed_at IS NULL",
                (participant_id, session_id),
            )
            if not rows:
                raise NotFound(N_("This session has no such participant."))
            if not fetchall(
                db, "SELECT 1 FROM tables WHERE session_id = ? AND number = ?", (session_id, table)
            ):
                raise NotFound(N_("This session has no table %(table)s."), table=table)
            here = Participant(*rows[0])
            if here.table != table:
                keep_left(db, session_id, participant_id, here.table)
                db.execute(
                    "UPDATE participants SET table_number = ? WHERE id = ?", (table, participant_id)
                )
                recount(db, session_id, [here.table, table])
                bump(db, session_id)
            moved = Participant(
                here.id, here.session_id, table, here.name, here.joined_at, here.number
            )
            return moved, here.table

        return await self._write(op)

    async def sat_together(self, session_id: int) -> dict[int, dict[int, int]]:
        """Who has sat with whom in this session (earlier rounds and the tables now)."""

        def op(db: sqlite3.Connection) -> dict[int, dict[int, int]]:
            now = _round(db, session_id)
            people = fetchall(
                db,
                "SELECT id, table_number FROM participants"
                " WHERE session_id = ? AND removed_at IS NULL",
                (session_id,),
            )
            groups: dict[tuple[int, int], set[int]] = defaultdict(set)
            for p, table in people:
                groups[(now, table)].add(p)
            return {
                a: dict(b)
                for a, b in _together(db, session_id, {p for p, _ in people}, groups).items()
            }

        return await self._write(op)

    async def seating(self, session_id: int) -> list[tuple[int, str, list[Participant]]]:
        """Each table (number, name) and who sits there now, in the order they joined."""
        tables = await self._all(
            "SELECT number, name FROM tables WHERE session_id = ? ORDER BY number", (session_id,)
        )
        rows = await self._all(
            f"SELECT id, session_id, table_number, name, created_at, {NUMBER} FROM participants p"
            " WHERE session_id = ? AND removed_at IS NULL ORDER BY id",
            (session_id,),
        )
        by_table: dict[int, list[Participant]] = defaultdict(list)
        for r in rows:
            by_table[r[2]].append(Participant(r[0], r[1], r[2], r[3], r[4], r[5]))
        return [(t[0], t[1], by_table.get(t[0], [])) for t in tables]


def _together(
    db: sqlite3.Connection,
    session_id: int,
    present: set[int],
    groups: dict[tuple[int, int], set[int]] | None = None,
) -> dict[int, Mapping[int, int]]:
    """Person -> other -> how many rounds they shared a table, among those `present`."""
    groups = groups if groups is not None else defaultdict(set)
    for round_, table, p in db.execute(
        "SELECT round, table_number, participant_id FROM seatings WHERE session_id = ?",
        (session_id,),
    ):
        if p in present:
            groups[(round_, table)].add(p)
    return dict(partners(groups.values()))
