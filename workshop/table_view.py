"""The snapshot one table's phones share (the `table:N` channel): plain data, no I/O.

Each table feature adds its part here, from what `Store.table_room` read."""

from __future__ import annotations

import time
from typing import Any

from workshop.hybrid import meeting_view, name_in
from workshop.stations import table_frame
from workshop.store.base import TableRoom
from workshop.table_answers import table_part
from workshop.table_talk import table_talk_view


def member_view(room: TableRoom) -> list[dict[str, Any]]:
    return [{"id": p.id, "number": p.number, "name": p.name} for p in room.members]


def table_state(room: TableRoom, language: str | None = None) -> dict[str, Any]:
    """`language`: the one the table's phones chose (None: the session's), for its name."""
    activity = room.activity
    name = name_in(room.table.name, language)
    return {
        "type": "table",
        "table": {"number": room.table.number, "name": name, "kind": room.table.kind},
        # a digital table's video meetings: its own, the plenary's, which one now (hybrid.py)
        "meeting": meeting_view(room.table, room.session, activity, time.time(), room.position),
        "members": member_view(room),
        "activity": activity.id if activity is not None else None,
        **table_part(room),  # its proposal and answer (table_answers.py)
        "station": table_frame(room.station, room.table.number, time.time()),  # stations.py
        # notes, spokesperson, raised hand, the round of the tables (table_talk.py)
        **table_talk_view(room.talk, room.table.number, room.members, room.activity),
    }
