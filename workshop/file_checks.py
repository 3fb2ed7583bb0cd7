"""The checks every part of a session file shares: numbers, times, ids and references, each
entry read with its place named (`FileProblem`), and what the file holds so far (`Known`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workshop.agenda import Segment, SessionCase
from workshop.checks import moment, ref
from workshop.domain import Activity, Table
from workshop.errors import N_, DomainError, Invalid
from workshop.session_file import PersonRecord, TableActRecord, VoteRecord
from workshop.stations import Rotation

SAME_ID = N_("Two entries have the same id.")


class FileProblem(Invalid):
    """A problem at one place in a session file: `where` (as `votes[3]`) and the problem.
    Answered as the problem alone by the app's handler; the import route puts `where` in."""

    AT = N_("In the session file at %(where)s: %(problem)s")

    def __init__(self, where: str, problem: DomainError) -> None:
        super().__init__(problem.message, **problem.params)
        self.where = where
        self.problem = problem


def an_id(value: object) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 200:
        raise Invalid(N_("An answer's id must be text of 1 to 200 characters."))
    return value


def each(data: Mapping[str, Any], part: str, read: Callable[[dict[str, Any]], Any]) -> list[Any]:
    items = data.get(part, [])
    if not isinstance(items, list):
        raise FileProblem(part, Invalid(N_("This part of the file must be a list.")))
    out = []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise Invalid(N_("Each entry must be a JSON object."))
            out.append(read(item))
        except FileProblem:
            raise
        except DomainError as problem:
            raise FileProblem(f"{part}[{index}]", problem) from None
    return out


def unique(
    items: list[Any], part: str, key: Callable[[Any], object], problem: str = SAME_ID
) -> dict[Any, Any]:
    """`items` by `key` (None: left out), or FileProblem at the first repeated key."""
    out: dict[Any, Any] = {}
    for index, item in enumerate(items):
        k = key(item)
        if k in out:
            raise FileProblem(f"{part}[{index}]", Invalid(problem))
        if k is not None:
            out[k] = item
    return out


@dataclass
class Known:
    """What the file holds so far, by its ids: what later entries may refer to."""

    tables: dict[int, Table] = field(default_factory=dict)
    segments: dict[int, Segment] = field(default_factory=dict)
    cases: dict[int, SessionCase] = field(default_factory=dict)
    activities: dict[int, Activity] = field(default_factory=dict)
    people: dict[int, PersonRecord] = field(default_factory=dict)
    votes: dict[str, VoteRecord] = field(default_factory=dict)
    rotations: dict[int, Rotation] = field(default_factory=dict)  # by activity
    acts: dict[str, TableActRecord] = field(default_factory=dict)  # table acts, by id


def answer_of(raw: dict[str, Any], known: Known) -> tuple[str, Activity, int, int, float]:
    """An answer's id, activity, participant, table and time."""
    return (
        an_id(raw.get("id")),
        known.activities[ref(raw.get("activity"), known.activities, "activity")],
        ref(raw.get("participant"), known.people, "participant"),
        ref(raw.get("table"), known.tables, "table"),
        moment(raw.get("created_at"), "created_at") or 0.0,
    )
