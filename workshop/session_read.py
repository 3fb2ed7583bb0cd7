"""A session file checked whole before anything is stored (docs/api.md, "The session
file"): every entry's fields and limits by the same rules as the routes that make them, and
every reference inside the file. Plain rules, like `plan_file`; `FileProblem` says where."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from workshop import evaluation, hybrid, seating_file, table_answer_file, talk_file
from workshop.agenda import MAX_DAYS, PlanDay, Segment, SessionCase, case_spec, clock, segment_spec
from workshop.checks import flag, moment, ref, whole
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
from workshop.file_checks import SAME_ID, FileProblem, Known, answer_of, each, unique
from workshop.session_file import (
    SESSION_FORMAT,
    SESSION_VERSIONS,
    EvaluationRecord,
    PersonRecord,
    QuoteRecord,
    SessionRecord,
    VoteRecord,
)
from workshop.stations import Rotation, place_of_file, rotation_of_file
from workshop.table_answer_file import BEFORE, TWO_ANSWERS
from workshop.table_talk import Round
from workshop.talk_file import SpokespersonRecord, TableNoteRecord

SCREEN_VIEWS = ("options", "tables", "agenda", "seating")  # as `services.SCREEN_VIEWS`
MAX_CAPACITY = 1000


TWO_LATEST = N_("A participant has two latest answers to one activity.")
TOO_MANY_POSTS = N_("A participant posts at most %(max)d texts to one question.")
ANSWERS = N_("answers must be a list of {key, number, text}.")
TWICE = N_("%(key)s is answered twice.")


def _latest(answer: VoteRecord | EvaluationRecord) -> tuple[int, int] | None:
    return (answer.activity_id, answer.participant_id) if answer.latest else None


def read_session(data: object) -> SessionRecord:
    """A session file checked whole before anything is stored (FileProblem says where)."""
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        raise Invalid(N_("This is not a workshop session file."))
    version = data.get("version")
    if version not in SESSION_VERSIONS or isinstance(version, bool):
        raise Invalid(N_("This session file is from another version of workshop."))
    raw = data.get("session")
    if not isinstance(raw, dict):
        raise FileProblem("session", Invalid(N_("Each entry must be a JSON object.")))
    known = Known()
    tables = each(data, "tables", _table)
    if not 1 <= len(tables) <= MAX_TABLES:
        raise FileProblem(
            "tables", Invalid(N_("A session has from 1 to %(max)d tables."), max=MAX_TABLES)
        )
    known.tables = unique(tables, "tables", lambda t: t.number)
    days = each(data, "days", _day)
    unique(days, "days", lambda d: d.day)
    segments = each(data, "segments", _segment)
    known.segments = unique(segments, "segments", lambda g: g.id)
    cases = each(data, "cases", _case)
    known.cases = unique(cases, "cases", lambda c: c.id)
    activities = each(data, "activities", lambda a: _activity(a, known))
    known.activities = unique(activities, "activities", lambda a: a.id)
    table_answer_file.check_befores(activities, known)
    rotations = each(data, "rotations", lambda r: _rotation(r, known))
    known.rotations = unique(rotations, "rotations", lambda r: r.activity_id)
    try:
        session = _session(raw, known)
    except DomainError as problem:
        raise FileProblem("session", problem) from None

    participants = each(data, "participants", lambda p: _person(p, known))
    known.people = unique(participants, "participants", lambda p: p.id)
    unique(participants, "participants", lambda p: p.number)
    votes = each(data, "votes", lambda v: _vote(v, known))
    known.votes = unique(votes, "votes", lambda v: v.id)
    unique(votes, "votes", _latest, TWO_LATEST)
    acts = each(data, "table_acts", lambda t: table_answer_file.table_act(t, known))
    known.acts = unique(acts, "table_acts", lambda t: t.id)
    table_answer_file.check_confirms(acts, known)
    table_answers = each(data, "table_answers", lambda t: table_answer_file.table_answer(t, known))
    unique(table_answers, "table_answers", lambda t: (t.activity_id, t.table), TWO_ANSWERS)
    table_notes, spokespersons, round_ = _talk(data, known)  # none in a file before issue 16
    questions, join_answers, seats = _seating(data, known)  # none in a file before issue 16
    posts = each(data, "posts", lambda p: _post(p, known))
    unique(posts, "posts", lambda p: p.id)
    places = each(data, "posts", lambda p: place_of_file(p, known.rotations.get(p["activity"])))
    post_stations = {
        p.id: place
        for p, place in zip(posts, places, strict=True)
        if p.activity_id in known.rotations
    }
    counts: Counter[tuple[int, int]] = Counter()
    for index, post in enumerate(posts):
        counts[post.activity_id, post.participant_id] += 1
        if counts[post.activity_id, post.participant_id] > MAX_POSTS:
            problem = Invalid(TOO_MANY_POSTS, max=MAX_POSTS)
            raise FileProblem(f"posts[{index}]", problem)
    quotes = each(data, "quotes", lambda q: _quote(q, known))
    unique(quotes, "quotes", lambda q: (q.activity_id, q.vote_id))
    evaluations = each(data, "evaluations", lambda e: _evaluation(e, known))
    unique(evaluations, "evaluations", lambda e: e.id)
    unique(evaluations, "evaluations", _latest, TWO_LATEST)
    ids = [*(v.id for v in votes), *(p.id for p in posts), *(e.id for e in evaluations)]
    if len(set(ids)) != len(ids):  # one namespace of client ids, as in the store
        raise FileProblem("posts", Invalid(SAME_ID))
    taken = set(ids)
    for index, act in enumerate(acts):  # the table acts' too
        if act.id in taken:
            raise FileProblem(f"table_acts[{index}]", Invalid(SAME_ID))
    return SessionRecord(
        session, tables, days, segments, cases, activities, participants, votes, posts,
        quotes, evaluations, rotations, post_stations, acts, table_answers,
        table_notes, spokespersons, round_,
        join_questions=questions, join_answers=join_answers, seatings=seats,
    )  # fmt: skip


def _seating(data: Mapping[str, Any], known: Known) -> tuple[
    list[seating_file.QuestionRecord], list[seating_file.JoinAnswerRecord],
    list[seating_file.SeatRecord],
]:  # fmt: skip
    """Seating (seating_file.py): the join questions (at most three), each participant's
    answers to them (one per question) and who sat where in each seating."""
    questions = each(data, "join_questions", seating_file.question_of_file)
    if len(questions) > seating_file.MAX_QUESTIONS:
        where = f"join_questions[{seating_file.MAX_QUESTIONS}]"
        raise FileProblem(where, Invalid(seating_file.TOO_MANY))
    asked = unique(questions, "join_questions", lambda q: q.question.id)
    answers = each(
        data, "join_answers", lambda a: seating_file.join_answer_of_file(a, asked, known.people)
    )
    unique(
        answers, "join_answers", lambda a: (a.participant_id, a.question_id),
        seating_file.ANSWERED_TWICE,
    )  # fmt: skip
    seats = each(
        data, "seatings", lambda s: seating_file.seat_of_file(s, known.tables, known.people)
    )
    unique(
        seats, "seatings", lambda s: (s.round, s.table, s.participant_id), seating_file.SAT_TWICE
    )
    unique(  # a seating kept by a reseat has each person at one table
        seats, "seatings", lambda s: None if s.moved else (s.round, s.participant_id),
        seating_file.TWO_TABLES,
    )  # fmt: skip
    return questions, answers, seats


FLAGS = (
    ("joining_locked", False),
    ("table_changes", True),
    ("join_page", False),
    ("join_corner", True),
    ("show_law", False),
    ("closing", False),
)


def _session(raw: dict[str, Any], known: Known) -> Session:
    language = raw.get("language")
    if language not in LANGUAGES:
        raise Invalid(N_("Language must be one of nb, nn or en."))
    cap = raw.get("max_participants")
    view = raw.get("screen_view", "options")
    if view not in SCREEN_VIEWS:
        raise Invalid(N_("The view must be options, tables, agenda or seating."))
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
        else whole(cap, "max_participants", 1, MAX_PARTICIPANTS),
        wall_page=whole(raw.get("wall_page", 0), "wall_page", 0, 999),
        closed_at=moment(raw.get("closed_at"), "closed_at", optional=True),
        texts_deleted_at=moment(raw.get("texts_deleted_at"), "texts_deleted_at", optional=True),
        organisation=clean_text(
            raw.get("organisation"), what="organisation", limit=MAX_TITLE, required=False
        ),
        region=clean_text(raw.get("region"), what="region", limit=MAX_TITLE, required=False),
        plenary_url=hybrid.check_url(raw.get("plenary_url")),
        meeting_pattern=hybrid.check_url(raw.get("meeting_pattern"), pattern=True),
        current_segment_id=ref(raw.get("current_segment"), known.segments, "current_segment", True),
        current_activity_id=ref(
            raw.get("current_activity"), known.activities, "current_activity", True
        ),
        **{k: flag(raw.get(k, default), k) for k, default in FLAGS},
    )


def _table(raw: dict[str, Any]) -> Table:
    return Table(
        whole(raw.get("number"), "number", 1, MAX_TABLES * 10),
        clean_text(raw.get("name"), what=N_("A table name"), limit=MAX_TABLE_NAME),
        whole(raw.get("capacity", DEFAULT_CAPACITY), "capacity", 1, MAX_CAPACITY),
        hybrid.check_kind(raw.get("kind", hybrid.ROOM)),  # rooms only before issue 17
        hybrid.check_url(raw.get("meeting_url")),
    )


def _day(raw: dict[str, Any]) -> PlanDay:
    return PlanDay(
        whole(raw.get("day"), "day", 1, MAX_DAYS),
        clock(raw.get("start")),
        moment(raw.get("started_at"), "started_at", optional=True),
    )


def _file_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(N_("Each entry needs a whole number as its id."))
    return value


def _segment(raw: dict[str, Any]) -> Segment:
    spec = segment_spec(raw)
    started = moment(raw.get("started_at"), "started_at", optional=True)
    return Segment(
        _file_id(raw.get("id")), 0, 0, spec.title, spec.day, spec.start, spec.minutes, started
    )


def _case(raw: dict[str, Any]) -> SessionCase:
    s = case_spec(raw)
    return SessionCase(
        _file_id(raw.get("id")), 0, s.source, s.title, s.narrative, s.questions, s.notes,
        s.minutes, s.law,
    )  # fmt: skip


def _activity(raw: dict[str, Any], known: Known) -> Activity:
    spec = activity_spec(
        raw.get("kind"),
        raw.get("prompt"),
        raw.get("options"),
        raw.get("title"),
        raw.get("allow_why"),
        raw.get("questions") or None,
        raw.get("by"),  # missing in a file from before table answers: each person answers
    )
    before = raw.get("before")
    if before is not None and (isinstance(before, bool) or not isinstance(before, int)):
        raise Invalid(BEFORE)
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
        segment_id=ref(raw.get("segment"), known.segments, "segment", True),
        case_id=ref(raw.get("case"), known.cases, "case", True),
        questions=spec.questions,
        by=spec.by,
        before=before,  # checked by _check_befores
    )


def _rotation(raw: dict[str, Any], known: Known) -> Rotation:
    activity = known.activities[ref(raw.get("activity"), known.activities, "activity")]
    return rotation_of_file(raw, activity)


def _person(raw: dict[str, Any], known: Known) -> PersonRecord:
    return PersonRecord(
        _file_id(raw.get("id")),
        whole(raw.get("number"), "number", 1, 10**9),
        clean_text(raw.get("name"), what=N_("The name"), limit=MAX_NAME, required=False),
        ref(raw.get("table"), known.tables, "table"),
        moment(raw.get("joined_at"), "joined_at") or 0.0,
        moment(raw.get("removed_at"), "removed_at", optional=True),
    )


def _vote(raw: dict[str, Any], known: Known) -> VoteRecord:
    vote_id, activity, person, table, at = answer_of(raw, known)
    option, why = check_vote(activity, raw.get("option"), raw.get("why"))
    latest = flag(raw.get("latest"), "latest")
    return VoteRecord(vote_id, activity.id, person, table, option, why, at, latest)


def _talk(
    data: Mapping[str, Any], known: Known
) -> tuple[list[TableNoteRecord], list[SpokespersonRecord], Round | None]:
    """The talk at the tables (talk_file.py): notes, spokespersons' turns, the round."""
    at, people = (known.activities, known.tables), known.people
    notes = each(data, "table_notes", lambda n: talk_file.note_of_file(n, *at))
    unique(notes, "table_notes", lambda n: (n.activity_id, n.table), talk_file.TWO_NOTES)
    turns = each(data, "spokespersons", lambda t: talk_file.spokesperson_of_file(t, *at, people))
    unique(turns, "spokespersons", lambda t: (t.activity_id, t.table), talk_file.TWO_SPOKESPERSONS)
    try:
        round_ = talk_file.round_of_file(data.get("round"), *at)
    except DomainError as problem:
        raise FileProblem("round", problem) from None
    return notes, turns, round_


def _post(raw: dict[str, Any], known: Known) -> Post:
    post_id, activity, person, table, at = answer_of(raw, known)
    text = check_post(activity, raw.get("text"))
    return Post(post_id, activity.id, person, table, text, flag(raw.get("hidden"), "hidden"), at)


def _quote(raw: dict[str, Any], known: Known) -> QuoteRecord:
    activity = known.activities[ref(raw.get("activity"), known.activities, "activity")]
    vote = known.votes[ref(raw.get("vote"), known.votes, "vote")]
    if vote.activity_id != activity.id:
        raise Invalid(N_("%(what)s names nothing in this file."), what="vote")
    return QuoteRecord(
        activity.id,
        vote.id,
        whole(raw.get("option"), "option", 0, max(0, activity.option_count - 1)),
        clean_text(raw.get("text"), what=N_("Your reason"), limit=MAX_TEXT),
        moment(raw.get("created_at"), "created_at") or 0.0,
    )


def _evaluation(raw: dict[str, Any], known: Known) -> EvaluationRecord:
    answer_id, activity, person, table, at = answer_of(raw, known)
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
            rows.append(evaluation.Row(key, number=ref(number, known.segments, "number")))
        elif any(r.key == key for r in rows):
            raise Invalid(TWICE, key=key)
        elif q.kind == "scale":
            rows.append(evaluation.Row(key, number=whole(number, key, 1, evaluation.SCALE_STEPS)))
        elif q.kind == "choice":
            if not isinstance(text, str) or text not in {c[0] for c in q.choices}:
                raise Invalid(N_("%(key)s must be one of its choices."), key=key)
            rows.append(evaluation.Row(key, text=text))
        else:
            rows.append(evaluation.Row(key, text=clean_text(text, what=key, limit=MAX_TEXT)))
    if len(set(rows)) != len(rows):
        raise Invalid(TWICE, key="topics")
    latest = flag(raw.get("latest"), "latest")
    return EvaluationRecord(answer_id, activity.id, person, table, at, latest, tuple(rows))
