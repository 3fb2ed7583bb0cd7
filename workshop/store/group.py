"""Group commit: many writers, one transaction, one fsync.

Writes are queued; the loop takes everything waiting, runs it in one `BEGIN IMMEDIATE`
transaction and commits once, so a burst of votes costs one fsync instead of one each. A
caller's future resolves only after its transaction has committed: acknowledge after that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")
Op = Callable[[aiosqlite.Connection], Awaitable[Any]]
MAX_BATCH = 512


class GroupCommit:
    """Runs write operations on one connection, batched into shared transactions.

    An op raises one of `expected` (a rule, a taken id) before it writes anything, so such
    an error fails that op alone and the rest of its batch still commits. Anything else
    rolls the batch back and each op is retried alone, so one bad op fails only itself.
    """

    def __init__(self, db: aiosqlite.Connection, expected: tuple[type[BaseException], ...]) -> None:
        self._db = db
        self._expected = expected
        self._queue: asyncio.Queue[tuple[Op, asyncio.Future[Any]]] = asyncio.Queue()
        self._task = asyncio.create_task(self._loop(), name="sqlite-group-commit")

    async def run(self, op: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((op, future))
        return await future

    async def close(self) -> None:
        """Finish what is queued, then stop."""
        await self._queue.join()
        self._task.cancel()

    async def _loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._commit(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _commit(self, batch: list[tuple[Op, asyncio.Future[Any]]]) -> None:
        db = self._db
        outcomes: list[tuple[asyncio.Future[Any], bool, Any]] = []
        try:
            await db.execute("BEGIN IMMEDIATE")
            for op, future in batch:
                try:
                    outcomes.append((future, True, await op(db)))
                except self._expected as error:
                    outcomes.append((future, False, error))
            await db.execute("COMMIT")
        except Exception as error:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            if len(batch) > 1:
                for item in batch:
                    await self._commit([item])
            elif not batch[0][1].done():
                batch[0][1].set_exception(error)
            return
        for future, ok, value in outcomes:
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
