"""A whole session out and in: `dump_session` reads every row of it in one transaction,
`load_session` writes a checked `SessionRecord` as a new session in one transaction."""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
import uuid
from collections.abc import Sequence
from typing import Any

import aiosqlite

from workshop import evaluation
from workshop.agenda import PlanDay
from workshop.domain import Session
from workshop.session_file import (
    EvaluationRecord,
    PersonRecord,
    QuoteRecord,
    SessionRecord,
    VoteRecord,
)
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    TABLE_COLUMNS,
    activity_from,
    fetchall,
    post_from,
    segment_from,
    session_case_from,
    session_from,
    table_from,
)
from workshop.store.sqlite.seating import dump_seating, load_seating
from workshop.store.sqlite.seats import recount
from workshop.store.sqlite.sessions import NUMBER
from workshop.store.sqlite.stations import dump_stations, load_stations
from workshop.store.sqlite.table_answers import dump_table_answers, load_table_answers
from workshop.store.sqlite.talk_transfer import dump_table_talk, load_table_talk

_OF_SESSION = "activity_id IN (SELECT id FROM activities WHERE session_id = ?)"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Transfer(Connection):
    async def dump_session(self, session_id: int) -> SessionRecord | None:
        """Every row of a session, read in one transaction on a connection of its own (a
        large session does not hold up the readers of the live room)."""
        db = await self._connect()
        try:
            await db.execute("BEGIN")
            try:
                return await self._dump(session_id, db)
            finally:
                await db.execute("COMMIT")
        finally:
            await db.close()

    async def _dump(self, session_id: int, db: aiosqlite.Connection) -> SessionRecord | None:
        async def rows(sql: str) -> list[sqlite3.Row]:
            return await self._all(sql, (session_id,), db)

        found = await rows("SELECT * FROM sessions WHERE id = ?")
        if not found:
            return None
        record = SessionRecord(session_from(found[0]))
        record.tables = [
            table_from(r)
            for r in await rows(
                f"SELECT {TABLE_COLUMNS} FROM tables WHERE session_id = ? ORDER BY number"
            )
        ]
        record.days = [
            PlanDay(r[0], r[1], r[2])
            for r in await rows(
                "SELECT day, start, started_at FROM plan_days WHERE session_id = ? ORDER BY day"
            )
        ]
        record.segments = [
            segment_from(r)
            for r in await rows("SELECT * FROM segments WHERE session_id = ? ORDER BY position")
        ]
        record.cases = [
            session_case_from(r)
            for r in await rows("SELECT * FROM session_cases WHERE session_id = ? ORDER BY id")
        ]
        record.activities = [
            activity_from(r)
            for r in await rows("SELECT * FROM activities WHERE session_id = ? ORDER BY position")
        ]
        record.participants = [
            PersonRecord(r[0], r[1], r[2], r[3], r[4], r[5])
            for r in await rows(
                f"SELECT id, {NUMBER}, name, table_number, created_at, removed_at"
                " FROM participants p WHERE session_id = ? ORDER BY id"
            )
        ]
        record.votes = [
            VoteRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] is not None)
            for r in await rows(
                "SELECT v.id, v.activity_id, v.participant_id, v.table_number, v.option, v.why,"
                " v.created_at, b.vote_id FROM participants p"
                " JOIN votes v ON v.participant_id = p.id LEFT JOIN ballots b"
                " ON b.activity_id = v.activity_id AND b.participant_id = v.participant_id"
                " AND b.vote_id = v.id WHERE p.session_id = ? ORDER BY v.created_at, v.rowid"
            )
        ]
        record.posts = [
            post_from(r)
            for r in await rows(
                f"SELECT * FROM posts WHERE {_OF_SESSION} ORDER BY created_at, rowid"
            )
        ]
        record.quotes = [
            QuoteRecord(r[0], r[1], r[2], r[3], r[4])
            for r in await rows(
                "SELECT q.activity_id, q.vote_id, q.option, q.text, q.created_at"
                " FROM screen_quotes q JOIN activities a ON a.id = q.activity_id"
                " WHERE a.session_id = ? ORDER BY a.position, q.created_at, q.vote_id"
            )
        ]
        answers: dict[str, list[evaluation.Row]] = {}
        for r in await rows(
            "SELECT x.evaluation_id, x.key, x.number, x.text FROM evaluation_answers x"
            " JOIN evaluations e ON e.id = x.evaluation_id"
            f" WHERE e.{_OF_SESSION} ORDER BY x.rowid"
        ):
            answers.setdefault(r[0], []).append(evaluation.Row(r[1], r[2], r[3]))
        record.evaluations = [
            EvaluationRecord(
                r[0], r[1], r[2], r[3], r[4], r[5] is not None, tuple(answers.get(r[0], ()))
            )
            for r in await rows(
                "SELECT e.id, e.activity_id, e.participant_id, e.table_number, e.created_at,"
                " b.evaluation_id FROM evaluations e LEFT JOIN evaluation_ballots b"
                " ON b.activity_id = e.activity_id AND b.participant_id = e.participant_id"
                " AND b.evaluation_id = e.id"
                f" WHERE e.{_OF_SESSION} ORDER BY e.created_at, e.rowid"
            )
        ]
        order = [a.id for a in record.activities]
        record.rotations, record.post_stations = await dump_stations(self, session_id, order, db)
        record.table_acts, record.table_answers = await dump_table_answers(self, session_id, db)
        seating = await dump_seating(self, session_id, db)  # join questions, answers, seatings
        record.join_questions, record.join_answers, record.seatings = seating
        talk = await dump_table_talk(self, session_id, db)  # notes, spokespersons, the round
        record.table_notes, record.spokespersons, record.round = talk
        return record

    async def load_session(
        self,
        record: SessionRecord,
        *,
        code: str,
        facilitator_id: int,
        screen_key: str,
        base_url: str,
    ) -> Session | None:
        """`record` (checked whole by `session_file.read_session`) as a new session with new
        ids for every row, in one transaction; None when the code is taken (draw another).
        Participants get tokens nobody holds; every time is kept but the session's own."""

        def op(db: sqlite3.Connection) -> Session | None:
            if fetchall(db, "SELECT 1 FROM sessions WHERE code = ?", (code,)):
                return None  # before any write: nothing to undo
            return _load(db, record, code, facilitator_id, screen_key, base_url)

        return await self._write(op)


def _insert(db: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    return db.execute(sql, params).lastrowid or 0


def _load(
    db: sqlite3.Connection,
    record: SessionRecord,
    code: str,
    facilitator_id: int,
    screen_key: str,
    base_url: str,
) -> Session:
    s = record.session
    session_id = _insert(
        db,
        "INSERT INTO sessions (code, facilitator_id, title, language, screen_key, base_url,"
        " created_at, max_participants, joining_locked, table_changes, screen_view, join_page,"
        " join_corner, show_law, wall_page, closing, closed_at, organisation, region,"
        " texts_deleted_at, plenary_url, meeting_pattern)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            facilitator_id,
            s.title,
            s.language,
            screen_key,
            base_url,
            time.time(),
            s.max_participants,
            int(s.joining_locked),
            int(s.table_changes),
            s.screen_view,
            int(s.join_page),
            int(s.join_corner),
            int(s.show_law),
            s.wall_page,
            int(s.closing),
            s.closed_at,
            s.organisation,
            s.region,
            s.texts_deleted_at,
            s.plenary_url,
            s.meeting_pattern,
        ),
    )
    db.executemany(
        "INSERT INTO tables (session_id, number, name, capacity, kind, meeting_url)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(session_id, t.number, t.name, t.capacity, t.kind, t.meeting_url) for t in record.tables],
    )
    db.executemany(
        "INSERT INTO plan_days (session_id, day, start, started_at) VALUES (?, ?, ?, ?)",
        [(session_id, d.day, d.start, d.started_at) for d in record.days],
    )
    segments = {
        g.id: _insert(
            db,
            "INSERT INTO segments (session_id, position, day, start, minutes, title, started_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (session_id, position, g.day, g.start, g.minutes, g.title, g.started_at),
        )
        for position, g in enumerate(record.segments)
    }
    cases = {
        c.id: _insert(
            db,
            "INSERT INTO session_cases (session_id, source, title, narrative, questions, notes,"
            " minutes, law) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                c.source,
                c.title,
                c.narrative,
                _json(list(c.questions)),
                c.notes,
                c.minutes,
                _json([list(item) for item in c.law]),
            ),
        )
        for c in record.cases
    }
    activities = {
        a.id: _insert(
            db,
            "INSERT INTO activities (session_id, position, kind, title, prompt, options,"
            " allow_why, state, created_at, segment_id, case_id, questions)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                position,
                a.kind.value,
                a.title,
                a.prompt,
                _json(list(a.options)),
                int(a.allow_why),
                a.state.value,
                time.time(),
                segments.get(a.segment_id) if a.segment_id is not None else None,
                cases.get(a.case_id) if a.case_id is not None else None,
                evaluation.dumps(a.questions),
            ),
        )
        for position, a in enumerate(record.activities, start=1)
    }
    db.execute(
        "UPDATE sessions SET current_segment_id = ?, current_activity_id = ? WHERE id = ?",
        (
            segments.get(s.current_segment_id) if s.current_segment_id is not None else None,
            activities.get(s.current_activity_id) if s.current_activity_id is not None else None,
            session_id,
        ),
    )
    # Seated first and removed at the end: the triggers drop a removed participant's answers.
    people = {
        p.id: _insert(
            db,
            "INSERT INTO participants (session_id, table_number, name, token_hash, created_at,"
            " number) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, p.table, p.name, secrets.token_hex(32), p.joined_at, number),
        )
        for number, p in enumerate(sorted(record.participants, key=lambda p: p.number), 1)
    }
    votes = {v.id: str(uuid.uuid4()) for v in record.votes}
    db.executemany(
        "INSERT INTO votes (id, activity_id, participant_id, table_number, option, why,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                votes[v.id],
                activities[v.activity_id],
                people[v.participant_id],
                v.table,
                v.option,
                v.why,
                v.created_at,
            )
            for v in record.votes
        ],
    )
    db.executemany(
        "INSERT INTO ballots (activity_id, participant_id, vote_id) VALUES (?, ?, ?)",
        [
            (activities[v.activity_id], people[v.participant_id], votes[v.id])
            for v in record.votes
            if v.latest
        ],
    )
    posts = {p.id: str(uuid.uuid4()) for p in record.posts}
    db.executemany(
        "INSERT INTO posts (id, activity_id, participant_id, table_number, text, hidden,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                posts[p.id],
                activities[p.activity_id],
                people[p.participant_id],
                p.table,
                p.text,
                int(p.hidden),
                p.created_at,
            )
            for p in record.posts
        ],
    )
    load_stations(db, record, activities, posts)  # station rotations and posts' stations
    load_table_answers(db, record, activities, people)  # by, before, the tables' answers
    load_seating(db, session_id, record, people)  # join questions, answers, seatings
    load_table_talk(db, session_id, record, activities, people)  # notes, spokespersons, round
    db.executemany(
        "INSERT INTO screen_quotes (activity_id, vote_id, option, text, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (activities[q.activity_id], votes[q.vote_id], q.option, q.text, q.created_at)
            for q in record.quotes
        ],
    )
    _load_evaluations(db, record.evaluations, activities, people, segments, record)
    db.executemany(
        "UPDATE participants SET removed_at = ? WHERE id = ?",
        [(p.removed_at, people[p.id]) for p in record.participants if p.removed_at is not None],
    )
    recount(db, session_id)  # the tables' seat counts (seats.py)
    return session_from(fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))[0])


def _load_evaluations(
    db: sqlite3.Connection,
    evaluations: Sequence[EvaluationRecord],
    activities: dict[int, int],
    people: dict[int, int],
    segments: dict[int, int],
    record: SessionRecord,
) -> None:
    kinds = {(a.id, q.key): q.kind for a in record.activities for q in a.questions}
    for e in evaluations:
        new_id = str(uuid.uuid4())
        db.execute(
            "INSERT INTO evaluations (id, activity_id, participant_id, table_number, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (new_id, activities[e.activity_id], people[e.participant_id], e.table, e.created_at),
        )
        db.executemany(
            "INSERT INTO evaluation_answers (evaluation_id, key, number, text) VALUES (?, ?, ?, ?)",
            [
                (
                    new_id,
                    r.key,
                    segments[r.number]
                    if kinds.get((e.activity_id, r.key)) == "topics" and r.number is not None
                    else r.number,
                    r.text,
                )
                for r in e.rows
            ],
        )
        if e.latest:
            db.execute(
                "INSERT INTO evaluation_ballots (activity_id, participant_id, evaluation_id)"
                " VALUES (?, ?, ?)",
                (activities[e.activity_id], people[e.participant_id], new_id),
            )
