"""What the room shows: one consistent read of a session, and one participant's answers."""

from __future__ import annotations

import aiosqlite

from workshop.domain import (
    Vote,
    Why,
)
from workshop.store.base import Answers, Room, Scope
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    activity_from,
    placeholders,
    post_from,
    segment_from,
    session_case_from,
    session_from,
)


class RoomReads(Connection):
    # --- what the room shows --------------------------------------------------------------

    async def room(self, session_id: int, scope: Scope) -> Room:
        """One read transaction, so every number in a snapshot is from the same moment."""
        db = self._snapshots
        assert db is not None
        async with self._read_lock:
            await db.execute("BEGIN")
            try:
                return await self._read_room(session_id, scope, db)
            finally:
                await db.execute("COMMIT")

    async def _read_room(self, session_id: int, scope: Scope, db: aiosqlite.Connection) -> Room:
        session_row = await self._one("SELECT * FROM sessions WHERE id = ?", (session_id,), db)
        assert session_row is not None
        session = session_from(session_row)
        activities = [
            activity_from(r)
            for r in await self._all(
                "SELECT * FROM activities WHERE session_id = ? ORDER BY position", (session_id,), db
            )
        ]
        room = Room(
            session,
            await self.tables(session_id, db),
            await self._seated(session_id, db),
            activities,
            segments=[
                segment_from(r)
                for r in await self._all(
                    "SELECT * FROM segments WHERE session_id = ? ORDER BY position",
                    (session_id,),
                    db,
                )
            ],
            cases={
                r["id"]: session_case_from(r)
                for r in await self._all(
                    "SELECT * FROM session_cases WHERE session_id = ?", (session_id,), db
                )
            },
        )
        if scope == "all":
            ids = [a.id for a in activities]
        elif scope == "current" and session.current_activity_id is not None:
            ids = [session.current_activity_id]
        else:
            ids = []
        if not ids:
            return room
        marks = placeholders(ids)
        for row in await self._all(
            "SELECT b.activity_id, v.table_number, v.option, COUNT(*) FROM ballots b"
            f" JOIN votes v ON v.id = b.vote_id WHERE b.activity_id IN ({marks})"
            " GROUP BY b.activity_id, v.table_number, v.option",
            ids,
            db,
        ):
            room.votes.setdefault(row[0], []).append((row[1], row[2], row[3]))
        for row in await self._all(
            f"SELECT * FROM posts WHERE activity_id IN ({marks})"
            " ORDER BY created_at DESC, rowid DESC",
            ids,
            db,
        ):
            room.posts.setdefault(row["activity_id"], []).append(post_from(row))
        for row in await self._all(
            "SELECT b.activity_id, v.table_number, v.option, v.why FROM ballots b"
            f" JOIN votes v ON v.id = b.vote_id WHERE b.activity_id IN ({marks})"
            " AND v.why != '' ORDER BY v.created_at DESC",
            ids,
            db,
        ):
            room.whys.setdefault(row[0], []).append(Why(row[1], row[2], row[3]))
        return room

    async def answers(self, participant_id: int) -> Answers:
        answers = Answers()
        for row in await self._all(
            "SELECT v.* FROM ballots b JOIN votes v ON v.id = b.vote_id WHERE b.participant_id = ?",
            (participant_id,),
        ):
            answers.votes[row["activity_id"]] = Vote(
                row["id"],
                row["activity_id"],
                row["participant_id"],
                row["table_number"],
                row["option"],
                row["why"],
            )
        for row in await self._all(
            "SELECT * FROM posts WHERE participant_id = ? ORDER BY created_at, rowid",
            (participant_id,),
        ):
            answers.posts.setdefault(row["activity_id"], []).append(post_from(row))
        return answers
