"""What each audience is shown, as plain dicts: the shapes of the state messages.

Functions of stored data (a `Room`), the reader's language and the clock (a timer that has
run out is no longer shown); `services` renders them. The screen sees a distribution only
once the facilitator reveals it; the console always.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from workshop import evaluation
from workshop.agenda import SessionCase
from workshop.bounds import Slots, encoded_size, fill
from workshop.day_view import (
    agenda_view,
    days_view,
    screen_options,
    segment_view,
    timer_view,
    timings,
)
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
from workshop.marks import Marks
from workshop.privacy import DEFAULT_MIN_GROUP, hidden_tables
from workshop.stations import screen_part as stations_part
from workshop.store.base import ROOM_POSTS, Answers, Room
from workshop.table_answers import BY_TABLE, live_part, people_behind, table_tally
from workshop.translated import Translation

ANSWERS_BUDGET = 96 * 1024  # a phone's own earlier posts in its welcome
PAGE_LIMIT = 200  # posts (or whys) per page of `GET …/activities/{id}/posts`


def law_view(case: SessionCase) -> list[dict[str, str]]:
    return [{"ref": ref, "text": text} for ref, text in case.law]


def case_view(
    case: SessionCase,
    marks: Marks | None,
    *,
    notes: bool,
    law: bool = False,
    language: str | None = None,
) -> dict[str, Any]:
    """`notes` (and the law, and the minutes) for the facilitator; `law` alone for the
    screen once the facilitator shows it."""
    view: dict[str, Any] = {
        "id": case.id,
        "source": case.source,
        "title": case.title,
        "narrative": case.narrative,
        "questions": list(case.questions),
    }
    if notes:
        view["notes"] = case.notes
        view["minutes"] = case.minutes
    if notes or law:
        view["law"] = law_view(case)
    if marks is not None:
        view["marks"] = {
            "title": marks(case.title, language),
            "narrative": marks(case.narrative, language),
            "questions": [marks(q, language) for q in case.questions],
        }
    return view


def marked_activity(
    activity: Activity,
    language: str,
    case: SessionCase | None,
    marks: Marks | None,
    topics: Sequence[tuple[int, str]] = (),
    translation: Translation | None = None,
    activities: Sequence[Activity] = (),
) -> dict[str, Any]:
    """What a phone shows of an activity: with its case's text, and glossary marks. With a
    `translation`, in the phone's own language where the texts have it (translated.py);
    `language` is the one its texts are in, then, or the session's."""
    text_language = case_language = language
    if translation is not None:
        if case is not None:
            case, case_language = translation.case(case)
        activity, text_language = translation.activity(activity, case, activities)
    view = activity_view(activity, translation.language if translation else language, topics)
    view["language"] = text_language  # the phone marks a text that is not in its own
    view["case"] = case_view(case, marks, notes=False, language=case_language) if case else None
    if case is not None:
        view["case"]["language"] = case_language
    if marks is not None:
        view["marks"] = {
            "title": marks(activity.title, text_language),
            "prompt": marks(activity.prompt, text_language),
            # the scale's labels are the phone's own words
            "options": [
                marks(o, None if activity.kind is ActivityKind.SCALE else text_language)
                for o in view["options"]
            ],
        }
    return view


def activity_view(
    activity: Activity, language: str, topics: Sequence[tuple[int, str]] = ()
) -> dict[str, Any]:
    """`topics` are the plan's segments (id, title): an evaluation's topics to choose from."""
    options = list(activity.options)
    if activity.kind is ActivityKind.SCALE:
        options = [gettext_for(language, label) for label in SCALE_LABELS]
    view = {
        "id": activity.id,
        "kind": activity.kind.value,
        "title": activity.title,
        "prompt": activity.prompt,
        "options": options,
        "allow_why": activity.allow_why,
        "state": activity.state.value,
        "by": activity.by,  # "person" or "table" (table_answers.py)
        "before": activity.before,  # an after round: the activity it asks again
    }
    if activity.is_evaluation:
        view["questions"] = evaluation.questions_view(activity.questions, topics)
    return view


def topics_of(room: Room) -> list[tuple[int, str]]:
    """An evaluation's topics: the segments that had something to do (not the breaks or
    the welcome), or every segment of a plan without activities in them."""
    busy = {a.segment_id for a in room.activities if a.segment_id is not None}
    segments = [s for s in room.segments if s.id in busy] or room.segments
    return [(s.id, s.title) for s in segments]


def tally_of(room: Room, activity: Activity) -> Tally:
    if activity.by == BY_TABLE:  # the bars count tables
        return table_tally(activity.option_count, room.table_answers.get(activity.id, {}))
    return Tally.from_rows(activity.option_count, room.votes.get(activity.id, ()))


def results_view(tally: Tally, hidden: AbstractSet[int] = frozenset()) -> dict[str, Any]:
    return {
        "counts": tally.counts,
        "tables": {str(n): c for n, c in sorted(tally.tables.items()) if n not in hidden},
        "total": tally.total,
    }


def answered(room: Room, activity: Activity, tally: Tally | None) -> dict[int, int]:
    """How many have answered per table (people, not posts); `tally` is the vote's tally,
    None for a reflection."""
    if tally is not None:
        return tally.answered_by_table()
    if activity.is_evaluation:
        people: dict[int, set[int]] = {}
        for row in room.evaluations.get(activity.id, ()):
            people.setdefault(row.table, set()).add(row.participant_id)
        return {table: len(ids) for table, ids in people.items()}
    return {table: people for table, (people, _) in room.posters.get(activity.id, {}).items()}


def hidden_on_screen(room: Room, activity: Activity, by_table: dict[int, int], k: int) -> set[int]:
    """Tables whose figures (and, on a wall, labels) the screen leaves out: by answers, and
    for a wall also by the people whose posts are shown (privacy.py has the rule)."""
    if activity.by == BY_TABLE:  # a table's answer speaks for the people seated there
        by_table = people_behind(by_table, room.seated)
    hidden = hidden_tables(by_table, k)
    if activity.kind is ActivityKind.REFLECTION:
        shown = {t: n for t, (_, n) in room.posters.get(activity.id, {}).items()}
        hidden |= hidden_tables(shown, k)
    return hidden


def post_view(
    post: Post, names: dict[int, str], *, moderation: bool, hidden: AbstractSet[int] = frozenset()
) -> dict[str, Any]:
    """A post of a table in `hidden` loses its table: the screen shows it as "other tables"."""
    anonymous = post.table in hidden
    view: dict[str, Any] = {
        "id": post.id,
        "table": None if anonymous else post.table,
        "table_name": "" if anonymous else names.get(post.table, ""),
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
    slots: Slots,
    min_group: int = DEFAULT_MIN_GROUP,
) -> dict[str, Any]:
    """An activity with its answers: everything for the console, what may be shown on screen.
    `names` are the table names by number. Its posts and whys are left empty, with their
    candidates added to `slots` for `fill`."""
    view = activity_view(activity, room.session.language, topics_of(room))
    case = room.cases.get(activity.case_id) if activity.case_id is not None else None
    if case is None:
        view["case"] = None
    elif console:
        view["case"] = {"id": case.id}  # the case itself is in the state's `cases`, once
    else:
        revealed = activity.state is ActivityState.REVEALED
        law = revealed and room.session.show_law and bool(case.law)
        view["case"] = case_view(case, None, notes=False, law=law)
    view["segment"] = activity.segment_id
    tally = tally_of(room, activity) if activity.is_vote else None
    by_table = answered(room, activity, tally)
    hidden = hidden_on_screen(room, activity, by_table, min_group)
    off_screen = frozenset() if console else hidden
    view["answered"] = sum(by_table.values())
    if console:
        view["answered_by_table"] = {str(n): c for n, c in sorted(by_table.items())}
    else:  # every table but the hidden ones, 0 where no one answered: a missing one is hidden
        view["answered_by_table"] = {
            str(t.number): by_table.get(t.number, 0)
            for t in room.tables
            if t.number not in off_screen
        }
    if console:
        view["hidden_on_screen"] = sorted(hidden)
    shown = console or activity.state is ActivityState.REVEALED
    view["results"] = results_view(tally, off_screen) if shown and tally is not None else None
    view.update(live_part(room, activity, console=console, shown=shown, min_group=min_group))
    if activity.is_evaluation and shown:  # never a free text on the screen
        rows = room.evaluations.get(activity.id, [])
        view["results"] = {
            "responses": evaluation.responses(rows),
            "summary": evaluation.summary(activity.questions, rows, texts=console),
        }
    posts, visible, whys = room.totals.get(activity.id, (0, 0, 0))
    if activity.kind is ActivityKind.REFLECTION and shown:
        view["posts"] = []
        view["posts_total"] = posts if console else visible
        candidates = [p for p in room.posts.get(activity.id, ()) if console or not p.hidden]
        slots.append(
            (
                view["posts"],
                [
                    post_view(p, names, moderation=console, hidden=off_screen)
                    for p in candidates[:ROOM_POSTS]
                ],
            )
        )
    else:
        view["posts"] = None
        view["posts_total"] = posts if console else None
    quotes = room.quotes.get(activity.id, [])
    if activity.is_vote and (console or activity.state is ActivityState.REVEALED):
        view["quotes"] = [{"id": q.id, "option": q.option, "text": q.text} for q in quotes]
    else:
        view["quotes"] = []
    if console and activity.is_vote:
        quoted = {q.id for q in quotes}
        view["whys"] = []
        view["whys_total"] = whys
        slots.append(
            (
                view["whys"],
                [
                    {
                        "id": w.id,
                        "table": w.table,
                        "option": w.option,
                        "text": w.text,
                        "quoted": w.id in quoted,
                    }
                    for w in room.whys.get(activity.id, ())
                ],
            )
        )
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
            "kind": t.kind,  # room or digital (hybrid.py)
        }
        for t in tables
    ]


def session_view(session: Session) -> dict[str, Any]:
    return {"code": session.code, "title": session.title, "language": session.language}


def screen_state(
    room: Room, join_url: str, min_group: int = DEFAULT_MIN_GROUP, slots: Slots | None = None
) -> dict[str, Any]:
    """With `slots`, the posts are left for the caller to `fill`."""
    session = room.session
    capacity = sum(t.capacity for t in room.tables)
    current = room.activity(session.current_activity_id)
    own: Slots = []
    names = table_names(room)
    times = timings(room)
    segment = room.segment(session.current_segment_id)
    state = {
        "type": "state",
        "version": session.version,
        "session": {
            **session_view(session),
            "join_url": join_url,
            "joining_locked": session.joining_locked,
            "closed": session.closed,
        },
        "closing": session.closing,
        "screen": screen_options(session),
        "participants": room.participants,
        "capacity": capacity,
        "over_capacity": room.participants > capacity,
        "view": session.screen_view,
        "tables": tables_view(room.tables, room.seated),
        "activity": live_activity(
            room,
            current,
            names,
            console=False,
            slots=own if slots is None else slots,
            min_group=min_group,
        )
        if current
        else None,
        "segment": segment_view(segment, times.get(segment.id) if segment else None),
        "agenda": agenda_view(room, times),
        "days": days_view(room),
        "timer": timer_view(session),
        "now": time.time(),
        "stations": stations_part(
            room.stations.get(session.current_activity_id or 0), room.tables, time.time()
        ),
    }
    if slots is None:
        fill(state, own)
    return state


def phone_state(room: Room, mark: Marks, translation: Translation | None = None) -> dict[str, Any]:
    """The `activity` message: what the room looks at now, for every phone of a session
    that reads the session's language, or (with a `translation`) another one."""
    session = room.session
    current = room.activity(session.current_activity_id)
    case = room.cases.get(current.case_id) if current and current.case_id is not None else None
    segment = room.segment(session.current_segment_id)
    return {
        "type": "activity",
        "version": session.version,
        "activity": marked_activity(
            current,
            session.language,
            case,
            mark,
            topics_of(room),
            translation,
            room.activities,
        )
        if current
        else None,
        "segment": {"title": segment.title} if segment else None,
        "closing": session.closing,
        "closed": session.closed,
        "table_changes": session.table_changes,
        "timer": timer_view(session),
        "now": time.time(),
        "terms": mark.terms,
    }


def answers_view(
    answers: Answers,
    activities: Sequence[Activity] = (),
    budget: int = ANSWERS_BUDGET,
) -> dict[str, Any]:
    """A phone's own answers; of its posts, the newest that fit in `budget` bytes (a phone
    that posted a whole wall gets a welcome it can still carry). `activities` give an
    evaluation's questions, to read its stored rows back as the frame's answers."""
    ids = set(answers.votes) | set(answers.posts) | set(answers.evaluations)
    questions = {a.id: a.questions for a in activities}
    out: dict[str, Any] = {}
    for activity_id in sorted(ids):
        vote = answers.votes.get(activity_id)
        out[str(activity_id)] = {
            "vote": {"option": vote.option, "why": vote.why} if vote else None,
            "posts": [],
        }
        if activity_id in answers.evaluations:
            rows = answers.evaluations[activity_id]
            out[str(activity_id)]["evaluation"] = evaluation.own_answers(
                questions.get(activity_id, ()), rows
            )
    newest = sorted(
        (p for posts in answers.posts.values() for p in posts),
        key=lambda p: p.created_at,
        reverse=True,
    )
    kept: dict[int, list[dict[str, Any]]] = {}
    for post in newest:
        item = {"id": post.id, "text": post.text}
        budget -= encoded_size(item) + 1
        if budget < 0:
            break
        kept.setdefault(post.activity_id, []).append(item)
    for activity_id, items in kept.items():
        out[str(activity_id)]["posts"] = items[::-1]
    return out
