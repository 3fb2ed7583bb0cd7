"""The snapshot one table's phones share (the `table:N` channel): plain data, no I/O.

Each table feature adds its part here, from what `Store.table_room` read."""

from __future__ import annotations

from typing import Any

from workshop.store.base import TableRoom


def member_view(room: TableRoom) -> list[dict[str, Any]]:
    return [{"id": p.id, "number": p.number, "name": p.name} for p in room.members]


def table_state(room: TableRoom) -> dict[str, Any]:
    activity = room.activity
    return {
        "type": "table",
        "table": {"number": room.table.number, "name": room.table.name},
        "members": member_view(room),
        "activity": activity.id if activity is not None else None,
    }
