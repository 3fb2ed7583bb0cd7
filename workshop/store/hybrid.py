"""The part of the `Store` protocol for hybrid days (workshop/hybrid.py): tables of each
kind, video-meeting links, and the co-facilitators who run a session with its owner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from workshop.domain import Facilitator, Session, Table
from workshop.store.records import UNCHANGED, Unchanged


@dataclass(frozen=True, slots=True)
class CoFacilitator:
    """An account running a session besides its owner; `watch`: the tables their console
    shows first ("all", "digital" or "room")."""

    facilitator: Facilitator
    watch: str = "all"
    added_at: float = 0.0


class HybridStore(Protocol):
    async def add_table(self, session_id: int, name: str, kind: str) -> Table:
        """One more table, numbered after the last."""
        ...

    async def set_meetings(
        self,
        session_id: int,
        *,
        plenary: str | Unchanged | None = UNCHANGED,
        pattern: str | Unchanged | None = UNCHANGED,
        tables: Mapping[int, str | None] | None = None,
    ) -> Session:
        """Set the plenary link, the tables' pattern and tables' own links (None clears);
        a table number the session lacks is left out."""
        ...

    # co-facilitators
    async def add_cofacilitator(
        self, session_id: int, facilitator_id: int, watch: str
    ) -> CoFacilitator | None:
        """Add (or change the watch of) a co-facilitator; None if there is no such account."""
        ...

    async def remove_cofacilitator(self, session_id: int, facilitator_id: int) -> bool: ...
    async def cofacilitators(self, session_id: int) -> list[CoFacilitator]:
        """In the order they were added."""
        ...

    async def cofacilitating(self, session_id: int, facilitator_id: int) -> CoFacilitator | None:
        """The account's place on the session if it is a co-facilitator of it."""
        ...
