"""Facilitator accounts and their logins."""

from __future__ import annotations

import sqlite3
import time

from workshop.domain import Facilitator
from workshop.errors import N_, Conflict
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    facilitator_from,
    fetchall,
)


class Accounts(Connection):
    # --- facilitators -------------------------------------------------------------------

    async def add_facilitator(
        self, username: str, password_hash: str, role: str | None = None
    ) -> Facilitator:
        def op(db: sqlite3.Connection) -> Facilitator:
            row = fetchall(db, "SELECT 1 FROM facilitators WHERE username = ?", (username,))
            if row:
                raise Conflict(N_("The user name %(name)s is taken."), name=username)
            first = not fetchall(db, "SELECT 1 FROM facilitators LIMIT 1")
            chosen = role or ("admin" if first else "facilitator")
            cursor = db.execute(
                "INSERT INTO facilitators (username, password_hash, created_at, role)"
                " VALUES (?, ?, ?, ?)",
                (username, password_hash, time.time(), chosen),
            )
            return Facilitator(cursor.lastrowid or 0, username, password_hash, chosen)

        return await self._write(op)

    async def facilitator(self, facilitator_id: int) -> Facilitator | None:
        row = await self._one("SELECT * FROM facilitators WHERE id = ?", (facilitator_id,))
        return facilitator_from(row) if row else None

    async def facilitator_by_name(self, username: str) -> Facilitator | None:
        row = await self._one("SELECT * FROM facilitators WHERE username = ?", (username,))
        return facilitator_from(row) if row else None

    async def count_facilitators(self) -> int:
        row = await self._one("SELECT COUNT(*) AS n FROM facilitators")
        return row["n"] if row else 0

    async def claim_setup(
        self, token: str, username: str, password_hash: str
    ) -> Facilitator | None:
        def op(db: sqlite3.Connection) -> Facilitator | None:
            rows = fetchall(db, "SELECT value FROM settings WHERE key = 'setup_token'")
            if not rows or rows[0][0] != token:
                return None
            db.execute("DELETE FROM settings WHERE key = 'setup_token'")
            # The setup link makes the server's first account: it manages the others.
            cursor = db.execute(
                "INSERT INTO facilitators (username, password_hash, created_at, role)"
                " VALUES (?, ?, ?, 'admin')",
                (username, password_hash, time.time()),
            )
            return Facilitator(cursor.lastrowid or 0, username, password_hash, "admin")

        return await self._write(op)

    async def set_password(self, facilitator_id: int, password_hash: str) -> None:
        def op(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE facilitators SET password_hash = ? WHERE id = ?",
                (password_hash, facilitator_id),
            )

        await self._write(op)

    # --- logins -------------------------------------------------------------------------

    async def add_login(
        self, token_hash: str, facilitator_id: int, now: float, expires_at: float
    ) -> None:
        def op(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM logins WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO logins (token_hash, facilitator_id, created_at, last_seen,"
                " expires_at) VALUES (?, ?, ?, ?, ?)",
                (token_hash, facilitator_id, now, now, expires_at),
            )

        await self._write(op)

    async def login(self, token_hash: str, now: float) -> tuple[Facilitator, float] | None:
        row = await self._one(
            "SELECT f.id, f.username, f.password_hash, f.role, l.last_seen FROM logins l"
            " JOIN facilitators f ON f.id = l.facilitator_id"
            " WHERE l.token_hash = ? AND l.expires_at > ?",
            (token_hash, now),
        )
        if row is None:
            return None
        return facilitator_from(row), row["last_seen"]

    async def touch_login(self, token_hash: str, now: float, expires_at: float) -> None:
        def op(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE logins SET last_seen = ?, expires_at = ? WHERE token_hash = ?",
                (now, expires_at, token_hash),
            )

        await self._write(op)

    async def end_login(self, token_hash: str) -> None:
        def op(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM logins WHERE token_hash = ?", (token_hash,))

        await self._write(op)

    async def end_logins(self, facilitator_id: int, keep: str | None = None) -> int:
        def op(db: sqlite3.Connection) -> int:
            cursor = db.execute(
                "DELETE FROM logins WHERE facilitator_id = ? AND token_hash IS NOT ?",
                (facilitator_id, keep),
            )
            return cursor.rowcount

        return await self._write(op)
