"""The `Store` protocol: domain types in and out, no SQL above this line."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from workshop.domain import (
    Activity,
    ActivitySpec,
    ActivityState,
    Facilitator,
    Participant,
    Post,
    Session,
    Table,
    Vote,
    Why,
)


class IdTaken(Exception):
    """A client id is already used by another participant's submission."""


Scope = Literal["none", "current", "all"]


class Unchanged:
    """Marks an argument that leaves the stored value as it is."""


UNCHANGED = Unchanged()


@dataclass
class Room:
    """Everything a screen or console shows about a session, read at one moment."""

    session: Session
    tables: list[Table]
    seated: dict[int, int]
    activities: list[Activity]
    # activity id -> (table, option, count) over the latest vote of each participant
    votes: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    posts: dict[int, list[Post]] = field(default_factory=dict)  # newest first
    whys: dict[int, list[Why]] = field(default_factory=dict)

    @property
    def participants(self) -> int:
        return sum(self.seated.values())

    def activity(self, activity_id: int | None) -> Activity | None:
        return next((a for a in self.activities if a.id == activity_id), None)


@dataclass
class Answers:
    """What one participant has sent in a session."""

    votes: dict[int, Vote] = field(default_factory=dict)  # latest per activity
    posts: dict[int, list[Post]] = field(default_factory=dict)


class Store(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...

    # settings kept across restarts (the cookie secret, the setup token)
    async def get_setting(self, key: str) -> str | None: ...
    async def set_setting(self, key: str, value: str | None) -> None: ...

    # facilitators
    async def add_facilitator(self, username: str, password_hash: str) -> Facilitator: ...
    async def facilitator(self, facilitator_id: int) -> Facilitator | None: ...
    async def facilitator_by_name(self, username: str) -> Facilitator | None: ...
    async def count_facilitators(self) -> int: ...
    async def claim_setup(
        self, token: str, username: str, password_hash: str
    ) -> Facilitator | None:
        """Create the first account if `token` is the stored setup token; it is then spent."""
        ...

    # sessions and tables
    async def create_session(
        self,
        *,
        code: str,
        facilitator_id: int,
        title: str,
        language: str,
        screen_key: str,
        base_url: str,
        table_names: Sequence[str],
    ) -> Session | None:
        """The new session, or None when the code is taken (draw another)."""
        ...

    async def session(self, code: str) -> Session | None: ...
    async def sessions_of(self, facilitator_id: int) -> list[Session]: ...
    async def update_session(
        self,
        session_id: int,
        *,
        current_activity_id: int | Unchanged | None = UNCHANGED,
        screen_view: str | None = None,
        screen_key: str | None = None,
    ) -> Session: ...
    async def tables(self, session_id: int) -> list[Table]: ...
    async def seated(self, session_id: int) -> dict[int, int]: ...

    # participants
    async def seat_participant(
        self,
        session_id: int,
        name: str,
        token_hash: str,
        choose: Callable[[list[Table], Mapping[int, int]], int],
    ) -> Participant:
        """Seat at the table `choose` picks from the tables and their counts, atomically."""
        ...

    async def participant_by_token(
        self, session_id: int, token_hash: str
    ) -> Participant | None: ...

    # activities
    async def add_activity(self, session_id: int, spec: ActivitySpec) -> Activity: ...
    async def activities(self, session_id: int) -> list[Activity]: ...
    async def activity(self, session_id: int, activity_id: int) -> Activity | None: ...
    async def set_activity_states(
        self,
        session_id: int,
        states: Mapping[int, ActivityState],
        current_activity_id: int | Unchanged | None = UNCHANGED,
    ) -> None: ...

    # submissions: idempotent by client id
    async def record_vote(self, vote: Vote) -> bool:
        """True if stored now, False if this id was stored before. Raises IdTaken, or
        Conflict when the activity is no longer open."""
        ...

    async def record_post(self, post: Post) -> bool: ...
    async def set_post_hidden(self, session_id: int, post_id: str, hidden: bool) -> bool: ...

    # reading what the room shows
    async def room(self, session_id: int, scope: Scope) -> Room:
        """The session, tables and counts, with votes, posts and whys of no activity, the
        current one, or all, as read in one moment."""
        ...

    async def answers(self, participant_id: int) -> Answers: ...
