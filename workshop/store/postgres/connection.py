"""psycopg 3 connections that speak to the store's modules as sqlite3's do.

The store's write operations run on the writer's thread against a `sqlite3.Connection`
(`execute`, `executemany`, cursors with `fetchone`, `fetchall`, `rowcount`, `lastrowid`),
and its reads await an `aiosqlite.Connection` (`execute`, `execute_fetchall`). `Writer` and
`Reader` offer the same few calls on PostgreSQL, with every statement through
`dialect.translate`, rows that read by name and by position as `sqlite3.Row` does, and
booleans stored as 0 and 1 as SQLite stores them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import psycopg
from psycopg import errors, pq
from psycopg.adapt import Dumper, Loader
from psycopg.types.numeric import NumericLoader

from workshop.errors import Busy
from workshop.store.postgres.dialect import inserted_table, translate

# Every writer of every process takes this lock for its transaction, so writes are one at
# a time as on SQLite: the store's operations read, check and write assuming so.
WRITE_LOCK = 0x776F726B  # "work"
READ_BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
IDLE = pq.TransactionStatus.IDLE

Params = Sequence[Any] | Mapping[str, Any]


class Row(tuple):
    """A row by position and by column name, like `sqlite3.Row`."""

    __slots__ = ()
    _names: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, type(self)._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(type(self)._names)


_row_classes: dict[tuple[str, ...], type[Row]] = {}


def _row_class(names: tuple[str, ...]) -> type[Row]:
    cls = _row_classes.get(names)
    if cls is None:
        index = {}
        for position, name in enumerate(names):
            index.setdefault(name, position)  # the first of two equal names, as sqlite3
        cls = _row_classes[names] = type("Row", (Row,), {"__slots__": (), "_names": index})
    return cls


def row_factory(cursor: Any) -> Any:
    description = cursor.description
    if description is None:
        return tuple
    cls = _row_class(tuple(column.name for column in description))
    return cls


class BoolAsInteger(Dumper):
    """SQLite keeps booleans as 0 and 1, and the store's columns for them are integers."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class NumericAsNumber(Loader):
    """`SUM` of integers is `numeric` in PostgreSQL, an int in SQLite: give an int (or a
    float), never a Decimal the JSON encoder refuses."""

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._numeric = NumericLoader(oid, context)

    def load(self, data: Any) -> int | float:
        value: Decimal = self._numeric.load(data)
        return int(value) if value == value.to_integral_value() else float(value)


def configure(connection: psycopg.Connection[Any] | psycopg.AsyncConnection[Any]) -> None:
    connection.adapters.register_dumper(bool, BoolAsInteger)
    connection.adapters.register_loader("numeric", NumericAsNumber)


def _sqlite_error(error: psycopg.Error) -> Exception:
    """The error as the store's callers expect it from SQLite: a lost connection or a
    conflict with another transaction is `Busy` (nothing was done; trying again works, and
    the next transaction connects again), as SQLite's locked database is."""
    if isinstance(error, errors.IntegrityError):
        return sqlite3.IntegrityError(str(error))
    if isinstance(error, psycopg.OperationalError):
        return Busy()
    return error


class Cursor:
    """The result of one statement: rows, the count of rows changed, and the new row's id."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class Writer:
    """The writer's connection, used only on the writer's thread (`group.py`)."""

    dialect = "postgresql"

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        id_tables: set[str],
        connect: Callable[[], psycopg.Connection[Any]],
    ) -> None:
        self._db = connection
        self._id_tables = id_tables  # tables whose INSERT returns the new row's id
        self._connect = connect

    @property
    def in_transaction(self) -> bool:
        if self._db.broken:
            return False  # the server rolled it back when the connection went
        return self._db.info.transaction_status != pq.TransactionStatus.IDLE

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        statement = translate(sql)
        if statement == "BEGIN" and (self._db.broken or self._db.closed):
            try:  # the database restarted, or the network dropped: a new connection
                self._db = self._connect()
            except psycopg.Error as error:
                raise _sqlite_error(error) from error
        table = inserted_table(statement)
        returning = table in self._id_tables and "RETURNING" not in statement.upper()
        if returning:
            statement += " RETURNING id"
        try:
            cursor = self._db.execute(statement, params)
            if statement == "BEGIN":
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            rows = cursor.fetchall() if cursor.description is not None else []
        except psycopg.Error as error:
            raise _sqlite_error(error) from error
        if returning:
            return Cursor([], cursor.rowcount, rows[0][0] if rows else None)
        return Cursor(rows, cursor.rowcount, None)

    def executemany(self, sql: str, seq: Iterable[Params]) -> Cursor:
        statement = translate(sql)
        try:
            with self._db.cursor() as cursor:
                cursor.executemany(statement, list(seq))
                return Cursor([], cursor.rowcount, None)
        except psycopg.Error as error:
            raise _sqlite_error(error) from error

    def cursor(self) -> WriterCursor:
        return WriterCursor(self)

    def close(self) -> None:
        self._db.close()


class WriterCursor:
    """`db.cursor()`: statements one after another; its rows are tuples already (a `Row` is
    one), so a `row_factory` set on it changes nothing."""

    row_factory: Any = None

    def __init__(self, writer: Writer) -> None:
        self._writer = writer

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return self._writer.execute(sql, params)

    def executemany(self, sql: str, seq: Iterable[Params]) -> Cursor:
        return self._writer.executemany(sql, seq)


class Reader:
    """A reading connection; `BEGIN` starts a snapshot that sees one moment, as a read
    transaction does in SQLite's WAL mode."""

    dialect = "postgresql"

    def __init__(
        self,
        connection: psycopg.AsyncConnection[Any],
        connect: Callable[[], Awaitable[psycopg.AsyncConnection[Any]]],
    ) -> None:
        self._db = connection
        self._connect = connect
        self._in_snapshot = False

    async def _ready(self) -> None:
        if self._db.broken or self._db.closed:
            try:
                self._db = await self._connect()
            except psycopg.Error as error:
                raise _sqlite_error(error) from error

    async def _run(self, statement: str, params: Params | None) -> Any:
        """One statement; a connection found lost when a snapshot was not open is made
        again and the statement tried once more (a read changes nothing)."""
        for attempt in (1, 2):
            await self._ready()
            try:
                return await self._db.execute(statement, params)
            except psycopg.OperationalError as error:
                if attempt == 2 or self._in_snapshot or not self._db.broken:
                    raise _sqlite_error(error) from error
            except psycopg.Error as error:
                raise _sqlite_error(error) from error
        raise AssertionError("unreachable")

    async def execute(self, sql: str, params: Params = ()) -> None:
        statement = sql.strip().upper()
        if statement == "BEGIN":
            await self._run(READ_BEGIN, None)
            self._in_snapshot = True
        elif statement in ("COMMIT", "ROLLBACK"):
            self._in_snapshot = False
            if not self._db.broken and self._db.info.transaction_status != IDLE:
                await self._run(statement, None)
        else:
            await self._run(translate(sql), params)

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        cursor = await self._run(translate(sql), params)
        try:
            return await cursor.fetchall() if cursor.description is not None else []
        except psycopg.Error as error:
            raise _sqlite_error(error) from error

    async def close(self) -> None:
        await self._db.close()
