"""Seat counts kept with the tables (`tables.seated`, migration 0013), so that a join costs
the same in a session of 20 as in one of 2,000: it reads the tables' rows, never counts the
participants. Every write that seats, moves or removes someone keeps the counts of the
tables it touched with `recount`, in its own transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping

from workshop.domain import Table
from workshop.store.sqlite.rows import placeholders

# A participant's number in their session (1 for the first to join), never reused: stored at
# the join (0013); counted for a row that has none.
NUMBER = (
    "COALESCE(p.number, (SELECT COUNT(*) FROM participants q"
    " WHERE q.session_id = p.session_id AND q.id <= p.id))"
)


def _tuples(db: sqlite3.Connection) -> sqlite3.Cursor:
    cursor = db.cursor()
    cursor.row_factory = None  # plain tuples: a few hundred rows per join
    return cursor


def tables_and_seats(db: sqlite3.Connection, session_id: int) -> tuple[list[Table], dict[int, int]]:
    """The session's tables in number order and how many sit at each, from their rows."""
    tables, seated = [], {}
    for number, name, capacity, kind, url, count in _tuples(db).execute(
        "SELECT number, name, capacity, kind, meeting_url, seated FROM tables"
        " WHERE session_id = ? ORDER BY number",
        (session_id,),
    ):
        tables.append(Table(number, name, capacity, kind, url))
        if count:
            seated[number] = count
    return tables, seated


def seated_at(db: sqlite3.Connection, session_id: int, table: int) -> int:
    rows = (
        _tuples(db)
        .execute(
            "SELECT seated FROM tables WHERE session_id = ? AND number = ?", (session_id, table)
        )
        .fetchall()
    )
    return rows[0][0] if rows else 0


def next_number(db: sqlite3.Connection, session_id: int) -> int:
    """The number the next participant to join gets (by index: participants_number)."""
    rows = (
        _tuples(db)
        .execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM participants WHERE session_id = ?",
            (session_id,),
        )
        .fetchall()
    )
    return rows[0][0]


def add_seat(db: sqlite3.Connection, session_id: int, table: int) -> None:
    db.execute(
        "UPDATE tables SET seated = seated + 1 WHERE session_id = ? AND number = ?",
        (session_id, table),
    )


def recount(db: sqlite3.Connection, session_id: int, tables: Iterable[int] | None = None) -> None:
    """Count again who sits at `tables` (all of the session's when None), by index."""
    sql = (
        "UPDATE tables SET seated = (SELECT COUNT(*) FROM participants p"
        " WHERE p.session_id = tables.session_id AND p.removed_at IS NULL"
        " AND p.table_number = tables.number) WHERE session_id = ?"
    )
    params: list[int] = [session_id]
    if tables is not None:
        numbers = sorted(set(tables))
        if not numbers:
            return
        sql += f" AND number IN ({placeholders(numbers)})"
        params += numbers
    db.execute(sql, params)


class Spread(Mapping[int, Mapping[tuple[int, int], int]]):
    """Table -> (question, option) -> how many seated there gave that answer, read one
    table at a time when asked (a newcomer's seat weighs only a few candidate tables)."""

    def __init__(self, db: sqlite3.Connection, session_id: int, seated: Mapping[int, int]):
        self._db = db
        self._session = session_id
        self._seated = seated
        self._read: dict[int, dict[tuple[int, int], int]] = {}

    def __getitem__(self, table: int) -> Mapping[tuple[int, int], int]:
        if table not in self._seated:
            raise KeyError(table)
        if table not in self._read:
            self._read[table] = {
                (question, option): n
                for question, option, n in _tuples(self._db).execute(
                    "SELECT a.question_id, a.option, COUNT(*) FROM participants p"
                    " JOIN join_answers a ON a.participant_id = p.id"
                    " WHERE p.session_id = ? AND p.removed_at IS NULL AND p.table_number = ?"
                    " GROUP BY 1, 2",
                    (self._session, table),
                )
            }
        return self._read[table]

    def __iter__(self) -> Iterator[int]:
        return (t for t in self._seated if self[t])

    def __len__(self) -> int:
        return sum(1 for _ in self)
