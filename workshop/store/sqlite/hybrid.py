"""Tables of each kind, video-meeting links and co-facilitators (workshop/hybrid.py)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping

from workshop.domain import Session, Table
from workshop.store.hybrid import CoFacilitator
from workshop.store.records import UNCHANGED, Unchanged
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    TABLE_COLUMNS,
    bump,
    facilitator_from,
    fetchall,
    session_from,
    table_from,
)

COFACILITATOR = (
    "SELECT f.*, c.watch, c.added_at FROM session_facilitators c"
    " JOIN facilitators f ON f.id = c.facilitator_id"
)


def _cofacilitator(row: sqlite3.Row) -> CoFacilitator:
    return CoFacilitator(facilitator_from(row), row["watch"], row["added_at"])


class HybridStore(Connection):
    async def add_table(self, session_id: int, name: str, kind: str) -> Table:
        def op(db: sqlite3.Connection) -> Table:
            number = fetchall(
                db,
                "SELECT COALESCE(MAX(number), 0) + 1 FROM tables WHERE session_id = ?",
                (session_id,),
            )[0][0]
            db.execute(
                "INSERT INTO tables (session_id, number, name, kind) VALUES (?, ?, ?, ?)",
                (session_id, number, name, kind),
            )
            bump(db, session_id)
            row = fetchall(
                db,
                f"SELECT {TABLE_COLUMNS} FROM tables WHERE session_id = ? AND number = ?",
                (session_id, number),
            )[0]
            return table_from(row)

        return await self._write(op)

    async def set_meetings(
        self,
        session_id: int,
        *,
        plenary: str | Unchanged | None = UNCHANGED,
        pattern: str | Unchanged | None = UNCHANGED,
        tables: Mapping[int, str | None] | None = None,
    ) -> Session:
        def op(db: sqlite3.Connection) -> Session:
            if not isinstance(plenary, Unchanged):
                db.execute(
                    "UPDATE sessions SET plenary_url = ? WHERE id = ?", (plenary, session_id)
                )
            if not isinstance(pattern, Unchanged):
                db.execute(
                    "UPDATE sessions SET meeting_pattern = ? WHERE id = ?", (pattern, session_id)
                )
            db.executemany(
                "UPDATE tables SET meeting_url = ? WHERE session_id = ? AND number = ?",
                [(url, session_id, number) for number, url in (tables or {}).items()],
            )
            bump(db, session_id)
            rows = fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))
            return session_from(rows[0])

        return await self._write(op)

    # --- co-facilitators ----------------------------------------------------------------

    async def add_cofacilitator(
        self, session_id: int, facilitator_id: int, watch: str
    ) -> CoFacilitator | None:
        def op(db: sqlite3.Connection) -> CoFacilitator | None:
            if not fetchall(db, "SELECT 1 FROM facilitators WHERE id = ?", (facilitator_id,)):
                return None
            db.execute(
                "INSERT INTO session_facilitators (session_id, facilitator_id, watch, added_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (session_id, facilitator_id)"
                " DO UPDATE SET watch = excluded.watch",
                (session_id, facilitator_id, watch, time.time()),
            )
            bump(db, session_id)
            rows = fetchall(
                db,
                f"{COFACILITATOR} WHERE c.session_id = ? AND c.facilitator_id = ?",
                (session_id, facilitator_id),
            )
            return _cofacilitator(rows[0])

        return await self._write(op)

    async def remove_cofacilitator(self, session_id: int, facilitator_id: int) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "DELETE FROM session_facilitators WHERE session_id = ? AND facilitator_id = ?",
                (session_id, facilitator_id),
            )
            if cursor.rowcount:
                bump(db, session_id)
            return cursor.rowcount > 0

        return await self._write(op)

    async def cofacilitators(self, session_id: int) -> list[CoFacilitator]:
        rows = await self._all(
            f"{COFACILITATOR} WHERE c.session_id = ? ORDER BY c.added_at, f.id", (session_id,)
        )
        return [_cofacilitator(r) for r in rows]

    async def cofacilitating(self, session_id: int, facilitator_id: int) -> CoFacilitator | None:
        row = await self._one(
            f"{COFACILITATOR} WHERE c.session_id = ? AND c.facilitator_id = ?",
            (session_id, facilitator_id),
        )
        return _cofacilitator(row) if row else None
