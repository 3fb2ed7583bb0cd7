"""The `Store` contract for a whole session out and in (issue 15): `dump_session` reads every
row of a session, `load_session` writes it again as a new session with new ids.

Mixed into `StoreContract` (tests/store_contract.py), whose helpers it uses, so every
backend runs it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tests.test_export import normalised
from workshop import evaluation
from workshop.agenda import PlanSegment, SegmentSpec
from workshop.domain import ActivityState, Session, activity_spec
from workshop.evaluation import Evaluation, Row
from workshop.session_file import SessionRecord, session_file
from workshop.store.base import Store

if TYPE_CHECKING:
    from tests.store_contract import StoreContract as _Base
else:
    _Base = object

OPEN, CLOSED, REVEALED = ActivityState.OPEN, ActivityState.CLOSED, ActivityState.REVEALED


class TransferContract(_Base):
    async def dumped(self, store: Store, session: Session) -> SessionRecord:
        record = await store.dump_session(session.id)
        assert record is not None
        return record

    async def a_day(self, store: Store) -> Session:
        """Two segments, a vote changed and quoted, posts (one hidden), an evaluation
        answered twice and a participant removed after answering."""
        session = await self.session(store, title="Bærum")
        made = await store.add_plan(
            session.id,
            [PlanSegment(SegmentSpec("Åpning", minutes=10)), PlanSegment(SegmentSpec("Roller"))],
            days={1: "09:00"},
        )
        first, second = made[0][0], made[1][0]
        dilemma = await store.add_activity(
            session.id, activity_spec("dilemma", "Hva gjør du?", ["Ja", "Nei"]), second
        )
        wall = await store.add_activity(session.id, activity_spec("reflection", "Tanker?"))
        asked = [evaluation.question_json(q) for q in evaluation.default_questions("nb")]
        survey = await store.add_activity(
            session.id, activity_spec("evaluation", "Dagen", None, None, None, asked)
        )
        people = [await self.seat(store, session, table) for table in (1, 2, 3)]
        await store.set_activity_states(session.id, {dilemma.id: OPEN}, dilemma.id, second)
        quoted = self.vote(people[1], dilemma.id, 1, "Fordi æøå")
        for vote in (
            self.vote(people[0], dilemma.id, 0, "Først"),
            self.vote(people[0], dilemma.id, 1, "Så"),
            quoted,
            self.vote(people[2], dilemma.id, 0),
        ):
            assert await store.record_vote(vote)
        await store.set_activity_states(session.id, {dilemma.id: REVEALED})
        assert await store.add_quote(session.id, dilemma.id, quoted.id)
        await store.set_activity_states(session.id, {wall.id: OPEN}, wall.id)
        hidden = self.post(people[0], wall.id, "=skjul")
        for post in (
            hidden,
            self.post(people[2], wall.id, "Borte"),
            self.post(people[1], wall.id, "Ok"),
        ):
            assert await store.record_post(post)
        assert await store.set_post_hidden(session.id, hidden.id, True)
        await store.set_activity_states(session.id, {wall.id: CLOSED, survey.id: OPEN}, survey.id)
        for person, useful in ((people[0], 5), (people[1], 2), (people[0], 4), (people[2], 3)):
            rows = (Row("topics", number=first), Row("topics", number=second))
            rows += (
                Row("useful", number=useful),
                Row("again", text="yes"),
                Row("comment", text="Bra"),
            )
            answer = Evaluation(str(uuid.uuid4()), survey.id, person.id, rows)
            assert await store.record_evaluation(answer)
        assert await store.remove_participant(session.id, people[2].id)
        await store.set_joining_locked(session.id, True)
        return session

    async def test_a_loaded_session_dumps_as_it_was_dumped(self, store: Store):
        session = await self.a_day(store)
        record = await self.dumped(store, session)
        assert len(record.votes) == 4 and sum(v.latest for v in record.votes) == 2
        assert [p.removed_at is not None for p in record.participants] == [False, False, True]
        assert len(record.evaluations) == 4 and sum(e.latest for e in record.evaluations) == 2
        owner = await self.facilitator(store)
        loaded = await store.load_session(
            record,
            code="ZZZZZZ",
            facilitator_id=owner.id,
            screen_key="new-key",
            base_url="http://b",
        )
        assert loaded is not None
        assert (loaded.code, loaded.facilitator_id, loaded.screen_key) == (
            "ZZZZZZ",
            owner.id,
            "new-key",
        )
        assert loaded.id != session.id and loaded.joining_locked and loaded.title == "Bærum"
        again = await self.dumped(store, loaded)
        assert normalised(session_file(again)) == normalised(session_file(record))
        # Every row is new: the original's ids are not reused, the original is as it was.
        assert not {v.id for v in again.votes} & {v.id for v in record.votes}
        assert not {a.id for a in again.activities} & {a.id for a in record.activities}
        assert session_file(await self.dumped(store, session)) == session_file(record)
        # The copy counts like the original: the same latest votes and evaluation answers.
        room = await store.room(loaded.id, "all")
        old = await store.room(session.id, "all")
        assert sorted(map(sorted, room.votes.values())) == sorted(map(sorted, old.votes.values()))
        survey, original = again.activities[-1].id, record.activities[-1].id
        new = (await store.evaluation_rows([survey]))[survey]
        was = (await store.evaluation_rows([original]))[original]

        def answers(rows: list[evaluation.EvaluationRow]) -> list[tuple[object, ...]]:
            return sorted((r.key, None if r.key == "topics" else r.number, r.text) for r in rows)

        assert answers(new) == answers(was) and len(new) == 10
        assert {r.number for r in new if r.key == "topics"} == {g.id for g in again.segments}

    async def test_a_taken_code_loads_nothing(self, store: Store):
        session = await self.a_day(store)
        record = await self.dumped(store, session)
        owner = await self.facilitator(store)
        taken = await store.load_session(
            record, code=session.code, facilitator_id=owner.id, screen_key="k", base_url=""
        )
        assert taken is None
        assert await store.sessions_of(owner.id) == []

    async def test_an_unknown_session_dumps_as_none(self, store: Store):
        assert await store.dump_session(10**9) is None
