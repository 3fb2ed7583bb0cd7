"""The rules of a workshop session, as plain Python: no I/O, no SQL, no JSON.

Sessions have tables; participants sit at a table; the facilitator runs activities one at
a time; participants vote on dilemmas, polls and scales and post reflections.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from workshop.errors import N_, Conflict, Invalid

if TYPE_CHECKING:
    from workshop.evaluation import Question

# Limits count characters as a person counts them (len of the text), never bytes.
MAX_TEXT = 1000
MAX_POSTS = 20  # texts one participant may post to one reflection
MAX_PROMPT = 4000
MAX_TITLE = 200
MAX_OPTION = 300
MAX_NAME = 60
MAX_TABLE_NAME = 60
MAX_TABLES = 500
DEFAULT_TABLES = 6
DEFAULT_CAPACITY = 7
MAX_PARTICIPANTS = 10_000  # the highest participant cap a facilitator may set
MAX_PAGE = 200  # the most participants one page of the console's list holds
LANGUAGES = ("nb", "nn", "en")
MAX_ID = 2**63  # SQLite's integers are signed 64-bit: a bigger id cannot name a row

# No I, L, O, U, 0 or 1: nothing that can be misread from a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 6

SCALE_LABELS = (
    N_("Strongly disagree"),
    N_("Disagree"),
    N_("Neither agree nor disagree"),
    N_("Agree"),
    N_("Strongly agree"),
)


# The names of kinds and states, for the messages that mention them.
WORDS = (
    N_("dilemma"),
    N_("poll"),
    N_("scale"),
    N_("reflection"),
    N_("draft"),
    N_("open"),
    N_("closed"),
    N_("revealed"),
)


class ActivityKind(StrEnum):
    DILEMMA = "dilemma"
    POLL = "poll"
    SCALE = "scale"
    REFLECTION = "reflection"
    EVALUATION = "evaluation"  # the day's evaluation: several questions, one frame (evaluation.py)


class ActivityState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REVEALED = "revealed"


ANSWER_BY = ("person", "table")  # who answers a vote: each person, or the table together

OPTION_RANGE: Mapping[ActivityKind, tuple[int, int]] = {
    ActivityKind.DILEMMA: (2, 4),
    ActivityKind.POLL: (2, 8),
}

ALLOWED_FROM: Mapping[ActivityState, frozenset[ActivityState]] = {
    ActivityState.OPEN: frozenset(ActivityState),
    ActivityState.CLOSED: frozenset({ActivityState.OPEN, ActivityState.REVEALED}),
    ActivityState.REVEALED: frozenset({ActivityState.OPEN, ActivityState.CLOSED}),
    ActivityState.DRAFT: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Facilitator:
    id: int
    username: str
    password_hash: str
    role: str = "facilitator"  # "facilitator", "coordinator" or "admin" (workshop/over_time.py)


@dataclass(frozen=True, slots=True)
class Table:
    number: int
    name: str
    capacity: int = DEFAULT_CAPACITY
    kind: str = "room"  # "room" or "digital" (people joining from home; workshop/hybrid.py)
    meeting_url: str | None = None  # a digital table's own meeting link, if it has one


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    code: str
    facilitator_id: int
    title: str
    language: str
    screen_key: str
    current_activity_id: int | None = None
    screen_view: str = "options"
    base_url: str = ""  # where phones reach this server, as the facilitator saw it
    version: int = 0
    created_at: float = 0.0
    current_segment_id: int | None = None
    timer_ends_at: float | None = None  # a running table-talk countdown ends then (epoch s)
    timer_seconds: int = 0
    max_participants: int | None = None  # the participant cap; None: no cap
    joining_locked: bool = False  # the facilitator closed joining: newcomers are refused
    closing: bool = False  # the room is at the closing step, after the plan's last step
    closed_at: float | None = None  # the facilitator closed the session: no new answers
    join_page: bool = False  # the screen shows the big join page over everything
    join_corner: bool = True  # the screen keeps a small QR code and the code in a corner
    show_law: bool = False  # the screen shows a revealed case's "what the law says"
    wall_page: int = 0  # the wall page the facilitator stepped to (the screen also pages)
    table_changes: bool = True  # participants may move themselves to another table
    organisation: str = ""  # the council the session was for
    region: str = ""
    texts_deleted_at: float | None = None  # participants' texts and names deleted (retention)
    plenary_url: str | None = None  # the plenary's video meeting (hybrid.py)
    meeting_pattern: str | None = None  # digital tables' meeting links, "{table}" filled in

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True, slots=True)
class Participant:
    id: int
    session_id: int
    table: int
    name: str = ""
    joined_at: float = 0.0
    number: int = 0  # the order they joined in, within the session: "Participant 7"


@dataclass(frozen=True, slots=True)
class ActivitySpec:
    """What the facilitator asks for; checked by `activity_spec`."""

    kind: ActivityKind
    prompt: str
    title: str = ""
    options: tuple[str, ...] = ()
    allow_why: bool = False
    questions: tuple[Question, ...] = ()  # an evaluation's
    by: str = "person"  # a vote's: "person" (each answers) or "table" (table_answers.py)


@dataclass(frozen=True, slots=True)
class Activity:
    id: int
    session_id: int
    position: int
    kind: ActivityKind
    prompt: str
    title: str = ""
    options: tuple[str, ...] = ()
    allow_why: bool = False
    state: ActivityState = ActivityState.DRAFT
    segment_id: int | None = None  # its place in the day's plan
    case_id: int | None = None  # the session's copy of the case it belongs to
    questions: tuple[Question, ...] = ()  # an evaluation's (evaluation.py)
    by: str = "person"  # "person" or "table": who answers a vote (table_answers.py)
    before: int | None = None  # an "after" round: the activity it asks again

    @property
    def option_count(self) -> int:
        if self.kind is ActivityKind.SCALE:
            return len(SCALE_LABELS)
        return len(self.options)

    @property
    def is_evaluation(self) -> bool:
        return self.kind is ActivityKind.EVALUATION

    @property
    def is_vote(self) -> bool:
        return self.kind not in (ActivityKind.REFLECTION, ActivityKind.EVALUATION)


@dataclass(frozen=True, slots=True)
class Vote:
    id: str
    activity_id: int
    participant_id: int
    table: int
    option: int
    why: str = ""


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    activity_id: int
    participant_id: int
    table: int
    text: str
    hidden: bool = False
    created_at: float = 0.0


@dataclass(frozen=True, slots=True)
class Why:
    """A vote's reason, as the room sees it: no participant attached."""

    table: int
    option: int
    text: str
    id: str = field(default="", compare=False)  # the vote's: how a why goes on the screen


@dataclass
class Tally:
    """Votes per option, overall and per table, from the latest vote of each participant."""

    counts: list[int]
    tables: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, option_count: int, rows: Iterable[tuple[int, int, int]]) -> Tally:
        """`rows` are (table, option, count), as a GROUP BY gives them."""
        tally = cls(counts=[0] * option_count)
        for table, option, count in rows:
            if not 0 <= option < option_count:
                continue
            tally.counts[option] += count
            tally.tables.setdefault(table, [0] * option_count)[option] += count
        return tally

    @property
    def total(self) -> int:
        return sum(self.counts)

    def answered_by_table(self) -> dict[int, int]:
        return {table: sum(counts) for table, counts in self.tables.items()}


def is_row_id(value: object) -> bool:
    """Whether `value` can be the id of a stored row (a larger one cannot even be looked up)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < MAX_ID


# --- codes -------------------------------------------------------------------------------


def new_join_code(choice: Callable[[str], str] = secrets.choice) -> str:
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a person typed, as a code: upper case, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch not in " -_.\t")


def is_well_formed_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


# --- checking what people send -----------------------------------------------------------


def clean_text(value: object, *, what: str, limit: int, required: bool = True) -> str:
    """The text as sent (never rewritten), or Invalid if it is missing or too long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(N_("%(what)s must be text."), what=what)
    if required and not value.strip():
        raise Invalid(N_("%(what)s cannot be empty."), what=what)
    if len(value) > limit:
        raise Invalid(
            N_("%(what)s is too long: %(length)d characters, at most %(limit)d."),
            what=what,
            length=len(value),
            limit=limit,
        )
    return value


def session_tables(tables: object, language: str) -> list[str]:
    """Table names for a new session, from a number of tables or a list of names."""
    if tables is None:
        tables = DEFAULT_TABLES
    if isinstance(tables, bool):
        raise Invalid(N_("Tables must be a number or a list of names."))
    if isinstance(tables, int):
        if not 1 <= tables <= MAX_TABLES:
            raise Invalid(N_("A session has from 1 to %(max)d tables."), max=MAX_TABLES)
        word = "Table" if language == "en" else "Bord"
        return [f"{word} {n}" for n in range(1, tables + 1)]
    if isinstance(tables, list):
        if not 1 <= len(tables) <= MAX_TABLES:
            raise Invalid(N_("A session has from 1 to %(max)d tables."), max=MAX_TABLES)
        return [clean_text(t, what=N_("A table name"), limit=MAX_TABLE_NAME) for t in tables]
    raise Invalid(N_("Tables must be a number or a list of names."))


def session_language(language: object) -> str:
    if language is None:
        return "nb"
    if language not in LANGUAGES:
        raise Invalid(N_("Language must be one of nb, nn or en."))
    return str(language)


def activity_spec(
    kind: object,
    prompt: object,
    options: object = None,
    title: object = None,
    allow_why: object = None,
    questions: object = None,
    by: object = None,
) -> ActivitySpec:
    try:
        kind = ActivityKind(kind)
    except ValueError:
        raise Invalid(N_("Kind must be dilemma, poll, scale, reflection or evaluation.")) from None
    prompt_text = clean_text(prompt, what=N_("The text"), limit=MAX_PROMPT)
    title_text = clean_text(title, what=N_("The title"), limit=MAX_TITLE, required=False)
    labels: tuple[str, ...] = ()
    if kind in OPTION_RANGE:
        low, high = OPTION_RANGE[kind]
        if not isinstance(options, list) or not low <= len(options) <= high:
            raise Invalid(
                N_("A %(kind)s needs from %(low)d to %(high)d options."),
                kind=kind.value,
                low=low,
                high=high,
            )
        labels = tuple(clean_text(o, what=N_("An option"), limit=MAX_OPTION) for o in options)
    elif options not in (None, []):
        raise Invalid(N_("A %(kind)s has no options of its own."), kind=kind.value)
    if allow_why is not None and not isinstance(allow_why, bool):
        raise Invalid(N_("allow_why must be true or false."))
    why = kind is ActivityKind.DILEMMA and allow_why is not False
    asked: tuple[Question, ...] = ()
    if kind is ActivityKind.EVALUATION and questions is not None:
        from workshop.evaluation import questions_of  # evaluation.py builds on this module

        asked = questions_of(questions)
    elif questions is not None:
        raise Invalid(N_("Only an evaluation has questions."))
    if by not in (None, *ANSWER_BY):
        raise Invalid(N_("by must be person or table."))
    if by == "table" and kind not in (ActivityKind.DILEMMA, ActivityKind.POLL, ActivityKind.SCALE):
        raise Invalid(N_("Only a dilemma, a poll or a scale can be answered by the table."))
    # A table answers together, without a reason of its own.
    return ActivitySpec(
        kind, prompt_text, title_text, labels, why and by != "table", asked, str(by or "person")
    )


def check_move(current: ActivityState, target: object) -> ActivityState:
    try:
        target = ActivityState(target)
    except ValueError:
        raise Invalid(N_("State must be open, closed or revealed.")) from None
    if current not in ALLOWED_FROM[target]:
        raise Conflict(
            N_("An activity that is %(current)s cannot be %(target)s."),
            current=current.value,
            target=target.value,
        )
    return target


def states_after_move(
    activities: Sequence[Activity], activity: Activity, target: ActivityState
) -> dict[int, ActivityState]:
    """The new state of every activity that changes: opening one closes any other open one."""
    changes = {activity.id: target}
    if target is ActivityState.OPEN:
        for other in activities:
            if other.id != activity.id and other.state is ActivityState.OPEN:
                changes[other.id] = ActivityState.CLOSED
    return changes


# Whether an activity still takes answers is decided by the store, in the same step as the
# write and after it has recognised a repeated client id: a repeat of an answer stored while
# the activity was open is acknowledged again, anything new after closing is refused.
# So check_vote and check_post judge what was sent, not when.


def check_vote(activity: Activity, option: object, why: object) -> tuple[int, str]:
    if activity.kind is ActivityKind.EVALUATION:
        raise Invalid(N_("This is the evaluation: send it as one evaluation."))
    if not activity.is_vote:
        raise Invalid(N_("This activity takes written answers, not votes."))
    if activity.by == "table":
        raise Invalid(N_("Your table answers this one together: propose an answer for the table."))
    if isinstance(option, bool) or not isinstance(option, int):
        raise Invalid(N_("Choose one of the options."))
    if not 0 <= option < activity.option_count:
        raise Invalid(N_("That option does not exist."))
    why_text = clean_text(why, what=N_("Your reason"), limit=MAX_TEXT, required=False)
    if why_text and not activity.allow_why:
        raise Invalid(N_("This activity does not ask for a reason."))
    return option, why_text


def check_post(activity: Activity, text: object) -> str:
    if activity.kind is ActivityKind.EVALUATION:
        raise Invalid(N_("This is the evaluation: send it as one evaluation."))
    if activity.kind is not ActivityKind.REFLECTION:
        raise Invalid(N_("This activity takes votes, not written answers."))
    return clean_text(text, what=N_("Your text"), limit=MAX_TEXT)


def page_bounds(offset: object, limit: object, default: int = 50) -> tuple[int, int]:
    """A page of a list from query texts: (offset from 0, limit 1..MAX_PAGE)."""

    def number(value: object, fallback: int) -> int:
        if value is None or value == "":
            return fallback
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        return -1

    start, size = number(offset, 0), number(limit, default)
    if start < 0 or not 1 <= size <= MAX_PAGE:
        raise Invalid(
            N_("offset must be a whole number from 0 and limit one from 1 to %(max)d."),
            max=MAX_PAGE,
        )
    return start, size
