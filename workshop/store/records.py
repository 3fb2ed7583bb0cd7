"""What a store read returns in one piece: a `Room` (what a screen or console shows), a
`TableRoom` (what one table shares), a participant's `Answers`; and the markers the
`Store` protocol (`base.py`) uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from workshop.agenda import PlanDay, Segment, SessionCase
from workshop.domain import Activity, Participant, Post, Session, Table, Vote, Why
from workshop.evaluation import EvaluationRow, Row
from workshop.stations import Rotation
from workshop.table_answers import TableAnswer
from workshop.table_talk import TableTalk


class IdTaken(Exception):
    """A client id is already used by another participant's submission."""


Scope = Literal["none", "current", "all"]


ROOM_POSTS = 100
"""Posts (and whys) per activity a `Room` carries; the rest are counted and paged."""


@dataclass
class TableRoom:
    """What one table's phones share, read at one moment: the table channel's snapshot.

    Features that belong to a table (its answer, notes, spokesperson, station) add their
    part here, read by `Store.table_room`, shown by `table_view.table_state`."""

    session: Session
    table: Table
    members: list[Participant]  # in the order they joined
    activity: Activity | None  # the session's current activity
    answer: TableAnswer | None = None  # its table answer (table_answers.py), if by the table
    # the current activity's station rotation and the table numbers (stations.py)
    station: tuple[Rotation, list[int]] | None = None
    talk: TableTalk = field(default_factory=TableTalk)  # notes, spokesperson (table_talk.py)
    position: int = 0  # a digital table's place among the digital tables (hybrid.py)


class Unchanged:
    """Marks an argument that leaves the stored value as it is."""


UNCHANGED = Unchanged()


@dataclass(frozen=True, slots=True)
class Quote:
    """A "why" the facilitator put on the screen: a copy, without the participant."""

    id: str  # the vote's id
    option: int
    text: str


@dataclass
class Room:
    """Everything a screen or console shows about a session, read at one moment."""

    session: Session
    tables: list[Table]
    seated: dict[int, int]
    activities: list[Activity]
    # activity id -> (table, option, count) over the latest vote of each participant
    votes: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    # newest first, at most ROOM_POSTS of all and ROOM_POSTS not hidden per activity
    posts: dict[int, list[Post]] = field(default_factory=dict)
    whys: dict[int, list[Why]] = field(default_factory=dict)  # newest first, ROOM_POSTS
    # activity id -> (posts, posts not hidden, whys), counted from every row
    totals: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    # activity id -> table -> (distinct posters, distinct posters of posts not hidden)
    posters: dict[int, dict[int, tuple[int, int]]] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)  # in plan order
    cases: dict[int, SessionCase] = field(default_factory=dict)
    days: dict[int, PlanDay] = field(default_factory=dict)
    quotes: dict[int, list[Quote]] = field(default_factory=dict)  # activity id -> on screen
    # activity id -> each participant's latest evaluation answers
    evaluations: dict[int, list[EvaluationRow]] = field(default_factory=dict)
    # activity id -> table -> its proposal and answer, for activities by the table
    table_answers: dict[int, dict[int, TableAnswer]] = field(default_factory=dict)
    stations: dict[int, Rotation] = field(default_factory=dict)  # activity id -> rotation

    def segment(self, segment_id: int | None) -> Segment | None:
        return next((s for s in self.segments if s.id == segment_id), None)

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
    evaluations: dict[int, list[Row]] = field(default_factory=dict)  # latest per activity
