"""The `Store` contract for station rotations (issue 16, stations): saving a rotation, its
clock, the room and table reads, and the station each post is placed at in the step that
stores it.

Mixed into `StoreContract` (tests/store_contract.py), whose helpers it uses, so every
backend runs it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from workshop.domain import activity_spec
from workshop.stations import RotationSpec, Station
from workshop.store.base import Store

if TYPE_CHECKING:
    from tests.store_contract import StoreContract as _Base
else:
    _Base = object

THREE = RotationSpec(
    (Station("Helse og omsorg", "Eldre?"), Station("Teknisk", "Veier?"), Station("Oppvekst")),
    600,
    3,
)


class StationsContract(_Base):
    async def rotation_activity(self, store: Store, tables: int = 3):  # type: ignore[no-untyped-def]
        session = await self.session(store, tables=tables)
        activity = await self.open_activity(
            store, session, activity_spec("reflection", "Kommunetorg")
        )
        assert await store.save_rotation(session.id, activity, THREE)
        return session, activity

    async def test_a_rotation_is_saved_and_read_back(self, store: Store):
        session, activity = await self.rotation_activity(store)
        found = await store.rotation(session.id, activity)
        assert found is not None
        assert [s.name for s in found.stations] == ["Helse og omsorg", "Teknisk", "Oppvekst"]
        assert found.stations[0].prompt == "Eldre?" and found.stations[2].prompt == ""
        assert (found.seconds, found.rounds, found.base_at) == (600, 3, None)
        room = await store.room(session.id, "current")
        assert room.stations[activity] == found
        other = await self.session(store)
        assert await store.rotation(other.id, activity) is None  # another session's
        assert not await store.save_rotation(other.id, activity, THREE)

    async def test_saving_again_replaces_the_stations_and_resets_the_clock(self, store: Store):
        session, activity = await self.rotation_activity(store)
        await store.set_rotation_clock(session.id, activity, 1, time.time())
        two = RotationSpec((Station("A"), Station("B")), 120, 2)
        assert await store.save_rotation(session.id, activity, two)
        found = await store.rotation(session.id, activity)
        assert found is not None
        assert [s.name for s in found.stations] == ["A", "B"]
        assert (found.seconds, found.rounds, found.base_round, found.base_at) == (120, 2, 0, None)

    async def test_a_post_is_placed_at_its_tables_station_when_it_is_stored(self, store: Store):
        session, activity = await self.rotation_activity(store, tables=4)
        p1 = await self.seat(store, session, 1)
        p4 = await self.seat(store, session, 4)
        early = self.post(p1, activity, "before the start")
        assert await store.record_post(early)
        await store.set_rotation_clock(session.id, activity, 0, time.time())
        first = self.post(p1, activity, "round one, table 1")
        shared = self.post(p4, activity, "round one, table 4")
        assert await store.record_post(first) and await store.record_post(shared)
        await store.set_rotation_clock(session.id, activity, 1, time.time())
        second = self.post(p1, activity, "round two")
        assert await store.record_post(second)
        # A participant moved to another table: the post follows the table they sit at now,
        # not the one the post object was made with.
        await store.change_table(session.id, p1.id, 3)
        moved = self.post(p1, activity, "moved to table 3")
        assert await store.record_post(moved)
        assert not await store.record_post(moved)  # a repeat changes nothing
        places = await store.post_stations(session.id)
        assert places == {
            early.id: None,
            first.id: 0,
            shared.id: 0,  # table 4 shares station 0 with table 1 (4 tables, 3 stations)
            second.id: 1,
            moved.id: 0,  # table 3 (position 2) in round 1: (2 + 1) mod 3
        }

    async def test_the_table_room_carries_the_current_rotation(self, store: Store):
        session, activity = await self.rotation_activity(store)
        room = await store.table_room(session.id, 2)
        assert room is not None and room.station is not None
        rotation, numbers = room.station
        assert rotation.activity_id == activity and sorted(numbers) == [1, 2, 3]
        plain = await self.open_activity(store, session, activity_spec("reflection", "Annet"))
        room = await store.table_room(session.id, 2)
        assert room is not None and room.station is None and room.activity is not None
        assert room.activity.id == plain

    async def test_a_deleted_activity_takes_its_rotation_with_it(self, store: Store):
        session = await self.session(store)
        draft = await store.add_activity(session.id, activity_spec("reflection", "Utkast"))
        assert await store.save_rotation(session.id, draft.id, THREE)
        await store.delete_activity(session.id, draft.id)
        assert await store.rotation(session.id, draft.id) is None

    async def test_a_dumped_rotation_loads_with_its_posts_stations(self, store: Store):
        session, activity = await self.rotation_activity(store)
        p1, p2 = await self.seat(store, session, 1), await self.seat(store, session, 2)
        early = self.post(p1, activity, "before the start")
        assert await store.record_post(early)
        started = time.time()
        await store.set_rotation_clock(session.id, activity, 1, started)
        for post in (self.post(p1, activity, "table 1"), self.post(p2, activity, "table 2")):
            assert await store.record_post(post)
        record = await store.dump_session(session.id)
        assert record is not None
        (rotation,) = record.rotations
        assert rotation == (await store.rotation(session.id, activity))
        assert (rotation.base_round, rotation.base_at) == (1, started)
        texts = {p.id: p.text for p in record.posts}
        assert {texts[k]: v for k, v in record.post_stations.items()} == {
            "before the start": (None, None),
            "table 1": (1, 1),
            "table 2": (2, 1),
        }
        owner = await self.facilitator(store)
        loaded = await store.load_session(
            record, code="YYYYYY", facilitator_id=owner.id, screen_key="k", base_url=""
        )
        assert loaded is not None
        again = await store.dump_session(loaded.id)
        assert again is not None
        (copied,) = again.rotations
        assert copied.activity_id != activity
        assert (copied.stations, copied.seconds, copied.rounds) == (
            THREE.stations,
            THREE.seconds,
            THREE.rounds,
        )
        assert (copied.base_round, copied.base_at) == (1, started)
        texts = {p.id: p.text for p in again.posts}
        assert {texts[k]: v for k, v in again.post_stations.items()} == {
            "before the start": (None, None),
            "table 1": (1, 1),
            "table 2": (2, 1),
        }
        places = await store.post_stations(loaded.id)
        assert sorted(places.values(), key=str) == sorted([None, 1, 2], key=str)
