"""The `Store` contract for hybrid days (issue 17): tables of each kind, adding a table, and
the video-meeting links.

Mixed into `StoreContract` (tests/store_contract.py), whose helpers it uses, so every
backend runs it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workshop.domain import Session
from workshop.store.base import Store

if TYPE_CHECKING:
    from tests.store_contract import StoreContract as _Base
else:
    _Base = object


class HybridContract(_Base):
    def code(self) -> str:
        from tests.store_contract import a_code  # not at the top: that module imports this one

        return a_code()

    async def hybrid_session(self, store: Store, room: int = 2, digital: int = 2) -> Session:
        owner = await self.facilitator(store)
        session = await store.create_session(
            code=self.code(),
            facilitator_id=owner.id,
            title="Hybrid",
            language="nb",
            screen_key="k",
            base_url="http://example.test",
            table_names=[f"Bord {n}" for n in range(1, room + 1)],
            digital_names=[f"Digitalt bord {n}" for n in range(1, digital + 1)],
        )
        assert session is not None
        return session

    async def test_tables_carry_their_kind_room_first_then_digital(self, store: Store):
        session = await self.hybrid_session(store)
        tables = await store.tables(session.id)
        assert [(t.number, t.name, t.kind) for t in tables] == [
            (1, "Bord 1", "room"),
            (2, "Bord 2", "room"),
            (3, "Digitalt bord 1", "digital"),
            (4, "Digitalt bord 2", "digital"),
        ]
        assert all(t.meeting_url is None for t in tables)
        plain = await self.session(store, tables=2)
        assert {t.kind for t in await store.tables(plain.id)} == {"room"}

    async def test_an_all_digital_session_has_no_room_table(self, store: Store):
        session = await self.hybrid_session(store, room=0, digital=3)
        assert [t.kind for t in await store.tables(session.id)] == ["digital"] * 3

    async def test_a_table_added_is_numbered_after_the_last(self, store: Store):
        session = await self.hybrid_session(store)
        before = await self.version(store, session)
        added = await store.add_table(session.id, "Hjemmekontoret", "digital")
        assert (added.number, added.name, added.kind) == (5, "Hjemmekontoret", "digital")
        room = await store.add_table(session.id, "Bord 3", "room")
        assert room.number == 6 and room.kind == "room"
        assert [t.number for t in await store.tables(session.id)] == [1, 2, 3, 4, 5, 6]
        assert await self.version(store, session) > before  # screens redraw

    async def test_meeting_links_are_set_changed_and_cleared(self, store: Store):
        session = await self.hybrid_session(store)
        changed = await store.set_meetings(
            session.id,
            plenary="https://meet.example/plenum",
            pattern="https://meet.example/x-{table}",
            tables={3: "https://meet.example/own"},
        )
        assert changed.plenary_url == "https://meet.example/plenum"
        assert changed.meeting_pattern == "https://meet.example/x-{table}"
        tables = {t.number: t for t in await store.tables(session.id)}
        assert tables[3].meeting_url == "https://meet.example/own"
        assert tables[4].meeting_url is None
        # Left out: unchanged; None: cleared; an unknown table is left out.
        again = await store.set_meetings(session.id, plenary=None, tables={3: None, 99: "x"})
        assert again.plenary_url is None
        assert again.meeting_pattern == "https://meet.example/x-{table}"
        assert all(t.meeting_url is None for t in await store.tables(session.id))
        found = await store.session(session.code)
        assert found is not None and found.meeting_pattern == "https://meet.example/x-{table}"

    async def test_a_session_file_keeps_kinds_and_links(self, store: Store):
        session = await self.hybrid_session(store)
        await store.set_meetings(
            session.id, plenary="https://meet.example/p", tables={4: "https://meet.example/4"}
        )
        record = await store.dump_session(session.id)
        assert record is not None
        assert [t.kind for t in record.tables] == ["room", "room", "digital", "digital"]
        assert record.tables[3].meeting_url == "https://meet.example/4"
        assert record.session.plenary_url == "https://meet.example/p"
