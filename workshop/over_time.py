"""Sessions over time, as plain rules: a session's state in the list, accounts' roles, the
filters of the coordinator's figures and the figures themselves as counted. No I/O, no SQL.

The store counts (`Store.evaluation_counts`); this module turns the counts into shares, so
every figure is a ratio of two counts read from the stored answers, never a running total.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from workshop.domain import MAX_TITLE, Facilitator, Session, clean_text
from workshop.errors import N_, Forbidden, Invalid
from workshop.session_csv import neutralise

# --- roles -------------------------------------------------------------------------------

FACILITATOR, COORDINATOR, ADMIN = "facilitator", "coordinator", "admin"
ROLES = (FACILITATOR, COORDINATOR, ADMIN)
ROLE_WORDS = (N_("facilitator"), N_("coordinator"), N_("admin"))


def check_role(value: object) -> str:
    if value not in ROLES:
        raise Invalid(N_("A role is facilitator, coordinator or admin."))
    assert isinstance(value, str)
    return value


def sees_every_session(facilitator: Facilitator) -> bool:
    """A coordinator (and an admin) reads every session's evaluation figures."""
    return facilitator.role in (COORDINATOR, ADMIN)


def require_admin(facilitator: Facilitator) -> None:
    if facilitator.role != ADMIN:
        raise Forbidden(N_("Only an administrator manages accounts."))


def require_coordinator(facilitator: Facilitator) -> None:
    if not sees_every_session(facilitator):
        raise Forbidden(N_("Only a coordinator sees the figures of every session."))


# --- the session list ----------------------------------------------------------------------

PLANNED, RUNNING, CLOSED = "planned", "running", "closed"
STATE_WORDS = (N_("planned"), N_("running"), N_("closed"))
MAX_PLACE = MAX_TITLE


def session_state(session: Session, started: bool) -> str:
    """planned: the room never moved (no step, no closing, every activity still a draft);
    closed: the facilitator closed it; running otherwise. `started`: an activity left draft."""
    if session.closed_at is not None:
        return CLOSED
    moved = session.current_segment_id is not None or session.current_activity_id is not None
    if moved or session.closing or started:
        return RUNNING
    return PLANNED


def clean_place(value: object, what: str) -> str:
    """An organisation or region: optional, one line, at most MAX_PLACE characters."""
    return clean_text(value, what=what, limit=MAX_PLACE, required=False).strip()


@dataclass(frozen=True, slots=True)
class SessionOverview:
    """A row of the session list, counted from the stored rows."""

    session: Session
    date: float  # when its first day started, else when it was made
    started: bool  # an activity has left draft
    participants: int  # still in it
    responses: int  # evaluation answers (each participant's latest, every evaluation)

    @property
    def state(self) -> str:
        return session_state(self.session, self.started)


# --- the coordinator's figures -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvaluationFilter:
    start: float | None = None  # sessions whose date is at or after (epoch seconds, UTC)
    end: float | None = None  # … and before
    facilitator_id: int | None = None
    region: str | None = None


def _day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(N_("%(what)s is a date as YYYY-MM-DD."), what=what) from None


def evaluation_filter(
    query: Mapping[str, str], asker: Facilitator, facilitator_id: int | None
) -> EvaluationFilter:
    """`from` and `to` are days (UTC), both included; `facilitator_id` is the id of the
    `facilitator` asked for (resolved by the caller). A facilitator who is not a coordinator
    gets their own sessions only, whatever they ask for."""
    start = end = None
    if query.get("from"):
        start = datetime.combine(_day(query["from"], "from"), datetime.min.time(), UTC)
    if query.get("to"):
        end = datetime.combine(_day(query["to"], "to"), datetime.min.time(), UTC)
        end += timedelta(days=1)
    region = (query.get("region") or "").strip() or None
    if not sees_every_session(asker):
        facilitator_id = asker.id
    return EvaluationFilter(
        start.timestamp() if start else None,
        end.timestamp() if end else None,
        facilitator_id,
        region,
    )


@dataclass(slots=True)
class MonthCounts:
    """What the store counts for the sessions of one month (or all of them)."""

    sessions: int = 0  # sessions with an evaluation
    participants: int = 0  # in those sessions
    responses: int = 0
    useful: int = 0  # answered `useful`
    useful_high: int = 0  # … with 4 or 5
    engaged: int = 0
    engaged_high: int = 0
    again: int = 0
    again_yes: int = 0

    def add(self, other: MonthCounts) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True, slots=True)
class TopicCounts:
    title: str
    chosen: int  # responses that chose a segment of this title
    useful_answers: int  # … of which answered `useful`
    useful_sum: int  # … the sum of those answers


@dataclass
class EvaluationCounts:
    months: dict[str, MonthCounts] = field(default_factory=dict)  # "YYYY-MM" -> counts
    topics: list[TopicCounts] = field(default_factory=list)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _figures(counts: MonthCounts) -> dict[str, object]:
    return {
        "sessions": counts.sessions,
        "participants": counts.participants,
        "responses": counts.responses,
        "response_rate": share(counts.responses, counts.participants),
        "useful_4_5": share(counts.useful_high, counts.useful),
        "engaged_4_5": share(counts.engaged_high, counts.engaged),
        "again_yes": share(counts.again_yes, counts.again),
    }


def figures(counts: EvaluationCounts) -> dict[str, object]:
    """The figures as `GET /api/evaluations` answers them (docs/api.md)."""
    total = MonthCounts()
    for month in counts.months.values():
        total.add(month)
    topics = [
        {
            "title": t.title,
            "chosen": t.chosen,
            "share": share(t.chosen, total.responses),
            "mean_useful": round(t.useful_sum / t.useful_answers, 4) if t.useful_answers else None,
        }
        for t in sorted(counts.topics, key=lambda t: (-t.chosen, t.title))
    ]
    return {
        **_figures(total),
        "topics": topics,
        "months": [{"month": m, **_figures(counts.months[m])} for m in sorted(counts.months)],
    }


CSV_COLUMNS = (
    "month",
    "sessions",
    "participants",
    "responses",
    "response_rate",
    "useful_4_5",
    "engaged_4_5",
    "again_yes",
)


def _cell(value: object) -> str:
    """A figure as written, or a text a facilitator typed (a topic's title) that can never
    run as a formula in a spreadsheet (`session_csv.neutralise`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str(neutralise(value))
    return str(value)


def figures_csv(result: Mapping[str, object], total_label: str) -> str:
    """The figures as CSV: a row per month, the total, then the topics; UTF-8 with BOM
    (added by the caller's encoding) so a spreadsheet reads æøå right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    months = result["months"]
    assert isinstance(months, Sequence)
    for row in [*months, {**result, "month": total_label}]:
        writer.writerow([_cell(row.get(c)) for c in CSV_COLUMNS])
    writer.writerow([])
    writer.writerow(["topic", "chosen", "share", "mean_useful"])
    topics = result["topics"]
    assert isinstance(topics, Sequence)
    for t in topics:
        writer.writerow([_cell(t[c]) for c in ("title", "chosen", "share", "mean_useful")])
    return out.getvalue()
