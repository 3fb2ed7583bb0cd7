"""The Store contract against SQLite, plus what only SQLite has: migrations, group commit."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.store_contract import StoreContract, new_id, poll
from workshop import balance
from workshop.domain import Vote
from workshop.errors import Conflict
from workshop.store import open_store
from workshop.store.base import IdTaken, Store
from workshop.store.group import HEAVY, MAX_WEIGHT
from workshop.store.migrate import available
from workshop.store.sqlite import SQLiteStore


class TestSQLiteStore(StoreContract):
    def create_store(self, place: Path) -> Store:
        return SQLiteStore(str(place / "store.db"))


def migrations(path: Path) -> list[tuple[int, float]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT version, applied_at FROM schema_migrations").fetchall()


async def test_the_url_picks_the_backend(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path}/by-url.db")
    assert isinstance(store, SQLiteStore)
    await store.open()
    await store.close()
    assert (tmp_path / "by-url.db").exists()
    with pytest.raises(ValueError):
        open_store("mysql://localhost/workshop")


async def test_migrations_are_applied_once(tmp_path: Path):
    path = tmp_path / "migrated.db"
    store = SQLiteStore(str(path))
    await store.open()
    await store.add_facilitator("anna", "$argon2id$a")
    await store.close()
    first = migrations(path)
    shipped = [number for number, _ in available()]
    assert shipped == list(range(1, len(shipped) + 1))  # numbered 1, 2, … without gaps
    assert [version for version, _ in first] == shipped

    again = SQLiteStore(str(path))
    await again.open()
    try:
        assert migrations(path) == first  # not applied a second time
        assert await again.count_facilitators() == 1
    finally:
        await again.close()


async def test_the_database_is_in_wal_mode(tmp_path: Path):
    store = SQLiteStore(str(tmp_path / "wal.db"))
    await store.open()
    await store.close()
    with sqlite3.connect(tmp_path / "wal.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize("content", [b"not a database " * 100, b""])
async def test_a_store_that_cannot_open_leaves_no_thread_behind(tmp_path: Path, content: bytes):
    """Else `workshop serve` on a bad file prints the error and then hangs forever."""
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    if not content:  # a database whose schema is in the way of the first migration
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE settings (other TEXT)")
    before = set(threading.enumerate())
    store = SQLiteStore(str(path))
    with pytest.raises(sqlite3.DatabaseError):
        await store.open()
    left = [t for t in set(threading.enumerate()) - before if t.is_alive() and not t.daemon]
    for thread in left:
        thread.join(timeout=5)  # a closed connection's thread ends by itself
    assert not [t for t in left if t.is_alive()]


class Batches:
    """Records the size of every batch the writer commits."""

    def __init__(self, store: SQLiteStore) -> None:
        self.sizes: list[int] = []
        group = store._group
        assert group is not None
        commit = group._commit

        def counted(ops: list[Any]) -> list[Any]:
            self.sizes.append(len(ops))
            return commit(ops)

        group._commit = counted  # type: ignore[method-assign]


class TestGroupCommit:
    @pytest.fixture
    async def store(self, tmp_path: Path):
        store = SQLiteStore(str(tmp_path / "group.db"))
        await store.open()
        yield store
        await store.close()

    async def setup_room(self, store: SQLiteStore, people: int):
        contract = StoreContract()
        session = await contract.session(store, tables=10)
        activity = await contract.open_activity(store, session)
        seated = await asyncio.gather(*(contract.seat(store, session) for _ in range(people)))
        return session, activity, seated

    async def hold_the_writer(self, store: SQLiteStore) -> tuple[threading.Event, asyncio.Task]:
        """Keep the writer's thread busy until the event is set, so what is queued meanwhile
        is committed as one batch."""
        entered, release = threading.Event(), threading.Event()

        def gate(db: Any) -> None:
            entered.set()
            release.wait(10)

        task = asyncio.create_task(store._write(gate))
        assert await asyncio.to_thread(entered.wait, 10)
        return release, task

    async def test_concurrent_votes_share_commits(self, store: SQLiteStore):
        session, activity, people = await self.setup_room(store, 500)
        batches = Batches(store)
        votes = [Vote(new_id(), activity, p.id, p.table, 0) for p in people]
        assert await asyncio.gather(*(store.record_vote(v) for v in votes)) == [True] * 500
        assert sum(batches.sizes) == 500
        assert len(batches.sizes) < 50, batches.sizes
        room = await store.room(session.id, "current")
        assert sum(count for _, _, count in room.votes[activity]) == 500

    async def test_a_failing_write_does_not_fail_its_batch(self, store: SQLiteStore):
        session, activity, people = await self.setup_room(store, 11)
        closed = await store.add_activity(session.id, poll())
        good = [Vote(new_id(), activity, p.id, p.table, 1) for p in people[:10]]
        await store.record_vote(good[0])
        batches = Batches(store)
        release, gate = await self.hold_the_writer(store)
        writes = [
            *(store.record_vote(v) for v in good[1:5]),
            # an unexpected failure: no such participant (a foreign key)
            store.record_vote(Vote(new_id(), activity, 999_999, 1, 0)),
            store.record_vote(Vote(good[0].id, activity, people[10].id, 1, 0)),  # id taken
            store.record_vote(Vote(new_id(), closed.id, people[10].id, 1, 0)),  # not open
            store.record_vote(good[0]),  # a repeat
            *(store.record_vote(v) for v in good[5:]),
        ]
        pending = [asyncio.ensure_future(w) for w in writes]
        release.set()
        await gate
        outcomes = await asyncio.gather(*pending, return_exceptions=True)
        # the gate's own batch, then all the writes in one; after the unexpected failure each
        # is retried alone
        assert batches.sizes[:2] == [1, len(writes)], batches.sizes
        assert outcomes[:4] == [True] * 4 and outcomes[8:] == [True] * 5
        assert isinstance(outcomes[4], sqlite3.IntegrityError)
        assert isinstance(outcomes[5], IdTaken)
        assert isinstance(outcomes[6], Conflict)
        assert outcomes[7] is False
        room = await store.room(session.id, "current")
        assert sum(count for _, _, count in room.votes[activity]) == 10

    async def test_joins_are_cut_into_short_batches_and_votes_still_share(self, store: SQLiteStore):
        """A run of queued joins (HEAVY) is split so no batch passes MAX_WEIGHT; the votes
        behind them go together in the next batch, and every write still succeeds."""
        session, activity, people = await self.setup_room(store, 100)
        contract = StoreContract()
        batches = Batches(store)
        release, gate = await self.hold_the_writer(store)
        joins = [asyncio.ensure_future(contract.seat(store, session)) for _ in range(40)]
        votes = [Vote(new_id(), activity, p.id, p.table, 0) for p in people]
        voted = [asyncio.ensure_future(store.record_vote(v)) for v in votes]
        release.set()
        await gate
        seated = await asyncio.gather(*joins)
        assert await asyncio.gather(*voted) == [True] * 100
        per_batch = MAX_WEIGHT // HEAVY  # 16 joins
        rest = 40 - 2 * per_batch  # 8 joins, and the 100 votes fit beside them
        assert rest * HEAVY + 100 <= MAX_WEIGHT
        assert batches.sizes[1:] == [per_batch, per_batch, rest + 100], batches.sizes
        assert len({p.number for p in seated}) == 40

    async def test_an_op_heavier_than_a_batch_still_runs(self, store: SQLiteStore):
        batches = Batches(store)
        release, gate = await self.hold_the_writer(store)
        heavy = [asyncio.ensure_future(store._write(lambda db: 7, MAX_WEIGHT + 1)) for _ in "ab"]
        release.set()
        await gate
        assert await asyncio.gather(*heavy) == [7, 7]
        assert batches.sizes[1:] == [1, 1]

    async def test_close_waits_for_queued_writes(self, tmp_path: Path):
        path = tmp_path / "closing.db"
        store = SQLiteStore(str(path))
        await store.open()
        writes = [asyncio.create_task(store.set_setting(f"key{n}", "v")) for n in range(100)]
        release, gate = await self.hold_the_writer(store)  # queued after the 100 writes
        closing = asyncio.create_task(store.close())
        release.set()
        await asyncio.wait_for(closing, 10)
        await gate
        assert all(w.done() and w.exception() is None for w in writes)
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT COUNT(*) FROM settings").fetchone() == (100,)


async def test_a_snapshot_read_cut_short_leaves_the_next_read_working(tmp_path: Path):
    """A hub that stops while it renders cancels its read of the room. Cut at any point
    between its BEGIN and COMMIT, the snapshot connection must not stay inside that
    transaction: every read after it would fail, and joins would answer 500."""
    store = SQLiteStore(str(tmp_path / "cut.db"))
    await store.open()
    try:
        contract = StoreContract()
        session = await contract.session(store, tables=3)
        await contract.open_activity(store, session)
        reads = (
            lambda: store.room(session.id, "all"),
            lambda: store.table_room(session.id, 1),
            lambda: store.round_room(session.id),
        )
        for read in reads:
            for steps in range(1, 12):  # cut after 1, 2, … turns of the event loop
                task = asyncio.create_task(read())
                for _ in range(steps):
                    await asyncio.sleep(0)  # a turn of the loop: where the cut falls
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                room = await store.room(session.id, "all")  # raised once the read was cut
                assert room.session.id == session.id
    finally:
        await store.close()


class TestSeatCounts:
    """The seat counts kept with the tables (store/sqlite/seats.py) against a count of the
    participants, after every kind of write that seats, moves or removes someone."""

    @pytest.fixture
    async def store(self, tmp_path: Path):
        store = SQLiteStore(str(tmp_path / "seats.db"))
        await store.open()
        yield store
        await store.close()

    def kept(self, store: SQLiteStore, session_id: int) -> dict[int, int]:
        with contextlib.closing(sqlite3.connect(store.path)) as db:
            rows = db.execute(
                "SELECT number, seated FROM tables WHERE session_id = ? AND seated > 0",
                (session_id,),
            ).fetchall()
        return dict(rows)

    async def test_kept_counts_follow_every_seat_move_and_removal(self, store: SQLiteStore):
        contract = StoreContract()
        session = await contract.session(store, tables=4)
        people = [await contract.seat(store, session, table=1 + i % 2) for i in range(12)]
        assert self.kept(store, session.id) == await store.seated(session.id) == {1: 6, 2: 6}
        await store.move_participant(session.id, people[0].id, 3)
        await store.remove_participant(session.id, people[1].id)
        await store.change_table(session.id, people[2].id, 4)
        moved = {1: 4, 2: 5, 3: 1, 4: 1}
        assert self.kept(store, session.id) == await store.seated(session.id) == moved
        await store.reseat(session.id, lambda *a: balance.reseat(*a))
        assert self.kept(store, session.id) == await store.seated(session.id)
        record = await store.dump_session(session.id)
        assert record is not None
        owner = await contract.facilitator(store)
        loaded = await store.load_session(
            record, code="SEATCT", facilitator_id=owner.id, screen_key="k", base_url=""
        )
        assert loaded is not None
        assert self.kept(store, loaded.id) == await store.seated(session.id)
        assert [p.number for p in people] == list(range(1, 13))

    async def test_a_join_costs_the_same_in_a_large_session(self, store: SQLiteStore):
        """SQLite's virtual-machine steps in one join's step, after 20 and after 400 joins:
        counting every seated participant (as before 0013) made the second about 10x the
        first."""
        contract = StoreContract()
        session = await contract.session(store, tables=20)
        group = store._group
        assert group is not None
        steps: list[int] = []
        commit = group._commit

        def counted(ops: list[Any]) -> list[Any]:
            count = [0]

            def step() -> int:
                count[0] += 1
                return 0

            group._db.set_progress_handler(step, 10)
            try:
                return commit(ops)
            finally:
                group._db.set_progress_handler(None, 10)
                steps.append(count[0])

        choose = seating_plan_choose()
        for n in range(400):
            if n in (20, 399):
                group._commit = counted  # type: ignore[method-assign]
            await store.seat_participant(session.id, "", f"cost-{n}", choose, answers={})
            group._commit = commit  # type: ignore[method-assign]
        small, large = steps
        assert large < 1.3 * small, steps


def seating_plan_choose() -> Any:
    """The balanced seat a join without a picked table gets (seating_plan.Seating.chooser)."""

    def choose(tables: Any, seated: Any, spread: Any = None) -> int:
        return balance.place([t.number for t in tables], seated, spread or {}, {})

    return choose
