"""Use cases of table answers: a member proposes the table's answer, another confirms it, and
the facilitator asks a vote again after table talk (the "after" round).

Publishes through the same Broadcast as `Workshop`, only after the write has committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from workshop.domain import Activity, Participant, Session, is_row_id
from workshop.errors import N_, Conflict, NotFound
from workshop.hub import CONSOLE, SCREEN, table_channel
from workshop.messages import TableAnswerMessage
from workshop.store import Store
from workshop.store.base import IdTaken
from workshop.table_answers import CONFIRM, TableAct, check_act

Publish = Callable[..., Awaitable[None]]
Answerable = Callable[[Session, object], Awaitable[Activity]]


class Answering:
    def __init__(self, store: Store, publish: Publish, answerable: Answerable) -> None:
        self.store = store
        self._publish = publish
        self._answerable = answerable  # the activity an answer is for (cached by Workshop)

    async def act(
        self, session: Session, participant: Participant, msg: TableAnswerMessage
    ) -> None:
        """`propose` or `confirm`: the store reads the member's table and the table's
        proposal in the same step as the write; a repeat of the same id changes nothing."""
        activity = await self._answerable(session, msg.activity)
        option = check_act(activity, msg.option)
        act = TableAct(msg.id, msg.kind, activity.id, participant.id, option)
        try:
            table = await self.store.record_table_act(act)
        except IdTaken:
            raise Conflict(N_("This answer's id was already used. Send it again.")) from None
        if table is None:
            return
        # A proposal is the table's business (and the console's glance); a confirmed answer
        # moves the room's bars.
        channels = (CONSOLE, SCREEN) if msg.kind == CONFIRM else (CONSOLE,)
        await self._publish(session, table_channel(table), *channels)

    async def again(self, session: Session, activity_id: object) -> dict[str, Any]:
        """The after round of a vote: the same question (kind, options, who answers) as a
        draft right after it, in its segment."""
        if not is_row_id(activity_id):
            raise NotFound(N_("This session has no such activity."))
        made = await self.store.add_again(session.id, activity_id)  # type: ignore[arg-type]
        await self._publish(session, CONSOLE, SCREEN)
        return {"id": made.id, "before": made.before}
