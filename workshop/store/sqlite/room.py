"""What the room shows: one consistent read of a session, and one participant's answers."""

from __future__ import annotations

import aiosqlite

from workshop.domain import (
    Post,
    Vote,
    Why,
)
from workshop.evaluation import Row
from workshop.store.base import ROOM_POSTS, Answers, Room, Scope
from workshop.store.sqlite.connection import Connection, uncut
from workshop.store.sqlite.rows import (
    activity_from,
    placeholders,
    post_from,
    segment_from,
    session_case_from,
    session_from,
)
from workshop.table_answers import rounds


class RoomReads(Connection):
    # --- what the room shows --------------------------------------------------------------

    @uncut
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
        room.days = await self.plan_days(session_id, db)
        room.stations = await self.rotations(session_id, db)
        if scope == "all":
            ids = [a.id for a in activities]
        elif scope == "current" and session.current_activity_id is not None:
            ids = rounds(activities, session.current_activity_id)  # and the round it asks again
        else:
            ids = []
        if not ids:
            return room
        room.quotes = await self.quotes(ids, db)
        room.evaluations = await self.evaluation_rows(ids, db)
        marks = placeholders(ids)
        for row in await self._all(
            "SELECT b.activity_id, v.table_number, v.option, COUNT(*) FROM ballots b"
            f" JOIN votes v ON v.id = b.vote_id WHERE b.activity_id IN ({marks})"
            " GROUP BY b.activity_id, v.table_number, v.option",
            ids,
            db,
        ):
            room.votes.setdefault(row[0], []).append((row[1], row[2], row[3]))
        room.table_answers = await self.table_answers_of(ids, db)
        # The newest posts of all and the newest not hidden (the screen's), never every post:
        # a flooded wall is counted here and paged by `posts_page`.
        for row in await self._all(
            "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY activity_id, hidden"
            " ORDER BY created_at DESC, rowid DESC) AS n, rowid AS r FROM posts"
            f" WHERE activity_id IN ({marks})) AS ranked WHERE n <= ?"
            " ORDER BY created_at DESC, r DESC",
            [*ids, ROOM_POSTS],
            db,
        ):
            room.posts.setdefault(row["activity_id"], []).append(post_from(row))
        for row in await self._all(
            "SELECT activity_id, table_number, COUNT(*), COUNT(CASE WHEN hidden = 0 THEN 1 END),"
            " COUNT(DISTINCT participant_id),"
            " COUNT(DISTINCT CASE WHEN hidden = 0 THEN participant_id END)"
            f" FROM posts WHERE activity_id IN ({marks}) GROUP BY activity_id, table_number",
            ids,
            db,
        ):
            posts, shown, _ = room.totals.get(row[0], (0, 0, 0))
            room.totals[row[0]] = (posts + row[2], shown + row[3], 0)
            room.posters.setdefault(row[0], {})[row[1]] = (row[4], row[5])
        for row in await self._all(
            "SELECT activity_id, table_number, option, why, id FROM (SELECT b.activity_id,"
            " v.table_number, v.option, v.why, v.id, ROW_NUMBER() OVER (PARTITION BY b.activity_id"
            " ORDER BY v.created_at DESC, v.rowid DESC) AS n FROM ballots b"
            f" JOIN votes v ON v.id = b.vote_id WHERE b.activity_id IN ({marks})"
            " AND v.why != '') AS ranked WHERE n <= ? ORDER BY activity_id, n",
            [*ids, ROOM_POSTS],
            db,
        ):
            room.whys.setdefault(row[0], []).append(Why(row[1], row[2], row[3], row[4]))
        for row in await self._all(
            "SELECT b.activity_id, COUNT(*) FROM ballots b JOIN votes v ON v.id = b.vote_id"
            f" WHERE b.activity_id IN ({marks}) AND v.why != '' GROUP BY b.activity_id",
            ids,
            db,
        ):
            posts, shown, _ = room.totals.get(row[0], (0, 0, 0))
            room.totals[row[0]] = (posts, shown, row[1])
        return room

    async def posts_page(
        self, activity_id: int, offset: int, limit: int
    ) -> tuple[list[Post], list[Why], int]:
        posts = [
            post_from(r)
            for r in await self._all(
                "SELECT * FROM posts WHERE activity_id = ?"
                " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
                (activity_id, limit, offset),
            )
        ]
        whys = [
            Why(r[0], r[1], r[2], r[3])
            for r in await self._all(
                "SELECT v.table_number, v.option, v.why, v.id FROM ballots b"
                " JOIN votes v ON v.id = b.vote_id WHERE b.activity_id = ? AND v.why != ''"
                " ORDER BY v.created_at DESC, v.rowid DESC LIMIT ? OFFSET ?",
                (activity_id, limit, offset),
            )
        ]
        counted = await self._one(
            "SELECT (SELECT COUNT(*) FROM posts WHERE activity_id = ?) + (SELECT COUNT(*)"
            " FROM ballots b JOIN votes v ON v.id = b.vote_id"
            " WHERE b.activity_id = ? AND v.why != '')",
            (activity_id, activity_id),
        )
        return posts, whys, counted[0] if counted else 0

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
        for row in await self._all(
            "SELECT b.activity_id, a.key, a.number, a.text FROM evaluation_ballots b"
            " JOIN evaluation_answers a ON a.evaluation_id = b.evaluation_id"
            " WHERE b.participant_id = ? ORDER BY a.rowid",
            (participant_id,),
        ):
            answers.evaluations.setdefault(row[0], []).append(Row(row[1], row[2], row[3]))
        return answers
