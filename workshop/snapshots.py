"""What each audience is shown, as plain dicts: the shapes of the state messages.

Pure functions of stored data (a `Room`) and the reader's language; `services` renders them.
The screen sees a distribution only once the facilitator reveals it; the console always.
"""

from __future__ import annotations

from typing import Any

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
    room: Room, activity: Activity, names: dict[int, str], *, console: bool
) -> dict[str, Any]:
    """An activity with its answers: everything for the console, what may be shown on screen.
    `names` are the table names by number."""
    view = activity_view(activity, room.session.language)
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
    }


def console_state(room: Room, join_url: str, screen_url: str) -> dict[str, Any]:
    state = screen_state(room, join_url)
    state["session"]["screen_url"] = screen_url
    state["current"] = room.session.current_activity_id
    names = table_names(room)
    state["activities"] = [live_activity(room, a, names, console=True) for a in room.activities]
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


def phone_activity(activity: Activity | None, session: Session) -> dict[str, Any] | None:
    return activity_view(activity, session.language) if activity else None


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
