"""The SQLite store: WAL, one writer connection with group commit (`group.py`), and two
reader connections: one for single reads, one for the consistent snapshots of `room()`."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import aiosqlite

from workshop.agenda import CaseSpec, PlanSegment, Segment, SegmentSpec, SessionCase
from workshop.domain import (
    N_,
    Activity,
    ActivityKind,
    ActivitySpec,
    ActivityState,
    Conflict,
    DomainError,
    Facilitator,
    NotFound,
    Participant,
    Post,
    Session,
    Table,
    Vote,
    Why,
)
from workshop.store.base import UNCHANGED, Answers, IdTaken, Room, Scope, Unchanged
from workshop.store.group import GroupCommit
from workshop.store.migrate import migrate

T = TypeVar("T")
EXPECTED = (DomainError, IdTaken)


def _session(row: sqlite3.Row) -> Session:
    # Interned: every connection to a session holds a Session, and its texts are the same
    # few strings; sharing them saves memory for each of thousands of phones.
    text = sys.intern
    return Session(
        id=row["id"],
        code=text(row["code"]),
        facilitator_id=row["facilitator_id"],
        title=text(row["title"]),
        language=text(row["language"]),
        screen_key=text(row["screen_key"]),
        current_activity_id=row["current_activity_id"],
        screen_view=text(row["screen_view"]),
        base_url=text(row["base_url"]),
        version=row["version"],
        created_at=row["created_at"],
        current_segment_id=row["current_segment_id"],
        timer_ends_at=row["timer_ends_at"],
        timer_seconds=row["timer_seconds"],
    )


def _activity(row: sqlite3.Row) -> Activity:
    return Activity(
        id=row["id"],
        session_id=row["session_id"],
        position=row["position"],
        kind=ActivityKind(row["kind"]),
        prompt=row["prompt"],
        title=row["title"],
        options=tuple(json.loads(row["options"])),
        allow_why=bool(row["allow_why"]),
        state=ActivityState(row["state"]),
        segment_id=row["segment_id"],
        case_id=row["case_id"],
    )


def _segment(row: sqlite3.Row) -> Segment:
    return Segment(
        id=row["id"],
        session_id=row["session_id"],
        position=row["position"],
        title=row["title"],
        day=row["day"],
        start=row["start"],
        minutes=row["minutes"],
        started_at=row["started_at"],
    )


def _session_case(row: sqlite3.Row) -> SessionCase:
    return SessionCase(
        id=row["id"],
        session_id=row["session_id"],
        source=row["source"],
        title=row["title"],
        narrative=row["narrative"],
        questions=tuple(json.loads(row["questions"])),
        notes=row["notes"],
    )


def _insert_activity(
    db: sqlite3.Connection,
    session_id: int,
    spec: ActivitySpec,
    segment_id: int | None = None,
    case_id: int | None = None,
) -> Activity:
    rows = _fetchall(
        db,
        "SELECT COALESCE(MAX(position), 0) + 1 FROM activities WHERE session_id = ?",
        (session_id,),
    )
    position = rows[0][0]
    cursor = db.execute(
        "INSERT INTO activities (session_id, position, kind, title, prompt, options,"
        " allow_why, created_at, segment_id, case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            session_id,
            position,
            spec.kind.value,
            spec.title,
            spec.prompt,
            json.dumps(list(spec.options), ensure_ascii=False),
            int(spec.allow_why),
            time.time(),
            segment_id,
            case_id,
        ),
    )
    return Activity(
        cursor.lastrowid or 0,
        session_id,
        position,
        spec.kind,
        spec.prompt,
        spec.title,
        spec.options,
        spec.allow_why,
        segment_id=segment_id,
        case_id=case_id,
    )


def _insert_case(db: sqlite3.Connection, session_id: int, case: CaseSpec) -> int:
    cursor = db.execute(
        "INSERT INTO session_cases (session_id, source, title, narrative, questions, notes)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            session_id,
            case.source,
            case.title,
            case.narrative,
            json.dumps(list(case.questions), ensure_ascii=False),
            case.notes,
        ),
    )
    return cursor.lastrowid or 0


def _segment_of(db: sqlite3.Connection, session_id: int, segment_id: int) -> None:
    rows = _fetchall(
        db, "SELECT 1 FROM segments WHERE id = ? AND session_id = ?", (segment_id, session_id)
    )
    if not rows:
        raise NotFound(N_("This session has no such segment."))


def _post(row: sqlite3.Row) -> Post:
    return Post(
        id=row["id"],
        activity_id=row["activity_id"],
        participant_id=row["participant_id"],
        table=row["table_number"],
        text=row["text"],
        hidden=bool(row["hidden"]),
        created_at=row["created_at"],
    )


def _marks(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


def _bump(db: sqlite3.Connection, session_id: int) -> None:
    db.execute("UPDATE sessions SET version = version + 1 WHERE id = ?", (session_id,))


def _fetchall(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    return db.execute(sql, params).fetchall()


def _count_seated(db: sqlite3.Connection, session_id: int) -> dict[int, int]:
    rows = db.execute(SEATED, (session_id,)).fetchall()
    return {r[0]: r[1] for r in rows}


SEATED = (
    "SELECT table_number, COUNT(*) FROM participants WHERE session_id = ? GROUP BY table_number"
)
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    # FULL: an acknowledged vote survives a power cut too, not only a killed process.
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)


def _connect_writer(path: str) -> sqlite3.Connection:
    """The writer's connection, made and used only on the writer's thread."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        db.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            db.execute(pragma)
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


class SQLiteStore:
    def __init__(self, path: str) -> None:
        self.path = path
        self._reader: aiosqlite.Connection | None = None
        # room() reads in a transaction on a connection of its own: a read on a connection
        # that is inside another coroutine's transaction sees that transaction's older
        # snapshot, and misses writes that have already been acknowledged.
        self._snapshots: aiosqlite.Connection | None = None
        self._read_lock = asyncio.Lock()
        self._group: GroupCommit | None = None

    # --- life cycle -------------------------------------------------------------------

    async def _connect(self) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                await db.execute(pragma)
        except BaseException:
            await db.close()  # its thread would keep the process alive
            raise
        return db

    async def open(self) -> None:
        try:
            self._group = await GroupCommit.start(partial(_connect_writer, self.path), EXPECTED)
            self._reader = await self._connect()
            self._snapshots = await self._connect()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._group:
            await self._group.close()
            self._group = None
        for db in (self._snapshots, self._reader):
            if db is not None:
                await db.close()
        self._snapshots = self._reader = None

    async def _write(self, op: Callable[[sqlite3.Connection], T]) -> T:
        assert self._group is not None
        return await self._group.run(op)

    # --- reading ------------------------------------------------------------------------

    async def _all(
        self, sql: str, params: Sequence[Any] = (), db: aiosqlite.Connection | None = None
    ) -> list[sqlite3.Row]:
        db = db or self._reader
        assert db is not None
        return list(await db.execute_fetchall(sql, params))

    async def _one(
        self, sql: str, params: Sequence[Any] = (), db: aiosqlite.Connection | None = None
    ) -> sqlite3.Row | None:
        rows = await self._all(sql, params, db)
        return rows[0] if rows else None

    # --- settings -----------------------------------------------------------------------

    async def get_setting(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else None

    async def set_setting(self, key: str, value: str | None) -> None:
        def op(db: sqlite3.Connection) -> None:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

        await self._write(op)

    # --- facilitators -------------------------------------------------------------------

    async def add_facilitator(self, username: str, password_hash: str) -> Facilitator:
        def op(db: sqlite3.Connection) -> Facilitator:
            row = _fetchall(db, "SELECT 1 FROM facilitators WHERE username = ?", (username,))
            if row:
                raise Conflict(N_("The user name %(name)s is taken."), name=username)
            cursor = db.execute(
                "INSERT INTO facilitators (username, password_hash, created_at) VALUES (?, ?, ?)",
                (username, password_hash, time.time()),
            )
            return Facilitator(cursor.lastrowid or 0, username, password_hash)

        return await self._write(op)

    async def facilitator(self, facilitator_id: int) -> Facilitator | None:
        row = await self._one("SELECT * FROM facilitators WHERE id = ?", (facilitator_id,))
        return Facilitator(row["id"], row["username"], row["password_hash"]) if row else None

    async def facilitator_by_name(self, username: str) -> Facilitator | None:
        row = await self._one("SELECT * FROM facilitators WHERE username = ?", (username,))
        return Facilitator(row["id"], row["username"], row["password_hash"]) if row else None

    async def count_facilitators(self) -> int:
        row = await self._one("SELECT COUNT(*) AS n FROM facilitators")
        return row["n"] if row else 0

    async def claim_setup(
        self, token: str, username: str, password_hash: str
    ) -> Facilitator | None:
        def op(db: sqlite3.Connection) -> Facilitator | None:
            rows = _fetchall(db, "SELECT value FROM settings WHERE key = 'setup_token'")
            if not rows or rows[0][0] != token:
                return None
            db.execute("DELETE FROM settings WHERE key = 'setup_token'")
            cursor = db.execute(
                "INSERT INTO facilitators (username, password_hash, created_at) VALUES (?, ?, ?)",
                (username, password_hash, time.time()),
            )
            return Facilitator(cursor.lastrowid or 0, username, password_hash)

        return await self._write(op)

    # --- sessions and tables ------------------------------------------------------------

    async def create_session(
        self,
        *,
        code: str,
        facilitator_id: int,
        title: str,
        language: str,
        screen_key: str,
        base_url: str,
        table_names: Sequence[str],
    ) -> Session | None:
        def op(db: sqlite3.Connection) -> Session | None:
            if _fetchall(db, "SELECT 1 FROM sessions WHERE code = ?", (code,)):
                return None
            cursor = db.execute(
                "INSERT INTO sessions (code, facilitator_id, title, language, screen_key,"
                " base_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (code, facilitator_id, title, language, screen_key, base_url, time.time()),
            )
            session_id = cursor.lastrowid or 0
            db.executemany(
                "INSERT INTO tables (session_id, number, name) VALUES (?, ?, ?)",
                [(session_id, n, name) for n, name in enumerate(table_names, start=1)],
            )
            rows = _fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))
            return _session(rows[0])

        return await self._write(op)

    async def session(self, code: str) -> Session | None:
        row = await self._one("SELECT * FROM sessions WHERE code = ?", (code,))
        return _session(row) if row else None

    async def sessions_of(self, facilitator_id: int) -> list[Session]:
        rows = await self._all(
            "SELECT * FROM sessions WHERE facilitator_id = ? ORDER BY created_at DESC",
            (facilitator_id,),
        )
        return [_session(r) for r in rows]

    async def update_session(
        self,
        session_id: int,
        *,
        current_activity_id: int | Unchanged | None = UNCHANGED,
        screen_view: str | None = None,
        screen_key: str | None = None,
    ) -> Session:
        changes: dict[str, Any] = {}
        if not isinstance(current_activity_id, Unchanged):
            changes["current_activity_id"] = current_activity_id
        if screen_view is not None:
            changes["screen_view"] = screen_view
        if screen_key is not None:
            changes["screen_key"] = screen_key

        def op(db: sqlite3.Connection) -> Session:
            sets = "".join(f"{column} = ?, " for column in changes)
            db.execute(
                f"UPDATE sessions SET {sets}version = version + 1 WHERE id = ?",
                (*changes.values(), session_id),
            )
            rows = _fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))
            return _session(rows[0])

        return await self._write(op)

    async def tables(self, session_id: int, db: aiosqlite.Connection | None = None) -> list[Table]:
        rows = await self._all(
            "SELECT number, name, capacity FROM tables WHERE session_id = ? ORDER BY number",
            (session_id,),
            db,
        )
        return [Table(r["number"], r["name"], r["capacity"]) for r in rows]

    async def seated(self, session_id: int) -> dict[int, int]:
        return await self._seated(session_id)

    async def _seated(
        self, session_id: int, db: aiosqlite.Connection | None = None
    ) -> dict[int, int]:
        rows = await self._all(SEATED, (session_id,), db)
        return {r[0]: r[1] for r in rows}

    # --- participants -------------------------------------------------------------------

    async def seat_participant(
        self,
        session_id: int,
        name: str,
        token_hash: str,
        choose: Callable[[list[Table], Mapping[int, int]], int],
    ) -> Participant:
        def op(db: sqlite3.Connection) -> Participant:
            rows = _fetchall(
                db,
                "SELECT number, name, capacity FROM tables WHERE session_id = ? ORDER BY number",
                (session_id,),
            )
            tables = [Table(r[0], r[1], r[2]) for r in rows]
            table = choose(tables, _count_seated(db, session_id))
            cursor = db.execute(
                "INSERT INTO participants (session_id, table_number, name, token_hash,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                (session_id, table, name, token_hash, time.time()),
            )
            _bump(db, session_id)
            return Participant(cursor.lastrowid or 0, session_id, table, name)

        return await self._write(op)

    async def participant_by_token(self, session_id: int, token_hash: str) -> Participant | None:
        row = await self._one(
            "SELECT id, session_id, table_number, name FROM participants"
            " WHERE token_hash = ? AND session_id = ?",
            (token_hash, session_id),
        )
        return Participant(row[0], row[1], row[2], row[3]) if row else None

    # --- activities ---------------------------------------------------------------------

    async def add_activity(
        self, session_id: int, spec: ActivitySpec, segment_id: int | None = None
    ) -> Activity:
        def op(db: sqlite3.Connection) -> Activity:
            if segment_id is not None:
                _segment_of(db, session_id, segment_id)
            activity = _insert_activity(db, session_id, spec, segment_id)
            _bump(db, session_id)
            return activity

        return await self._write(op)

    async def move_activity_to(self, session_id: int, activity_id: int, index: int) -> None:
        def op(db: sqlite3.Connection) -> None:
            rows = _fetchall(
                db,
                "SELECT segment_id FROM activities WHERE id = ? AND session_id = ?",
                (activity_id, session_id),
            )
            if not rows:
                raise NotFound(N_("This session has no such activity."))
            siblings = _fetchall(
                db,
                "SELECT id, position FROM activities WHERE session_id = ? AND segment_id IS ?"
                " ORDER BY position",
                (session_id, rows[0][0]),
            )
            positions = [r[1] for r in siblings]
            order = [r[0] for r in siblings if r[0] != activity_id]
            order.insert(max(0, min(index, len(order))), activity_id)
            # The same set of positions, handed out in the new order: the rest of the
            # session keeps its place.
            db.executemany(
                "UPDATE activities SET position = ? WHERE id = ?",
                [(p, i) for i, p in zip(order, positions, strict=True)],
            )
            _bump(db, session_id)

        await self._write(op)

    # --- the day's plan -----------------------------------------------------------------

    async def add_plan(
        self, session_id: int, plan: Sequence[PlanSegment], into: int | None = None
    ) -> list[tuple[int, list[tuple[int | None, list[int]]]]]:
        """Append `plan`'s segments (or, with `into`, its items to that segment) in one
        transaction: [(segment id, [(case id, [activity ids])])]."""

        def op(db: sqlite3.Connection) -> list[tuple[int, list[tuple[int | None, list[int]]]]]:
            made = []
            rows = _fetchall(
                db,
                "SELECT COALESCE(MAX(position), -1) + 1 FROM segments WHERE session_id = ?",
                (session_id,),
            )
            position = rows[0][0]
            for part in plan:
                if into is not None:
                    _segment_of(db, session_id, into)
                    segment_id = into
                else:
                    spec = part.spec
                    cursor = db.execute(
                        "INSERT INTO segments (session_id, position, day, start, minutes, title)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (session_id, position, spec.day, spec.start, spec.minutes, spec.title),
                    )
                    segment_id = cursor.lastrowid or 0
                    position += 1
                items = []
                for item in part.items:
                    case_id = _insert_case(db, session_id, item.case) if item.case else None
                    ids = [
                        _insert_activity(db, session_id, a, segment_id, case_id).id
                        for a in item.activities
                    ]
                    items.append((case_id, ids))
                made.append((segment_id, items))
            _bump(db, session_id)
            return made

        return await self._write(op)

    async def segments(self, session_id: int) -> list[Segment]:
        rows = await self._all(
            "SELECT * FROM segments WHERE session_id = ? ORDER BY position", (session_id,)
        )
        return [_segment(r) for r in rows]

    async def session_cases(self, session_id: int) -> dict[int, SessionCase]:
        rows = await self._all("SELECT * FROM session_cases WHERE session_id = ?", (session_id,))
        return {r["id"]: _session_case(r) for r in rows}

    async def update_segment(
        self, session_id: int, segment_id: int, spec: SegmentSpec, position: int | None = None
    ) -> None:
        def op(db: sqlite3.Connection) -> None:
            _segment_of(db, session_id, segment_id)
            db.execute(
                "UPDATE segments SET title = ?, day = ?, start = ?, minutes = ? WHERE id = ?",
                (spec.title, spec.day, spec.start, spec.minutes, segment_id),
            )
            if position is not None:
                ids = [
                    r[0]
                    for r in _fetchall(
                        db,
                        "SELECT id FROM segments WHERE session_id = ? ORDER BY position",
                        (session_id,),
                    )
                ]
                ids.remove(segment_id)
                ids.insert(max(0, min(position, len(ids))), segment_id)
                db.executemany(
                    "UPDATE segments SET position = ? WHERE id = ?",
                    [(i, sid) for i, sid in enumerate(ids)],
                )
            _bump(db, session_id)

        await self._write(op)

    async def delete_segment(self, session_id: int, segment_id: int) -> None:
        def op(db: sqlite3.Connection) -> None:
            _segment_of(db, session_id, segment_id)
            used = _fetchall(
                db,
                "SELECT 1 FROM activities WHERE segment_id = ? AND state != 'draft' LIMIT 1",
                (segment_id,),
            )
            if used:
                raise Conflict(N_("This segment has been run; it stays in the plan."))
            cases = _fetchall(
                db,
                "SELECT DISTINCT case_id FROM activities"
                " WHERE segment_id = ? AND case_id IS NOT NULL",
                (segment_id,),
            )
            db.execute("DELETE FROM activities WHERE segment_id = ?", (segment_id,))
            db.executemany("DELETE FROM session_cases WHERE id = ?", [(r[0],) for r in cases])
            db.execute("DELETE FROM segments WHERE id = ?", (segment_id,))
            db.execute(
                "UPDATE sessions SET current_segment_id = NULL"
                " WHERE id = ? AND current_segment_id = ?",
                (session_id, segment_id),
            )
            _bump(db, session_id)

        await self._write(op)

    async def update_activity(self, session_id: int, activity_id: int, spec: ActivitySpec) -> None:
        def op(db: sqlite3.Connection) -> None:
            cursor = db.execute(
                "UPDATE activities SET title = ?, prompt = ?, options = ?, allow_why = ?"
                " WHERE id = ? AND session_id = ? AND state = 'draft'",
                (
                    spec.title,
                    spec.prompt,
                    json.dumps(list(spec.options), ensure_ascii=False),
                    int(spec.allow_why),
                    activity_id,
                    session_id,
                ),
            )
            if cursor.rowcount == 0:
                if _fetchall(
                    db,
                    "SELECT 1 FROM activities WHERE id = ? AND session_id = ?",
                    (activity_id, session_id),
                ):
                    raise Conflict(N_("This activity has been opened; its text stays as it was."))
                raise NotFound(N_("This session has no such activity."))
            _bump(db, session_id)

        await self._write(op)

    async def delete_activity(self, session_id: int, activity_id: int) -> None:
        def op(db: sqlite3.Connection) -> None:
            rows = _fetchall(
                db,
                "SELECT state, case_id FROM activities WHERE id = ? AND session_id = ?",
                (activity_id, session_id),
            )
            if not rows:
                raise NotFound(N_("This session has no such activity."))
            if rows[0][0] != "draft":
                raise Conflict(N_("This activity has been opened; it stays in the plan."))
            db.execute("DELETE FROM activities WHERE id = ?", (activity_id,))
            case_id = rows[0][1]
            if case_id is not None and not _fetchall(
                db, "SELECT 1 FROM activities WHERE case_id = ? LIMIT 1", (case_id,)
            ):
                db.execute("DELETE FROM session_cases WHERE id = ?", (case_id,))
            db.execute(
                "UPDATE sessions SET current_activity_id = NULL"
                " WHERE id = ? AND current_activity_id = ?",
                (session_id, activity_id),
            )
            _bump(db, session_id)

        await self._write(op)

    async def update_case(self, session_id: int, case_id: int, spec: CaseSpec) -> None:
        def op(db: sqlite3.Connection) -> None:
            cursor = db.execute(
                "UPDATE session_cases SET title = ?, narrative = ?, questions = ?, notes = ?"
                " WHERE id = ? AND session_id = ?",
                (
                    spec.title,
                    spec.narrative,
                    json.dumps(list(spec.questions), ensure_ascii=False),
                    spec.notes,
                    case_id,
                    session_id,
                ),
            )
            if cursor.rowcount == 0:
                raise NotFound(N_("This session has no such case."))
            _bump(db, session_id)

        await self._write(op)

    async def set_timer(self, session_id: int, ends_at: float | None, seconds: int) -> Session:
        def op(db: sqlite3.Connection) -> Session:
            db.execute(
                "UPDATE sessions SET timer_ends_at = ?, timer_seconds = ?, version = version + 1"
                " WHERE id = ?",
                (ends_at, seconds, session_id),
            )
            return _session(_fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))[0])

        return await self._write(op)

    async def activities(self, session_id: int) -> list[Activity]:
        rows = await self._all(
            "SELECT * FROM activities WHERE session_id = ? ORDER BY position", (session_id,)
        )
        return [_activity(r) for r in rows]

    async def activity(self, session_id: int, activity_id: int) -> Activity | None:
        row = await self._one(
            "SELECT * FROM activities WHERE id = ? AND session_id = ?", (activity_id, session_id)
        )
        return _activity(row) if row else None

    async def set_activity_states(
        self,
        session_id: int,
        states: Mapping[int, ActivityState],
        current_activity_id: int | Unchanged | None = UNCHANGED,
        current_segment_id: int | Unchanged | None = UNCHANGED,
    ) -> None:
        def op(db: sqlite3.Connection) -> None:
            db.executemany(
                "UPDATE activities SET state = ? WHERE id = ? AND session_id = ?",
                [(state.value, activity_id, session_id) for activity_id, state in states.items()],
            )
            if not isinstance(current_activity_id, Unchanged):
                db.execute(
                    "UPDATE sessions SET current_activity_id = ? WHERE id = ?",
                    (current_activity_id, session_id),
                )
            if not isinstance(current_segment_id, Unchanged):
                db.execute(
                    "UPDATE sessions SET current_segment_id = ? WHERE id = ?",
                    (current_segment_id, session_id),
                )
                db.execute(
                    "UPDATE segments SET started_at = ?"
                    " WHERE id = ? AND session_id = ? AND started_at IS NULL",
                    (time.time(), current_segment_id, session_id),
                )
            _bump(db, session_id)

        await self._write(op)

    # --- submissions ----------------------------------------------------------------------

    async def record_vote(self, vote: Vote) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            rows = _fetchall(db, "SELECT participant_id FROM votes WHERE id = ?", (vote.id,))
            if rows:
                if rows[0][0] != vote.participant_id:
                    raise IdTaken(vote.id)
                return False
            # Stored only while the activity is open: the check and the write are one step,
            # so a vote cannot slip in after the facilitator closed the activity.
            cursor = db.execute(
                "INSERT INTO votes (id, activity_id, participant_id, table_number, option, why,"
                " created_at) SELECT ?, ?, ?, ?, ?, ?, ? FROM activities"
                " WHERE id = ? AND state = 'open'",
                (
                    vote.id,
                    vote.activity_id,
                    vote.participant_id,
                    vote.table,
                    vote.option,
                    vote.why,
                    time.time(),
                    vote.activity_id,
                ),
            )
            if cursor.rowcount != 1:
                raise Conflict(N_("Voting is closed for this activity."))
            db.execute(
                "INSERT INTO ballots (activity_id, participant_id, vote_id) VALUES (?, ?, ?)"
                " ON CONFLICT (activity_id, participant_id)"
                " DO UPDATE SET vote_id = excluded.vote_id",
                (vote.activity_id, vote.participant_id, vote.id),
            )
            db.execute(
                "UPDATE sessions SET version = version + 1 WHERE id ="
                " (SELECT session_id FROM activities WHERE id = ?)",
                (vote.activity_id,),
            )
            return True

        return await self._write(op)

    async def record_post(self, post: Post) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            rows = _fetchall(db, "SELECT participant_id FROM posts WHERE id = ?", (post.id,))
            if rows:
                if rows[0][0] != post.participant_id:
                    raise IdTaken(post.id)
                return False
            cursor = db.execute(
                "INSERT INTO posts (id, activity_id, participant_id, table_number, text,"
                " created_at) SELECT ?, ?, ?, ?, ?, ? FROM activities"
                " WHERE id = ? AND state = 'open'",
                (
                    post.id,
                    post.activity_id,
                    post.participant_id,
                    post.table,
                    post.text,
                    time.time(),
                    post.activity_id,
                ),
            )
            if cursor.rowcount != 1:
                raise Conflict(N_("This activity is closed for new answers."))
            db.execute(
                "UPDATE sessions SET version = version + 1 WHERE id ="
                " (SELECT session_id FROM activities WHERE id = ?)",
                (post.activity_id,),
            )
            return True

        return await self._write(op)

    async def set_post_hidden(self, session_id: int, post_id: str, hidden: bool) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE posts SET hidden = ? WHERE id = ? AND activity_id IN"
                " (SELECT id FROM activities WHERE session_id = ?)",
                (int(hidden), post_id, session_id),
            )
            if cursor.rowcount != 1:
                return False
            _bump(db, session_id)
            return True

        return await self._write(op)

    # --- what the room shows --------------------------------------------------------------

    async def room(self, session_id: int, scope: Scope) -> Room:
        """One read transaction, so every number in a snapshot is from the same moment."""
        db = self._snapshots
        assert db is not None
        async with self._read_lock:
            await db.execute("BEGIN")
            try:
                return await self._read_room(session_id, scope, db)
            finally:
                await db.execute("COMMIT")

    async def _read_room(self, session_id: int, scope: Scope, db: aiosqlite.Connection) -> Room:
        session_row = await self._one("SELECT * FROM sessions WHERE id = ?", (session_id,), db)
        assert session_row is not None
        session = _session(session_row)
        activities = [
            _activity(r)
            for r in await self._all(
                "SELECT * FROM activities WHERE session_id = ? ORDER BY position", (session_id,), db
            )
        ]
        room = Room(
            session,
            await self.tables(session_id, db),
            await self._seated(session_id, db),
            activities,
            segments=[
                _segment(r)
                for r in await self._all(
                    "SELECT * FROM segments WHERE session_id = ? ORDER BY position",
                    (session_id,),
                    db,
                )
            ],
            cases={
                r["id"]: _session_case(r)
                for r in await self._all(
                    "SELECT * FROM session_cases WHERE session_id = ?", (session_id,), db
                )
            },
        )
        if scope == "all":
            ids = [a.id for a in activities]
        elif scope == "current" and session.current_activity_id is not None:
            ids = [session.current_activity_id]
        else:
            ids = []
        if not ids:
            return room
        marks = _marks(ids)
        for row in await self._all(
            "SELECT b.activity_id, v.table_number, v.option, COUNT(*) FROM ballots b"
            f" JOIN votes v ON v.id = b.vote_id WHERE b.activity_id IN ({marks})"
            " GROUP BY b.activity_id, v.table_number, v.option",
            ids,
            db,
        ):
            room.votes.setdefault(row[0], []).append((row[1], row[2], row[3]))
        for row in await self._all(
            f"SELECT * FROM posts WHERE activity_id IN ({marks})"
            " ORDER BY created_at DESC, rowid DESC",
            ids,
            db,
        ):
            room.posts.setdefault(row["activity_id"], []).append(_post(row))
        for row in await self._all(
            "SELECT b.activity_id, v.table_number, v.option, v.why FROM ballots b"
            f" JOIN votes v ON v.id = b.vote_id WHERE b.activity_id IN ({marks})"
            " AND v.why != '' ORDER BY v.created_at DESC",
            ids,
            db,
        ):
            room.whys.setdefault(row[0], []).append(Why(row[1], row[2], row[3]))
        return room

    async def answers(self, participant_id: int) -> Answers:
        answers = Answers()
        for row in await self._all(
            "SELECT v.* FROM ballots b JOIN votes v ON v.id = b.vote_id WHERE b.participant_id = ?",
            (participant_id,),
        ):
            answers.votes[row["activity_id"]] = Vote(
                row["id"],
                row["activity_id"],
                row["participant_id"],
                row["table_number"],
                row["option"],
                row["why"],
            )
        for row in await self._all(
            "SELECT * FROM posts WHERE participant_id = ? ORDER BY created_at, rowid",
            (participant_id,),
        ):
            answers.posts.setdefault(row["activity_id"], []).append(_post(row))
        return answers
