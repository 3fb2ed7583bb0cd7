"""Running the day: the plan's days and their starts, closing the session, the "why" texts
put on the screen, and participants changing their table."""

from __future__ import annotations

import sqlite3
import time

import aiosqlite

from workshop.agenda import PlanDay
from workshop.domain import Participant, Session
from workshop.errors import N_, Conflict, Forbidden, NotFound
from workshop.seating import SESSION_ENDED
from workshop.store.base import UNCHANGED, Quote, Unchanged
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import bump, fetchall, session_from
from workshop.store.sqlite.seating import keep_left
from workshop.store.sqlite.seats import recount, seated_at
from workshop.store.sqlite.sessions import NUMBER

MAX_QUOTES = 6  # "why" texts on the screen at once, per activity
TABLE_CHANGES_OFF = N_("The facilitator has turned off changing tables.")


def _session(db: sqlite3.Connection, session_id: int) -> Session:
    return session_from(fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))[0])


# A participant moving themselves between the room and home: the facilitator does that.
CROSSING = {
    "room": N_("That table is in the room. Ask the facilitator if you have arrived."),
    "digital": N_("That table is for people joining from home. Ask the facilitator to move you."),
}


class Running(Connection):
    # --- the plan's days ----------------------------------------------------------------

    async def plan_days(
        self, session_id: int, db: aiosqlite.Connection | None = None
    ) -> dict[int, PlanDay]:
        rows = await self._all(
            "SELECT day, start, started_at FROM plan_days WHERE session_id = ?", (session_id,), db
        )
        return {r[0]: PlanDay(r[0], r[1], r[2]) for r in rows}

    async def set_day(
        self,
        session_id: int,
        day: int,
        *,
        start: str | Unchanged = UNCHANGED,
        started_at: float | Unchanged | None = UNCHANGED,
    ) -> PlanDay:
        def op(db: sqlite3.Connection) -> PlanDay:
            db.execute(
                "INSERT INTO plan_days (session_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (session_id, day),
            )
            if not isinstance(start, Unchanged):
                db.execute(
                    "UPDATE plan_days SET start = ? WHERE session_id = ? AND day = ?",
                    (start, session_id, day),
                )
            if not isinstance(started_at, Unchanged):
                db.execute(
                    "UPDATE plan_days SET started_at = ? WHERE session_id = ? AND day = ?",
                    (started_at, session_id, day),
                )
            bump(db, session_id)
            row = fetchall(
                db,
                "SELECT day, start, started_at FROM plan_days WHERE session_id = ? AND day = ?",
                (session_id, day),
            )[0]
            return PlanDay(row[0], row[1], row[2])

        return await self._write(op)

    # --- closing ------------------------------------------------------------------------

    async def set_closed(self, session_id: int, closed: bool) -> Session:
        """Closing closes what is open and ends the timer; answers are refused from then on
        (the submission writes check it). Reopening leaves the activities as they are."""

        def op(db: sqlite3.Connection) -> Session:
            if closed:
                db.execute(
                    "UPDATE activities SET state = 'closed'"
                    " WHERE session_id = ? AND state = 'open'",
                    (session_id,),
                )
                db.execute(
                    "UPDATE sessions SET closed_at = COALESCE(closed_at, ?), timer_ends_at = NULL,"
                    " join_page = 0 WHERE id = ?",
                    (time.time(), session_id),
                )
            else:
                db.execute("UPDATE sessions SET closed_at = NULL WHERE id = ?", (session_id,))
            bump(db, session_id)
            return _session(db, session_id)

        return await self._write(op)

    # --- "why" texts on the screen ------------------------------------------------------

    async def add_quote(self, session_id: int, activity_id: int, vote_id: str) -> bool:
        """Copy a why onto the screen; False when it was already there."""

        def op(db: sqlite3.Connection) -> bool:
            rows = fetchall(
                db,
                "SELECT v.option, v.why FROM ballots b JOIN votes v ON v.id = b.vote_id"
                " JOIN activities a ON a.id = b.activity_id"
                " WHERE b.vote_id = ? AND b.activity_id = ? AND a.session_id = ? AND v.why != ''",
                (vote_id, activity_id, session_id),
            )
            if not rows:
                raise NotFound(N_("This activity has no such reason."))
            count = fetchall(
                db, "SELECT COUNT(*) FROM screen_quotes WHERE activity_id = ?", (activity_id,)
            )[0][0]
            if count >= MAX_QUOTES:
                raise Conflict(
                    N_("At most %(max)d reasons fit on the screen. Take one off first."),
                    max=MAX_QUOTES,
                )
            cursor = db.execute(
                "INSERT INTO screen_quotes (activity_id, vote_id, option, text, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (activity_id, vote_id, rows[0][0], rows[0][1], time.time()),
            )
            bump(db, session_id)
            return cursor.rowcount == 1

        return await self._write(op)

    async def remove_quote(self, session_id: int, activity_id: int, vote_id: str) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "DELETE FROM screen_quotes WHERE activity_id = ? AND vote_id = ? AND activity_id"
                " IN (SELECT id FROM activities WHERE session_id = ?)",
                (activity_id, vote_id, session_id),
            )
            bump(db, session_id)
            return cursor.rowcount == 1

        return await self._write(op)

    async def quotes(
        self, activity_ids: list[int], db: aiosqlite.Connection | None = None
    ) -> dict[int, list[Quote]]:
        if not activity_ids:
            return {}
        marks = ",".join("?" * len(activity_ids))
        out: dict[int, list[Quote]] = {}
        for row in await self._all(
            "SELECT activity_id, vote_id, option, text FROM screen_quotes"
            f" WHERE activity_id IN ({marks}) ORDER BY created_at",
            activity_ids,
            db,
        ):
            out.setdefault(row[0], []).append(Quote(row[1], row[2], row[3]))
        return out

    # --- changing tables ----------------------------------------------------------------

    async def set_table_changes(self, session_id: int, allowed: bool) -> Session:
        def op(db: sqlite3.Connection) -> Session:
            db.execute(
                "UPDATE sessions SET table_changes = ?, version = version + 1 WHERE id = ?",
                (int(allowed), session_id),
            )
            return _session(db, session_id)

        return await self._write(op)

    async def change_table(self, session_id: int, participant_id: int, table: int) -> Participant:
        """Move a participant to `table` when the facilitator allows it and it has a free
        seat; their earlier answers stay with the table they were given at."""

        def op(db: sqlite3.Connection) -> Participant:
            session = _session(db, session_id)
            if not session.table_changes:
                raise Forbidden(TABLE_CHANGES_OFF)
            if session.closed:
                raise Conflict(SESSION_ENDED)
            rows = fetchall(
                db,
                f"SELECT id, session_id, table_number, name, created_at, {NUMBER}"
                " FROM participants p WHERE id = ? AND session_id = ? AND removed_at IS NULL",
                (participant_id, session_id),
            )
            if not rows:
                raise NotFound(N_("This session has no such participant."))
            here = Participant(*rows[0])
            if here.table == table:
                return here
            found = fetchall(
                db,
                "SELECT capacity, kind FROM tables WHERE session_id = ? AND number = ?",
                (session_id, table),
            )
            if not found:
                raise NotFound(N_("This session has no table %(table)s."), table=table)
            kind = fetchall(
                db,
                "SELECT kind FROM tables WHERE session_id = ? AND number = ?",
                (session_id, here.table),
            )
            if kind and kind[0][0] != found[0][1]:  # home and room stay apart (hybrid.py)
                raise Conflict(CROSSING[found[0][1]])
            if seated_at(db, session_id, table) >= found[0][0]:
                raise Conflict(N_("That table is full. Choose another one."))
            keep_left(db, session_id, participant_id, here.table)  # for a reseat: sat there
            db.execute(
                "UPDATE participants SET table_number = ? WHERE id = ?", (table, participant_id)
            )
            recount(db, session_id, [here.table, table])
            bump(db, session_id)
            return Participant(here.id, session_id, table, here.name, here.joined_at, here.number)

        return await self._write(op)
