"""The `Store` contract for seating (issue 16, docs/seating.md): join questions (at most
`most`, checked in the step), answers stored with the seat and counted, the answer counts
the balanced seat is chosen from, reseating in one step with the old seating kept as who
sat with whom, and moving one person.

Mixed into `StoreContract` (tests/store_contract.py), whose helpers it uses, so every
backend runs it."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import pytest

from tests.test_export import normalised
from workshop import balance
from workshop.errors import NotFound
from workshop.session_file import SessionRecord, session_file
from workshop.session_read import read_session
from workshop.store.base import Store

if TYPE_CHECKING:
    from tests.store_contract import StoreContract as _Base
else:
    _Base = object


class SeatingContract(_Base):
    async def test_join_questions_are_kept_at_most_three(self, store: Store):
        session = await self.session(store)
        made = await asyncio.gather(
            *(store.add_join_question(session.id, f"Q{i}", ["Ja", "Nei"], 3) for i in range(5))
        )
        kept = [q for q in made if q is not None]
        assert len(kept) == 3  # checked in the same step: concurrent adds cannot pass it
        listed = await store.join_questions(session.id)
        assert [q.id for q in listed] == sorted(q.id for q in kept)
        assert listed[0].options == ("Ja", "Nei")
        assert await store.delete_join_question(session.id, listed[0].id)
        assert not await store.delete_join_question(session.id, listed[0].id)
        other = await self.session(store)
        assert not await store.delete_join_question(other.id, listed[1].id)  # not its own
        assert len(await store.join_questions(session.id)) == 2

    async def test_answers_are_stored_with_the_seat_and_shape_the_choice(self, store: Store):
        session = await self.session(store, tables=2)
        question = await store.add_join_question(session.id, "Ny?", ["Ja", "Nei"], 3)
        assert question is not None
        spreads = []

        def choose(tables, seated, spread):
            spreads.append({t: dict(v) for t, v in spread.items()})
            return 1

        await store.seat_participant(session.id, "", "h1", choose, answers={question.id: 1})
        await store.seat_participant(session.id, "", "h2", choose, answers={question.id: 1})
        assert spreads[1] == {1: {(question.id, 1): 1}}
        await store.seat_participant(session.id, "", "h3", lambda t, s: 2)  # the old way
        counts = await store.join_answer_counts(session.id)
        assert counts == {question.id: {1: 2}}
        await store.delete_join_question(session.id, question.id)
        assert await store.join_answer_counts(session.id) == {}
        # An answer to a question deleted meanwhile is skipped, the seat still given.
        seated = await store.seat_participant(
            session.id, "", "h4", choose, answers={question.id: 0}
        )
        assert seated.table == 1

    async def test_reseat_is_one_step_and_keeps_who_sat_with_whom(self, store: Store):
        session = await self.session(store, tables=4)
        people = [await self.seat(store, session, table=1 + i % 2) for i in range(12)]
        seen = {}

        def plan(persons, tables, together, questions):
            seen.update(people=len(persons), tables=tables, together=together)
            return balance.reseat(persons, tables, together, questions)

        seating, before = await store.reseat(session.id, plan)
        assert seen["people"] == 12 and seen["tables"] == [1, 2, 3, 4]
        assert before == {p.id: p.table for p in people}
        # The seating replaced is the first round: table 1's people sat together.
        assert seen["together"][people[0].id][people[2].id] == 1
        assert people[1].id not in seen["together"][people[0].id]
        assert sorted(len(ids) for ids in seating.values()) == [6, 6]
        rows = await store.seating(session.id)
        assert {n: sorted(p.id for p in ps) for n, _, ps in rows if ps} == seating
        together = await store.sat_together(session.id)
        for ids in seating.values():  # now sitting together counts too
            assert all(together[ids[0]].get(i, 0) >= 1 for i in ids[1:])

    async def test_moving_one_person(self, store: Store):
        session = await self.session(store, tables=3)
        kari = await self.seat(store, session, table=1)
        ola = await self.seat(store, session, table=1)
        moved, old = await store.move_participant(session.id, kari.id, 3)
        assert (moved.table, old) == (3, 1)
        assert (await store.seated(session.id)) == {1: 1, 3: 1}
        together = await store.sat_together(session.id)
        assert together[kari.id][ola.id] == 1  # they sat together before the move
        again, old = await store.move_participant(session.id, kari.id, 3)
        assert (again.table, old) == (3, 3)
        with pytest.raises(NotFound):
            await store.move_participant(session.id, kari.id, 9)
        with pytest.raises(NotFound):
            await store.move_participant(session.id, 999_999, 1)

    async def test_changing_table_oneself_is_kept_as_having_sat_there(self, store: Store):
        session = await self.session(store, tables=3)
        kari = await self.seat(store, session, table=1)
        ola = await self.seat(store, session, table=1)
        per = await self.seat(store, session, table=2)
        await store.change_table(session.id, kari.id, 2)
        together = await store.sat_together(session.id)
        assert together[kari.id] == {ola.id: 1, per.id: 1}  # the table left, and the one now
        await store.change_table(session.id, kari.id, 2)  # no change: nothing more kept
        assert await store.sat_together(session.id) == together

    async def test_seating_is_dumped_and_loaded_whole(self, store: Store):
        """Join questions, the answers given (a skipped one and a removed person's too), the
        seating replaced by a reseat, a move and a table change: a loaded copy counts,
        seats and remembers who sat with whom as the original."""
        session = await self.session(store, tables=4)
        term = await store.add_join_question(session.id, "Første periode?", ["Ja", "Nei"], 3)
        role = await store.add_join_question(session.id, "Rolle?", ["Politiker", "Ansatt"], 3)
        assert term is not None and role is not None
        people = []
        for i in range(14):
            answers = {term.id: i % 2} if i % 5 == 0 else {term.id: i % 2, role.id: i // 7}
            people.append(
                await store.seat_participant(
                    session.id,
                    f"P{i}",
                    uuid.uuid4().hex,
                    lambda tables, seated, spread=None, i=i: 1 + i % 2,
                    answers=answers,
                )
            )
        await store.reseat(session.id, lambda *a: balance.reseat(*a))
        empty = [n for n, _, ps in await store.seating(session.id) if not ps]  # 2 tables of 7
        await store.move_participant(session.id, people[3].id, empty[0])
        await store.change_table(session.id, people[4].id, empty[-1])
        assert await store.remove_participant(session.id, people[5].id)

        record = await store.dump_session(session.id)
        assert record is not None
        assert [q.question.prompt for q in record.join_questions] == ["Første periode?", "Rolle?"]
        assert len(record.join_answers) == 14 + 11  # three left the second question out
        assert [s.moved for s in record.seatings].count(True) == 2  # the move, the change
        assert {s.participant_id for s in record.seatings if s.round == 1} == {p.id for p in people}
        file = session_file(record)
        assert normalised(session_file(read_session(file))) == normalised(file)  # as read

        owner = await self.facilitator(store)
        loaded = await store.load_session(
            record, code="SEATKP", facilitator_id=owner.id, screen_key="k", base_url=""
        )
        assert loaded is not None
        copied = await store.dump_session(loaded.id)
        assert copied is not None
        assert normalised(session_file(copied)) == normalised(file)
        assert not {q.question.id for q in copied.join_questions} & {term.id, role.id}

        async def seen(rec: SessionRecord, session_id: int) -> tuple[object, ...]:
            """Counts, seating and who sat with whom, by question order and join number."""
            number = {p.id: p.number for p in rec.participants}
            order = [q.question.id for q in rec.join_questions]
            counts = await store.join_answer_counts(session_id)
            together = await store.sat_together(session_id)
            return (
                [counts.get(q, {}) for q in order],
                [(n, [p.number for p in ps]) for n, _, ps in await store.seating(session_id)],
                {
                    number[a]: {number[b]: times for b, times in others.items()}
                    for a, others in together.items()
                },
            )

        original = await seen(record, session.id)
        assert original[0] == [{0: 7, 1: 6}, {0: 5, 1: 6}]  # the removed person not counted
        assert await seen(copied, loaded.id) == original

    async def test_a_record_without_seating_loads(self, store: Store):
        session = await self.session(store)
        await self.seat(store, session, table=1)
        record = await store.dump_session(session.id)
        assert record is not None
        assert (record.join_questions, record.join_answers, record.seatings) == ([], [], [])
        owner = await self.facilitator(store)
        loaded = await store.load_session(
            record, code="SEATNO", facilitator_id=owner.id, screen_key="k", base_url=""
        )
        assert loaded is not None
        assert await store.join_questions(loaded.id) == []
        assert await store.sat_together(loaded.id) == {}
