"""What one table shares: its members and the session's current activity, read at once."""

from __future__ import annotations

from workshop.domain import Participant
from workshop.store.base import TableRoom
from workshop.store.sqlite.connection import Connection, uncut
from workshop.store.sqlite.rows import TABLE_COLUMNS, activity_from, session_from, table_from
from workshop.store.sqlite.sessions import NUMBER


class TableReads(Connection):
    @uncut
    async def table_room(self, session_id: int, number: int) -> TableRoom | None:
        db = self._snapshots
        assert db is not None
        async with self._read_lock:
            await db.execute("BEGIN")
            try:
                session_row = await self._one(
                    "SELECT * FROM sessions WHERE id = ?", (session_id,), db
                )
                table_row = await self._one(
                    f"SELECT {TABLE_COLUMNS} FROM tables WHERE session_id = ? AND number = ?",
                    (session_id, number),
                    db,
                )
                if session_row is None or table_row is None:
                    return None
                session = session_from(session_row)
                members = [
                    Participant(r[0], r[1], r[2], r[3], r[4], r[5])
                    for r in await self._all(
                        f"SELECT id, session_id, table_number, name, created_at, {NUMBER}"
                        " FROM participants p WHERE session_id = ? AND table_number = ?"
                        " AND removed_at IS NULL ORDER BY id",
                        (session_id, number),
                        db,
                    )
                ]
                activity = None
                if session.current_activity_id is not None:
                    row = await self._one(
                        "SELECT * FROM activities WHERE id = ?", (session.current_activity_id,), db
                    )
                    activity = activity_from(row) if row is not None else None
                answer = await self.table_answer_of(activity, number, db)
                room = TableRoom(session, table_from(table_row), members, activity, answer)
                room.station = await self.table_station(session_id, session.current_activity_id, db)
                room.talk = await self.table_talk_of(session_id, number, members, activity, db)
                if room.table.kind == "digital":  # what {table} of its meeting pattern is
                    place = await self._one(
                        "SELECT COUNT(*) FROM tables WHERE session_id = ? AND kind = 'digital'"
                        " AND number <= ?",
                        (session_id, number),
                        db,
                    )
                    room.position = place[0] if place is not None else 0
                return room
            finally:
                await db.execute("COMMIT")
