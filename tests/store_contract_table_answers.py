"""The `Store` contract for table answers (issue 16): propose and confirm, checked against
the table's state in the same step, idempotent by client id; the room's table answers; the
"after" round of a vote.

Mixed into `StoreContract` (tests/store_contract.py), whose helpers it uses, so every
backend runs it."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import pytest

from tests.test_export import normalised
from workshop.domain import ActivityState, Participant, Session, activity_spec
from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.session_file import SessionRecord, session_file
from workshop.session_read import read_session
from workshop.store.base import IdTaken, Room, Store
from workshop.table_answers import CONFIRM, PROPOSE, TableAct

if TYPE_CHECKING:
    from tests.store_contract import StoreContract as _Base
else:
    _Base = object

OPEN, CLOSED = ActivityState.OPEN, ActivityState.CLOSED


def new_id() -> str:
    return str(uuid.uuid4())


def by_table(kind: str = "poll"):
    options = ["Ja", "Nei", "Vet ikke"] if kind == "poll" else None
    return activity_spec(kind, "Hva mener bordet?", options, by="table")


def act(kind: str, p: Participant, activity: int, option: int, id_: str | None = None) -> TableAct:
    return TableAct(id_ or new_id(), kind, activity, p.id, option)


class TableAnswersContract(_Base):
    async def table_of_three(self, store: Store) -> tuple[Session, int, list[Participant]]:
        session = await self.session(store, tables=2)
        activity = await self.open_activity(store, session, by_table())
        people = [await self.seat(store, session, table=1) for _ in range(3)]
        return session, activity, people

    async def test_an_activity_keeps_who_answers_it(self, store: Store):
        session = await self.session(store)
        made = await store.add_activity(session.id, by_table("scale"))
        assert made.by == "table"
        found = await store.activity(session.id, made.id)
        assert found is not None and found.by == "table" and found.before is None
        plain = await store.add_activity(session.id, activity_spec("scale", "Enig?"))
        assert plain.by == "person"

    async def test_a_proposal_becomes_the_answer_when_another_member_confirms(self, store: Store):
        session, activity, (a, b, c) = await self.table_of_three(store)
        proposal = act(PROPOSE, a, activity, 2)
        assert await store.record_table_act(proposal) == 1
        room = await store.table_room(session.id, 1)
        assert room is not None and room.answer is not None
        assert room.answer.proposal is not None
        assert (room.answer.proposal.participant_id, room.answer.proposal.option) == (a.id, 2)
        assert room.answer.option is None
        with pytest.raises(Forbidden):
            await store.record_table_act(act(CONFIRM, a, activity, 2))  # not one's own
        with pytest.raises(Conflict):
            await store.record_table_act(act(CONFIRM, b, activity, 1))  # not what is proposed
        confirm = act(CONFIRM, b, activity, 2)
        assert await store.record_table_act(confirm) == 1
        assert await store.record_table_act(confirm) is None  # a repeat: acknowledged again
        with pytest.raises(IdTaken):
            await store.record_table_act(act(CONFIRM, c, activity, 2, confirm.id))
        room = await store.table_room(session.id, 1)
        assert room is not None and room.answer is not None
        assert (room.answer.option, room.answer.proposal, room.answer.confirmed_by) == (
            2,
            None,
            b.id,
        )
        # A new proposal leaves the answer until it is confirmed in turn.
        assert await store.record_table_act(act(PROPOSE, c, activity, 0)) == 1
        state = (await store.room(session.id, "current")).table_answers[activity][1]
        assert state.option == 2 and state.proposal is not None and state.proposal.option == 0
        with pytest.raises(Conflict):
            await store.record_table_act(act(CONFIRM, b, activity, 2))  # the old proposal
        assert await store.record_table_act(act(CONFIRM, a, activity, 0)) == 1
        state = (await store.room(session.id, "all")).table_answers[activity][1]
        assert (state.option, state.proposal) == (0, None)

    async def test_nothing_to_confirm_and_a_closed_activity(self, store: Store):
        session, activity, (a, b, _) = await self.table_of_three(store)
        with pytest.raises(Conflict):
            await store.record_table_act(act(CONFIRM, b, activity, 0))
        proposal = act(PROPOSE, a, activity, 1)
        assert await store.record_table_act(proposal) == 1
        await store.set_activity_states(session.id, {activity: CLOSED})
        with pytest.raises(Conflict):
            await store.record_table_act(act(CONFIRM, b, activity, 1))
        assert await store.record_table_act(proposal) is None  # a repeat still acknowledged

    async def test_the_member_s_table_is_read_at_the_write(self, store: Store):
        session, activity, (a, b, _) = await self.table_of_three(store)
        await store.record_table_act(act(PROPOSE, a, activity, 1))
        await store.change_table(session.id, b.id, 2)  # b now sits at table 2
        with pytest.raises(Conflict):  # table 2 has nothing proposed
            await store.record_table_act(act(CONFIRM, b, activity, 1))
        assert await store.record_table_act(act(PROPOSE, b, activity, 0)) == 2
        await store.remove_participant(session.id, a.id)
        with pytest.raises(Forbidden):
            await store.record_table_act(act(PROPOSE, a, activity, 0))

    async def test_a_vote_activity_is_asked_again_right_after_itself(self, store: Store):
        session = await self.session(store)
        first = await store.add_activity(session.id, by_table())
        last = await store.add_activity(session.id, activity_spec("reflection", "Tanker?"))
        again = await store.add_again(session.id, first.id)
        assert (again.before, again.by, again.options, again.kind) == (
            first.id,
            "table",
            first.options,
            first.kind,
        )
        assert again.state is ActivityState.DRAFT
        order = [a.id for a in await store.activities(session.id)]
        assert order == [first.id, again.id, last.id]
        with pytest.raises(Invalid):
            await store.add_again(session.id, last.id)
        with pytest.raises(NotFound):
            await store.add_again(session.id, 10**9)
        # The current after round's snapshot reads the round before it too.
        await store.set_activity_states(session.id, {again.id: OPEN}, again.id)
        p = await self.seat(store, session, table=1)
        q = await self.seat(store, session, table=1)
        await store.set_activity_states(session.id, {first.id: OPEN}, first.id)
        await store.record_table_act(act(PROPOSE, p, first.id, 1))
        await store.record_table_act(act(CONFIRM, q, first.id, 1))
        await store.set_activity_states(session.id, {again.id: OPEN}, again.id)
        room = await store.room(session.id, "current")
        assert room.table_answers[first.id][1].option == 1

    async def test_a_session_with_table_answers_is_deleted_whole(self, store: Store):
        session, activity, (a, b, _) = await self.table_of_three(store)
        await store.record_table_act(act(PROPOSE, a, activity, 1))
        await store.record_table_act(act(CONFIRM, b, activity, 1))
        again = await store.add_again(session.id, activity)
        assert await store.delete_session(session.id)
        assert await store.activity(session.id, again.id) is None

    async def test_two_confirms_of_one_proposal_both_succeed(self, store: Store):
        session, activity, (a, b, c) = await self.table_of_three(store)
        await store.record_table_act(act(PROPOSE, a, activity, 2))
        first, second = act(CONFIRM, b, activity, 2), act(CONFIRM, c, activity, 2)
        assert await asyncio.gather(
            store.record_table_act(first), store.record_table_act(second)
        ) == [1, 1]
        with pytest.raises(Conflict):  # a confirm of another option finds nothing proposed
            await store.record_table_act(act(CONFIRM, c, activity, 0))
        room = await store.table_room(session.id, 1)
        assert room is not None and room.answer is not None
        assert (room.answer.option, room.answer.confirmed_by) == (2, b.id)

    async def test_table_answers_and_rounds_dump_and_load_as_they_were(self, store: Store):
        session, activity, (a, b, c) = await self.table_of_three(store)
        d, e = await self.seat(store, session, table=2), await self.seat(store, session, table=2)
        await store.record_table_act(act(PROPOSE, a, activity, 2))
        await asyncio.gather(  # the second finds it done: a confirm without its proposal
            store.record_table_act(act(CONFIRM, b, activity, 2)),
            store.record_table_act(act(CONFIRM, c, activity, 2)),
        )
        await store.record_table_act(act(PROPOSE, d, activity, 1))  # waits at table 2
        again = await store.add_again(session.id, activity)
        await store.set_activity_states(session.id, {again.id: OPEN}, again.id)
        await store.record_table_act(act(PROPOSE, e, again.id, 0))
        await store.record_table_act(act(CONFIRM, d, again.id, 0))
        assert await store.remove_participant(session.id, a.id)  # the proposer has left
        record = await store.dump_session(session.id)
        assert record is not None
        assert [t.kind for t in record.table_acts].count(CONFIRM) == 3
        assert sum(t.proposal_id is None for t in record.table_acts if t.kind == CONFIRM) == 1
        assert [(t.activity_id, t.table) for t in record.table_answers] == [
            (activity, 1),
            (activity, 2),
            (again.id, 2),
        ]
        file = session_file(record)
        assert normalised(session_file(read_session(file))) == normalised(file)  # as read

        owner = await self.facilitator(store)
        loaded = await store.load_session(
            record, code="TBKSVR", facilitator_id=owner.id, screen_key="k", base_url=""
        )
        assert loaded is not None
        copied = await store.dump_session(loaded.id)
        assert copied is not None
        assert normalised(session_file(copied)) == normalised(file)
        assert not {t.id for t in copied.table_acts} & {t.id for t in record.table_acts}
        first, after = (x for x in copied.activities if x.by == "table")
        assert (first.before, after.before) == (None, first.id)

        def seen(rec: SessionRecord, room: Room) -> list[dict[int, tuple[object, ...]]]:
            """Each activity's tables: answer, who confirmed, what waits and who proposed."""
            number = {p.id: p.number for p in rec.participants}

            def who(pid: int | None) -> int | None:
                return None if pid is None else number[pid]

            return [
                {
                    t: (
                        s.option,
                        who(s.confirmed_by),
                        s.proposal and s.proposal.option,
                        who(s.proposal and s.proposal.participant_id),
                    )
                    for t, s in room.table_answers.get(x.id, {}).items()
                }
                for x in rec.activities
            ]

        was = seen(record, await store.room(session.id, "all"))
        assert was[0] == {1: (2, b.number, None, None), 2: (None, None, 1, d.number)}
        assert seen(copied, await store.room(loaded.id, "all")) == was
