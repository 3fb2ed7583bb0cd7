"""Talk at the tables, as plain rules and data: who speaks for a table, the round of the
tables on the screen, a table that called the facilitator. No I/O.

Spokesperson: a table has one per activity. Unless the table picks someone, it is whoever
has had the fewest turns today, the earliest to join first; a turn is counted when the table
picked them or when their turn came (the table wrote notes, or the round reached it). So the
turn goes round the table over the day, and on to newcomers and people moved in.

Round of the tables: the facilitator steps through the tables that have people, in table
order, each with a speaking time; the table after the one speaking is told it is next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from workshop.domain import Activity, ActivityKind, Participant
from workshop.errors import N_, Conflict, Invalid
from workshop.notes import Notes

ROUND_ACTIONS = ("start", "next", "previous", "stop")
MAX_SPEAKING = 30 * 60  # seconds a table may be given to speak
DEFAULT_SPEAKING = 120


@dataclass(frozen=True, slots=True)
class Round:
    """The round of the tables: `tables` in order, `position` the one speaking now."""

    activity_id: int | None
    tables: tuple[int, ...]
    position: int
    seconds: int  # speaking time per table; 0: no timer
    turn_started_at: float

    @property
    def table(self) -> int:
        return self.tables[self.position]

    @property
    def next_table(self) -> int | None:
        at = self.position + 1
        return self.tables[at] if at < len(self.tables) else None


@dataclass(frozen=True, slots=True)
class NoteEdit:
    """A phone's edit of its table's notes: a Yjs update (`notes.py`)."""

    id: str
    participant_id: int
    activity_id: int
    update: bytes
    generation: int = 0  # the document it was made on: one cleared since is refused


@dataclass(frozen=True, slots=True)
class Pick:
    """A table picking who speaks for it on an activity."""

    id: str
    participant_id: int  # who picked
    activity_id: int
    spokesperson: int


@dataclass(frozen=True, slots=True)
class HandAct:
    """A table member calling the facilitator (`raised`), or saying never mind."""

    id: str
    participant_id: int
    raised: bool


@dataclass(frozen=True, slots=True)
class Hand:
    table: int
    raised_at: float
    raised_by: int | None


@dataclass
class TableTalk:
    """What `Store.table_room` reads for the talk at one table (part of `TableRoom`)."""

    notes: Notes | None = None  # the current activity's
    hidden: bool = False  # the facilitator keeps the notes off the screen
    generation: int = 0  # how often the facilitator cleared them: the document's
    spokesperson: int | None = None  # stored for the current activity (a turn), else None
    chosen: bool = False  # ... and picked by the table
    turns: dict[int, int] = field(default_factory=dict)  # participant -> turns on other activities
    hand: Hand | None = None
    round: Round | None = None


# --- the spokesperson ------------------------------------------------------------------------


def default_spokesperson(members: Sequence[int], turns: Mapping[int, int]) -> int | None:
    """The member with the fewest turns; among equals, the earliest to join (`members` are
    participant ids in joining order). None for an empty table."""
    if not members:
        return None
    return min(enumerate(members), key=lambda at: (turns.get(at[1], 0), at[0]))[1]


def spokesperson(
    members: Sequence[Participant], stored: int | None, turns: Mapping[int, int]
) -> int | None:
    """Who speaks for the table: the stored one while they sit at it, else the default."""
    if stored is not None and any(p.id == stored for p in members):
        return stored
    return default_spokesperson([p.id for p in members], turns)


def check_member(members: Sequence[Participant], participant: object) -> int:
    if isinstance(participant, bool) or not isinstance(participant, int):
        raise Invalid(N_("Say who speaks for the table: participant is their id."))
    if not any(p.id == participant for p in members):
        raise Invalid(N_("Only someone at your table can speak for it."))
    return participant


# --- the round of the tables -----------------------------------------------------------------


def speaking_seconds(value: object) -> int:
    if value is None:
        return DEFAULT_SPEAKING
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SPEAKING:
        raise Invalid(
            N_("seconds is the speaking time per table, from 0 to %(max)d."), max=MAX_SPEAKING
        )
    return value


def start_round(tables: Sequence[int], activity_id: int | None, seconds: int, now: float) -> Round:
    """A round through `tables` (those with people, in table order), from the first."""
    if not tables:
        raise Conflict(N_("No table has anyone at it yet, so there is no round to go."))
    return Round(activity_id, tuple(tables), 0, seconds, now)


def step_round(current: Round | None, action: str, now: float, at: object = None) -> Round | None:
    """The round after `action` ("next", "previous" or "stop"); None once it is stopped.

    `at`: the table the console saw speaking; when the round has moved since (a double
    click, a second console), Conflict, and nothing moves."""
    if current is None:
        if action == "stop":
            return None
        raise Conflict(N_("The round of the tables has not started."))
    if at is not None and at != current.table:
        raise Conflict(N_("The round has already moved on. Look again, then press the button."))
    if action == "stop":
        return None
    if action == "next":
        if current.next_table is None:
            raise Conflict(N_("This is the last table of the round."))
        return replace(current, position=current.position + 1, turn_started_at=now)
    if action == "previous":
        if current.position == 0:
            raise Conflict(N_("This is the first table of the round."))
        return replace(current, position=current.position - 1, turn_started_at=now)
    raise Invalid(N_("action must be start, next, previous or stop."))


# --- views -----------------------------------------------------------------------------------


def person_view(p: Participant) -> dict[str, Any]:
    return {"id": p.id, "number": p.number, "name": p.name}


def table_talk_view(
    talk: TableTalk, number: int, members: Sequence[Participant], activity: Activity | None
) -> dict[str, Any]:
    """The talk part of one table's `table` frame."""
    speaker = spokesperson(members, talk.spokesperson, talk.turns)
    who = next((p for p in members if p.id == speaker), None)
    notes = talk.notes
    round_ = talk.round
    return {
        "notes": {
            "activity": activity.id,
            "generation": talk.generation,
            "state": notes.encoded if notes is not None else "",
            "text": notes.text if notes is not None else "",
        }
        if activity is not None
        else None,
        "spokesperson": {**person_view(who), "chosen": talk.chosen and speaker == talk.spokesperson}
        if who is not None
        else None,
        "hand": {"raised": True, "since": talk.hand.raised_at} if talk.hand else {"raised": False},
        "round": {
            "speaking": round_.table == number,
            "next": round_.next_table == number,
            "done": number in round_.tables[: round_.position],
        }
        if round_ is not None
        else None,
    }


@dataclass
class RoundRoom:
    """What the screen's round of the tables shows, read at one moment (`Store.round_room`)."""

    round: Round
    names: dict[int, str]  # table number -> name
    members: list[Participant]  # at the table speaking, in joining order
    activity: Activity | None
    talk: TableTalk  # of the table speaking, for the round's activity
    votes: dict[int, int] = field(default_factory=dict)  # option -> the table's answers
    table_answer: int | None = None  # the option the table answered together, if any


def votes_view(
    activity: Activity | None, votes: Mapping[int, int], min_group: int
) -> dict[str, Any] | None:
    """The table's answers per option, when enough of them answered to show them."""
    if activity is None or activity.kind not in (
        ActivityKind.DILEMMA,
        ActivityKind.POLL,
        ActivityKind.SCALE,
    ):
        return None
    total = sum(votes.values())
    if total < min_group:
        return {"shown": False, "total": total}
    counts = [votes.get(i, 0) for i in range(activity.option_count)]
    return {"shown": True, "total": total, "counts": counts}


def round_view(room: RoundRoom, min_group: int) -> dict[str, Any]:
    """The round as the screen and the console show it."""
    round_ = room.round
    speaker = spokesperson(room.members, room.talk.spokesperson, room.talk.turns)
    who = next((p for p in room.members if p.id == speaker), None)
    activity = room.activity
    following = round_.next_table

    def table(number: int) -> dict[str, Any]:
        return {"number": number, "name": room.names.get(number, str(number))}

    return {
        "table": table(round_.table),
        "position": round_.position + 1,
        "total": len(round_.tables),
        "next": table(following) if following is not None else None,
        "seconds": round_.seconds,
        "turn_started_at": round_.turn_started_at,
        "spokesperson": person_view(who) if who is not None else None,
        "activity": {
            "id": activity.id,
            "title": activity.title,
            "prompt": activity.prompt,
            "kind": activity.kind.value,
            "options": list(activity.options),
        }
        if activity is not None
        else None,
        "by": activity.by if activity is not None else "person",
        "answer": room.table_answer,
        "votes": votes_view(activity, room.votes, min_group),
        # Notes the facilitator keeps off the screen are not sent to it at all.
        "notes": room.talk.notes.text if room.talk.notes and not room.talk.hidden else "",
        "notes_hidden": room.talk.hidden,
    }


def hands_view(hands: Sequence[Hand], names: Mapping[int, str]) -> list[dict[str, Any]]:
    """Tables that called the facilitator, longest waiting first."""
    return [
        {"table": h.table, "name": names.get(h.table, str(h.table)), "since": h.raised_at}
        for h in sorted(hands, key=lambda h: h.raised_at)
    ]


# --- the tables' notes for the facilitator ---------------------------------------------------


def check_generation(value: object) -> int:
    """The document generation a phone or the console names (0 when a frame has none)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise Invalid(N_("generation must be a whole number."))
    return value


@dataclass(frozen=True, slots=True)
class TableNotes:
    """One table's notes on one activity, as the console and the report read them."""

    activity_id: int
    table: int
    text: str
    hidden: bool
    generation: int
    spokesperson: Participant | None  # their turn on it, where one is stored


def console_notes_view(
    activity: Activity | None,
    names: Mapping[int, str],
    members: Mapping[int, Sequence[Participant]],
    notes: Mapping[int, TableNotes],
    stored: Mapping[int, int],
    turns: Mapping[int, int],
) -> dict[str, Any] | None:
    """Every table's notes on the current activity, for the console: tables with people or
    notes, in table order, each with who speaks for it as its phones see it (`stored`:
    table -> the spokesperson stored for the activity; `turns`: participant -> turns on
    other activities)."""
    if activity is None:
        return None
    out = []
    for number in sorted(set(members) | set(notes)):
        at = members.get(number, ())
        found = notes.get(number)
        speaker = spokesperson(at, stored.get(number), turns)
        who = next((p for p in at if p.id == speaker), None)
        out.append(
            {
                "table": number,
                "name": names.get(number, str(number)),
                "people": len(at),
                "spokesperson": person_view(who) if who is not None else None,
                "text": found.text if found else "",
                "shown": not (found and found.hidden),
                "generation": found.generation if found else 0,
            }
        )
    return {"activity": activity.id, "tables": out}


def report_note(note: TableNotes) -> dict[str, Any]:
    """One table's notes on an activity as the report takes them (`report.build`)."""
    who = note.spokesperson
    return {
        "activity": note.activity_id,
        "table": note.table,
        "text": note.text,
        "hidden": note.hidden,
        "spokesperson": {"name": who.name, "number": who.number} if who is not None else None,
    }
