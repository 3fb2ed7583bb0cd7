"""What the facilitator is shown: the console's state, the results and a page of posts.

Built on the screen's state (`snapshots.py`): the console sees everything the screen does,
plus every activity's answers live, the plan, and which tables the screen leaves out.
"""

from __future__ import annotations

from typing import Any

from workshop import evaluation
from workshop.agenda import next_step, run_of_show
from workshop.bounds import Slots, fill
from workshop.day_view import segment_view, timings
from workshop.domain import Activity, Post, Why
from workshop.marks import Marks
from workshop.privacy import DEFAULT_MIN_GROUP
from workshop.snapshots import (
    answered,
    case_view,
    live_activity,
    post_view,
    results_view,
    screen_state,
    table_names,
    tally_of,
    topics_of,
)
from workshop.stations import mark_cards
from workshop.store.base import Room
from workshop.table_answers import participation, results_part


def console_state(
    room: Room,
    join_url: str,
    screen_url: str,
    marks: Marks,
    min_group: int = DEFAULT_MIN_GROUP,
) -> dict[str, Any]:
    """Posts and whys get room in this order: the current activity's, the others' in play
    order, then the screen's copy of the current activity."""
    screen_slots: Slots = []
    state = screen_state(room, join_url, min_group, screen_slots)
    state["session"]["screen_url"] = screen_url
    state["current"] = room.session.current_activity_id
    state["min_group"] = min_group
    state["max_participants"] = room.session.max_participants
    state["joining_locked"] = room.session.joining_locked
    names = table_names(room)
    slots: dict[int, Slots] = {a.id: [] for a in room.activities}
    state["activities"] = [
        live_activity(room, a, names, console=True, slots=slots[a.id], min_group=min_group)
        for a in room.activities
    ]
    mark_cards(state["activities"], room.stations)  # a rotation's card: "Stations: 3"
    steps = run_of_show(room.segments, room.activities)
    session = room.session
    following = next_step(
        steps, session.current_segment_id, session.current_activity_id, session.closing
    )
    times = timings(room)
    state["segments"] = [
        {
            **(segment_view(s, times.get(s.id)) or {}),
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
        {
            "segment": following.segment_id,
            "activity": following.activity_id,
            "closing": following.closing,
        }
        if following
        else None
    )
    state["table_changes"] = session.table_changes
    live = room.activity(session.current_activity_id)  # participation at a glance
    state["participation"] = participation(room, answered_of(room, live)) if live else None
    current = slots.pop(session.current_activity_id, []) if session.current_activity_id else []
    fill(state, [*current, *(s for listed in slots.values() for s in listed), *screen_slots])
    return state


def answered_of(room: Room, activity: Activity) -> dict[int, int]:
    return answered(room, activity, tally_of(room, activity) if activity.is_vote else None)


def results(room: Room) -> dict[str, Any]:
    """`GET /api/sessions/{code}/results`."""
    out: list[dict[str, Any]] = []
    for activity in room.activities:
        if activity.is_evaluation:
            rows = room.evaluations.get(activity.id, [])
            out.append(
                {
                    "id": activity.id,
                    "kind": activity.kind.value,
                    "state": activity.state.value,
                    "responses": evaluation.responses(rows),
                    "questions": evaluation.questions_view(activity.questions, topics_of(room)),
                    "summary": evaluation.summary(activity.questions, rows),
                }
            )
            continue
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
                **results_part(room, activity),  # by, table_answers, before, compare
            }
        )
    return {"activities": out}


def posts_page_view(
    activity: Activity,
    posts: list[Post],
    whys: list[Why],
    total: int,
    offset: int,
    names: dict[int, str],
) -> dict[str, Any]:
    """`GET …/activities/{id}/posts`: a page of a wall (or of a vote's whys) for the console."""
    return {
        "activity": activity.id,
        "total": total,
        "offset": offset,
        "posts": [post_view(p, names, moderation=True) for p in posts],
        "whys": [{"table": w.table, "option": w.option, "text": w.text} for w in whys],
    }
