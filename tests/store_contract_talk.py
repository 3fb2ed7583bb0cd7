"""The `Store` contract for the talk at the tables (issue 16): notes merged in the write,
idempotent by id and kept to the participant's table as read then; the spokesperson's turns;
raised hands; the round of the tables.

Mixed into `StoreContract` (tests/store_contract.py), whose helpers it uses, so every
backend runs it."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

import pytest
from pycrdt import Doc, Text

from workshop.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.notes import MAX_NOTES
from workshop.store.base import IdTaken, Store
from workshop.table_talk import HandAct, NoteEdit, Pick, Round, start_round, step_round

if TYPE_CHECKING:
    from tests.store_contract import StoreContract as _Base
else:
    _Base = object


def new_id() -> str:
    return str(uuid.uuid4())


def typed(words: str, doc: Doc | None = None) -> tuple[Doc, bytes]:
    """A phone's document with `words` appended, and its whole state as an update."""
    doc = doc or Doc()
    text = doc.get("notes", type=Text)
    text += words
    return doc, doc.get_update()


class TableTalkContract(_Base):
    async def notes_of(self, store: Store, session_id: int, table: int) -> str:
        room = await store.table_room(session_id, table)
        assert room is not None
        return room.talk.notes.text if room.talk.notes is not None else ""

    async def test_notes_merge_stay_with_the_table_and_are_idempotent(self, store: Store):
        session = await self.session(store, tables=2)
        kari = await self.seat(store, session, table=1)
        ola = await self.seat(store, session, table=1)
        per = await self.seat(store, session, table=2)
        activity = await self.open_activity(store, session)
        _, a = typed("Kari skriver. ")
        _, b = typed("Ola skriver. ")
        first = new_id()
        assert await store.record_note(NoteEdit(first, kari.id, activity, a)) == 1
        assert await store.record_note(NoteEdit(new_id(), ola.id, activity, b)) == 1
        assert await store.record_note(NoteEdit(first, kari.id, activity, b)) is None  # repeat
        text = await self.notes_of(store, session.id, 1)
        assert text in ("Kari skriver. Ola skriver. ", "Ola skriver. Kari skriver. ")
        assert await self.notes_of(store, session.id, 2) == ""
        with pytest.raises(IdTaken):
            await store.record_note(NoteEdit(first, per.id, activity, a))
        with pytest.raises(Invalid):
            await store.record_note(NoteEdit(new_id(), kari.id, activity, b"\x05\x01junk"))
        _, long = typed("x" * (MAX_NOTES + 1))
        with pytest.raises(Invalid):
            await store.record_note(NoteEdit(new_id(), kari.id, activity, long))
        with pytest.raises(NotFound):
            await store.record_note(NoteEdit(new_id(), kari.id, activity + 999, a))
        assert await self.notes_of(store, session.id, 1) == text  # nothing of the refused
        # Per moves to table 1: their next edit lands in table 1's notes.
        await store.change_table(session.id, per.id, 1)
        _, c = typed("Per kom til. ")
        assert await store.record_note(NoteEdit(new_id(), per.id, activity, c)) == 1
        assert "Per kom til. " in await self.notes_of(store, session.id, 1)
        await store.remove_participant(session.id, ola.id)
        with pytest.raises(Forbidden):
            await store.record_note(NoteEdit(new_id(), ola.id, activity, b))

    async def test_the_turn_goes_round_and_a_pick_counts(self, store: Store):
        session = await self.session(store, tables=1)
        people = [await self.seat(store, session, table=1) for _ in range(3)]
        turns = []
        for _ in range(4):
            activity = await self.open_activity(store, session)
            room = await store.table_room(session.id, 1)
            assert room is not None and room.talk.spokesperson is None
            _, update = typed("notat")
            await store.record_note(NoteEdit(new_id(), people[0].id, activity, update))
            room = await store.table_room(session.id, 1)
            assert room is not None
            turns.append(room.talk.spokesperson)
        assert turns == [people[0].id, people[1].id, people[2].id, people[0].id]
        assert await store.pick_spokesperson(Pick(new_id(), people[1].id, activity, people[2].id))
        room = await store.table_room(session.id, 1)
        assert room is not None
        assert (room.talk.spokesperson, room.talk.chosen) == (people[2].id, True)
        other = await self.session(store, tables=1)
        stranger = await self.seat(store, other, table=1)
        with pytest.raises(Invalid):
            await store.pick_spokesperson(Pick(new_id(), people[0].id, activity, stranger.id))

    async def test_a_hand_is_raised_once_and_lowered(self, store: Store):
        session = await self.session(store, tables=2)
        kari = await self.seat(store, session, table=2)
        before = time.time()
        assert await store.set_hand(HandAct(new_id(), kari.id, True)) == 2
        [hand] = await store.hands(session.id)
        assert hand.table == 2 and hand.raised_at >= before and hand.raised_by == kari.id
        assert await store.set_hand(HandAct(new_id(), kari.id, True)) == 2
        assert (await store.hands(session.id))[0].raised_at == hand.raised_at  # kept
        assert await store.lower_hand(session.id, 2) is True
        assert await store.lower_hand(session.id, 2) is False
        assert await store.set_hand(HandAct(new_id(), kari.id, True)) == 2
        assert await store.set_hand(HandAct(new_id(), kari.id, False)) == 2
        assert await store.hands(session.id) == []

    async def test_the_round_is_stored_in_one_step(self, store: Store):
        session = await self.session(store, tables=3)
        for table in (1, 3):
            await self.seat(store, session, table=table)
        activity = await self.open_activity(store, session)
        seen: list[tuple[Round | None, list[int], int | None]] = []

        def start(current: Round | None, tables: list[int], current_activity: int | None):
            seen.append((current, tables, current_activity))
            return start_round(tables, current_activity, 60, 1.0)

        started = await store.step_round(session.id, start)
        assert seen == [(None, [1, 3], activity)]
        assert started is not None and started.tables == (1, 3)
        assert await store.round_table(session.id) == 1
        room = await store.round_room(session.id)
        assert room is not None and room.round == started and room.names[3] == "Bord 3"
        assert room.talk.spokesperson is not None  # the turn is counted as the round arrives
        moved = await store.step_round(session.id, lambda r, t, a: step_round(r, "next", 2.0))
        assert moved is not None and moved.table == 3
        with pytest.raises(Conflict):
            await store.step_round(session.id, lambda r, t, a: step_round(r, "next", 3.0))
        assert await store.round_table(session.id) == 3  # the refused step stored nothing
        assert await store.step_round(session.id, lambda r, t, a: None) is None
        assert await store.round_room(session.id) is None
        assert await store.round_table(session.id) is None

    async def test_old_sessions_lose_their_notes_with_the_other_texts(self, store: Store):
        session = await self.session(store, tables=1)
        kari = await self.seat(store, session, table=1)
        activity = await self.open_activity(store, session)
        _, update = typed("Kari sa noe privat.")
        await store.record_note(NoteEdit(new_id(), kari.id, activity, update))
        await store.set_closed(session.id, True)
        assert session.id in await store.delete_old_texts(time.time() + 1, time.time())
        assert await self.notes_of(store, session.id, 1) == ""

    async def test_notes_kept_off_the_screen_and_emptied_to_a_fresh_document(self, store: Store):
        session = await self.session(store, tables=2)
        kari = await self.seat(store, session, table=1)
        ola = await self.seat(store, session, table=1)
        await self.seat(store, session, table=2)
        activity = await self.open_activity(store, session)
        doc, update = typed("Kari skriver. ")
        await store.record_note(NoteEdit(new_id(), kari.id, activity, update))
        # Off the screen: stored once; the same again changes nothing.
        assert await store.show_notes(session.id, activity, 1, False) is True
        assert await store.show_notes(session.id, activity, 1, False) is False
        assert await store.show_notes(session.id, activity, 2, False) is True  # no notes yet
        room = await store.table_room(session.id, 1)
        assert room is not None and room.talk.hidden is True
        with pytest.raises(NotFound):
            await store.show_notes(session.id, activity, 9, False)
        with pytest.raises(NotFound):
            await store.show_notes(session.id, activity + 999, 1, False)
        members, notes, stored, turns = await store.tables_notes(session.id, activity)
        assert [p.id for p in members[1]] == [kari.id, ola.id] and members[1][0].number == 1
        assert notes[1].text == "Kari skriver. " and notes[1].hidden and notes[2].text == ""
        assert stored == {1: kari.id} and turns == {}
        # Emptied as seen at generation 0: a fresh document; a second press changes nothing.
        assert await store.clear_notes(session.id, activity, 1, 0) == (1, True)
        assert await store.clear_notes(session.id, activity, 1, 0) == (1, False)
        with pytest.raises(Conflict):
            await store.clear_notes(session.id, activity, 1, 3)
        assert await self.notes_of(store, session.id, 1) == ""
        room = await store.table_room(session.id, 1)
        assert room is not None and room.talk.generation == 1 and room.talk.hidden is True
        # An edit made on the old document is refused; one on the new stands alone.
        doc.get("notes", type=Text).insert(0, "Gammelt. ")
        with pytest.raises(Conflict):
            await store.record_note(NoteEdit(new_id(), kari.id, activity, doc.get_update(), 0))
        _, new = typed("Ny start.")
        assert await store.record_note(NoteEdit(new_id(), ola.id, activity, new, 1)) == 1
        assert await self.notes_of(store, session.id, 1) == "Ny start."
        # The day's notes, for the report: those with text, the spokesperson of the turn.
        day = await store.day_notes(session.id)
        assert [(n.table, n.text, n.hidden) for n in day] == [(1, "Ny start.", True)]
        assert day[0].spokesperson is not None and day[0].spokesperson.id == kari.id
