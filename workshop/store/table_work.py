"""The part of the `Store` protocol for what tables do together beyond answering: station
rotations and the talk at the tables (notes, spokesperson, raised hands, the round)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from workshop.domain import Participant
from workshop.stations import Rotation, RotationSpec
from workshop.table_talk import Hand, HandAct, NoteEdit, Pick, Round, RoundRoom, TableNotes


class TableWork(Protocol):
    # station rotations (stations.py); a post's station is placed by record_post itself
    async def save_rotation(self, session_id: int, activity_id: int, spec: RotationSpec) -> bool:
        """Make or replace an activity's rotation, not started; False for no such activity."""
        ...

    async def rotation(self, session_id: int, activity_id: int) -> Rotation | None: ...
    async def set_rotation_clock(
        self, session_id: int, activity_id: int, base_round: int, base_at: float | None
    ) -> Rotation | None: ...
    async def post_stations(self, session_id: int) -> dict[str, int | None]:
        """The station each post of the session's rotations was placed at, by post id."""
        ...

    # talk at the tables (table_talk.py): notes, spokesperson, raised hands, the round
    async def record_note(self, edit: NoteEdit) -> int | None:
        """Merge a Yjs update into the notes of the participant's table (read in the same
        step) for the activity: that table when stored now, None for a repeat of the id.
        IdTaken, Forbidden (removed), NotFound (no such activity), Conflict (session ended),
        Invalid (unreadable, or the notes too long: nothing is stored)."""
        ...

    async def pick_spokesperson(self, pick: Pick) -> int | None:
        """Like `record_note`; Invalid unless the one picked sits at the same table."""
        ...

    async def set_hand(self, act: HandAct) -> int | None: ...
    async def lower_hand(self, session_id: int, table: int) -> bool: ...
    async def step_round(
        self,
        session_id: int,
        change: Callable[[Round | None, list[int], int | None], Round | None],
    ) -> Round | None:
        """Store `change(round, tables with people, current activity)`, in one step."""
        ...

    async def round_table(self, session_id: int) -> int | None:
        """The table speaking in the round; None when no round is going."""
        ...

    async def hands(self, session_id: int) -> list[Hand]: ...
    async def round_room(self, session_id: int) -> RoundRoom | None: ...
    async def show_notes(self, session_id: int, activity_id: int, table: int, shown: bool) -> bool:
        """Keep a table's notes on an activity off the screen, or let them back; False when
        they already were so. NotFound for no such activity or table."""
        ...

    async def clear_notes(
        self, session_id: int, activity_id: int, table: int, generation: int
    ) -> tuple[int, bool]:
        """Empty them as seen at `generation`: a fresh document of the next generation;
        a clear seen past already changes nothing. (generation now, whether it changed)"""
        ...

    async def tables_notes(
        self, session_id: int, activity_id: int
    ) -> tuple[dict[int, list[Participant]], dict[int, TableNotes], dict[int, int], dict[int, int]]:
        """(members by table, notes by table, stored spokesperson by table, turns per
        participant on other activities), read at one moment."""
        ...

    async def day_notes(self, session_id: int) -> list[TableNotes]:
        """Every table's notes with text, with the spokesperson of the turn."""
        ...
