"""The store contract (tests/store_contract.py) on PostgreSQL, and what is PostgreSQL's own.

Each test's store lives in a schema of its own (tests/services.py), reopened by `place`.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests import services
from tests.store_contract import StoreContract
from workshop.errors import Busy
from workshop.store import open_store
from workshop.store.base import Store
from workshop.store.postgres import PostgresStore


class TestPostgresStore(StoreContract):
    @pytest.fixture(autouse=True)
    def _base(self, postgres_base: str) -> None:
        self.base = postgres_base

    def create_store(self, place: Path) -> Store:
        schema = "t_" + hashlib.sha1(str(place).encode()).hexdigest()[:16]
        return PostgresStore(services.schema_url(self.base, schema))

    async def test_two_processes_stores_count_each_vote_once(self, store: Store, tmp_path: Path):
        """A second store on the same database (another process's writer): interleaved
        votes from both, each sent to both, are stored once each; the tallies are exact."""
        other = self.create_store(tmp_path)
        await other.open()  # migrates nothing more: the first did, under the writers' lock
        try:
            session = await self.session(store, tables=10)
            activity = await self.open_activity(store, session)
            people = await asyncio.gather(*(self.seat(store, session) for _ in range(60)))
            votes = [self.vote(p, activity, n % 3) for n, p in enumerate(people)]
            stored = await asyncio.gather(
                *(s.record_vote(v) for v in votes for s in (store, other))
            )
            assert sorted(stored) == [False] * 60 + [True] * 60
            counts: Counter[int] = Counter()
            for _table, option, count in (await other.room(session.id, "current")).votes[activity]:
                counts[option] += count
            assert counts == {0: 20, 1: 20, 2: 20}
        finally:
            await other.close()

    async def test_a_lost_connection_is_busy_once_then_connects_again(self):
        """The database dropped every connection (a restart, a failover): the next write is
        `Busy` or goes through on a new connection, and nothing stored is lost."""
        name = f"lost-{uuid.uuid4().hex[:8]}"  # only this store's connections are dropped
        store = PostgresStore(services.schema_url(self.base) + f"&application_name={name}")
        await store.open()
        try:
            await self._lose_connections(store, name)
        finally:
            await store.close()

    async def _lose_connections(self, store: Store, name: str) -> None:
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        first = await self.seat(store, session)
        assert await store.record_vote(self.vote(first, activity, 0))
        import psycopg

        with psycopg.connect(self.base, autocommit=True) as admin:
            dropped = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s",
                (name,),
            ).fetchall()
        assert len(dropped) == 3  # the writer and both readers
        second = None
        for _ in range(3):  # a phone resends after Busy
            try:
                second = await self.seat(store, session)
                break
            except Busy:
                continue
        assert second is not None
        for _ in range(3):
            try:
                assert await store.record_vote(self.vote(second, activity, 1))
                break
            except Busy:
                continue
        room = await store.room(session.id, "current")
        assert sorted(option for _t, option, _c in room.votes[activity]) == [0, 1]


async def test_the_url_picks_postgresql(postgres_url: str):
    store = open_store(postgres_url)
    assert isinstance(store, PostgresStore)
    await store.open()
    await store.close()
