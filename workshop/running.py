"""Use cases of running the day: the big "next" through the plan to its closing, the
timer of each step, the day's clock, what the screen shows beside the run of show (the
join page, the corner, the law, chosen "why" texts), table changes, and closing the session.

Publishes through the same Broadcast as `Workshop`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from workshop.agenda import MAX_DAYS, next_step, run_of_show, timer_seconds
from workshop.agenda import clock as clock_time
from workshop.day_view import screen_options, timer_view
from workshop.domain import ActivityState, Participant, Session, is_row_id
from workshop.errors import N_, Conflict, Invalid, NotFound
from workshop.hub import CONSOLE, PHONES, SCREEN, TABLES
from workshop.store import Store

Publish = Callable[..., Awaitable[None]]
TIMER_STEP = 600  # at most ten minutes added or taken at once
SCREEN_FLAGS = {"join_page": "join_page", "join_corner": "join_corner", "law": "show_law"}
MAX_QUOTE_ID = 64
MAX_PAGE = 999  # a wall page the facilitator steps to; the screen takes it modulo its pages


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(N_("%(what)s must be true or false."), what=what)
    return value


class Running:
    def __init__(self, store: Store, publish: Publish) -> None:
        self.store = store
        self._publish = publish
        self._timers: dict[int, asyncio.TimerHandle] = {}  # session id -> "time is up" call
        self._publishing: set[asyncio.Task[None]] = set()

    # --- the run of show ----------------------------------------------------------------

    async def next(self, session: Session, seen: object = None) -> dict[str, Any]:
        """Close what is open and move the room to the next step of the plan; after the
        last one, to the closing.

        `seen` is where the console saw the room (`{segment, activity[, closing]}`); when
        the room has moved since (a double click, a second console), nothing happens."""
        session = await self.store.session(session.code) or session
        if session.closed:
            raise Conflict(N_("The session is closed. Reopen it to go on."))
        here = (session.current_segment_id, session.current_activity_id, session.closing)
        if seen is not None and (
            not isinstance(seen, dict)
            or (seen.get("segment"), seen.get("activity"), bool(seen.get("closing"))) != here
        ):
            raise Conflict(N_("The room has already moved on. Look again, then press Next."))
        activities = await self.store.activities(session.id)
        steps = run_of_show(await self.store.segments(session.id), activities)
        step = next_step(steps, *here)
        if not steps:
            raise Conflict(N_("The plan is empty. Add a segment or an activity first."))
        if step is None:
            raise Conflict(N_("This is the end of the day. Close the session when you are ready."))
        states = {a.id: ActivityState.CLOSED for a in activities if a.state is ActivityState.OPEN}
        if step.activity_id is not None:
            states[step.activity_id] = ActivityState.OPEN
        await self.store.set_activity_states(
            session.id,
            states,
            current_activity_id=step.activity_id,
            current_segment_id=step.segment_id,
            closing=step.closing,
        )
        self._cancel(session.id)  # the timer ended with its step
        await self._publish(session, CONSOLE, SCREEN, PHONES)
        return {"segment": step.segment_id, "activity": step.activity_id, "closing": step.closing}

    # --- the timer ----------------------------------------------------------------------

    async def set_timer(self, session: Session, body: Mapping[str, Any]) -> dict[str, Any] | None:
        """`{"seconds": n}` starts a countdown (0 stops it); `{"add": ±s}` gives or takes
        time, also after it ran out."""
        if "add" in body:
            delta = body["add"]
            if (
                isinstance(delta, bool)
                or not isinstance(delta, int)
                or not 0 < abs(delta) <= TIMER_STEP
            ):
                raise Invalid(
                    N_("add is a number of seconds from -%(max)d to %(max)d, not 0."),
                    max=TIMER_STEP,
                )
            session = await self.store.add_timer(session.id, delta, time.time())
        else:
            length = timer_seconds(body.get("seconds"))
            ends_at = time.time() + length if length else None
            session = await self.store.set_timer(session.id, ends_at, length)
        self._schedule(session)
        await self._publish(session, CONSOLE, SCREEN, PHONES)
        return timer_view(session)

    def _schedule(self, session: Session) -> None:
        """Publish once more when the countdown runs out, so "time is up" is a state every
        screen and phone gets (pages also count down on their own)."""
        self._cancel(session.id)
        if session.timer_ends_at is None:
            return
        delay = session.timer_ends_at - time.time()
        if delay <= 0:
            return
        loop = asyncio.get_running_loop()

        def up() -> None:
            self._timers.pop(session.id, None)
            task = loop.create_task(self._publish(session, CONSOLE, SCREEN, PHONES))
            self._publishing.add(task)
            task.add_done_callback(self._publishing.discard)

        self._timers[session.id] = loop.call_later(delay + 0.05, up)

    def _cancel(self, session_id: int) -> None:
        handle = self._timers.pop(session_id, None)
        if handle is not None:
            handle.cancel()

    # --- the day's clock ----------------------------------------------------------------

    async def start_day(self, session: Session, body: Mapping[str, Any]) -> dict[str, Any]:
        """ "Start now": the day's times count from this moment."""
        day = body.get("day")
        if day is None:
            segments = await self.store.segments(session.id)
            current = next((s for s in segments if s.id == session.current_segment_id), None)
            day = current.day if current else 1
        day = self._day(day)
        started = await self.store.set_day(session.id, day, started_at=time.time())
        await self._publish(session, CONSOLE, SCREEN)
        return {"day": started.day, "start": started.start, "started_at": started.started_at}

    async def set_day_start(self, session: Session, day: object, start: object) -> dict[str, Any]:
        day = self._day(day)
        changed = await self.store.set_day(session.id, day, start=clock_time(start))
        await self._publish(session, CONSOLE, SCREEN)
        return {"day": changed.day, "start": changed.start, "started_at": changed.started_at}

    @staticmethod
    def _day(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
            raise Invalid(N_("The day must be a whole number from 1 to %(max)d."), max=MAX_DAYS)
        return value

    # --- the screen beside the run of show ----------------------------------------------

    async def set_screen(self, session: Session, body: Mapping[str, Any]) -> dict[str, Any]:
        """The join page over everything, the corner with the QR code, the law after a
        reveal, the wall's page: none of them moves the run of show."""
        changes: dict[str, Any] = {
            column: _flag(body[key], key) for key, column in SCREEN_FLAGS.items() if key in body
        }
        if "wall_page" in body:
            page = body["wall_page"]
            if isinstance(page, bool) or not isinstance(page, int) or not 0 <= page <= MAX_PAGE:
                raise Invalid(
                    N_("wall_page must be a whole number from 0 to %(max)d."), max=MAX_PAGE
                )
            changes["wall_page"] = page
        if not changes:
            raise Invalid(N_("Say what to show: join_page, join_corner, law or wall_page."))
        session = await self.store.update_session(session.id, **changes)
        await self._publish(session, SCREEN, CONSOLE)
        return screen_options(session)

    async def quote(self, session: Session, activity_id: object, vote_id: object) -> bool:
        """Put a "why" on the screen (a copy, without names); False if it already was."""
        if not is_row_id(activity_id):
            raise NotFound(N_("This session has no such activity."))
        if not isinstance(vote_id, str) or not 0 < len(vote_id) <= MAX_QUOTE_ID:
            raise Invalid(N_("Say which reason to show: why is the vote's id."))
        added = await self.store.add_quote(session.id, activity_id, vote_id)
        await self._publish(session, SCREEN, CONSOLE)
        return added

    async def unquote(self, session: Session, activity_id: object, vote_id: str) -> None:
        if not is_row_id(activity_id) or not await self.store.remove_quote(
            session.id, activity_id, vote_id
        ):
            raise NotFound(N_("This reason is not on the screen."))
        await self._publish(session, SCREEN, CONSOLE)

    # --- tables ---------------------------------------------------------------------------

    async def set_table_changes(self, session: Session, allowed: object) -> bool:
        session = await self.store.set_table_changes(session.id, _flag(allowed, "allowed"))
        await self._publish(session, CONSOLE, PHONES)
        return session.table_changes

    async def change_table(
        self, session: Session, participant: Participant, table: object
    ) -> tuple[Participant, str]:
        """Seat a participant at another table; their name there for the reply."""
        if isinstance(table, bool) or not isinstance(table, int):
            raise Invalid(N_("The table must be a table number."))
        moved = await self.store.change_table(session.id, participant.id, table)
        await self._publish(session, SCREEN, CONSOLE, TABLES)  # the old table and the new
        tables = await self.store.tables(session.id)
        return moved, next((t.name for t in tables if t.number == moved.table), "")

    # --- closing ----------------------------------------------------------------------------

    async def set_closed(self, session: Session, closed: bool) -> Session:
        """Closed: phones say goodbye, answers are refused, the console and the results stay
        readable. Reopening lets the facilitator go on."""
        session = await self.store.set_closed(session.id, closed)
        self._cancel(session.id)
        await self._publish(session, CONSOLE, SCREEN, PHONES)
        return session
