"""The `Store` contract for running the day (issue 14): the closing and a closed session, the
timer of a step, the plan's days, "why" texts on the screen and table changes.

Mixed into `StoreContract` (tests/store_contract.py), whose helpers it uses, so every
backend runs it."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

import pytest

from workshop.agenda import PlanSegment, SegmentSpec
from workshop.domain import ActivityState, Session, Vote, activity_spec
from workshop.errors import Conflict, Forbidden, NotFound
from workshop.evaluation import Evaluation, EvaluationRow, Row
from workshop.store.base import IdTaken, Quote, Store

if TYPE_CHECKING:
    from tests.store_contract import StoreContract as _Base
else:
    _Base = object

OPEN, CLOSED = ActivityState.OPEN, ActivityState.CLOSED
QUESTIONS = [
    {"key": "useful", "kind": "scale", "prompt": "Nyttig?"},
    {"key": "comment", "kind": "text", "prompt": "Hva kan bli bedre?"},
]


def new_id() -> str:
    return str(uuid.uuid4())


class DayContract(_Base):
    async def fresh(self, store: Store, session: Session) -> Session:
        found = await store.session(session.code)
        assert found is not None
        return found

    # --- closing ------------------------------------------------------------------------

    async def test_a_closed_session_refuses_votes_posts_and_joins(self, store: Store):
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        p = await self.seat(store, session)
        assert await store.record_vote(self.vote(p, activity, 0))
        closed = await store.set_closed(session.id, True)
        assert closed.closed and closed.timer_ends_at is None
        assert (await store.activity(session.id, activity)).state is CLOSED  # type: ignore[union-attr]
        # Even an activity opened again by hand takes nothing while the session is closed.
        await store.set_activity_states(session.id, {activity: OPEN})
        with pytest.raises(Conflict):
            await store.record_vote(self.vote(p, activity, 1))
        with pytest.raises(Conflict):
            await store.record_post(self.post(p, activity, "sent after the end"))
        with pytest.raises(Forbidden):
            await self.seat(store, session)
        room = await store.room(session.id, "all")
        assert room.votes[activity] == [(p.table, 0, 1)]  # what was given before stays
        reopened = await store.set_closed(session.id, False)
        assert not reopened.closed
        assert await store.record_vote(self.vote(p, activity, 1))

    async def test_a_change_of_step_ends_the_timer_and_the_join_page(self, store: Store):
        session = await self.session(store)
        first = await self.open_activity(store, session)
        await store.set_timer(session.id, time.time() + 300, 300)
        await store.update_session(session.id, join_page=True)
        await store.set_activity_states(session.id, {first: ActivityState.REVEALED}, first)
        kept = await self.fresh(store, session)
        assert kept.timer_ends_at is not None and kept.join_page  # the same step
        second = (
            await store.add_activity(session.id, activity_spec("poll", "Neste?", ["Ja", "Nei"]))
        ).id
        await store.set_activity_states(session.id, {second: OPEN}, second)
        moved = await self.fresh(store, session)
        assert moved.timer_ends_at is None and not moved.join_page
        await store.set_activity_states(session.id, {}, None, None, closing=True)
        assert (await self.fresh(store, session)).closing

    async def test_time_is_given_and_taken_from_now_once_it_is_up(self, store: Store):
        session = await self.session(store)
        with pytest.raises(Conflict):
            await store.add_timer(session.id, 60, time.time())
        now = time.time()
        await store.set_timer(session.id, now + 120, 120)
        more = await store.add_timer(session.id, 60, now)
        assert more.timer_ends_at == pytest.approx(now + 180) and more.timer_seconds == 180
        up = await store.add_timer(session.id, -600, now)
        assert up.timer_ends_at == pytest.approx(now) and up.timer_seconds == 0
        later = now + 100
        back = await store.add_timer(session.id, 60, later)
        assert back.timer_ends_at == pytest.approx(later + 60)

    # --- the plan's days ----------------------------------------------------------------

    async def test_days_keep_a_planned_start_and_when_they_began(self, store: Store):
        session = await self.session(store)
        plan = [PlanSegment(SegmentSpec("Velkommen", 1, "16:00", 10))]
        made = await store.add_plan(session.id, plan, days={1: "16:00", 2: "09:00"})
        assert (await store.plan_days(session.id))[1].start == "16:00"
        # A second template does not move a day that has a start.
        await store.add_plan(session.id, plan, days={1: "08:00"})
        assert (await store.plan_days(session.id))[1].start == "16:00"
        # The first step into the day starts its clock; "start now" can set it again.
        await store.set_activity_states(session.id, {}, None, made[0][0])
        began = (await store.plan_days(session.id))[1].started_at
        assert began is not None
        await store.set_activity_states(session.id, {}, None, made[0][0])
        assert (await store.plan_days(session.id))[1].started_at == began
        now = time.time() + 5
        day = await store.set_day(session.id, 1, started_at=now)
        assert day.started_at == now and day.start == "16:00"
        day = await store.set_day(session.id, 3, start="10:00")
        assert day.start == "10:00" and day.started_at is None
        assert (await store.room(session.id, "none")).days[3].start == "10:00"

    # --- "why" texts on the screen ------------------------------------------------------

    async def test_a_quote_is_a_copy_of_a_why(self, store: Store):
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        p = await self.seat(store, session)
        vote = self.vote(p, activity, 1, "Fordi")
        await store.record_vote(vote)
        assert await store.add_quote(session.id, activity, vote.id) is True
        assert await store.add_quote(session.id, activity, vote.id) is False
        await store.record_vote(self.vote(p, activity, 0, "Endret"))  # the copy stays
        room = await store.room(session.id, "current")
        assert room.quotes == {activity: [Quote(vote.id, 1, "Fordi")]}
        with pytest.raises(NotFound):
            await store.add_quote(session.id, activity, "not-a-vote")
        other = await self.session(store)
        assert await store.remove_quote(other.id, activity, vote.id) is False
        assert await store.remove_quote(session.id, activity, vote.id) is True
        assert (await store.room(session.id, "current")).quotes == {}

    # --- changing tables ----------------------------------------------------------------

    async def test_a_participant_moves_to_a_table_with_a_free_seat(self, store: Store):
        session = await self.session(store, tables=2)
        activity = await self.open_activity(store, session)
        p = await self.seat(store, session, table=1)
        await store.record_vote(self.vote(p, activity, 0))
        moved = await store.change_table(session.id, p.id, 2)
        assert moved.table == 2 and moved.number == p.number
        # A vote sent with the old table (a socket that has not heard) counts at the new one.
        await store.record_vote(self.vote(p, activity, 1))
        assert (await store.room(session.id, "current")).votes[activity] == [(2, 1, 1)]
        with pytest.raises(NotFound):
            await store.change_table(session.id, p.id, 9)
        await store.set_table_changes(session.id, False)
        with pytest.raises(Forbidden):
            await store.change_table(session.id, p.id, 1)

    async def test_a_full_table_takes_no_one_more(self, store: Store):
        session = await self.session(store, tables=2)
        tables = await store.tables(session.id)
        for _ in range(tables[1].capacity):
            await self.seat(store, session, table=2)
        p = await self.seat(store, session, table=1)
        with pytest.raises(Conflict):
            await store.change_table(session.id, p.id, 2)
        assert (await store.seated(session.id))[1] == 1

    # --- the evaluation -----------------------------------------------------------------

    async def test_an_evaluation_is_stored_once_and_the_latest_counts(self, store: Store):
        session = await self.session(store)
        spec = activity_spec("evaluation", "Evaluering", questions=QUESTIONS)
        made = await store.add_activity(session.id, spec)
        await store.set_activity_states(session.id, {made.id: OPEN}, made.id)
        p = await self.seat(store, session)
        first = Evaluation(new_id(), made.id, p.id, (Row("useful", 2), Row("comment", text="Ok")))
        assert await store.record_evaluation(first) is True
        assert await store.record_evaluation(first) is False  # a repeat
        poll = await store.add_activity(session.id, activity_spec("poll", "?", ["A", "B"]))
        await store.set_activity_states(session.id, {poll.id: OPEN})
        vote = self.vote(p, poll.id, 0)
        assert await store.record_vote(vote)
        with pytest.raises(IdTaken):  # ids are one namespace across kinds
            await store.record_evaluation(Evaluation(vote.id, made.id, p.id, ()))
        with pytest.raises(IdTaken):
            await store.record_vote(Vote(first.id, poll.id, p.id, p.table, 0))
        later = Evaluation(new_id(), made.id, p.id, (Row("useful", 5),))
        assert await store.record_evaluation(later) is True
        rows = await store.evaluation_rows([made.id])
        assert rows == {made.id: [EvaluationRow(p.id, p.table, "useful", 5, None)]}
        assert (await store.answers(p.id)).evaluations == {made.id: [Row("useful", 5)]}
        assert (await store.activity(session.id, made.id)).questions == spec.questions  # type: ignore[union-attr]
        # Removed: their evaluation leaves every count.
        await store.remove_participant(session.id, p.id)
        assert await store.evaluation_rows([made.id]) == {}

    async def test_no_evaluation_unless_it_is_open(self, store: Store):
        session = await self.session(store)
        made = await store.add_activity(
            session.id, activity_spec("evaluation", "Evaluering", questions=QUESTIONS)
        )
        p = await self.seat(store, session)
        with pytest.raises(Conflict):
            await store.record_evaluation(Evaluation(new_id(), made.id, p.id, (Row("useful", 3),)))
        poll = await self.open_activity(store, session)
        with pytest.raises(Conflict):
            await store.record_evaluation(Evaluation(new_id(), poll, p.id, (Row("useful", 3),)))
