"""Votes, posts and evaluations: idempotent by client id, stored only while the activity is
open."""

from __future__ import annotations

import sqlite3
import time

import aiosqlite

from workshop.domain import MAX_POSTS, Post, Vote
from workshop.errors import N_, Conflict
from workshop.evaluation import Evaluation, EvaluationRow
from workshop.seating import SESSION_ENDED
from workshop.store.base import IdTaken
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import (
    bump,
    fetchall,
)
from workshop.store.sqlite.stations import place_post

TOO_MANY_POSTS = N_("You have posted %(max)d texts to this question, the most there is room for.")


KINDS = ("votes", "posts", "evaluations")  # one namespace of client ids across them


def _first_use(db: sqlite3.Connection, table: str, client_id: str, participant_id: int) -> bool:
    """True for an id never used; False for a repeat of this participant's own answer of
    this kind (acknowledged again, nothing changes). IdTaken when another participant used
    it, or when it names an answer of another kind: ids are unique across every kind."""
    for other in KINDS:
        if other != table and fetchall(db, f"SELECT 1 FROM {other} WHERE id = ?", (client_id,)):
            raise IdTaken(client_id)
    rows = fetchall(db, f"SELECT participant_id FROM {table} WHERE id = ?", (client_id,))
    if not rows:
        return True
    if rows[0][0] != participant_id:
        raise IdTaken(client_id)
    return False


_SESSION_OPEN = "(SELECT closed_at FROM sessions WHERE sessions.id = activities.session_id) IS NULL"


def _refuse_if_ended(db: sqlite3.Connection, activity_id: int) -> None:
    rows = fetchall(
        db,
        "SELECT s.closed_at FROM activities a JOIN sessions s ON s.id = a.session_id"
        " WHERE a.id = ?",
        (activity_id,),
    )
    if rows and rows[0][0] is not None:
        raise Conflict(SESSION_ENDED)


class Submissions(Connection):
    # --- submissions ----------------------------------------------------------------------

    async def record_evaluation(self, answer: Evaluation) -> bool:
        """Store a participant's evaluation while it is open; it replaces their earlier one."""

        def op(db: sqlite3.Connection) -> bool:
            if not _first_use(db, "evaluations", answer.id, answer.participant_id):
                return False
            cursor = db.execute(
                "INSERT INTO evaluations (id, activity_id, participant_id, table_number,"
                " created_at) SELECT ?, ?, ?, (SELECT table_number FROM participants"
                " WHERE id = ?), ? FROM activities"
                f" WHERE id = ? AND state = 'open' AND kind = 'evaluation' AND {_SESSION_OPEN}",
                (
                    answer.id,
                    answer.activity_id,
                    answer.participant_id,
                    answer.participant_id,
                    time.time(),
                    answer.activity_id,
                ),
            )
            if cursor.rowcount != 1:
                _refuse_if_ended(db, answer.activity_id)
                raise Conflict(N_("The evaluation is closed."))
            db.executemany(
                "INSERT INTO evaluation_answers (evaluation_id, key, number, text)"
                " VALUES (?, ?, ?, ?)",
                [(answer.id, r.key, r.number, r.text) for r in answer.rows],
            )
            db.execute(
                "INSERT INTO evaluation_ballots (activity_id, participant_id, evaluation_id)"
                " VALUES (?, ?, ?) ON CONFLICT (activity_id, participant_id)"
                " DO UPDATE SET evaluation_id = excluded.evaluation_id",
                (answer.activity_id, answer.participant_id, answer.id),
            )
            db.execute(
                "UPDATE sessions SET version = version + 1 WHERE id ="
                " (SELECT session_id FROM activities WHERE id = ?)",
                (answer.activity_id,),
            )
            return True

        return await self._write(op)

    async def evaluation_rows(
        self, activity_ids: list[int], db: aiosqlite.Connection | None = None
    ) -> dict[int, list[EvaluationRow]]:
        """Each participant's latest answers, by activity, newest evaluation first."""
        if not activity_ids:
            return {}
        marks = ",".join("?" * len(activity_ids))
        out: dict[int, list[EvaluationRow]] = {}
        for row in await self._all(
            "SELECT b.activity_id, e.participant_id, e.table_number, a.key, a.number, a.text"
            " FROM evaluation_ballots b JOIN evaluations e ON e.id = b.evaluation_id"
            " JOIN evaluation_answers a ON a.evaluation_id = b.evaluation_id"
            f" WHERE b.activity_id IN ({marks}) ORDER BY e.created_at DESC, a.rowid",
            activity_ids,
            db,
        ):
            out.setdefault(row[0], []).append(EvaluationRow(*row[1:]))
        return out

    async def record_vote(self, vote: Vote) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            if not _first_use(db, "votes", vote.id, vote.participant_id):
                return False
            # Stored only while the activity is open: the check and the write are one step,
            # so a vote cannot slip in after the facilitator closed the activity.
            cursor = db.execute(
                "INSERT INTO votes (id, activity_id, participant_id, table_number, option, why,"
                " created_at) SELECT ?, ?, ?, (SELECT table_number FROM participants"
                " WHERE id = ?), ?, ?, ? FROM activities"
                f" WHERE id = ? AND state = 'open' AND {_SESSION_OPEN}",
                (
                    vote.id,
                    vote.activity_id,
                    vote.participant_id,
                    vote.participant_id,
                    vote.option,
                    vote.why,
                    time.time(),
                    vote.activity_id,
                ),
            )
            if cursor.rowcount != 1:
                _refuse_if_ended(db, vote.activity_id)
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
            if not _first_use(db, "posts", post.id, post.participant_id):
                return False
            # Counted in the same step as the insert: two sockets cannot both post the 20th.
            rows = fetchall(
                db,
                "SELECT COUNT(*) FROM posts WHERE participant_id = ? AND activity_id = ?",
                (post.participant_id, post.activity_id),
            )
            if rows[0][0] >= MAX_POSTS:
                raise Conflict(TOO_MANY_POSTS, max=MAX_POSTS)
            cursor = db.execute(
                "INSERT INTO posts (id, activity_id, participant_id, table_number, text,"
                " created_at) SELECT ?, ?, ?, (SELECT table_number FROM participants"
                " WHERE id = ?), ?, ? FROM activities"
                f" WHERE id = ? AND state = 'open' AND {_SESSION_OPEN}",
                (
                    post.id,
                    post.activity_id,
                    post.participant_id,
                    post.participant_id,
                    post.text,
                    time.time(),
                    post.activity_id,
                ),
            )
            if cursor.rowcount != 1:
                _refuse_if_ended(db, post.activity_id)
                raise Conflict(N_("This activity is closed for new answers."))
            place_post(db, post.id, post.activity_id)  # its station, if a rotation's
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
