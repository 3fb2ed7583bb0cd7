"""Votes and posts: idempotent by client id, stored only while the activity is open."""

from __future__ import annotations

import sqlite3
import time

from workshop.domain import (
    N_,
    Conflict,
    Post,
    Vote,
)
from workshop.store.base import IdTaken
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    bump,
    fetchall,
)


class Submissions(Connection):
    # --- submissions ----------------------------------------------------------------------

    async def record_vote(self, vote: Vote) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            rows = fetchall(db, "SELECT participant_id FROM votes WHERE id = ?", (vote.id,))
            if rows:
                if rows[0][0] != vote.participant_id:
                    raise IdTaken(vote.id)
                return False
            # Stored only while the activity is open: the check and the write are one step,
            # so a vote cannot slip in after the facilitator closed the activity.
            cursor = db.execute(
                "INSERT INTO votes (id, activity_id, participant_id, table_number, option, why,"
                " created_at) SELECT ?, ?, ?, ?, ?, ?, ? FROM activities"
                " WHERE id = ? AND state = 'open'",
                (
                    vote.id,
                    vote.activity_id,
                    vote.participant_id,
                    vote.table,
                    vote.option,
                    vote.why,
                    time.time(),
                    vote.activity_id,
                ),
            )
            if cursor.rowcount != 1:
                raise Conflict(N_("Voting is closed for this activity."))
            db.execute(
                "INSERT INTO ballots (activity_id, participant_id, vote_id) VALUES (?, ?, ?)"
                " ON CONFLICT (activity_id, participant_id)"
                " DO UPDATE SET vote_id = excluded.vote_id",
                (vote.activity_id, vote.participant_id, vote.id),
            )
            db.execute(
                "UPDATE sessions SET version = version + 1 WHERE id ="
                " (SELECT session_id FROM activities WHERE id = ?)",
                (vote.activity_id,),
            )
            return True

        return await self._write(op)

    async def record_post(self, post: Post) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            rows = fetchall(db, "SELECT participant_id FROM posts WHERE id = ?", (post.id,))
            if rows:
                if rows[0][0] != post.participant_id:
                    raise IdTaken(post.id)
                return False
            cursor = db.execute(
                "INSERT INTO posts (id, activity_id, participant_id, table_number, text,"
                " created_at) SELECT ?, ?, ?, ?, ?, ? FROM activities"
                " WHERE id = ? AND state = 'open'",
                (
                    post.id,
                    post.activity_id,
                    post.participant_id,
                    post.table,
                    post.text,
                    time.time(),
                    post.activity_id,
                ),
            )
            if cursor.rowcount != 1:
                raise Conflict(N_("This activity is closed for new answers."))
            db.execute(
                "UPDATE sessions SET version = version + 1 WHERE id ="
                " (SELECT session_id FROM activities WHERE id = ?)",
                (post.activity_id,),
            )
            return True

        return await self._write(op)

    async def set_post_hidden(self, session_id: int, post_id: str, hidden: bool) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE posts SET hidden = ? WHERE id = ? AND activity_id IN"
                " (SELECT id FROM activities WHERE session_id = ?)",
                (int(hidden), post_id, session_id),
            )
            if cursor.rowcount != 1:
                return False
            bump(db, session_id)
            return True

        return await self._write(op)
