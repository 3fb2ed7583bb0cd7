"""The PostgreSQL store: the SQLite store's modules, on psycopg 3 connections.

Every query is written once, in the store's modules under `store/sqlite/`, and runs here
through `dialect.translate`; the numbered migrations are the same files, through
`dialect.translate_schema`. As on SQLite, one writer connection per process takes the
queued writes in batches (`store/group.py`: one transaction, one commit, acknowledged only
after it), and each batch holds a transaction-level advisory lock, so the writers of several
processes take turns as SQLite's one writer does and every check-then-write stays true.
Two reading connections serve single reads and `REPEATABLE READ` snapshots.
"""

from __future__ import annotations

from functools import partial

from workshop.store.group import GroupCommit
from workshop.store.postgres.migrate import connect_reader, connect_writer
from workshop.store.sqlite import SQLiteStore
from workshop.store.sqlite.rows import EXPECTED


class PostgresStore(SQLiteStore):
    """The `Store` protocol on a PostgreSQL database (`postgresql://…`)."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url

    async def _connect(self):  # type: ignore[override]
        """A reading connection of its own (a whole session's dump reads on one)."""
        return await connect_reader(self.url)

    async def open(self) -> None:
        try:
            self._group = await GroupCommit.start(partial(connect_writer, self.url), EXPECTED)
            self._reader = await self._connect()
            self._snapshots = await self._connect()
        except BaseException:
            await self.close()
            raise


__all__ = ["PostgresStore"]
