"""Hybrid days as plain rules: room and digital tables, and their video-meeting links.

A table is in the room or digital. People joining from home (`remote`) sit at digital tables,
everyone else at room tables: seating, balancing and reseating stay inside each kind unless
the facilitator chooses otherwise. A digital table's meeting link is its own, or the
session's pattern with `{table}` filled in; the plenary has one link for everybody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from workshop.domain import (
    MAX_TABLE_NAME,
    MAX_TABLES,
    Activity,
    ActivityKind,
    ActivityState,
    Session,
    Table,
    clean_text,
    session_tables,
)
from workshop.errors import N_, Conflict, Invalid
from workshop.table_answers import BY_TABLE

ROOM = "room"
DIGITAL = "digital"
KINDS = (ROOM, DIGITAL)
MAX_URL = 500
PLACEHOLDER = "{table}"
NO_DIGITAL = N_(
    "This session has no tables for people joining from home. Ask the facilitator to add one."
)


def kind_of(remote: object) -> str:
    """The kind of table a newcomer sits at: `remote` true means a digital table."""
    if remote is None or remote is False:
        return ROOM
    if remote is True:
        return DIGITAL
    raise Invalid(N_("remote must be true or false."))


def check_kind(kind: object) -> str:
    if kind not in KINDS:
        raise Invalid(N_("The kind of table must be room or digital."))
    return str(kind)


def of_kind(tables: Iterable[Table], kind: str) -> list[Table]:
    return [t for t in tables if t.kind == kind]


def kinds(tables: Iterable[Table]) -> dict[int, str]:
    """Table number -> kind."""
    return {t.number: t.kind for t in tables}


def digital_word(language: str) -> str:
    return "Online table" if language == "en" else "Digitalt bord"


_DEFAULT_NAME = re.compile(r"(Bord|Table|Digitalt bord|Online table) ([1-9][0-9]{0,2})")


def name_in(name: str, language: str | None) -> str:
    """A table's name for a reader of `language`: a default name ("Bord 3", "Digitalt bord
    2") in their words; a name the facilitator gave stays as it is. None: as it is."""
    found = _DEFAULT_NAME.fullmatch(name) if language is not None else None
    if found is None:
        return name
    digital = found[1] in ("Digitalt bord", "Online table")
    word = digital_word(language) if digital else ("Table" if language == "en" else "Bord")
    return f"{word} {found[2]}"


def table_names(value: object, language: str, kind: str, *, allow_none: bool) -> list[str]:
    """Names for a new session's tables of one kind: a number of tables or a list of names.
    Room tables are "Bord 1", "Bord 2" …; digital ones "Digitalt bord 1" … (each kind counts
    from 1; the table numbers run on through both kinds)."""
    word = digital_word(language) if kind == DIGITAL else ("Table" if language == "en" else "Bord")
    if isinstance(value, bool) or not isinstance(value, int | list):
        raise Invalid(N_("Tables must be a number or a list of names."))
    low = 0 if allow_none else 1
    count = value if isinstance(value, int) else len(value)
    if not low <= count <= MAX_TABLES:
        raise Invalid(N_("A session has from 1 to %(max)d tables."), max=MAX_TABLES)
    if isinstance(value, int):
        return [f"{word} {n}" for n in range(1, value + 1)]
    return [clean_text(t, what=N_("A table name"), limit=MAX_TABLE_NAME) for t in value]


def new_tables(body: Mapping[str, Any], language: str) -> tuple[list[str], list[str]]:
    """A new session's table names of each kind (room, digital) from its `tables` and
    `digital_tables`; `tables: 0` with digital tables makes an all-digital session."""
    digital = body.get("digital_tables")
    digital_names = (
        [] if digital is None else table_names(digital, language, DIGITAL, allow_none=True)
    )
    all_digital = digital_names and body.get("tables") in (0, [])
    names = [] if all_digital else session_tables(body.get("tables"), language)
    if not 1 <= len(names) + len(digital_names) <= MAX_TABLES:
        raise Invalid(N_("A session has from 1 to %(max)d tables."), max=MAX_TABLES)
    return names, digital_names


def next_name(tables: Sequence[Table], kind: str, language: str) -> str:
    """The default name of one more table of `kind`: the next free "Bord N" or
    "Digitalt bord N"."""
    word = digital_word(language) if kind == DIGITAL else ("Table" if language == "en" else "Bord")
    taken = {t.name for t in tables}
    n = len(of_kind(tables, kind)) + 1
    while f"{word} {n}" in taken:
        n += 1
    return f"{word} {n}"


def check_url(value: object, *, pattern: bool = False) -> str | None:
    """A meeting link as pasted: None or "" clears it. Only http(s) addresses, so a link
    never runs script on a phone; a pattern must hold `{table}`."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_URL:
        raise Invalid(
            N_("A meeting link must be a web address of at most %(max)d characters."), max=MAX_URL
        )
    text = value.strip()
    parts = urlsplit(text.replace(PLACEHOLDER, "1"))
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c.isspace() for c in text):
        raise Invalid(N_("A meeting link must start with https:// and hold no spaces."))
    if pattern and PLACEHOLDER not in text:
        raise Invalid(N_("A pattern for the tables' links must hold {table}."))
    return text


def positions(tables: Iterable[Table]) -> dict[int, int]:
    """Each digital table's place among the digital tables (1, 2 …, by table number): what
    `{table}` in the pattern stands for, so "Digitalt bord 1" gets …-1 whatever the number
    of room tables before it."""
    digital = sorted(t.number for t in tables if t.kind == DIGITAL)
    return {number: place for place, number in enumerate(digital, start=1)}


def meeting_url(table: Table, session: Session, position: int) -> str | None:
    """A digital table's meeting link: its own, or the session's pattern with `{table}` as
    its `position` among the digital tables; room tables have none."""
    if table.kind != DIGITAL:
        return None
    if table.meeting_url:
        return table.meeting_url
    if session.meeting_pattern:
        return session.meeting_pattern.replace(PLACEHOLDER, str(position))
    return None


def seat_candidates(tables: Sequence[Table], kind: str, wanted: int | None) -> list[Table]:
    """The tables a newcomer of `kind` may sit at; a picked table of the other kind is
    refused with a message the person understands."""
    mine = of_kind(tables, kind)
    if not mine and kind == ROOM:
        mine = of_kind(tables, DIGITAL)  # an all-digital session: everybody is "at home"
        kind = DIGITAL
    if wanted is not None:
        picked = next((t for t in tables if t.number == wanted), None)
        if picked is not None and picked.kind != kind:
            if kind == DIGITAL:
                raise Invalid(
                    N_("%(table)s is in the room. Pick a table for people at home."),
                    table=picked.name,
                )
            raise Invalid(N_("%(table)s is for people joining from home."), table=picked.name)
    if not mine:
        if kind == DIGITAL:
            raise Conflict(NO_DIGITAL)
        raise Conflict(N_("This session has only tables for people joining from home."))
    return mine


def talk_time(session: Session, activity: Activity | None, now: float) -> bool:
    """Whether the tables are talking among themselves: the step's countdown runs, or the
    open activity is answered by the table or is a reflection. Otherwise it is plenary."""
    if session.timer_ends_at is not None and session.timer_ends_at > now:
        return True
    if activity is None or activity.state is not ActivityState.OPEN:
        return False
    return activity.by == BY_TABLE or activity.kind is ActivityKind.REFLECTION


def meeting_view(
    table: Table, session: Session, activity: Activity | None, now: float, position: int
) -> dict[str, Any] | None:
    """What a digital table's phones show to join the call: the table's meeting, the
    plenary's, and which of the two is the one to be in now. None at a room table."""
    if table.kind != DIGITAL:
        return None
    return {
        "table": meeting_url(table, session, position),
        "plenary": session.plenary_url,
        "now": "table" if talk_time(session, activity, now) else "plenary",
    }
