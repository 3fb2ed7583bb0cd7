"""Sessions over time: the session list's counts, deleting a session with everything of it,
whom a session was for, accounts' roles, retention, and the coordinator's counts."""

from __future__ import annotations

import sqlite3

from workshop.domain import Facilitator, Session
from workshop.errors import N_, Conflict
from workshop.over_time import (
    ADMIN,
    EvaluationCounts,
    EvaluationFilter,
    MonthCounts,
    SessionOverview,
    TopicCounts,
)
from workshop.store.sqlite.connection import Connection, uncut
from workshop.store.sqlite.rows import bump, facilitator_from, fetchall, session_from

# When a session ran: its first day's real start, else when it was made.
SESSION_DATE = (
    "COALESCE((SELECT MIN(d.started_at) FROM plan_days d WHERE d.session_id = s.id), s.created_at)"
)

# The month (UTC) of a time in seconds, as "2026-03".
MONTH_OF = {
    "sqlite": "strftime('%Y-%m', at, 'unixepoch')",
    "postgresql": "to_char(to_timestamp(at) AT TIME ZONE 'UTC', 'YYYY-MM')",
}
# The keys of an evaluation's free-text questions (its `questions` are a JSON list).
TEXT_QUESTIONS = {
    "sqlite": (
        "SELECT json_extract(q.value, '$.key')"
        " FROM evaluations e JOIN activities a ON a.id = e.activity_id, json_each(a.questions) q"
        " WHERE e.id = evaluation_answers.evaluation_id"
        " AND json_extract(q.value, '$.kind') = 'text'"
    ),
    "postgresql": (
        "SELECT q.value ->> 'key'"
        " FROM evaluations e JOIN activities a ON a.id = e.activity_id,"
        " jsonb_array_elements(CAST(a.questions AS jsonb)) q"
        " WHERE e.id = evaluation_answers.evaluation_id AND q.value ->> 'kind' = 'text'"
    ),
}


def count_when(key: str, also: str = "") -> str:
    """How many answers `x` have `key` (and meet `also`): a count in both dialects, where
    SQLite's `SUM(x.key = …)` would not be PostgreSQL."""
    return f"COUNT(CASE WHEN x.key = '{key}' {also} THEN 1 END)"


# The links a row can have to a session; deletion follows them (see delete_session).
LINKS = ("session_id", "activity_id", "participant_id", "vote_id", "evaluation_id")


def _columns(db: sqlite3.Connection) -> dict[str, set[str]]:
    """Every table of the schema with its columns: deletion reads the schema as it is, so a
    table a later migration adds with a link to a session is deleted too."""
    if getattr(db, "dialect", "sqlite") == "postgresql":
        columns: dict[str, set[str]] = {}
        for table, column in fetchall(
            db,
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()",
        ):
            columns.setdefault(table, set()).add(column)
        return columns
    tables = fetchall(
        db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {
        name: {row[1] for row in db.execute(f'PRAGMA table_info("{name}")')} for (name,) in tables
    }


class OverTime(Connection):
    # --- the session list ---------------------------------------------------------------

    async def session_overviews(self, facilitator_id: int) -> list[SessionOverview]:
        rows = await self._all(
            f"SELECT s.*, {SESSION_DATE} AS ran_at,"
            " EXISTS (SELECT 1 FROM activities a WHERE a.session_id = s.id"
            "         AND a.state != 'draft') AS started,"
            " (SELECT COUNT(*) FROM participants p WHERE p.session_id = s.id"
            "  AND p.removed_at IS NULL) AS people,"
            " (SELECT COUNT(*) FROM evaluation_ballots b JOIN activities a"
            "  ON a.id = b.activity_id WHERE a.session_id = s.id"
            "  AND a.kind = 'evaluation') AS responses"
            " FROM sessions s WHERE s.facilitator_id = ? OR s.id IN"  # theirs or co-run
            " (SELECT session_id FROM session_facilitators WHERE facilitator_id = ?)"
            " ORDER BY s.created_at DESC, s.id DESC",
            (facilitator_id, facilitator_id),
        )
        return [
            SessionOverview(
                session_from(r), r["ran_at"], bool(r["started"]), r["people"], r["responses"]
            )
            for r in rows
        ]

    async def set_session_place(
        self, session_id: int, *, organisation: str | None = None, region: str | None = None
    ) -> Session:
        changes = {
            column: value
            for column, value in (("organisation", organisation), ("region", region))
            if value is not None
        }

        def op(db: sqlite3.Connection) -> Session:
            sets = "".join(f"{column} = ?, " for column in changes)
            db.execute(
                f"UPDATE sessions SET {sets}version = version + 1 WHERE id = ?",
                (*changes.values(), session_id),
            )
            return session_from(
                fetchall(db, "SELECT * FROM sessions WHERE id = ?", (session_id,))[0]
            )

        return await self._write(op)

    async def delete_session(self, session_id: int) -> bool:
        """The session and every row linked to it, in one transaction; False if it was gone."""

        def op(db: sqlite3.Connection) -> bool:
            if not fetchall(db, "SELECT 1 FROM sessions WHERE id = ?", (session_id,)):
                return False
            schema = _columns(db)
            acts = "SELECT id FROM activities WHERE session_id = :s"
            people = "SELECT id FROM participants WHERE session_id = :s"
            through = {
                "activity_id": acts,
                "participant_id": people,
                "vote_id": f"SELECT id FROM votes WHERE activity_id IN ({acts})",
                "evaluation_id": f"SELECT id FROM evaluations WHERE activity_id IN ({acts})",
            }
            params = {"s": session_id}

            def delete(table: str, columns: set[str]) -> None:
                if "session_id" in columns:
                    db.execute(f'DELETE FROM "{table}" WHERE session_id = :s', params)
                    return
                where = " OR ".join(
                    f"{column} IN ({through[column]})"
                    for column in LINKS[1:]
                    if column in columns and (column != "evaluation_id" or "evaluations" in schema)
                )
                if where:
                    db.execute(f'DELETE FROM "{table}" WHERE {where}', params)

            # Children first, so every foreign key still finds its row while it is deleted:
            # what hangs on a vote or an evaluation, then on an activity or a participant,
            # then the session's own rows (activities before segments and cases, participants
            # before tables), the session last.
            keys = {"votes", "evaluations"}
            own = ("activities", "participants")
            order = [
                *(
                    t
                    for t, c in schema.items()
                    if {"vote_id", "evaluation_id"} & c and t not in keys
                ),
                *(
                    t
                    for t, c in schema.items()
                    if "session_id" not in c and {"activity_id", "participant_id"} & c
                ),
                *(t for t in own if t in schema),
                *(
                    t
                    for t, c in schema.items()
                    if "session_id" in c and t not in own and t != "sessions"
                ),
            ]
            done: set[str] = set()
            for table in order:
                if table not in done:
                    delete(table, schema[table])
                    done.add(table)
            db.execute("DELETE FROM sessions WHERE id = :s", params)
            return True

        return await self._write(op)

    # --- accounts' roles ----------------------------------------------------------------

    async def facilitators(self) -> list[Facilitator]:
        rows = await self._all("SELECT * FROM facilitators ORDER BY username COLLATE NOCASE")
        return [facilitator_from(r) for r in rows]

    async def set_role(self, facilitator_id: int, role: str) -> Facilitator | None:
        """None for no such account; Conflict when it would leave the server without an admin."""

        def op(db: sqlite3.Connection) -> Facilitator | None:
            rows = fetchall(db, "SELECT * FROM facilitators WHERE id = ?", (facilitator_id,))
            if not rows:
                return None
            if rows[0]["role"] == ADMIN and role != ADMIN:
                admins = fetchall(db, "SELECT COUNT(*) FROM facilitators WHERE role = 'admin'")
                if admins[0][0] <= 1:
                    raise Conflict(N_("The server needs an administrator: make another one first."))
            db.execute("UPDATE facilitators SET role = ? WHERE id = ?", (role, facilitator_id))
            rows = fetchall(db, "SELECT * FROM facilitators WHERE id = ?", (facilitator_id,))
            return facilitator_from(rows[0])

        return await self._write(op)

    # --- retention ----------------------------------------------------------------------

    async def delete_old_texts(self, closed_before: float, now: float) -> list[int]:
        """Participants' texts (posts, whys and their copies on the screen, free-text
        evaluation answers) and names of every session closed at or before `closed_before`,
        once; votes' options and evaluation numbers and choices stay. The sessions' ids."""

        def op(db: sqlite3.Connection) -> list[int]:
            found = fetchall(
                db,
                # A session reopened and closed again after a pass is done again.
                "SELECT id FROM sessions WHERE closed_at IS NOT NULL AND closed_at <= ?"
                " AND (texts_deleted_at IS NULL OR texts_deleted_at < closed_at)",
                (closed_before,),
            )
            ids = [row[0] for row in found]
            acts = "SELECT id FROM activities WHERE session_id = :s"
            for session_id in ids:
                params = {"s": session_id, "now": now}
                db.execute(f"DELETE FROM screen_quotes WHERE activity_id IN ({acts})", params)
                db.execute(f"DELETE FROM posts WHERE activity_id IN ({acts})", params)
                # The tables' shared notes (issue 16) are participants' texts too.
                db.execute(f"DELETE FROM table_notes WHERE activity_id IN ({acts})", params)
                db.execute(
                    f"UPDATE votes SET why = '' WHERE activity_id IN ({acts}) AND why != ''", params
                )
                db.execute("UPDATE participants SET name = '' WHERE session_id = :s", params)
                db.execute(
                    "DELETE FROM evaluation_answers WHERE evaluation_id IN"
                    " (SELECT e.id FROM evaluations e JOIN activities a ON a.id = e.activity_id"
                    "  WHERE a.session_id = :s)"
                    f" AND key IN ({TEXT_QUESTIONS[self.dialect]})",
                    params,
                )
                db.execute("UPDATE sessions SET texts_deleted_at = :now WHERE id = :s", params)
                bump(db, session_id)
            return ids

        return await self._write(op)

    # --- the coordinator's counts -------------------------------------------------------

    @uncut
    async def evaluation_counts(self, where: EvaluationFilter) -> EvaluationCounts:
        """Counts per month of the sessions' date (UTC) over the latest answer of each
        participant to each evaluation of the sessions `where` picks."""
        conditions, params = ["1 = 1"], []  # type: ignore[var-annotated]
        if where.facilitator_id is not None:
            conditions.append("s.facilitator_id = ?")
            params.append(where.facilitator_id)
        if where.region is not None:
            conditions.append("s.region = ? COLLATE NOCASE")
            params.append(where.region)
        dated = ["1 = 1"]
        if where.start is not None:
            dated.append("at >= ?")
            params.append(where.start)
        if where.end is not None:
            dated.append("at < ?")
            params.append(where.end)
        picked = (
            f"WITH picked AS (SELECT id, {MONTH_OF[self.dialect]} AS month FROM"
            f" (SELECT s.id, {SESSION_DATE} AS at FROM sessions s"
            f"  WHERE {' AND '.join(conditions)}) AS dated WHERE {' AND '.join(dated)}),"
            " ev AS (SELECT a.id AS activity_id, p.id AS session_id, p.month FROM activities a"
            "  JOIN picked p ON p.id = a.session_id WHERE a.kind = 'evaluation'),"
            " latest AS (SELECT ev.month, b.evaluation_id FROM ev"
            "  JOIN evaluation_ballots b ON b.activity_id = ev.activity_id)"
        )
        counts = EvaluationCounts()

        def month(name: str) -> MonthCounts:
            return counts.months.setdefault(name, MonthCounts())

        async with self._read_lock:  # one snapshot for every count
            db = self._snapshots
            assert db is not None
            await db.execute("BEGIN")
            try:
                for row in await self._all(
                    f"{picked}, rooms AS (SELECT DISTINCT session_id, month FROM ev)"
                    " SELECT r.month, COUNT(DISTINCT r.session_id),"
                    "  (SELECT COUNT(*) FROM participants q JOIN rooms o"
                    "   ON q.session_id = o.session_id"
                    "   WHERE o.month = r.month AND q.removed_at IS NULL)"
                    " FROM rooms r GROUP BY r.month",
                    params,
                    db,
                ):
                    m = month(row[0])
                    m.sessions, m.participants = row[1], row[2]
                for row in await self._all(
                    f"{picked} SELECT month, COUNT(*) FROM latest GROUP BY month", params, db
                ):
                    month(row[0]).responses = row[1]
                for row in await self._all(
                    f"{picked} SELECT l.month,"
                    f" {count_when('useful')}, {count_when('useful', 'AND x.number >= 4')},"
                    f" {count_when('engaged')}, {count_when('engaged', 'AND x.number >= 4')},"
                    f" {count_when('again')}, {count_when('again', 'AND x.text = ' + repr('yes'))}"
                    " FROM latest l JOIN evaluation_answers x ON x.evaluation_id = l.evaluation_id"
                    " WHERE x.key IN ('useful', 'engaged', 'again') GROUP BY l.month",
                    params,
                    db,
                ):
                    m = month(row[0])
                    (m.useful, m.useful_high, m.engaged, m.engaged_high, m.again, m.again_yes) = (
                        row[1:]
                    )
                for row in await self._all(
                    # A title chosen twice in one answer (two segments of that name) counts once.
                    f"{picked} SELECT c.title, COUNT(*), COUNT(u.number),"
                    " COALESCE(SUM(u.number), 0)"
                    " FROM (SELECT DISTINCT l.evaluation_id, g.title FROM latest l"
                    "  JOIN evaluation_answers t ON t.evaluation_id = l.evaluation_id"
                    "   AND t.key = 'topics'"
                    "  JOIN segments g ON g.id = t.number) c"
                    " LEFT JOIN evaluation_answers u ON u.evaluation_id = c.evaluation_id"
                    "  AND u.key = 'useful'"
                    " GROUP BY c.title",
                    params,
                    db,
                ):
                    counts.topics.append(TopicCounts(row[0], row[1], row[2], row[3]))
            finally:
                await db.execute("COMMIT")
        return counts
