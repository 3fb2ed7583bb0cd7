"""A session file checked whole before anything is stored (docs/api.md, "The session
file"): every entry's fields and limits by the same rules as the routes that make them, and
every reference inside the file. Plain rules, like `plan_file`; `FileProblem` says where."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workshop import evaluation
from workshop.agenda import MAX_DAYS, PlanDay, Segment, SessionCase, case_spec, clock, segment_spec
from workshop.domain import (
    DEFAULT_CAPACITY,
    LANGUAGES,
    MAX_NAME,
    MAX_PARTICIPANTS,
    MAX_POSTS,
    MAX_TABLE_NAME,
    MAX_TABLES,
    MAX_TEXT,
    MAX_TITLE,
    Activity,
    ActivityKind,
    ActivityState,
    Post,
    Session,
    Table,
    activity_spec,
    check_post,
    check_vote,
    clean_text,
)
from workshop.errors import N_, DomainError, Invalid
from workshop.session_file import (
    SESSION_FORMAT,
    SESSION_VERSION,
    EvaluationRecord,
    PersonRecord,
    QuoteRecord,
    SessionRecord,
    VoteRecord,
)

SCREEN_VIEWS = ("options", "tables", "agenda")  # as `services.SCREEN_VIEWS`
MAX_CAPACITY = 1000
MAX_TIME = 1e11  # seconds since 1970: far past any real time


class FileProblem(Invalid):
    """A problem at one place in a session file: `where` (as `votes[3]`) and the problem.
    Answered as the problem alone by the app's handler; the import route puts `where` in."""

    AT = N_("In the session file at %(where)s: %(problem)s")

    def __init__(self, where: str, problem: DomainError) -> None:
        super().__init__(problem.message, **problem.params)
        self.where = where
        self.problem = problem


def _int(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(
            N_("%(what)s must be a whole number from %(low)d to %(high)d."),
            what=what,
            low=low,
            high=high,
        )
    return value


def _bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(N_("%(what)s must be true or false."), what=what)
    return value


def _time(value: object, what: str, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= MAX_TIME
    ):
        raise Invalid(N_("%(what)s must be a time in seconds since 1970."), what=what)
    return float(value)


def _client_id(value: object) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 200:
        raise Invalid(N_("An answer's id must be text of 1 to 200 characters."))
    return value


def _ref(value: object, known: Mapping[Any, Any], what: str, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or value not in known:
        raise Invalid(N_("%(what)s names nothing in this file."), what=what)
    return value


def _each(data: Mapping[str, Any], part: str, read: Callable[[dict[str, Any]], Any]) -> list[Any]:
    items = data.get(part, [])
    if not isinstance(items, list):
        raise FileProblem(part, Invalid(N_("This part of the file must be a list.")))
    out = []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise Invalid(N_("Each entry must be a JSON object."))
            out.append(read(item))
        except FileProblem:
            raise
        except DomainError as problem:
            raise FileProblem(f"{part}[{index}]", problem) from None
    return out


SAME_ID = N_("Two entries have the same id.")
TWO_LATEST = N_("A participant has two latest answers to one activity.")
TOO_MANY_POSTS = N_("A participant posts at most %(max)d texts to one question.")
ANSWERS = N_("answers must be a list of {key, number, text}.")
TWICE = N_("%(key)s is answered twice.")


def _unique(
    items: list[Any], part: str, key: Callable[[Any], object], problem: str = SAME_ID
) -> dict[Any, Any]:
    """`items` by `key` (None: left out), or FileProblem at the first repeated key."""
    out: dict[Any, Any] = {}
    for index, item in enumerate(items):
        k = key(item)
        if k in out:
            raise FileProblem(f"{part}[{index}]", Invalid(problem))
        if k is not None:
            out[k] = item
    return out


def _latest(answer: VoteRecord | EvaluationRecord) -> tuple[int, int] | None:
    return (answer.activity_id, answer.participant_id) if answer.latest else None


@dataclass
class _Known:
    """What the file holds so far, by its ids: what later entries may refer to."""

    tables: dict[int, Table] = field(default_factory=dict)
    segments: dict[int, Segment] = field(default_factory=dict)
    cases: dict[int, SessionCase] = field(default_factory=dict)
    activities: dict[int, Activity] = field(default_factory=dict)
    people: dict[int, PersonRecord] = field(default_factory=dict)
    votes: dict[str, VoteRecord] = field(default_factory=dict)


def read_session(data: object) -> SessionRecord:
    """A session file checked whole before anything is stored (FileProblem says where)."""
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        raise Invalid(N_("This is not a workshop session file."))
    version = data.get("version")
    if version != SESSION_VERSION or isinstance(version, bool):
        raise Invalid(N_("This session file is from another version of workshop."))
    raw = data.get("session")
    if not isinstance(raw, dict):
        raise FileProblem("session", Invalid(N_("Each entry must be a JSON object.")))
    known = _Known()
    tables = _each(data, "tables", _table)
    if not 1 <= len(tables) <= MAX_TABLES:
        raise FileProblem(
            "tables", Invalid(N_("A session has from 1 to %(max)d tables."), max=MAX_TABLES)
        )
    known.tables = _unique(tables, "tables", lambda t: t.number)
    days = _each(data, "days", _day)
    _unique(days, "days", lambda d: d.day)
    segments = _each(data, "segments", _segment)
    known.segments = _unique(segments, "segments", lambda g: g.id)
    cases = _each(data, "cases", _case)
    known.cases = _unique(cases, "cases", lambda c: c.id)
    activities = _each(data, "activities", lambda a: _activity(a, known))
    known.activities = _unique(activities, "activities", lambda a: a.id)
    try:
        session = _session(raw, known)
    except DomainError as problem:
        raise FileProblem("session", problem) from None

    participants = _each(data, "participants", lambda p: _person(p, known))
    known.people = _unique(participants, "participants", lambda p: p.id)
    _unique(participants, "participants", lambda p: p.number)
    votes = _each(data, "votes", lambda v: _vote(v, known))
    known.votes = _unique(votes, "votes", lambda v: v.id)
    _unique(votes, "votes", _latest, TWO_LATEST)
    posts = _each(data, "posts", lambda p: _post(p, known))
    _unique(posts, "posts", lambda p: p.id)
    counts: Counter[tuple[int, int]] = Counter()
    for index, post in enumerate(posts):
        counts[post.activity_id, post.participant_id] += 1
        if counts[post.activity_id, post.participant_id] > MAX_POSTS:
            problem = Invalid(TOO_MANY_POSTS, max=MAX_POSTS)
            raise FileProblem(f"posts[{index}]", problem)
    quotes = _each(data, "quotes", lambda q: _quote(q, known))
    _unique(quotes, "quotes", lambda q: (q.activity_id, q.vote_id))
    evaluations = _each(data, "evaluations", lambda e: _evaluation(e, known))
    _unique(evaluations, "evaluations", lambda e: e.id)
    _unique(evaluations, "evaluations", _latest, TWO_LATEST)
    ids = [*(v.id for v in votes), *(p.id for p in posts), *(e.id for e in evaluations)]
    if len(set(ids)) != len(ids):  # one namespace of client ids, as in the store
        raise FileProblem("posts", Invalid(SAME_ID))
    return SessionRecord(
        session, tables, days, segments, cases, activities, participants, votes, posts,
        quotes, evaluations,
    )  # fmt: skip


FLAGS = (
    ("joining_locked", False),
    ("table_changes", True),
    ("join_page", False),
    ("join_corner", True),
    ("show_law", False),
    ("closing", False),
)


def _session(raw: dict[str, Any], known: _Known) -> Session:
    language = raw.get("language")
    if language not in LANGUAGES:
        raise Invalid(N_("Language must be one of nb, nn or en."))
    cap = raw.get("max_participants")
    view = raw.get("screen_view", "options")
    if view not in SCREEN_VIEWS:
        raise Invalid(N_("The view must be options, tables or agenda."))
    return Session(
        id=0,
        code="",
        facilitator_id=0,
        title=clean_text(raw.get("title"), what=N_("The title"), limit=MAX_TITLE),
        language=str(language),
        screen_key="",
        screen_view=str(view),
        max_participants=None
        if cap is None
        else _int(cap, "max_participants", 1, MAX_PARTICIPANTS),
        wall_page=_int(raw.get("wall_page", 0), "wall_page", 0, 999),
        closed_at=_time(raw.get("closed_at"), "closed_at", optional=True),
        texts_deleted_at=_time(raw.get("texts_deleted_at"), "texts_deleted_at", optional=True),
        organisation=clean_text(
            raw.get("organisation"), what="organisation", limit=MAX_TITLE, required=False
        ),
        region=clean_text(raw.get("region"), what="region", limit=MAX_TITLE, required=False),
        current_segment_id=_ref(
            raw.get("current_segment"), known.segments, "current_segment", True
        ),
        current_activity_id=_ref(
            raw.get("current_activity"), known.activities, "current_activity", True
        ),
        **{k: _bool(raw.get(k, default), k) for k, default in FLAGS},
    )


def _table(raw: dict[str, Any]) -> Table:
    return Table(
        _int(raw.get("number"), "number", 1, MAX_TABLES * 10),
        clean_text(raw.get("name"), what=N_("A table name"), limit=MAX_TABLE_NAME),
        _int(raw.get("capacity", DEFAULT_CAPACITY), "capacity", 1, MAX_CAPACITY),
    )


def _day(raw: dict[str, Any]) -> PlanDay:
    return PlanDay(
        _int(raw.get("day"), "day", 1, MAX_DAYS),
        clock(raw.get("start")),
        _time(raw.get("started_at"), "started_at", optional=True),
    )


def _file_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(N_("Each entry needs a whole number as its id."))
    return value


def _segment(raw: dict[str, Any]) -> Segment:
    spec = segment_spec(raw)
    started = _time(raw.get("started_at"), "started_at", optional=True)
    return Segment(
        _file_id(raw.get("id")), 0, 0, spec.title, spec.day, spec.start, spec.minutes, started
    )


def _case(raw: dict[str, Any]) -> SessionCase:
    s = case_spec(raw)
    return SessionCase(
        _file_id(raw.get("id")), 0, s.source, s.title, s.narrative, s.questions, s.notes,
        s.minutes, s.law,
    )  # fmt: skip


def _activity(raw: dict[str, Any], known: _Known) -> Activity:
    spec = activity_spec(
        raw.get("kind"),
        raw.get("prompt"),
        raw.get("options"),
        raw.get("title"),
        raw.get("allow_why"),
        raw.get("questions") or None,
    )
    try:
        state = ActivityState(raw.get("state", "draft"))
    except ValueError:
        raise Invalid(N_("State must be draft, open, closed or revealed.")) from None
    return Activity(
        id=_file_id(raw.get("id")),
        session_id=0,
        position=0,
        kind=spec.kind,
        prompt=spec.prompt,
        title=spec.title,
        options=spec.options,
        allow_why=spec.allow_why,
        state=state,
        segment_id=_ref(raw.get("segment"), known.segments, "segment", True),
        case_id=_ref(raw.get("case"), known.cases, "case", True),
        questions=spec.questions,
    )


def _person(raw: dict[str, Any], known: _Known) -> PersonRecord:
    return PersonRecord(
        _file_id(raw.get("id")),
        _int(raw.get("number"), "number", 1, 10**9),
        clean_text(raw.get("name"), what=N_("The name"), limit=MAX_NAME, required=False),
        _ref(raw.get("table"), known.tables, "table"),
        _time(raw.get("joined_at"), "joined_at") or 0.0,
        _time(raw.get("removed_at"), "removed_at", optional=True),
    )


def _answer_of(raw: dict[str, Any], known: _Known) -> tuple[str, Activity, int, int, float]:
    """An answer's id, activity, participant, table and time."""
    return (
        _client_id(raw.get("id")),
        known.activities[_ref(raw.get("activity"), known.activities, "activity")],
        _ref(raw.get("participant"), known.people, "participant"),
        _ref(raw.get("table"), known.tables, "table"),
        _time(raw.get("created_at"), "created_at") or 0.0,
    )


def _vote(raw: dict[str, Any], known: _Known) -> VoteRecord:
    vote_id, activity, person, table, at = _answer_of(raw, known)
    option, why = check_vote(activity, raw.get("option"), raw.get("why"))
    latest = _bool(raw.get("latest"), "latest")
    return VoteRecord(vote_id, activity.id, person, table, option, why, at, latest)


def _post(raw: dict[str, Any], known: _Known) -> Post:
    post_id, activity, person, table, at = _answer_of(raw, known)
    text = check_post(activity, raw.get("text"))
    return Post(post_id, activity.id, person, table, text, _bool(raw.get("hidden"), "hidden"), at)


def _quote(raw: dict[str, Any], known: _Known) -> QuoteRecord:
    activity = known.activities[_ref(raw.get("activity"), known.activities, "activity")]
    vote = known.votes[_ref(raw.get("vote"), known.votes, "vote")]
    if vote.activity_id != activity.id:
        raise Invalid(N_("%(what)s names nothing in this file."), what="vote")
    return QuoteRecord(
        activity.id,
        vote.id,
        _int(raw.get("option"), "option", 0, max(0, activity.option_count - 1)),
        clean_text(raw.get("text"), what=N_("Your reason"), limit=MAX_TEXT),
        _time(raw.get("created_at"), "created_at") or 0.0,
    )


def _evaluation(raw: dict[str, Any], known: _Known) -> EvaluationRecord:
    answer_id, activity, person, table, at = _answer_of(raw, known)
    if activity.kind is not ActivityKind.EVALUATION:
        raise Invalid(N_("%(what)s names nothing in this file."), what="activity")
    questions = {q.key: q for q in activity.questions}
    answers = raw.get("answers")
    if not isinstance(answers, list):
        raise Invalid(ANSWERS)
    rows: list[evaluation.Row] = []
    for item in answers:
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str) or key not in questions:
            raise Invalid(ANSWERS)
        q, number, text = questions[key], item.get("number"), item.get("text")
        if q.kind == "topics":
            rows.append(evaluation.Row(key, number=_ref(number, known.segments, "number")))
        elif any(r.key == key for r in rows):
            raise Invalid(TWICE, key=key)
        elif q.kind == "scale":
            rows.append(evaluation.Row(key, number=_int(number, key, 1, evaluation.SCALE_STEPS)))
        elif q.kind == "choice":
            if not isinstance(text, str) or text not in {c[0] for c in q.choices}:
                raise Invalid(N_("%(key)s must be one of its choices."), key=key)
            rows.append(evaluation.Row(key, text=text))
        else:
            rows.append(evaluation.Row(key, text=clean_text(text, what=key, limit=MAX_TEXT)))
    if len(set(rows)) != len(rows):
        raise Invalid(TWICE, key="topics")
    latest = _bool(raw.get("latest"), "latest")
    return EvaluationRecord(answer_id, activity.id, person, table, at, latest, tuple(rows))
