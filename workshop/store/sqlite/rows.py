"""Rows to domain objects and back, and the SQL both the writer and readers share."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Sequence
from typing import Any, TypeVar

from workshop import evaluation
from workshop.agenda import CaseSpec, Segment, SessionCase
from workshop.domain import (
    Activity,
    ActivityKind,
    ActivitySpec,
    ActivityState,
    Facilitator,
    Post,
    Session,
    Table,
)
from workshop.errors import N_, DomainError, NotFound
from workshop.store.base import IdTaken
from workshop.store.migrate import migrate

T = TypeVar("T")
EXPECTED = (DomainError, IdTaken)


def session_from(row: sqlite3.Row) -> Session:
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
        max_participants=row["max_participants"],
        joining_locked=bool(row["joining_locked"]),
        closing=bool(row["closing"]),
        closed_at=row["closed_at"],
        join_page=bool(row["join_page"]),
        join_corner=bool(row["join_corner"]),
        show_law=bool(row["show_law"]),
        wall_page=row["wall_page"],
        table_changes=bool(row["table_changes"]),
        organisation=row["organisation"],
        region=row["region"],
        texts_deleted_at=row["texts_deleted_at"],
        plenary_url=row["plenary_url"],
        meeting_pattern=row["meeting_pattern"],
    )


TABLE_COLUMNS = "number, name, capacity, kind, meeting_url"


def table_from(row: Sequence[Any]) -> Table:
    """A `Table` from a row of `TABLE_COLUMNS`."""
    return Table(row[0], row[1], row[2], row[3], row[4])


def facilitator_from(row: sqlite3.Row) -> Facilitator:
    return Facilitator(row["id"], row["username"], row["password_hash"], row["role"])


def activity_from(row: sqlite3.Row) -> Activity:
    return Activity(
        id=row["id"],
        session_id=row["session_id"],
        position=row["position"],
        kind=ActivityKind(row["kind"]),
        prompt=row["prompt"],
        title=row["title"],
        options=tuple(json.loads(row["options"])),
        allow_why=bool(row["allow_why"]),
        questions=evaluation.loads(row["questions"]),
        state=ActivityState(row["state"]),
        segment_id=row["segment_id"],
        case_id=row["case_id"],
        by=row["answer_by"],
        before=row["before_id"],
    )


def segment_from(row: sqlite3.Row) -> Segment:
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


def session_case_from(row: sqlite3.Row) -> SessionCase:
    return SessionCase(
        id=row["id"],
        session_id=row["session_id"],
        source=row["source"],
        title=row["title"],
        narrative=row["narrative"],
        questions=tuple(json.loads(row["questions"])),
        notes=row["notes"],
        minutes=row["minutes"],
        law=tuple((ref, text) for ref, text in json.loads(row["law"])),
    )


def insert_activity(
    db: sqlite3.Connection,
    session_id: int,
    spec: ActivitySpec,
    segment_id: int | None = None,
    case_id: int | None = None,
) -> Activity:
    rows = fetchall(
        db,
        "SELECT COALESCE(MAX(position), 0) + 1 FROM activities WHERE session_id = ?",
        (session_id,),
    )
    position = rows[0][0]
    cursor = db.execute(
        "INSERT INTO activities (session_id, position, kind, title, prompt, options,"
        " allow_why, created_at, segment_id, case_id, questions, answer_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            evaluation.dumps(spec.questions),
            spec.by,
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
        questions=spec.questions,
        by=spec.by,
    )


def insert_case(db: sqlite3.Connection, session_id: int, case: CaseSpec) -> int:
    cursor = db.execute(
        "INSERT INTO session_cases (session_id, source, title, narrative, questions, notes,"
        " minutes, law) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            session_id,
            case.source,
            case.title,
            case.narrative,
            json.dumps(list(case.questions), ensure_ascii=False),
            case.notes,
            case.minutes,
            json.dumps([list(item) for item in case.law], ensure_ascii=False),
        ),
    )
    return cursor.lastrowid or 0


def check_segment(db: sqlite3.Connection, session_id: int, segment_id: int) -> None:
    rows = fetchall(
        db, "SELECT 1 FROM segments WHERE id = ? AND session_id = ?", (segment_id, session_id)
    )
    if not rows:
        raise NotFound(N_("This session has no such segment."))


def post_from(row: sqlite3.Row) -> Post:
    return Post(
        id=row["id"],
        activity_id=row["activity_id"],
        participant_id=row["participant_id"],
        table=row["table_number"],
        text=row["text"],
        hidden=bool(row["hidden"]),
        created_at=row["created_at"],
    )


def placeholders(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


def bump(db: sqlite3.Connection, session_id: int) -> None:
    db.execute("UPDATE sessions SET version = version + 1 WHERE id = ?", (session_id,))


def fetchall(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    return db.execute(sql, params).fetchall()


SEATED = (
    "SELECT table_number, COUNT(*) FROM participants WHERE session_id = ? AND removed_at IS NULL"
    " GROUP BY table_number"
)
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    # FULL: an acknowledged vote survives a power cut too, not only a killed process.
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 3000",  # then Busy: the phone resends, the facilitator retries
)


def connect_writer(path: str) -> sqlite3.Connection:
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
