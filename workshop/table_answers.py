"""Table answers and "before and after", as plain rules: no I/O, no SQL.

A vote asked `by: "table"` gets one answer per table: a member proposes an option, the
table's phones see the proposal, and another member confirms it; the confirmed option is the
table's answer and the room's bars count tables. A new proposal replaces the answer only when
it is confirmed in turn.

An "after" round (`before` set) asks a vote again after table talk. `compare` sets the two
rounds side by side, for the room and per table, with how far each table moved: the total
variation distance between its before and after distributions (half the sum of the absolute
differences of the option shares, from 0 = the same to 1 = nothing in common). For answers by
the table each distribution is one option, so the measure is 1 when the table changed its
answer and 0 when it kept it. docs/api.md states the measure.

The small-group threshold (privacy.py) holds for every per-table figure: for answers by
person a table weighs its number of answers; for answers by the table it weighs the people
seated there (at least one), as the table's answer speaks for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workshop.domain import Activity, Participant, Tally
from workshop.errors import N_, Conflict, Forbidden, Invalid
from workshop.privacy import DEFAULT_MIN_GROUP, hidden_tables

if TYPE_CHECKING:
    from workshop.store.base import Room, TableRoom

BY_TABLE = "table"
PROPOSE = "propose"
CONFIRM = "confirm"
MOVED_MOST = 3  # tables named as the ones that moved most

NOT_BY_TABLE = N_("Each person answers this one: vote on your own phone.")
OWN_PROPOSAL = N_("You proposed this. Someone else at your table confirms it.")
NOTHING_PROPOSED = N_("There is nothing to confirm: no one at your table has proposed an answer.")
NOT_PROPOSED = N_("That is not what your table has proposed. Look at the proposal again.")


@dataclass(frozen=True, slots=True)
class TableAct:
    """A member's propose or confirm, as sent (`id` is the client's)."""

    id: str
    kind: str  # PROPOSE or CONFIRM
    activity_id: int
    participant_id: int
    option: int


@dataclass(frozen=True, slots=True)
class Proposal:
    id: str  # the propose act's id
    participant_id: int
    option: int


@dataclass(frozen=True, slots=True)
class TableAnswer:
    """One table's state for one activity: its confirmed answer and a pending proposal."""

    table: int
    option: int | None = None  # confirmed; None before the first confirm
    proposal: Proposal | None = None
    confirmed_by: int | None = None  # the participant who confirmed the answer


# --- the rules ----------------------------------------------------------------------------


def check_act(activity: Activity, option: object) -> int:
    """The option of a propose or confirm, or Invalid."""
    if not activity.is_vote:
        raise Invalid(N_("This activity takes written answers, not votes."))
    if activity.by != BY_TABLE:
        raise Invalid(NOT_BY_TABLE)
    if isinstance(option, bool) or not isinstance(option, int):
        raise Invalid(N_("Choose one of the options."))
    if not 0 <= option < activity.option_count:
        raise Invalid(N_("That option does not exist."))
    return option


def check_confirm(proposal: Proposal | None, participant_id: int, option: int) -> Proposal:
    """The proposal a confirm makes the table's answer: another member's, of that option."""
    if proposal is None:
        raise Conflict(NOTHING_PROPOSED)
    if proposal.participant_id == participant_id:
        raise Forbidden(OWN_PROPOSAL)
    if proposal.option != option:
        raise Conflict(NOT_PROPOSED)
    return proposal


# --- tallies and the threshold ------------------------------------------------------------


def table_tally(option_count: int, answers: Mapping[int, TableAnswer]) -> Tally:
    """The room's bars of an activity answered by the table: one count per table."""
    return Tally.from_rows(
        option_count, ((t, a.option, 1) for t, a in answers.items() if a.option is not None)
    )


def round_tally(room: Room, activity: Activity) -> Tally:
    if activity.by == BY_TABLE:
        return table_tally(activity.option_count, room.table_answers.get(activity.id, {}))
    return Tally.from_rows(activity.option_count, room.votes.get(activity.id, ()))


def people_behind(answered: Mapping[int, int], seated: Mapping[int, int]) -> dict[int, int]:
    """The weight of each table that answered by the table, for the threshold: the people
    seated there, at least one (its members may have moved on)."""
    return {t: max(1, seated.get(t, 0)) for t, n in answered.items() if n > 0}


def hidden_for(room: Room, activity: Activity, tally: Tally, k: int) -> set[int]:
    """The tables a vote's per-table figures leave out on the screen (privacy.py)."""
    answered = tally.answered_by_table()
    if activity.by == BY_TABLE:
        answered = people_behind(answered, room.seated)
    return hidden_tables(answered, k)


# --- before and after ---------------------------------------------------------------------


def moved(before: list[int], after: list[int]) -> float | None:
    """Total variation distance between two distributions given as counts; None when either
    has no answers. 1 for one-option distributions that differ, 0 when they agree."""
    b, a = sum(before), sum(after)
    if b == 0 or a == 0:
        return None
    return round(0.5 * sum(abs(x / b - y / a) for x, y in zip(before, after, strict=True)), 4)


def compare(
    before: Tally, after: Tally, hidden: AbstractSet[int] = frozenset()
) -> dict[str, Any] | None:
    """Before and after side by side: the room's counts, each table's (not those in
    `hidden`), and the tables that moved most (largest distance first, then by number).
    None when the rounds have different options (a file made so): nothing to compare."""
    if len(before.counts) != len(after.counts):
        return None
    tables = []
    for table in sorted(set(before.tables) & set(after.tables) - set(hidden)):
        b, a = before.tables[table], after.tables[table]
        tables.append({"table": table, "before": b, "after": a, "moved": moved(b, a)})
    ranked = sorted(
        (row for row in tables if row["moved"]), key=lambda r: (-r["moved"], r["table"])
    )
    return {
        "before": before.counts,
        "after": after.counts,
        "before_total": before.total,
        "after_total": after.total,
        "moved": moved(before.counts, after.counts),
        "tables": tables,
        "moved_most": [row["table"] for row in ranked[:MOVED_MOST]],
    }


def rounds(activities: Iterable[Activity], activity_id: int | None) -> list[int]:
    """The ids a snapshot of `activity_id` reads: it, and the round it asks again."""
    if activity_id is None:
        return []
    found = next((a for a in activities if a.id == activity_id), None)
    return [activity_id] if found is None or found.before is None else [activity_id, found.before]


# --- what the snapshots show --------------------------------------------------------------


def answers_view(
    answers: Mapping[int, TableAnswer], hidden: AbstractSet[int] = frozenset()
) -> dict[str, int]:
    """`table_answers`: {"<table number>": option} of the tables that have confirmed."""
    return {
        str(t): a.option
        for t, a in sorted(answers.items())
        if a.option is not None and t not in hidden
    }


def live_part(
    room: Room,
    activity: Activity,
    *,
    console: bool,
    shown: bool,
    min_group: int = DEFAULT_MIN_GROUP,
) -> dict[str, Any]:
    """What an activity's view adds: `table_answers` of an activity by the table, and the
    `compare` of an after round, when its results are shown (screen: after the reveal),
    without the tables the threshold leaves out on the screen."""
    part: dict[str, Any] = {}
    if not activity.is_vote:
        return part
    tally = round_tally(room, activity)
    hidden = set() if console else hidden_for(room, activity, tally, min_group)
    if activity.by == BY_TABLE:
        answers = room.table_answers.get(activity.id, {})
        part["table_answers"] = answers_view(answers, hidden) if shown else None
        if console:
            part["proposals"] = {
                str(t): a.proposal.option for t, a in sorted(answers.items()) if a.proposal
            }
    before = room.activity(activity.before) if activity.before is not None else None
    if before is not None and before.is_vote and shown:
        earlier = round_tally(room, before)
        if not console:
            hidden |= hidden_for(room, before, earlier, min_group)
        part["compare"] = compare(earlier, tally, hidden)
    elif activity.before is not None:
        part["compare"] = None
    return part


def results_part(room: Room, activity: Activity) -> dict[str, Any]:
    """`GET …/results` adds: who answers, the table answers, the round asked before, and the
    comparison with it (the facilitator's: every table)."""
    part: dict[str, Any] = {"by": activity.by, "before": activity.before}
    if activity.by == BY_TABLE:
        part["table_answers"] = answers_view(room.table_answers.get(activity.id, {}))
    before = room.activity(activity.before) if activity.before is not None else None
    if before is not None and before.is_vote and activity.is_vote:
        part["compare"] = compare(round_tally(room, before), round_tally(room, activity))
    return part


def quiet(seated: int, answered: int) -> bool:
    """A table the facilitator may want to go to: people seated, and fewer than half of them
    have answered (for an answer by the table: it has not answered)."""
    return seated > 0 and 2 * answered < seated


def participation(room: Room, answered: Mapping[int, int]) -> dict[str, Any] | None:
    """The console's participation at a glance for the live activity: per table how many of
    those seated have answered, and the quiet tables. `answered` is people per table (for an
    answer by the table: 1 for each table that answered)."""
    activity = room.activity(room.session.current_activity_id)
    if activity is None:
        return None
    by_table = activity.by == BY_TABLE and activity.is_vote
    answers = room.table_answers.get(activity.id, {}) if by_table else {}
    rows = []
    for table in room.tables:
        seated = room.seated.get(table.number, 0)
        n = answered.get(table.number, 0)
        row: dict[str, Any] = {"table": table.number, "name": table.name, "seated": seated}
        if by_table:
            state = answers.get(table.number)
            row["answered"] = state is not None and state.option is not None
            row["proposed"] = state is not None and state.proposal is not None
            row["quiet"] = seated > 0 and not row["answered"] and not row["proposed"]
        else:
            row["answered"] = min(n, seated) if seated else n
            row["quiet"] = quiet(seated, n)
        rows.append(row)
    return {
        "activity": activity.id,
        "by": activity.by,
        "state": activity.state.value,
        "tables": rows,
        "quiet": [r["table"] for r in rows if r["quiet"]],
    }


def member_name(members: Iterable[Participant], participant_id: int) -> dict[str, Any]:
    found = next((p for p in members if p.id == participant_id), None)
    if found is None:
        return {"id": participant_id, "number": None, "name": ""}
    return {"id": found.id, "number": found.number, "name": found.name}


def table_part(room: TableRoom) -> dict[str, Any]:
    """The table frame's `answer`: for an activity by the table, its proposal (who, which
    option) and its confirmed answer; None otherwise."""
    activity = room.activity
    if activity is None or activity.by != BY_TABLE or not activity.is_vote:
        return {"answer": None}
    state = room.answer or TableAnswer(room.table.number)
    proposal = state.proposal
    return {
        "answer": {
            "activity": activity.id,
            "option": state.option,
            "confirmed_by": member_name(room.members, state.confirmed_by)
            if state.confirmed_by is not None
            else None,
            "proposal": {
                "id": proposal.id,
                "option": proposal.option,
                "by": member_name(room.members, proposal.participant_id),
            }
            if proposal is not None
            else None,
        }
    }
