"""The day's plan: segments, the cases copied into a session, the run of show and the plan's
times. Plain rules; no HTTP or SQL (like `domain`); the plan file is `plan_file.py`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workshop.checks import whole
from workshop.domain import (
    MAX_PROMPT,
    MAX_TEXT,
    MAX_TITLE,
    Activity,
    ActivitySpec,
    clean_text,
)
from workshop.errors import N_, Invalid

MAX_SEGMENTS = 60
MAX_MINUTES = 600
MAX_QUESTIONS = 5
MAX_DAYS = 5
MAX_LAW = 8
TIMER_RANGE = (10, 3600)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Segment:
    id: int
    session_id: int
    position: int
    title: str
    day: int = 1
    start: str = ""  # unused since plan times follow the clock: see `schedule`
    minutes: int = 0
    started_at: float | None = None  # when the room first reached it


@dataclass(frozen=True, slots=True)
class PlanDay:
    """One day of a plan: its planned start, and when it really started."""

    day: int
    start: str = ""  # planned "HH:MM", local to the room; "" for none
    started_at: float | None = None  # "start now", or the first Next into the day


@dataclass(frozen=True, slots=True)
class Timing:
    """Where a segment sits in its day, computed from the lengths before it."""

    offset: int  # minutes from the day's start
    start: str  # the planned "HH:MM" (the day's planned start + offset); "" for none
    needs: int  # minutes its cases take (from the library)

    def over(self, minutes: int) -> bool:
        return 0 < minutes < self.needs


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    title: str
    day: int = 1
    start: str = ""
    minutes: int = 0


@dataclass(frozen=True, slots=True)
class CaseSpec:
    """A case's text as copied into one session."""

    source: str  # the library case id, "" for one written here
    title: str
    narrative: str = ""
    questions: tuple[str, ...] = ()
    notes: str = ""
    minutes: int = 0  # how long the library says it takes
    law: tuple[tuple[str, str], ...] = ()  # "what the law says": (reference, text)


@dataclass(frozen=True, slots=True)
class SessionCase:
    id: int
    session_id: int
    source: str
    title: str
    narrative: str = ""
    questions: tuple[str, ...] = ()
    notes: str = ""
    minutes: int = 0
    law: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PlanItem:
    case: CaseSpec | None
    activities: tuple[ActivitySpec, ...]


@dataclass(frozen=True, slots=True)
class PlanSegment:
    spec: SegmentSpec
    items: tuple[PlanItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the run of show: a segment's opening, one of its activities, or the
    closing that ends every plan (a thank-you, then the facilitator closes the session)."""

    segment_id: int | None
    activity_id: int | None
    closing: bool = False


# --- checking what a facilitator sends ---------------------------------------------------


def _int(value: object, what: str, low: int, high: int, default: int) -> int:
    return default if value is None else whole(value, what, low, high)


def clock(value: object) -> str:
    """A planned start: "HH:MM", or "" for none."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not _CLOCK.match(value.strip()):
        raise Invalid(N_("A start time is written as HH:MM, for example 09:30."))
    return value.strip()


def segment_spec(body: Mapping[str, Any], base: SegmentSpec | None = None) -> SegmentSpec:
    """A new segment from `body`, or `base` changed by the fields `body` has."""
    base = base or SegmentSpec("")
    title = base.title
    if "title" in body or not base.title:
        title = clean_text(body.get("title"), what=N_("The title"), limit=MAX_TITLE)
    return SegmentSpec(
        title,
        _int(body.get("day"), N_("The day"), 1, MAX_DAYS, base.day),
        clock(body["start"]) if "start" in body else base.start,
        _int(body.get("minutes"), N_("The length in minutes"), 0, MAX_MINUTES, base.minutes),
    )


def questions_of(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_QUESTIONS:
        raise Invalid(N_("Questions are a list of at most %(max)d texts."), max=MAX_QUESTIONS)
    return tuple(clean_text(q, what=N_("A question"), limit=MAX_TEXT) for q in value)


def case_spec(body: Mapping[str, Any], base: CaseSpec | None = None) -> CaseSpec:
    base = base or CaseSpec("", "")
    title = base.title
    if "title" in body or not base.title:
        title = clean_text(body.get("title"), what=N_("The title"), limit=MAX_TITLE)
    narrative, notes = base.narrative, base.notes
    if "narrative" in body:
        narrative = clean_text(
            body["narrative"], what=N_("The story"), limit=MAX_PROMPT, required=False
        )
    if "notes" in body:
        notes = clean_text(body["notes"], what=N_("The notes"), limit=MAX_PROMPT, required=False)
    questions = questions_of(body["questions"]) if "questions" in body else base.questions
    source = body.get("source", base.source)
    if not isinstance(source, str) or len(source) > 100:
        raise Invalid(N_("The case's source must be a library id."))
    minutes = _int(body.get("minutes"), N_("The case's minutes"), 0, MAX_MINUTES, base.minutes)
    law = law_of(body["law"]) if "law" in body else base.law
    return CaseSpec(source, title, narrative, questions, notes, minutes, law)


def law_of(value: object) -> tuple[tuple[str, str], ...]:
    """A case's "what the law says": a list of {ref, text}, each ref with its paragraph."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_LAW:
        raise Invalid(N_("The law is a list of at most %(max)d references."), max=MAX_LAW)
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise Invalid(N_("Each law reference is an object with ref and text."))
        ref = clean_text(item.get("ref"), what=N_("The law reference"), limit=MAX_TITLE)
        if "§" not in ref:
            raise Invalid(N_("A law reference names its paragraph, for example § 11-5."))
        out.append((ref, clean_text(item.get("text"), what=N_("The law text"), limit=MAX_TEXT)))
    return tuple(out)


def timer_seconds(value: object) -> int:
    """A countdown's length; 0 stops the timer."""
    if value == 0 and not isinstance(value, bool):
        return 0
    if value is None:
        raise Invalid(N_("Say how many seconds the timer runs."))
    low, high = TIMER_RANGE
    return _int(value, N_("The timer's length in seconds"), low, high, low)


# --- the run of show ---------------------------------------------------------------------


def run_of_show(segments: Sequence[Segment], activities: Sequence[Activity]) -> list[Step]:
    """Every step of the day in order: each segment, then its activities; activities in no
    segment after them; then the closing, which opens the day's evaluation (the first one
    outside the plan's segments) when there is one."""
    by_segment: dict[int | None, list[Activity]] = {}
    closing: int | None = None  # the first evaluation outside the plan: the closing's
    for activity in sorted(activities, key=lambda a: a.position):
        if closing is None and activity.segment_id is None and activity.is_evaluation:
            closing = activity.id
            continue
        by_segment.setdefault(activity.segment_id, []).append(activity)
    steps: list[Step] = []
    for segment in sorted(segments, key=lambda s: s.position):
        steps.append(Step(segment.id, None))
        steps.extend(Step(segment.id, a.id) for a in by_segment.get(segment.id, []))
    steps.extend(Step(None, a.id) for a in by_segment.get(None, []))
    if steps or closing is not None:  # an empty plan has nothing to close yet
        steps.append(Step(None, closing, closing=True))
    return steps


def current_step(
    steps: Sequence[Step], segment_id: int | None, activity_id: int | None, closing: bool = False
) -> int | None:
    """Where the room is: the closing, the current activity's step, else the current
    segment's."""
    if closing:
        return len(steps) - 1
    if activity_id is not None:
        for i, step in enumerate(steps):
            if step.activity_id == activity_id:
                return i
    if segment_id is not None:
        for i, step in enumerate(steps):
            if step.segment_id == segment_id and step.activity_id is None:
                return i
    return None


def next_step(
    steps: Sequence[Step], segment_id: int | None, activity_id: int | None, closing: bool = False
) -> Step | None:
    """The step after the current one (the first when the day has not begun), or None at
    the closing."""
    here = current_step(steps, segment_id, activity_id, closing)
    following = 0 if here is None else here + 1
    return steps[following] if following < len(steps) else None


# --- plan times ---------------------------------------------------------------------------


def _minutes_of(text: str) -> int | None:
    match = _CLOCK.match(text)
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def _clock_of(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def case_needs(activities: Sequence[Activity], cases: Mapping[int, SessionCase]) -> dict[int, int]:
    """Minutes each segment's cases take, by segment id (each case counted once)."""
    seen: dict[int, set[int]] = {}
    for a in activities:
        if a.segment_id is not None and a.case_id is not None and a.case_id in cases:
            seen.setdefault(a.segment_id, set()).add(a.case_id)
    return {s: sum(cases[c].minutes for c in ids) for s, ids in seen.items()}


def schedule(
    segments: Sequence[Segment], days: Mapping[int, PlanDay], needs: Mapping[int, int]
) -> dict[int, Timing]:
    """Each segment's place in its day: the lengths of the segments before it on the same
    day, in plan order. A reorder or a changed length moves every later start with it."""
    elapsed: dict[int, int] = {}
    out: dict[int, Timing] = {}
    for segment in sorted(segments, key=lambda s: s.position):
        offset = elapsed.get(segment.day, 0)
        elapsed[segment.day] = offset + segment.minutes
        day = days.get(segment.day)
        base = _minutes_of(day.start) if day else None
        start = "" if base is None else _clock_of(base + offset)
        out[segment.id] = Timing(offset, start, needs.get(segment.id, 0))
    return out


def day_start_for(wanted: str, offset: int) -> str:
    """The day's planned start that makes a segment `offset` minutes in start at `wanted`."""
    minutes = _minutes_of(wanted)
    return "" if minutes is None else _clock_of(minutes - offset)


def days_of(segments: Sequence[PlanSegment]) -> dict[int, str]:
    """A plan's day starts, from the start of each day's first segment that has one (the
    library's agendas and plan files write a start on every segment)."""
    out: dict[int, str] = {}
    elapsed: dict[int, int] = {}
    for part in segments:
        spec = part.spec
        offset = elapsed.get(spec.day, 0)
        elapsed[spec.day] = offset + spec.minutes
        if spec.day not in out and spec.start:
            out[spec.day] = day_start_for(spec.start, offset)
    return out
