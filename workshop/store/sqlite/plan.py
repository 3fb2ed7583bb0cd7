"""Activities and the day's plan: segments and the cases copied into a session."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping, Sequence

from workshop import evaluation
from workshop.agenda import CaseSpec, PlanSegment, Segment, SegmentSpec, SessionCase
from workshop.domain import Activity, ActivitySpec, ActivityState, Session
from workshop.errors import N_, Conflict, NotFound
from workshop.store.base import UNCHANGED, Unchanged
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    activity_from,
    bump,
    check_segment,
    fetchall,
    insert_activity,
    insert_case,
    segment_from,
    session_case_from,
    session_from,
)


def _session_row(db: sqlite3.Connection, session_id: int) -> tuple[object, ...]:
    """Where the room is: its step."""
    return tuple(
        fetchall(
            db,
            "SELECT current_activity_id, current_segment_id, closing FROM sessions WHERE id = ?",
            (session_id,),
        )[0]
    )


class Plan(Connection):
    # --- activities ---------------------------------------------------------------------

    async def add_activity(
        self, session_id: int, spec: ActivitySpec, segment_id: int | None = None
    ) -> Activity:
        def op(db: sqlite3.Connection) -> Activity:
            if segment_id is not None:
                check_segment(db, session_id, segment_id)
            activity = insert_activity(db, session_id, spec, segment_id)
            bump(db, session_id)
            return activity

        return await self._write(op)

    async def move_activity_to(self, session_id: int, activity_id: int, index: int) -> None:
        def op(db: sqlite3.Connection) -> None:
            rows = fetchall(
                db,
                "SELECT segment_id FROM activities WHERE id = ? AND session_id = ?",
                (activity_id, session_id),
            )
            if not rows:
                raise NotFound(N_("This session has no such activity."))
            siblings = fetchall(
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
            bump(db, session_id)

        await self._write(op)

    # --- the day's plan -----------------------------------------------------------------

    async def add_plan(
        self,
        session_id: int,
        plan: Sequence[PlanSegment],
        into: int | None = None,
        days: Mapping[int, str] | None = None,
    ) -> list[tuple[int, list[tuple[int | None, list[int]]]]]:
        """Append `plan`'s segments (or, with `into`, its items to that segment) in one
        transaction: [(segment id, [(case id, [activity ids])])]. `days` gives planned day
        starts, kept only for days that have none yet."""

        def op(db: sqlite3.Connection) -> list[tuple[int, list[tuple[int | None, list[int]]]]]:
            db.executemany(
                "INSERT INTO plan_days (session_id, day, start) VALUES (?, ?, ?)"
                " ON CONFLICT (session_id, day) DO UPDATE SET start = excluded.start"
                " WHERE plan_days.start = ''",
                [(session_id, day, start) for day, start in (days or {}).items()],
            )
            made = []
            rows = fetchall(
                db,
                "SELECT COALESCE(MAX(position), -1) + 1 FROM segments WHERE session_id = ?",
                (session_id,),
            )
            position = rows[0][0]
            for part in plan:
                if into is not None:
                    check_segment(db, session_id, into)
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
                    case_id = insert_case(db, session_id, item.case) if item.case else None
                    ids = [
                        insert_activity(db, session_id, a, segment_id, case_id).id
                        for a in item.activities
                    ]
                    items.append((case_id, ids))
                made.append((segment_id, items))
            bump(db, session_id)
            return made

        return await self._write(op)

    async def segments(self, session_id: int) -> list[Segment]:
        rows = await self._all(
            "SELECT * FROM segments WHERE session_id = ? ORDER BY position", (session_id,)
        )
        return [segment_from(r) for r in rows]

    async def session_cases(self, session_id: int) -> dict[int, SessionCase]:
        rows = await self._all("SELECT * FROM session_cases WHERE session_id = ?", (session_id,))
        return {r["id"]: session_case_from(r) for r in rows}

    async def update_segment(
        self, session_id: int, segment_id: int, spec: SegmentSpec, position: int | None = None
    ) -> None:
        def op(db: sqlite3.Connection) -> None:
            check_segment(db, session_id, segment_id)
            db.execute(
                "UPDATE segments SET title = ?, day = ?, start = ?, minutes = ? WHERE id = ?",
                (spec.title, spec.day, spec.start, spec.minutes, segment_id),
            )
            if position is not None:
                ids = [
                    r[0]
                    for r in fetchall(
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
            bump(db, session_id)

        await self._write(op)

    async def delete_segment(self, session_id: int, segment_id: int) -> None:
        def op(db: sqlite3.Connection) -> None:
            check_segment(db, session_id, segment_id)
            used = fetchall(
                db,
                "SELECT 1 FROM activities WHERE segment_id = ? AND state != 'draft' LIMIT 1",
                (segment_id,),
            )
            if used:
                raise Conflict(N_("This segment has been run; it stays in the plan."))
            cases = fetchall(
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
            bump(db, session_id)

        await self._write(op)

    async def update_activity(self, session_id: int, activity_id: int, spec: ActivitySpec) -> None:
        def op(db: sqlite3.Connection) -> None:
            cursor = db.execute(
                "UPDATE activities SET title = ?, prompt = ?, options = ?, allow_why = ?,"
                " questions = ? WHERE id = ? AND session_id = ? AND state = 'draft'",
                (
                    spec.title,
                    spec.prompt,
                    json.dumps(list(spec.options), ensure_ascii=False),
                    int(spec.allow_why),
                    evaluation.dumps(spec.questions),
                    activity_id,
                    session_id,
                ),
            )
            if cursor.rowcount == 0:
                if fetchall(
                    db,
                    "SELECT 1 FROM activities WHERE id = ? AND session_id = ?",
                    (activity_id, session_id),
                ):
                    raise Conflict(N_("This activity has been opened; its text stays as it was."))
                raise NotFound(N_("This session has no such activity."))
            bump(db, session_id)

        await self._write(op)

    async def delete_activity(self, session_id: int, activity_id: int) -> None:
        def op(db: sqlite3.Connection) -> None:
            rows = fetchall(
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
            if case_id is not None and not fetchall(
                db, "SELECT 1 FROM activities WHERE case_id = ? LIMIT 1", (case_id,)
            ):
                db.execute("DELETE FROM session_cases WHERE id = ?", (case_id,))
            db.execute(
                "UPDATE sessions SET current_activity_id = NULL"
                " WHERE id = ? AND current_activity_id = ?",
                (session_id, activity_id),
            )
            bump(db, session_id)

        await self._write(op)

    async def update_case(self, session_id: int, case_id: int, spec: CaseSpec) -> None:
        def op(db: sqlite3.Connection) -> None:
            cursor = db.execute(
                "UPDATE session_cases SET title = ?, narrative = ?, questions = ?, notes = ?,"
                " minutes = ?, law = ? WHERE id = ? AND session_id = ?",
                (
                    spec.title,
                    spec.narrative,
                    json.dumps(list(spec.questions), ensure_ascii=False),
                    spec.notes,
                    spec.minutes,
                    json.dumps([list(item) for item in spec.law], ensure_ascii=False),
                    case_id,
                    session_id,
                ),
            )
            if cursor.rowcount == 0:
                raise NotFound(N_("This session has no such case."))
            bump(db, session_id)

        await self._write(op)

    async def set_timer(self, session_id: int, ends_at: float | None, seconds: int) -> Session:
        def op(db: sqlite3.Connection) -> Session:
            db.execute(
                "UPDATE sessions SET timer_ends_at = ?, timer_seconds = ?, version = version + 1"
                " WHERE id = ?",
                (ends_at, seconds, session_id),
            )
            return session_from(
                fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))[0]
            )

        return await self._write(op)

    async def add_timer(self, session_id: int, delta: int, now: float) -> Session:
        def op(db: sqlite3.Connection) -> Session:
            # From now when it has run out; never before now (then it is up).
            cursor = db.execute(
                "UPDATE sessions SET timer_ends_at = MAX(MAX(timer_ends_at, ?) + ?, ?),"
                " timer_seconds = MAX(timer_seconds + ?, 0), version = version + 1"
                " WHERE id = ? AND timer_ends_at IS NOT NULL",
                (now, delta, now, delta, session_id),
            )
            if cursor.rowcount == 0:
                raise Conflict(N_("No timer is running. Start one first."))
            return session_from(
                fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))[0]
            )

        return await self._write(op)

    async def activities(self, session_id: int) -> list[Activity]:
        rows = await self._all(
            "SELECT * FROM activities WHERE session_id = ? ORDER BY position", (session_id,)
        )
        return [activity_from(r) for r in rows]

    async def activity(self, session_id: int, activity_id: int) -> Activity | None:
        row = await self._one(
            "SELECT * FROM activities WHERE id = ? AND session_id = ?", (activity_id, session_id)
        )
        return activity_from(row) if row else None

    async def set_activity_states(
        self,
        session_id: int,
        states: Mapping[int, ActivityState],
        current_activity_id: int | Unchanged | None = UNCHANGED,
        current_segment_id: int | Unchanged | None = UNCHANGED,
        closing: bool = False,
    ) -> None:
        def op(db: sqlite3.Connection) -> None:
            db.executemany(
                "UPDATE activities SET state = ? WHERE id = ? AND session_id = ?",
                [(state.value, activity_id, session_id) for activity_id, state in states.items()],
            )
            before = _session_row(db, session_id)
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
                # The first step into a day starts that day's clock, unless "start now" did.
                db.execute(
                    "INSERT INTO plan_days (session_id, day, started_at)"
                    " SELECT session_id, day, ? FROM segments WHERE id = ? AND session_id = ?"
                    " ON CONFLICT (session_id, day) DO UPDATE SET started_at ="
                    " COALESCE(plan_days.started_at, excluded.started_at)",
                    (time.time(), current_segment_id, session_id),
                )
            db.execute("UPDATE sessions SET closing = ? WHERE id = ?", (int(closing), session_id))
            after = _session_row(db, session_id)
            if before != after:  # a new step: its timer and the join page end with the old one
                db.execute(
                    "UPDATE sessions SET timer_ends_at = NULL, join_page = 0 WHERE id = ?",
                    (session_id,),
                )
            bump(db, session_id)

        await self._write(op)
