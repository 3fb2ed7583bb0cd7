"""Station rotations: their stations, their clock, and the station of each post (placed in
the same write step that stores the post: `place_post`)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence

import aiosqlite

from workshop.session_file import SessionRecord
from workshop.stations import Place, Rotation, RotationSpec, Station, station_for_post
from workshop.store.sqlite.connection import Connection
from workshop.store.sqlite.rows import bump, fetchall


def _rotation_sync(db: sqlite3.Connection, activity_id: int) -> Rotation | None:
    rows = fetchall(
        db,
        "SELECT seconds, rounds, base_round, base_at FROM station_rotations WHERE activity_id = ?",
        (activity_id,),
    )
    if not rows:
        return None
    stations = fetchall(
        db,
        "SELECT name, prompt FROM stations WHERE activity_id = ? ORDER BY position",
        (activity_id,),
    )
    seconds, rounds, base_round, base_at = rows[0]
    return Rotation(
        activity_id, tuple(Station(n, p) for n, p in stations), seconds, rounds, base_round, base_at
    )


def place_post(db: sqlite3.Connection, post_id: str, activity_id: int) -> None:
    """Called by `record_post` right after it stored a post, in the same transaction: the
    station is the one the post's table (as stored, the participant's table now) is at now."""
    rotation = _rotation_sync(db, activity_id)
    if rotation is None or not rotation.stations:
        return
    rows = fetchall(
        db,
        "SELECT p.table_number, a.session_id FROM posts p JOIN activities a"
        " ON a.id = p.activity_id WHERE p.id = ?",
        (post_id,),
    )
    if not rows:
        return
    table, session_id = rows[0]
    tables = fetchall(db, "SELECT number FROM tables WHERE session_id = ?", (session_id,))
    numbers = [r[0] for r in tables]
    station, round_ = station_for_post(rotation, table, numbers, time.time())
    db.execute(
        "INSERT INTO post_stations (post_id, activity_id, station, round) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (post_id) DO NOTHING",
        (post_id, activity_id, station, round_),
    )


async def _rotations(
    conn: Connection,
    session_id: int,
    db: aiosqlite.Connection | None = None,
    activity_id: int | None = None,
) -> dict[int, Rotation]:
    where = "a.session_id = ?" + (" AND a.id = ?" if activity_id is not None else "")
    params = (session_id,) if activity_id is None else (session_id, activity_id)
    heads = await conn._all(
        "SELECT r.activity_id, r.seconds, r.rounds, r.base_round, r.base_at"
        " FROM station_rotations r JOIN activities a ON a.id = r.activity_id"
        f" WHERE {where}",
        params,
        db,
    )
    if not heads:
        return {}
    stations: dict[int, list[Station]] = {}
    for row in await conn._all(
        "SELECT s.activity_id, s.name, s.prompt FROM stations s"
        f" JOIN activities a ON a.id = s.activity_id WHERE {where}"
        " ORDER BY s.activity_id, s.position",
        params,
        db,
    ):
        stations.setdefault(row[0], []).append(Station(row[1], row[2]))
    return {
        r[0]: Rotation(r[0], tuple(stations.get(r[0], ())), r[1], r[2], r[3], r[4]) for r in heads
    }


# --- the session file (transfer.py's dump and load call these in their transaction) --------


async def dump_stations(
    conn: Connection, session_id: int, order: Sequence[int], db: aiosqlite.Connection
) -> tuple[list[Rotation], dict[str, Place]]:
    """The session's rotations in the order of `order` (the activities' ids) and the
    (station, round) of each post of theirs, by post id."""
    found = await _rotations(conn, session_id, db)
    rotations = [found[a] for a in order if a in found]
    rows = await conn._all(
        "SELECT ps.post_id, ps.station, ps.round FROM post_stations ps"
        " JOIN activities a ON a.id = ps.activity_id WHERE a.session_id = ?",
        (session_id,),
        db,
    )
    return rotations, {r[0]: (r[1], r[2]) for r in rows}


def load_stations(
    db: sqlite3.Connection,
    record: SessionRecord,
    activities: Mapping[int, int],
    posts: Mapping[str, str],
) -> None:
    """The record's rotations (their clock as it was) and the station of each of their
    posts, with the new ids (`activities` and `posts`: the file's id -> the new one)."""
    for r in record.rotations:
        new = activities[r.activity_id]
        db.execute(
            "INSERT INTO station_rotations (activity_id, seconds, rounds, base_round, base_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (new, r.seconds, r.rounds, r.base_round, r.base_at),
        )
        db.executemany(
            "INSERT INTO stations (activity_id, position, name, prompt) VALUES (?, ?, ?, ?)",
            [(new, i, s.name, s.prompt) for i, s in enumerate(r.stations)],
        )
    rotating = {r.activity_id for r in record.rotations}
    db.executemany(
        "INSERT INTO post_stations (post_id, activity_id, station, round) VALUES (?, ?, ?, ?)",
        [
            (posts[p.id], activities[p.activity_id], *record.post_stations.get(p.id, (None, None)))
            for p in record.posts
            if p.activity_id in rotating
        ],
    )


class Stations(Connection):
    async def save_rotation(self, session_id: int, activity_id: int, spec: RotationSpec) -> bool:
        """Make or replace an activity's rotation (its clock starts again); False when the
        session has no such activity."""

        def op(db: sqlite3.Connection) -> bool:
            if not fetchall(
                db,
                "SELECT 1 FROM activities WHERE id = ? AND session_id = ?",
                (activity_id, session_id),
            ):
                return False
            db.execute(
                "INSERT INTO station_rotations (activity_id, seconds, rounds) VALUES (?, ?, ?)"
                " ON CONFLICT (activity_id) DO UPDATE SET seconds = excluded.seconds,"
                " rounds = excluded.rounds, base_round = 0, base_at = NULL",
                (activity_id, spec.seconds, spec.rounds),
            )
            db.execute("DELETE FROM stations WHERE activity_id = ?", (activity_id,))
            db.executemany(
                "INSERT INTO stations (activity_id, position, name, prompt) VALUES (?, ?, ?, ?)",
                [(activity_id, i, s.name, s.prompt) for i, s in enumerate(spec.stations)],
            )
            bump(db, session_id)
            return True

        return await self._write(op)

    async def rotation(self, session_id: int, activity_id: int) -> Rotation | None:
        rotations = await self.rotations(session_id, activity_id=activity_id)
        return rotations.get(activity_id)

    async def rotations(
        self,
        session_id: int,
        db: aiosqlite.Connection | None = None,
        activity_id: int | None = None,
    ) -> dict[int, Rotation]:
        """The session's rotations by activity id (or just `activity_id`'s)."""
        return await _rotations(self, session_id, db, activity_id)

    async def set_rotation_clock(
        self, session_id: int, activity_id: int, base_round: int, base_at: float | None
    ) -> Rotation | None:
        def op(db: sqlite3.Connection) -> Rotation | None:
            cursor = db.execute(
                "UPDATE station_rotations SET base_round = ?, base_at = ? WHERE activity_id = ?"
                " AND activity_id IN (SELECT id FROM activities WHERE session_id = ?)",
                (base_round, base_at, activity_id, session_id),
            )
            if cursor.rowcount != 1:
                return None
            bump(db, session_id)
            return _rotation_sync(db, activity_id)

        return await self._write(op)

    async def post_stations(self, session_id: int) -> dict[str, int | None]:
        """The station of every post made in the session's rotations, by post id."""
        return {
            r[0]: r[1]
            for r in await self._all(
                "SELECT ps.post_id, ps.station FROM post_stations ps"
                " JOIN activities a ON a.id = ps.activity_id WHERE a.session_id = ?",
                (session_id,),
            )
        }

    async def _table_numbers(self, session_id: int, db: aiosqlite.Connection) -> list[int]:
        rows = await self._all("SELECT number FROM tables WHERE session_id = ?", (session_id,), db)
        return [r[0] for r in rows]

    async def table_station(
        self, session_id: int, activity_id: int | None, db: aiosqlite.Connection
    ) -> tuple[Rotation, list[int]] | None:
        """For `table_room`: the current activity's rotation and the session's table numbers
        (the positions in the rotation), read in the caller's transaction."""
        if activity_id is None:
            return None
        found = await self.rotations(session_id, db, activity_id)
        if activity_id not in found:
            return None
        return found[activity_id], await self._table_numbers(session_id, db)
