"""Sessions, their tables and the participants seated at them."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import aiosqlite

from workshop.domain import Participant, Session, Table
from workshop.seating import check_joining
from workshop.store.base import UNCHANGED, Unchanged
from workshop.store.group import HEAVY
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    SEATED,
    TABLE_COLUMNS,
    bump,
    fetchall,
    session_from,
    table_from,
)
from workshop.store.sqlite.seating import save_answers
from workshop.store.sqlite.seats import (
    NUMBER,
    Spread,
    add_seat,
    next_number,
    recount,
    tables_and_seats,
)

__all__ = ["NUMBER", "Sessions"]


class Sessions(Connection):
    # --- sessions and tables ------------------------------------------------------------

    async def create_session(
        self,
        *,
        code: str,
        facilitator_id: int,
        title: str,
        language: str,
        screen_key: str,
        base_url: str,
        table_names: Sequence[str],
        max_participants: int | None = None,
        digital_names: Sequence[str] = (),
    ) -> Session | None:
        def op(db: sqlite3.Connection) -> Session | None:
            if fetchall(db, "SELECT 1 FROM sessions WHERE code = ?", (code,)):
                return None
            cursor = db.execute(
                "INSERT INTO sessions (code, facilitator_id, title, language, screen_key,"
                " base_url, created_at, max_participants) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    facilitator_id,
                    title,
                    language,
                    screen_key,
                    base_url,
                    time.time(),
                    max_participants,
                ),
            )
            session_id = cursor.lastrowid or 0
            kinds = [*((n, "room") for n in table_names), *((n, "digital") for n in digital_names)]
            db.executemany(
                "INSERT INTO tables (session_id, number, name, kind) VALUES (?, ?, ?, ?)",
                [(session_id, n, name, kind) for n, (name, kind) in enumerate(kinds, start=1)],
            )
            rows = fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))
            return session_from(rows[0])

        return await self._write(op)

    async def session(self, code: str) -> Session | None:
        row = await self._one("SELECT * FROM sessions WHERE code = ?", (code,))
        return session_from(row) if row else None

    async def sessions_of(self, facilitator_id: int) -> list[Session]:
        rows = await self._all(
            "SELECT * FROM sessions WHERE facilitator_id = ? OR id IN"
            " (SELECT session_id FROM session_facilitators WHERE facilitator_id = ?)"
            " ORDER BY created_at DESC",
            (facilitator_id, facilitator_id),
        )
        return [session_from(r) for r in rows]

    async def update_session(
        self,
        session_id: int,
        *,
        current_activity_id: int | Unchanged | None = UNCHANGED,
        screen_view: str | None = None,
        screen_key: str | None = None,
        join_page: bool | None = None,
        join_corner: bool | None = None,
        show_law: bool | None = None,
        wall_page: int | None = None,
    ) -> Session:
        changes: dict[str, Any] = {
            column: int(value)
            for column, value in (
                ("join_page", join_page),
                ("join_corner", join_corner),
                ("show_law", show_law),
            )
            if value is not None
        }
        if wall_page is not None:
            changes["wall_page"] = wall_page
        if not isinstance(current_activity_id, Unchanged):
            changes["current_activity_id"] = current_activity_id
        if screen_view is not None:
            changes["screen_view"] = screen_view
        if screen_key is not None:
            changes["screen_key"] = screen_key

        def op(db: sqlite3.Connection) -> Session:
            sets = "".join(f"{column} = ?, " for column in changes)
            db.execute(
                f"UPDATE sessions SET {sets}version = version + 1 WHERE id = ?",
                (*changes.values(), session_id),
            )
            rows = fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))
            return session_from(rows[0])

        return await self._write(op)

    async def tables(self, session_id: int, db: aiosqlite.Connection | None = None) -> list[Table]:
        rows = await self._all(
            f"SELECT {TABLE_COLUMNS} FROM tables WHERE session_id = ? ORDER BY number",
            (session_id,),
            db,
        )
        return [table_from(r) for r in rows]

    async def seated(self, session_id: int) -> dict[int, int]:
        return await self._seated(session_id)

    async def _seated(
        self, session_id: int, db: aiosqlite.Connection | None = None
    ) -> dict[int, int]:
        rows = await self._all(SEATED, (session_id,), db)
        return {r[0]: r[1] for r in rows}

    # --- participants -------------------------------------------------------------------

    async def seat_participant(
        self,
        session_id: int,
        name: str,
        token_hash: str,
        choose: Callable[..., int],
        answers: Mapping[int, int] | None = None,
    ) -> Participant:
        def op(db: sqlite3.Connection) -> Participant:
            # A join sent twice (a simple page's form, resent) carries the same token: the
            # seat it made is given back, whichever process the first one reached.
            again = fetchall(
                db,
                "SELECT id, table_number, name, created_at, number FROM participants"
                " WHERE session_id = ? AND token_hash = ?",
                (session_id, token_hash),
            )
            if again:
                row = again[0]
                return Participant(row[0], session_id, row[1], row[2], row[3], row[4])
            # The lock and the cap are checked in the same transaction as the seat: the
            # writer runs one op at a time, so concurrent joins cannot pass the cap. The
            # counts are the tables' own (seats.py): no participant is counted here.
            cap, locked, closed_at = fetchall(
                db,
                "SELECT max_participants, joining_locked, closed_at FROM sessions WHERE id = ?",
                (session_id,),
            )[0]
            tables, seated = tables_and_seats(db, session_id)
            check_joining(bool(locked), sum(seated.values()), cap, closed_at is not None)
            if answers is None:
                table = choose(tables, seated)
            else:  # balanced seating (workshop/balance.py): the answers at each table too
                table = choose(tables, seated, Spread(db, session_id, seated) if answers else {})
            now = time.time()
            number = next_number(db, session_id)
            cursor = db.execute(
                "INSERT INTO participants (session_id, table_number, name, token_hash,"
                " created_at, number) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, table, name, token_hash, now, number),
            )
            add_seat(db, session_id, table)
            bump(db, session_id)
            new_id = cursor.lastrowid or 0
            if answers:
                save_answers(db, session_id, new_id, answers)
            return Participant(new_id, session_id, table, name, now, number)

        return await self._write(op, HEAVY)

    async def participant_by_token(self, session_id: int, token_hash: str) -> Participant | None:
        row = await self._one(
            f"SELECT id, session_id, table_number, name, created_at, {NUMBER} FROM participants p"
            " WHERE token_hash = ? AND session_id = ? AND removed_at IS NULL",
            (token_hash, session_id),
        )
        return Participant(row[0], row[1], row[2], row[3], row[4], row[5]) if row else None

    # --- guarding the room --------------------------------------------------------------

    async def set_joining_locked(self, session_id: int, locked: bool) -> Session:
        def op(db: sqlite3.Connection) -> Session:
            db.execute(
                "UPDATE sessions SET joining_locked = ?, version = version + 1 WHERE id = ?",
                (int(locked), session_id),
            )
            rows = fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))
            return session_from(rows[0])

        return await self._write(op)

    async def remove_participant(self, session_id: int, participant_id: int) -> Participant | None:
        """Take a participant out: no longer seated, token refused, ballots and posts gone
        from every tally. The row stays (marked), so its id is never given to anyone else."""

        def op(db: sqlite3.Connection) -> Participant | None:
            rows = fetchall(
                db,
                "SELECT id, session_id, table_number, name, created_at FROM participants"
                " WHERE id = ? AND session_id = ? AND removed_at IS NULL",
                (participant_id, session_id),
            )
            if not rows:
                return None
            db.execute(
                "UPDATE participants SET removed_at = ? WHERE id = ?", (time.time(), participant_id)
            )
            recount(db, session_id, [rows[0][2]])
            db.execute("DELETE FROM ballots WHERE participant_id = ?", (participant_id,))
            db.execute("DELETE FROM posts WHERE participant_id = ?", (participant_id,))
            db.execute("DELETE FROM evaluation_ballots WHERE participant_id = ?", (participant_id,))
            bump(db, session_id)
            row = rows[0]
            return Participant(row[0], row[1], row[2], row[3], row[4])

        return await self._write(op)

    async def participants(
        self, session_id: int, offset: int, limit: int
    ) -> tuple[list[Participant], int]:
        """A page of the participants still in the session, newest first, and how many
        there are in all."""
        rows = await self._all(
            f"SELECT id, session_id, table_number, name, created_at, {NUMBER} FROM participants p"
            " WHERE session_id = ? AND removed_at IS NULL"
            " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (session_id, limit, offset),
        )
        total = await self._one(
            "SELECT COUNT(*) FROM participants WHERE session_id = ? AND removed_at IS NULL",
            (session_id,),
        )
        people = [Participant(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]
        return people, total[0] if total else 0
