"""Use cases of the talk at the tables: a table's shared notes, its spokesperson, calling the
facilitator, and the round of the tables on the screen.

Each writes through the Store, which reads the participant's table in the same step, and
only then publishes: the table's own channel, and the screen and console where they show it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from workshop import notes
from workshop.domain import Activity, Participant, Session
from workshop.errors import N_, Conflict, Invalid, NotFound
from workshop.hub import CONSOLE, SCREEN, TABLES, table_channel
from workshop.messages import HandMessage, NoteMessage, SpokespersonMessage
from workshop.running import Running
from workshop.store import Store
from workshop.store.base import IdTaken
from workshop.table_talk import (
    ROUND_ACTIONS,
    HandAct,
    NoteEdit,
    Pick,
    Round,
    check_generation,
    console_notes_view,
    hands_view,
    report_note,
    round_view,
    speaking_seconds,
    start_round,
    step_round,
)

Publish = Callable[..., Awaitable[None]]
ID_TAKEN = N_("This answer's id was already used. Send it again.")


class Talking:
    def __init__(
        self, store: Store, publish: Publish, running: Running, min_group: int = 3
    ) -> None:
        self.store = store
        self._publish = publish
        self._running = running
        self.min_group = min_group

    async def _stored(self, write: Awaitable[int | None]) -> int | None:
        try:
            return await write
        except IdTaken:
            raise Conflict(ID_TAKEN) from None

    # --- from the phones --------------------------------------------------------------------

    async def note(self, session: Session, participant: Participant, msg: NoteMessage) -> None:
        generation = check_generation(msg.generation)
        edit = NoteEdit(msg.id, participant.id, msg.activity, notes.decode(msg.update), generation)
        table = await self._stored(self.store.record_note(edit))
        if table is None:
            return  # a repeat: already merged and published
        speaking = await self.store.round_table(session.id)
        channels = (SCREEN,) if speaking == table else ()  # the screen shows its notes
        # The console shows every table's notes live (the hub renders it a few times a second).
        await self._publish(session, table_channel(table), CONSOLE, *channels)

    async def pick(
        self, session: Session, participant: Participant, msg: SpokespersonMessage
    ) -> None:
        pick = Pick(msg.id, participant.id, msg.activity, msg.participant)  # type: ignore[arg-type]
        table = await self._stored(self.store.pick_spokesperson(pick))
        if table is not None:
            await self._publish(session, table_channel(table), SCREEN, CONSOLE)

    async def hand(self, session: Session, participant: Participant, msg: HandMessage) -> None:
        if not isinstance(msg.raised, bool):
            raise Invalid(N_("raised must be true or false."))
        table = await self._stored(self.store.set_hand(HandAct(msg.id, participant.id, msg.raised)))
        if table is not None:
            await self._publish(session, table_channel(table), CONSOLE)

    # --- from the console --------------------------------------------------------------------

    async def lower_hand(self, session: Session, table: object) -> None:
        """The facilitator has come to the table. Idempotent: a hand already lowered (by
        the table, or by another console) stays lowered."""
        numbers = {t.number for t in await self.store.tables(session.id)}
        if isinstance(table, bool) or not isinstance(table, int) or table not in numbers:
            raise NotFound(N_("This session has no such table."))
        if await self.store.lower_hand(session.id, table):
            await self._publish(session, table_channel(table), CONSOLE)

    async def _notes_place(self, session: Session, table: object, activity: object) -> int:
        if isinstance(activity, bool) or not isinstance(activity, int):
            raise Invalid(N_("activity is the id of the activity the notes are on."))
        numbers = {t.number for t in await self.store.tables(session.id)}
        if isinstance(table, bool) or not isinstance(table, int) or table not in numbers:
            raise NotFound(N_("This session has no such table."))
        return activity

    async def show_notes(
        self, session: Session, table: object, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """`{"activity", "shown"}`: keep the table's notes off the screen, or let them back.
        The phones keep them either way; the round of the tables says "not shown"."""
        activity = await self._notes_place(session, table, body.get("activity"))
        shown = body.get("shown")
        if not isinstance(shown, bool):
            raise Invalid(N_("shown must be true or false."))
        assert isinstance(table, int)
        if await self.store.show_notes(session.id, activity, table, shown):
            await self._publish(session, SCREEN, CONSOLE)
        return {"table": table, "activity": activity, "shown": shown}

    async def clear_notes(
        self, session: Session, table: object, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """`{"activity", "generation"}` (as the console saw the notes): empty them. The
        table gets a fresh document (the next generation) and can write again, however full
        the old one was; a second press changes nothing."""
        activity = await self._notes_place(session, table, body.get("activity"))
        seen = body.get("generation")
        if seen is None:
            raise Invalid(N_("generation must be a whole number."))
        assert isinstance(table, int)
        generation, changed = await self.store.clear_notes(
            session.id, activity, table, check_generation(seen)
        )
        if changed:
            await self._publish(session, table_channel(table), SCREEN, CONSOLE)
        return {"table": table, "activity": activity, "generation": generation}

    async def round(self, session: Session, body: Mapping[str, Any]) -> dict[str, Any]:
        """`{"action": "start", "seconds"?}`, or next, previous, stop (with `at`, the table
        the console saw speaking, a second press or a second console moves nothing)."""
        action = body.get("action")
        if action not in ROUND_ACTIONS:
            raise Invalid(N_("action must be start, next, previous or stop."))
        seconds = speaking_seconds(body.get("seconds")) if action == "start" else 0
        at = body.get("at")
        before: list[Round | None] = []

        def change(current: Round | None, tables: list[int], activity: int | None) -> Round | None:
            before.append(current)
            if action == "start":
                return start_round(tables, activity, seconds, _now())
            return step_round(current, str(action), _now(), at)

        after = await self.store.step_round(session.id, change)
        if after is not None and after.seconds:
            await self._running.set_timer(session, {"seconds": after.seconds})  # each turn
        elif before and before[0] is not None and before[0].seconds:
            await self._running.set_timer(session, {"seconds": 0})  # the round's timer ends
        await self._publish(session, TABLES, SCREEN, CONSOLE)
        view = await self.round_view(session.id)
        return {"round": view}

    # --- reading -------------------------------------------------------------------------------

    async def round_view(self, session_id: int) -> dict[str, Any] | None:
        """The round of the tables as the screen shows it; None when none is going."""
        room = await self.store.round_room(session_id)
        return round_view(room, self.min_group) if room is not None else None

    async def console_view(
        self, session_id: int, names: Mapping[int, str], activity: Activity | None = None
    ) -> dict[str, Any]:
        """What the console shows of the tables' talk: raised hands, the round, and every
        table's notes on the current `activity` (None without one)."""
        notes = None
        if activity is not None:
            members, found, stored, turns = await self.store.tables_notes(session_id, activity.id)
            notes = console_notes_view(activity, names, members, found, stored, turns)
        return {
            "hands": hands_view(await self.store.hands(session_id), names),
            "round": await self.round_view(session_id),
            "notes": notes,
        }

    async def report_notes(self, session_id: int) -> list[dict[str, Any]]:
        """Every table's notes of the day with text, for the report (`report.build`'s
        `table_notes`): those kept off the screen too, marked."""
        return [report_note(n) for n in await self.store.day_notes(session_id)]


def _now() -> float:
    return time.time()
