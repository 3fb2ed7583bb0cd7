"""Group commit: many writers, one transaction, one fsync, one hop to the writer's thread.

Writes are queued; the loop takes everything waiting and hands it to the writer's own thread,
which runs it in one `BEGIN IMMEDIATE` transaction and commits once. A burst of votes costs
one fsync and one thread hop per batch instead of several per vote. A caller's future
resolves only after its transaction has committed: acknowledge after that.

A batch is bounded by its ops' weights as well as their number, so that no batch holds the
writer for long: an op that reads and writes much (a join seats someone by the counts of
the session's tables) weighs `HEAVY`, a vote 1, and a batch takes ops in order until the
next would pass `MAX_WEIGHT` (the first always goes). Votes queued behind a run of joins
then wait for one short batch, not for hundreds of joins in one transaction.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from workshop.errors import Busy

T = TypeVar("T")
Op = Callable[[sqlite3.Connection], Any]
Outcome = tuple[bool, Any]  # (succeeded, result or exception)
MAX_BATCH = 512  # ops in one transaction
MAX_WEIGHT = 512  # their weights: about 10 ms of work on this machine
HEAVY = 32  # a join's weight: about 0.3-0.6 ms of work against 10-20 us for a vote
Observer = Callable[[list[float], float], None]  # (each op's queue wait, batch seconds)
Item = tuple[Op, "asyncio.Future[Any]", int, float]  # op, its future, weight, queued at


class GroupCommit:
    """Runs write operations on one connection, on one thread, batched into transactions.

    An op raises one of `expected` (a rule, a taken id) before it writes anything, so such
    an error fails that op alone and the rest of its batch still commits. A locked database
    (another process holds the write lock past the busy timeout) fails the whole batch at
    once with `Busy`: retrying op by op would wait the busy timeout again for each. Anything
    else rolls the batch back and each op is retried alone, so one bad op fails only itself.
    """

    observer: Observer | None = None  # set by the lag monitor (workshop/lag.py) only

    def __init__(
        self,
        db: sqlite3.Connection,
        thread: ThreadPoolExecutor,
        expected: tuple[type[BaseException], ...],
    ) -> None:
        self._db = db
        self._thread = thread
        self._expected = expected
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self._next: Item | None = None  # taken from the queue, left for the next batch
        self._task = asyncio.create_task(self._loop(), name="sqlite-group-commit")

    @classmethod
    async def start(
        cls, connect: Callable[[], sqlite3.Connection], expected: tuple[type[BaseException], ...]
    ) -> GroupCommit:
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        try:
            db = await asyncio.get_running_loop().run_in_executor(thread, connect)
        except BaseException:
            thread.shutdown()
            raise
        return cls(db, thread, expected)

    async def run(self, op: Callable[[sqlite3.Connection], T], weight: int = 1) -> T:
        """`op`'s result once its batch has committed; `weight`: `HEAVY` for a costly op."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((op, future, weight, time.monotonic()))
        return await future

    async def close(self) -> None:
        """Finish what is queued, then stop and close the connection."""
        await self._queue.join()
        self._task.cancel()
        await asyncio.get_running_loop().run_in_executor(self._thread, self._db.close)
        self._thread.shutdown()

    async def _take(self) -> list[Item]:
        """The next batch: ops in order while their weight stays within `MAX_WEIGHT`."""
        first = self._next if self._next is not None else await self._queue.get()
        self._next = None
        batch, weight = [first], first[2]
        while len(batch) < MAX_BATCH and not self._queue.empty():
            item = self._queue.get_nowait()
            if weight + item[2] > MAX_WEIGHT:
                self._next = item  # first of the next batch
                break
            batch.append(item)
            weight += item[2]
        return batch

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._take()
            try:
                ops = [item[0] for item in batch]
                began = time.monotonic()
                outcomes = await loop.run_in_executor(self._thread, self._commit, ops)
                if self.observer is not None:
                    waits = [began - item[3] for item in batch]
                    self.observer(waits, time.monotonic() - began)
                for (_, future, _, _), (ok, value) in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _commit(self, ops: list[Op]) -> list[Outcome]:
        """On the writer's thread: the batch in one transaction, or each op alone."""
        db = self._db
        outcomes: list[Outcome] = []
        try:
            db.execute("BEGIN IMMEDIATE")
            for op in ops:
                try:
                    outcomes.append((True, op(db)))
                except self._expected as error:
                    outcomes.append((False, error))
            db.execute("COMMIT")
        except Exception as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if is_busy(error):
                return [(False, Busy()) for _ in ops]
            if len(ops) == 1:
                return [(False, error)]
            outcomes = []
            for op in ops:
                outcomes.extend(self._commit([op]))
                if isinstance(outcomes[-1][1], Busy):  # locked meanwhile: the rest would wait
                    outcomes.extend((False, Busy()) for _ in ops[len(outcomes) :])
                    break
            return outcomes
        return outcomes


def is_busy(error: BaseException) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED (any extended code): another connection holds the lock."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(error)
    return "locked" in text or "busy" in text
