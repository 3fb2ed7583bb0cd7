"""Facilitator accounts."""

from __future__ import annotations

import sqlite3
import time

from workshop.domain import (
    N_,
    Conflict,
    Facilitator,
)
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    fetchall,
)


class Accounts(Connection):
    # --- facilitators -------------------------------------------------------------------

    async def add_facilitator(self, username: str, password_hash: str) -> Facilitator:
        def op(db: sqlite3.Connection) -> Facilitator:
            row = fetchall(db, "SELECT 1 FROM facilitators WHERE username = ?", (username,))
            if row:
                raise Conflict(N_("The user name %(name)s is taken."), name=username)
            cursor = db.execute(
                "INSERT INTO facilitators (username, password_hash, created_at) VALUES (?, ?, ?)",
                (username, password_hash, time.time()),
            )
            return Facilitator(cursor.lastrowid or 0, username, password_hash)

        return await self._write(op)

    async def facilitator(self, facilitator_id: int) -> Facilitator | None:
        row = await self._one("SELECT * FROM facilitators WHERE id = ?", (facilitator_id,))
        return Facilitator(row["id"], row["username"], row["password_hash"]) if row else None

    async def facilitator_by_name(self, username: str) -> Facilitator | None:
        row = await self._one("SELECT * FROM facilitators WHERE username = ?", (username,))
        return Facilitator(row["id"], row["username"], row["password_hash"]) if row else None

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
            cursor = db.execute(
                "INSERT INTO facilitators (username, password_hash, created_at) VALUES (?, ?, ?)",
                (username, password_hash, time.time()),
            )
            return Facilitator(cursor.lastrowid or 0, username, password_hash)

        return await self._write(op)
