"""The session file: a whole session as JSON (plan, tables, participants without tokens,
every vote, posts, evaluations, quotes, station rotations, table answers), as the store reads
it and as a facilitator exports it (docs/api.md, "The session file"). Plain rules, like `plan_file`;
the checked import is `session_read.py`, the answers as CSV `session_csv.py`.

Ids in the file are references within the file only: an import gives every row a new id
(and the session a new join code and screen key), and keeps every time as it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workshop import evaluation
from workshop.agenda import PlanDay, Segment, SessionCase
from workshop.domain import Activity, Post, Session, Table
from workshop.seating_file import JoinAnswerRecord, QuestionRecord, SeatRecord, seating_json
from workshop.stations import Place, Rotation, place_json, rotation_json
from workshop.table_talk import Round
from workshop.talk_file import (
    SpokespersonRecord,
    TableNoteRecord,
    note_json,
    round_json,
    spokesperson_json,
)

SESSION_FORMAT = "workshop-session"
# 2: station rotations, posts' stations, table answers, talk (issue 16); digital tables and
# meeting links (issue 17)
SESSION_VERSION = 2
SESSION_VERSIONS = (1, 2)  # what an import reads: a version 1 file has no rotations


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A participant without their token."""

    id: int
    number: int
    name: str
    table: int
    joined_at: float
    removed_at: float | None = None


@dataclass(frozen=True, slots=True)
class VoteRecord:
    id: str
    activity_id: int
    participant_id: int
    table: int
    option: int
    why: str
    created_at: float
    latest: bool  # this participant's latest vote on the activity (its ballot)


@dataclass(frozen=True, slots=True)
class TableActRecord:
    """A member's propose or confirm of a table's answer (table_answers.py), as sent."""

    id: str
    kind: str  # "propose" or "confirm"
    activity_id: int
    participant_id: int
    table: int  # where the member sat when they sent it
    option: int
    proposal_id: str | None  # a confirm's: the proposal it confirmed (None: found it done)
    created_at: float


@dataclass(frozen=True, slots=True)
class TableAnswerRecord:
    """One table's state for one activity answered by the table."""

    activity_id: int
    table: int
    option: int | None  # its confirmed answer; None before the first confirm
    answer_id: str | None  # the confirm that made it
    proposal_id: str | None  # a proposal waiting for a confirm


@dataclass(frozen=True, slots=True)
class QuoteRecord:
    activity_id: int
    vote_id: str
    option: int
    text: str
    created_at: float


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    id: str
    activity_id: int
    participant_id: int
    table: int
    created_at: float
    latest: bool
    rows: tuple[evaluation.Row, ...] = ()


@dataclass
class SessionRecord:
    """Everything of one session, as the store reads it and an import writes it."""

    session: Session
    tables: list[Table] = field(default_factory=list)
    days: list[PlanDay] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)  # in plan order
    cases: list[SessionCase] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)  # by position
    participants: list[PersonRecord] = field(default_factory=list)  # in the order they joined
    votes: list[VoteRecord] = field(default_factory=list)  # every vote sent, oldest first
    posts: list[Post] = field(default_factory=list)
    quotes: list[QuoteRecord] = field(default_factory=list)
    evaluations: list[EvaluationRecord] = field(default_factory=list)
    rotations: list[Rotation] = field(default_factory=list)  # in activity order (stations.py)
    post_stations: dict[str, Place] = field(default_factory=dict)  # post id -> (station, round)
    table_acts: list[TableActRecord] = field(default_factory=list)  # every one, oldest first
    table_answers: list[TableAnswerRecord] = field(default_factory=list)  # by activity, table
    # the talk at the tables (talk_file.py): notes, spokespersons' turns, the round going
    table_notes: list[TableNoteRecord] = field(default_factory=list)  # by activity, table
    spokespersons: list[SpokespersonRecord] = field(default_factory=list)  # by activity, table
    round: Round | None = None
    # seating (seating_file.py): join questions, the answers given, who sat where
    join_questions: list[QuestionRecord] = field(default_factory=list)  # by id
    join_answers: list[JoinAnswerRecord] = field(default_factory=list)  # by person, question
    seatings: list[SeatRecord] = field(default_factory=list)  # by round, table, person


# --- export ------------------------------------------------------------------------------


def _pick(obj: Any, *names: str) -> dict[str, Any]:
    """`obj`'s fields by name; `key=field` renames one."""
    out = {}
    for name in names:
        key, _, attr = name.partition("=")
        out[key] = getattr(obj, attr or key)
    return out


SESSION_FIELDS = (
    "code", "created_at", "title", "language", "organisation", "region", "max_participants",
    "joining_locked", "table_changes", "screen_view", "join_page", "join_corner", "show_law",
    "wall_page", "current_segment=current_segment_id", "current_activity=current_activity_id",
    "closing", "closed_at", "texts_deleted_at", "plenary_url", "meeting_pattern",
)  # fmt: skip
ANSWER = ("id", "activity=activity_id", "participant=participant_id", "table")
TABLE_ANSWER = (
    "activity=activity_id", "table", "option", "answer=answer_id", "proposal=proposal_id",
)  # fmt: skip


def session_file(record: SessionRecord) -> dict[str, Any]:
    """The session as the JSON a facilitator exports."""
    return {
        "format": SESSION_FORMAT,
        "version": SESSION_VERSION,
        "session": _pick(record.session, *SESSION_FIELDS),
        "tables": [
            _pick(t, "number", "name", "capacity", "kind", "meeting_url") for t in record.tables
        ],
        "days": [_pick(d, "day", "start", "started_at") for d in record.days],
        "segments": [
            _pick(g, "id", "title", "day", "start", "minutes", "started_at")
            for g in record.segments
        ],
        "cases": [
            {
                **_pick(c, "id", "source", "title", "narrative"),
                "questions": list(c.questions),
                **_pick(c, "notes", "minutes"),
                "law": [{"ref": ref, "text": text} for ref, text in c.law],
            }
            for c in record.cases
        ],
        "activities": [
            {
                **_pick(a, "id", "segment=segment_id", "case=case_id"),
                "kind": a.kind.value,
                **_pick(a, "title", "prompt"),
                "options": list(a.options),
                "allow_why": a.allow_why,
                "questions": [evaluation.question_json(q) for q in a.questions],
                "state": a.state.value,
                **_pick(a, "by", "before"),  # who answers; an after round's round before
            }
            for a in record.activities
        ],
        "participants": [
            _pick(p, "id", "number", "name", "table", "joined_at", "removed_at")
            for p in record.participants
        ],
        **seating_json(record.join_questions, record.join_answers, record.seatings),
        "votes": [_pick(v, *ANSWER, "option", "why", "created_at", "latest") for v in record.votes],
        "table_acts": [
            _pick(t, "id", "kind", *ANSWER[1:], "option", "proposal=proposal_id", "created_at")
            for t in record.table_acts
        ],
        "table_answers": [_pick(t, *TABLE_ANSWER) for t in record.table_answers],
        "table_notes": [note_json(n) for n in record.table_notes],
        "spokespersons": [spokesperson_json(t) for t in record.spokespersons],
        "round": round_json(record.round),
        "rotations": [rotation_json(r) for r in record.rotations],
        "posts": [
            {
                **_pick(p, *ANSWER, "text", "hidden", "created_at"),
                **place_json(record.post_stations.get(p.id)),
            }
            for p in record.posts
        ],
        "quotes": [
            _pick(q, "activity=activity_id", "vote=vote_id", "option", "text", "created_at")
            for q in record.quotes
        ],
        "evaluations": [
            {
                **_pick(e, *ANSWER, "created_at", "latest"),
                "answers": [{"key": r.key, "number": r.number, "text": r.text} for r in e.rows],
            }
            for e in record.evaluations
        ],
    }
