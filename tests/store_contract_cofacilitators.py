"""The `Store` contract for co-facilitators (issue 17, workshop/cofacilitating.py): adding an
account to a session (again: its watch changes), listing them in the order added, whether an
account co-facilitates a session, taking one off, the sessions an account runs, and that
deleting a session takes its co-facilitators with it.

Mixed into `StoreContract` (tests/store_contract.py), whose helpers it uses, so every
backend runs it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workshop.store.base import Store

if TYPE_CHECKING:
    from tests.store_contract import StoreContract as _Base
else:
    _Base = object


class CoFacilitatorsContract(_Base):
    async def test_cofacilitators_are_added_listed_and_taken_off(self, store: Store):
        session = await self.session(store)
        first, second = await self.facilitator(store), await self.facilitator(store)
        assert await store.cofacilitators(session.id) == []
        assert await store.cofacilitating(session.id, first.id) is None

        added = await store.add_cofacilitator(session.id, first.id, "digital")
        assert added is not None
        assert (added.facilitator.id, added.facilitator.username) == (first.id, first.username)
        assert added.watch == "digital" and added.added_at > 0
        await store.add_cofacilitator(session.id, second.id, "all")
        listed = await store.cofacilitators(session.id)
        assert [(c.facilitator.id, c.watch) for c in listed] == [
            (first.id, "digital"),
            (second.id, "all"),
        ]

        # Adding again changes the watch only: still one entry, still where it was.
        again = await store.add_cofacilitator(session.id, first.id, "room")
        assert again is not None and again.watch == "room"
        assert again.added_at == added.added_at
        listed = await store.cofacilitators(session.id)
        assert [(c.facilitator.id, c.watch) for c in listed] == [
            (first.id, "room"),
            (second.id, "all"),
        ]
        found = await store.cofacilitating(session.id, first.id)
        assert found is not None and found.watch == "room"

        other = await self.session(store)
        assert await store.cofacilitating(other.id, first.id) is None  # per session
        assert await store.add_cofacilitator(session.id, 10**9, "all") is None  # no such account

        assert await store.remove_cofacilitator(session.id, first.id)
        assert not await store.remove_cofacilitator(session.id, first.id)
        assert not await store.remove_cofacilitator(other.id, second.id)
        assert await store.cofacilitating(session.id, first.id) is None
        assert [c.facilitator.id for c in await store.cofacilitators(session.id)] == [second.id]

    async def test_a_change_of_cofacilitators_is_a_new_version(self, store: Store):
        session = await self.session(store)
        helper = await self.facilitator(store)
        start = await self.version(store, session)
        await store.add_cofacilitator(session.id, helper.id, "all")
        added = await self.version(store, session)
        assert added > start  # the consoles' snapshot changes with it
        await store.remove_cofacilitator(session.id, helper.id)
        assert await self.version(store, session) > added

    async def test_an_account_lists_the_sessions_it_cofacilitates(self, store: Store):
        session = await self.session(store)
        helper = await self.facilitator(store)
        assert await store.sessions_of(helper.id) == []
        assert await store.session_overviews(helper.id) == []
        await store.add_cofacilitator(session.id, helper.id, "all")
        assert [s.id for s in await store.sessions_of(helper.id)] == [session.id]
        assert [o.session.id for o in await store.session_overviews(helper.id)] == [session.id]
        await store.remove_cofacilitator(session.id, helper.id)
        assert await store.session_overviews(helper.id) == []

    async def test_deleting_a_session_takes_its_cofacilitators_with_it(self, store: Store):
        session = await self.session(store)
        kept = await self.session(store)
        helper = await self.facilitator(store)
        await store.add_cofacilitator(session.id, helper.id, "digital")
        await store.add_cofacilitator(kept.id, helper.id, "room")
        assert await store.delete_session(session.id)
        assert await store.cofacilitators(session.id) == []
        assert await store.cofacilitating(session.id, helper.id) is None
        assert [s.id for s in await store.sessions_of(helper.id)] == [kept.id]
        found = await store.cofacilitating(kept.id, helper.id)
        assert found is not None and found.watch == "room"
        assert await store.facilitator(helper.id) is not None  # the account stays
