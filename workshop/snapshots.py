"""What each audience is shown, as plain dicts: the shapes of the state messages.

Functions of stored data (a `Room`), the reader's language and the clock (a timer that has
run out is no longer shown); `services` renders them. The screen sees a distribution only
once the facilitator reveals it; the console always.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from workshop.agenda import Segment, SessionCase, next_step, run_of_show
from workshop.domain import (
    SCALE_LABELS,
    Activity,
    ActivityKind,
    ActivityState,
    Post,
    Session,
    Table,
    Tally,
)
from workshop.i18n import gettext_for
from workshop.store.base import Answers, Room

Mark = Callable[[str], list[tuple[str, str | None]]]
"""A glossary's `mark`: a text as runs of (text, term id or None)."""


def first_marks_only(runs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Each term marked where it first appears in a text: a story with "kommunestyret" in
    every paragraph gets one underline, not six."""
    out: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for text, term_id in runs:
        if term_id is not None and term_id in seen:
            term_id = None
        if term_id is not None:
            seen.add(term_id)
        if term_id is None and out and out[-1][1] is None:
            out[-1] = (out[-1][0] + text, None)
        else:
            out.append((text, term_id))
    return out


class Marks:
    """Glossary marks for the texts a reader sees, and the terms they use (docs/api.md)."""

    def __init__(self, mark: Mark | None, explain: Callable[[str], tuple[str, str]]) -> None:
        self._mark = mark
        self._explain = explain
        self.terms: dict[str, dict[str, str]] = {}

    def __call__(self, text: str) -> list[list[Any]]:
        if self._mark is None or not text:
            return [[text, None]]
        runs = self._mark(text)
        for _, term_id in runs:
            if term_id is not None and term_id not in self.terms:
                term, explanation = self._explain(term_id)
                self.terms[term_id] = {"term": term, "explanation": explanation}
        return [[run, term_id] for run, term_id in runs]


def case_view(case: SessionCase, marks: Marks | None, *, notes: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": case.id,
        "source": case.source,
        "title": case.title,
        "narrative": case.narrative,
        "questions": list(case.questions),
    }
    if notes:
        view["notes"] = case.notes
    if marks is not None:
        view["marks"] = {
            "title": marks(case.title),
            "narrative": marks(case.narrative),
            "questions": [marks(q) for q in case.questions],
        }
    return view


def marked_activity(
    activity: Activity, language: str, case: SessionCase | None, marks: Marks | None
) -> dict[str, Any]:
    """What a phone shows of an activity: with its case's text, and glossary marks."""
    view = activity_view(activity, language)
    view["case"] = case_view(case, marks, notes=False) if case else None
    if marks is not None:
        view["marks"] = {
            "title": marks(activity.title),
            "prompt": marks(activity.prompt),
            "options": [marks(o) for o in view["options"]],
        }
    return view


def segment_view(segment: Segment | None) -> dict[str, Any] | None:
    if segment is None:
        return None
    return {
        "id": segment.id,
        "title": segment.title,
        "day": segment.day,
        "start": segment.start,
        "minutes": segment.minutes,
        "started_at": segment.started_at,
    }


def timer_view(session: Session) -> dict[str, Any] | None:
    """The running countdown; snapshots carry the server's `now` so a page can correct for
    its own clock."""
    if session.timer_ends_at is None or session.timer_ends_at <= time.time():
        return None
    return {"ends_at": session.timer_ends_at, "seconds": session.timer_seconds}


def agenda_view(room: Room) -> list[dict[str, Any]]:
    current = room.session.current_segment_id
    return [{**(segment_view(s) or {}), "current": s.id == current} for s in room.segments]


def activity_view(activity: Activity, language: str) -> dict[str, Any]:
    options = list(activity.options)
    if activity.kind is ActivityKind.SCALE:
        options = [gettext_for(language, label) for label in SCALE_LABELS]
    return {
        "id": activity.id,
        "kind": activity.kind.value,
        "title": activity.title,
        "prompt": activity.prompt,
        "options": options,
        "allow_why": activity.allow_why,
        "state": activity.state.value,
    }


def tally_of(room: Room, activity: Activity) -> Tally:
    return Tally.from_rows(activity.option_count, room.votes.get(activity.id, ()))


def results_view(tally: Tally) -> dict[str, Any]:
    return {
        "counts": tally.counts,
        "tables": {str(n): counts for n, counts in sorted(tally.tables.items())},
        "total": tally.total,
    }


def answered(room: Room, activity: Activity, tally: Tally | None) -> tuple[int, dict[str, int]]:
    """How many have answered, in all and per table (people, not posts); `tally` is the
    vote's tally, None for a reflection."""
    if tally is not None:
        by_table = tally.answered_by_table()
    else:
        people: dict[int, set[int]] = {}
        for post in room.posts.get(activity.id, ()):
            people.setdefault(post.table, set()).add(post.participant_id)
        by_table = {table: len(ids) for table, ids in people.items()}
    return sum(by_table.values()), {str(n): c for n, c in sorted(by_table.items())}


def post_view(post: Post, names: dict[int, str], *, moderation: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": post.id,
        "table": post.table,
        "table_name": names.get(post.table, ""),
        "text": post.text,
    }
    if moderation:
        view["hidden"] = post.hidden
    return view


def live_activity(
    room: Room,
    activity: Activity,
    names: dict[int, str],
    *,
    console: bool,
) -> dict[str, Any]:
    """An activity with its answers: everything for the console, what may be shown on screen.
    `names` are the table names by number."""
    view = activity_view(activity, room.session.language)
    case = room.cases.get(activity.case_id) if activity.case_id is not None else None
    if case is None:
        view["case"] = None
    elif console:
        view["case"] = {"id": case.id}  # the case itself is in the state's `cases`, once
    else:
        view["case"] = case_view(case, None, notes=False)
    view["segment"] = activity.segment_id
    tally = tally_of(room, activity) if activity.is_vote else None
    view["answered"], view["answered_by_table"] = answered(room, activity, tally)
    shown = console or activity.state is ActivityState.REVEALED
    view["results"] = results_view(tally) if shown and tally is not None else None
    if activity.kind is ActivityKind.REFLECTION and shown:
        view["posts"] = [
            post_view(p, names, moderation=console)
            for p in room.posts.get(activity.id, ())
            if console or not p.hidden
        ]
    else:
        view["posts"] = None
    if console and activity.is_vote:
        view["whys"] = [
            {"table": w.table, "option": w.option, "text": w.text}
            for w in room.whys.get(activity.id, ())
        ]
    return view


def table_names(room: Room) -> dict[int, str]:
    return {t.number: t.name for t in room.tables}


def tables_view(tables: list[Table], seated: dict[int, int]) -> list[dict[str, Any]]:
    return [
        {
            "number": t.number,
            "name": t.name,
            "seated": seated.get(t.number, 0),
            "capacity": t.capacity,
        }
        for t in tables
    ]


def session_view(session: Session) -> dict[str, Any]:
    return {"code": session.code, "title": session.title, "language": session.language}


def screen_state(room: Room, join_url: str) -> dict[str, Any]:
    session = room.session
    capacity = sum(t.capacity for t in room.tables)
    current = room.activity(session.current_activity_id)
    return {
        "type": "state",
        "version": session.version,
        "session": {**session_view(session), "join_url": join_url},
        "participants": room.participants,
        "capacity": capacity,
        "over_capacity": room.participants > capacity,
        "view": session.screen_view,
        "tables": tables_view(room.tables, room.seated),
        "activity": live_activity(room, current, table_names(room), console=False)
        if current
        else None,
        "segment": segment_view(room.segment(session.current_segment_id)),
        "agenda": agenda_view(room),
        "timer": timer_view(session),
        "now": time.time(),
    }


def console_state(room: Room, join_url: str, screen_url: str, marks: Marks) -> dict[str, Any]:
    state = screen_state(room, join_url)
    state["session"]["screen_url"] = screen_url
    state["current"] = room.session.current_activity_id
    names = table_names(room)
    state["activities"] = [live_activity(room, a, names, console=True) for a in room.activities]
    steps = run_of_show(room.segments, room.activities)
    session = room.session
    following = next_step(steps, session.current_segment_id, session.current_activity_id)
    state["segments"] = [
        {
            **(segment_view(s) or {}),
            "activities": [
                a.id
                for a in sorted(room.activities, key=lambda a: a.position)
                if a.segment_id == s.id
            ],
        }
        for s in room.segments
    ]
    state["current_segment"] = session.current_segment_id
    # Each case once, not once per activity: a day's plan carries 10-20 stories.
    state["cases"] = {str(c.id): case_view(c, marks, notes=True) for c in room.cases.values()}
    state["terms"] = marks.terms
    state["next"] = (
        {"segment": following.segment_id, "activity": following.activity_id} if following else None
    )
    return state


def results(room: Room) -> dict[str, Any]:
    """`GET /api/sessions/{code}/results`."""
    out = []
    for activity in room.activities:
        tally = tally_of(room, activity)
        out.append(
            {
                "id": activity.id,
                "kind": activity.kind.value,
                "state": activity.state.value,
                "counts": tally.counts,
                "tables": results_view(tally)["tables"],
                "posts": [
                    {"id": p.id, "table": p.table, "text": p.text, "hidden": p.hidden}
                    for p in room.posts.get(activity.id, ())
                ],
                "whys": [
                    {"table": w.table, "option": w.option, "text": w.text}
                    for w in room.whys.get(activity.id, ())
                ],
            }
        )
    return {"activities": out}


def phone_state(room: Room, mark: Marks) -> dict[str, Any]:
    """The `activity` message: what the room looks at now, for every phone of a session."""
    session = room.session
    current = room.activity(session.current_activity_id)
    case = room.cases.get(current.case_id) if current and current.case_id is not None else None
    segment = room.segment(session.current_segment_id)
    return {
        "type": "activity",
        "version": session.version,
        "activity": marked_activity(current, session.language, case, mark) if current else None,
        "segment": {"title": segment.title} if segment else None,
        "timer": timer_view(session),
        "now": time.time(),
        "terms": mark.terms,
    }


def answers_view(answers: Answers) -> dict[str, Any]:
    ids = set(answers.votes) | set(answers.posts)
    out: dict[str, Any] = {}
    for activity_id in sorted(ids):
        vote = answers.votes.get(activity_id)
        out[str(activity_id)] = {
            "vote": {"option": vote.option, "why": vote.why} if vote else None,
            "posts": [{"id": p.id, "text": p.text} for p in answers.posts.get(activity_id, ())],
        }
    return out
