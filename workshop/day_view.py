"""The day's plan and its clock as the state messages show them: segments with their
computed times, the days, the timer, and what the facilitator put on the screen.

Plain functions of stored data and the clock, like `snapshots.py` (which uses them)."""

from __future__ import annotations

import time
from typing import Any

from workshop.agenda import Segment, Timing, case_needs, schedule
from workshop.domain import Session
from workshop.store.base import Room


def timings(room: Room) -> dict[int, Timing]:
    return schedule(room.segments, room.days, case_needs(room.activities, room.cases))


def segment_view(segment: Segment | None, timing: Timing | None) -> dict[str, Any] | None:
    """A segment with its planned start computed from its day's start and the lengths
    before it (`agenda.schedule`), and whether its cases need more time than it has."""
    if segment is None:
        return None
    timing = timing or Timing(0, "", 0)
    return {
        "id": segment.id,
        "title": segment.title,
        "day": segment.day,
        "start": timing.start,
        "offset": timing.offset,
        "minutes": segment.minutes,
        "needs": timing.needs,
        "over": timing.over(segment.minutes),
        "started_at": segment.started_at,
    }


def agenda_view(room: Room, times: dict[int, Timing]) -> list[dict[str, Any]]:
    current = room.session.current_segment_id
    return [
        {**(segment_view(s, times.get(s.id)) or {}), "current": s.id == current}
        for s in room.segments
    ]


def days_view(room: Room) -> list[dict[str, Any]]:
    """Every day of the plan: its planned start and when it really started."""
    numbers = sorted({s.day for s in room.segments} | set(room.days))
    return [
        {
            "day": n,
            "start": room.days[n].start if n in room.days else "",
            "started_at": room.days[n].started_at if n in room.days else None,
        }
        for n in numbers
    ]


def timer_view(session: Session, now: float | None = None) -> dict[str, Any] | None:
    """The table-talk countdown of this step. Once it has run out it stays, as "up", until
    the facilitator stops it or the room moves on; snapshots carry the server's `now` so a
    page can correct for its own clock."""
    if session.timer_ends_at is None:
        return None
    now = time.time() if now is None else now
    return {
        "ends_at": session.timer_ends_at,
        "seconds": session.timer_seconds,
        "up": session.timer_ends_at <= now,
    }


def screen_options(session: Session) -> dict[str, Any]:
    return {
        "join_page": session.join_page,
        "join_corner": session.join_corner,
        "law": session.show_law,
        "wall_page": session.wall_page,
    }
