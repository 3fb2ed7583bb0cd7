"""The connections: one writer with group commit (`group.py`) and two readers, one for
single reads and one for the consistent snapshots of `room()`."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from functools import partial, wraps
from typing import Any, ParamSpec

import aiosqlite

from workshop.errors import Busy
from workshop.store.group import GroupCommit, is_busy
from workshop.store.sqlite.rows import (
    EXPECTED,
    PRAGMAS,
    T,
    connect_writer,
)

P = ParamSpec("P")


def uncut(read: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Run a snapshot read (BEGIN … COMMIT on the snapshot connection) to its end even when
    its caller is cancelled: a hub that stops while it renders (its last socket closed)
    cancels the read, and one cut between BEGIN and COMMIT would leave the connection inside
    a transaction, failing every later read on it. The caller still sees its cancel."""

    @wraps(read)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.shield(read(*args, **kwargs))  # type: ignore[arg-type]

    return run


class Connection:
    # The SQL dialect the connections speak: the few queries that differ ask (PostgreSQL's
    # store runs these same modules through store/postgres/dialect.py).
    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        self._reader: aiosqlite.Connection | None = None
        # room() reads in a transaction on a connection of its own: a read on a connection
        # that is inside another coroutine's transaction sees that transaction's older
        # snapshot, and misses writes that have already been acknowledged.
        self._snapshots: aiosqlite.Connection | None = None
        self._read_lock = asyncio.Lock()
        self._group: GroupCommit | None = None

    # --- life cycle -------------------------------------------------------------------

    async def _connect(self) -> aiosqlite.Connection:
        db = await aiosqlite.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                await db.execute(pragma)
        except BaseException:
            await db.close()  # its thread would keep the process alive
            raise
        return db

    async def open(self) -> None:
        try:
            self._group = await GroupCommit.start(partial(connect_writer, self.path), EXPECTED)
            self._reader = await self._connect()
            self._snapshots = await self._connect()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._group:
            await self._group.close()
            self._group = None
        for db in (self._snapshots, self._reader):
            if db is not None:
                await db.close()
        self._snapshots = self._reader = None

    async def _write(self, op: Callable[[sqlite3.Connection], T], weight: int = 1) -> T:
        """`op` in the writer's next batch; `weight` (group.HEAVY) for a costly one."""
        assert self._group is not None
        return await self._group.run(op, weight)

    # --- reading ------------------------------------------------------------------------

    async def _all(
        self, sql: str, params: Sequence[Any] = (), db: aiosqlite.Connection | None = None
    ) -> list[sqlite3.Row]:
        db = db or self._reader
        assert db is not None
        try:
            return list(await db.execute_fetchall(sql, params))
        except sqlite3.OperationalError as error:
            if is_busy(error):  # locked past the busy timeout: answered, never a crash
                raise Busy() from error
            raise

    async def _one(
        self, sql: str, params: Sequence[Any] = (), db: aiosqlite.Connection | None = None
    ) -> sqlite3.Row | None:
        rows = await self._all(sql, params, db)
        return rows[0] if rows else None

    # --- settings -----------------------------------------------------------------------

    async def get_setting(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else None

    async def set_setting(self, key: str, value: str | None) -> None:
        def op(db: sqlite3.Connection) -> None:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

        await self._write(op)
