"""The evaluation at the end of the day: its questions, checking a phone's answers, and the
summary the console, the screen and the report show. Plain rules, like `domain`.

The default questions are the programme's own: which of today's topics were most useful
(the choices are the plan's segments), how useful the day was (1-5), how well the
facilitator engaged everyone (1-5), the same facilitator again (yes / no / unsure), and what
should be done differently (free text). A session may change their texts or add its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workshop.domain import MAX_TEXT, MAX_TITLE, clean_text
from workshop.errors import N_, Invalid
from workshop.i18n import gettext_for

KINDS = ("topics", "scale", "choice", "text")
MAX_QUESTIONS = 12
MAX_CHOICES = 8
SCALE_STEPS = 5
_KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True, slots=True)
class Question:
    key: str  # the answer's key in the evaluation frame: "useful", "again", …
    kind: str  # one of KINDS
    prompt: str
    choices: tuple[tuple[str, str], ...] = ()  # (id, label) of a "choice"


@dataclass(frozen=True, slots=True)
class Row:
    """One answered key of one participant's evaluation, as stored: a chosen topic (its
    segment id), a step 1-5, a choice's id, or a text."""

    key: str
    number: int | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One frame of a participant's answers, idempotent by its client id like a vote."""

    id: str
    activity_id: int
    participant_id: int
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class EvaluationRow:
    """A stored row with who gave it (read back for summaries; never shown with names)."""

    participant_id: int
    table: int
    key: str
    number: int | None
    text: str | None


def default_questions(language: str) -> tuple[Question, ...]:
    """The programme's questions, in the session's language."""

    def t(message: str) -> str:
        return gettext_for(language, message)

    return (
        Question("topics", "topics", t(N_("Which of today's topics were most useful to you?"))),
        Question("useful", "scale", t(N_("How useful was the day for you?"))),
        Question(
            "engaged",
            "scale",
            t(N_("How well did the facilitator engage and involve everyone?")),
        ),
        Question(
            "again",
            "choice",
            t(N_("Would you want the same facilitator again?")),
            (("yes", t(N_("Yes"))), ("no", t(N_("No"))), ("unsure", t(N_("Unsure")))),
        ),
        Question("comment", "text", t(N_("What should be done differently next time?"))),
    )


# --- the question list, as given and as stored -------------------------------------------


def questions_of(value: object) -> tuple[Question, ...]:
    """A facilitator's question list: [{key, kind, prompt, choices?: [{id, label}]}]."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_QUESTIONS:
        raise Invalid(N_("An evaluation has from 1 to %(max)d questions."), max=MAX_QUESTIONS)
    out: list[Question] = []
    for raw in value:
        if not isinstance(raw, dict):
            raise Invalid(N_("Each question is an object with key, kind and prompt."))
        key = raw.get("key")
        if not isinstance(key, str) or not 0 < len(key) <= 32 or not set(key) <= _KEY_CHARS:
            raise Invalid(N_("A question's key is 1-32 small letters, digits or _."))
        if any(q.key == key for q in out):
            raise Invalid(N_("Two questions have the key %(key)s."), key=key)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise Invalid(N_("A question's kind is topics, scale, choice or text."))
        prompt = clean_text(raw.get("prompt"), what=N_("A question"), limit=MAX_TEXT)
        choices: tuple[tuple[str, str], ...] = ()
        if kind == "choice":
            given = raw.get("choices")
            if not isinstance(given, list) or not 2 <= len(given) <= MAX_CHOICES:
                raise Invalid(
                    N_("A choice question has from 2 to %(max)d choices."), max=MAX_CHOICES
                )
            for item in given:
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    raise Invalid(N_("Each choice is an object with id and label."))
                choice_id = item["id"]
                if not 0 < len(choice_id) <= 32 or any(c[0] == choice_id for c in choices):
                    raise Invalid(N_("Each choice needs its own id of 1-32 characters."))
                label = clean_text(item.get("label"), what=N_("A choice"), limit=MAX_TITLE)
                choices += ((choice_id, label),)
        out.append(Question(key, kind, prompt, choices))
    return tuple(out)


def dumps(questions: Sequence[Question]) -> str:
    return json.dumps([question_json(q) for q in questions], ensure_ascii=False)


def loads(text: str) -> tuple[Question, ...]:
    return tuple(
        Question(
            q["key"],
            q["kind"],
            q["prompt"],
            tuple((c["id"], c["label"]) for c in q.get("choices", ())),
        )
        for q in json.loads(text or "[]")
    )


def question_json(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"key": q.key, "kind": q.kind, "prompt": q.prompt}
    if q.choices:
        out["choices"] = [{"id": i, "label": label} for i, label in q.choices]
    return out


def questions_view(
    questions: Sequence[Question], segments: Iterable[tuple[int, str]]
) -> list[dict[str, Any]]:
    """What a page shows: a topics question gets the plan's segments as its options."""
    topics = [{"id": sid, "label": title} for sid, title in segments]
    out = []
    for q in questions:
        view = question_json(q)
        if q.kind == "topics":
            view["choices"] = topics
        out.append(view)
    return out


# --- a phone's answers -------------------------------------------------------------------


def check_answers(
    questions: Sequence[Question], answers: object, segment_ids: Iterable[int]
) -> tuple[Row, ...]:
    """The rows to store for `answers` ({key: value}); a key may be left out (unanswered)."""
    if not isinstance(answers, dict):
        raise Invalid(N_("answers must be an object of question keys."))
    by_key = {q.key: q for q in questions}
    unknown = set(answers) - set(by_key)
    if unknown:
        raise Invalid(N_("This evaluation has no question %(key)s."), key=sorted(unknown)[0][:32])
    known_segments = set(segment_ids)
    rows: list[Row] = []
    for key, value in answers.items():
        q = by_key[key]
        if value is None:
            continue
        if q.kind == "topics":
            if not isinstance(value, list) or len(value) > len(known_segments):
                raise Invalid(N_("Topics are a list of the plan's segments."))
            chosen = []
            for item in value:
                if isinstance(item, bool) or item not in known_segments or item in chosen:
                    raise Invalid(N_("Topics are a list of the plan's segments."))
                chosen.append(item)
            rows.extend(Row(key, number=item) for item in chosen)
        elif q.kind == "scale":
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 1 <= value <= SCALE_STEPS
            ):
                raise Invalid(N_("%(key)s is a whole number from 1 to 5."), key=key)
            rows.append(Row(key, number=value))
        elif q.kind == "choice":
            if value not in {c[0] for c in q.choices}:
                raise Invalid(N_("%(key)s must be one of its choices."), key=key)
            rows.append(Row(key, text=value))
        else:
            text = clean_text(value, what=N_("Your text"), limit=MAX_TEXT, required=False)
            if text.strip():
                rows.append(Row(key, text=text))
    return tuple(rows)


# --- the summary -------------------------------------------------------------------------


def responses(rows: Iterable[EvaluationRow]) -> int:
    return len({r.participant_id for r in rows})


def summary(
    questions: Sequence[Question], rows: Sequence[EvaluationRow], *, texts: bool = True
) -> dict[str, Any]:
    """Counts per question from each participant's latest answers. `texts`: the free texts
    too (console and report; never the screen)."""
    out: dict[str, Any] = {}
    by_key: dict[str, list[EvaluationRow]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    for q in questions:
        mine = by_key.get(q.key, [])
        if q.kind == "scale":
            counts = [0] * SCALE_STEPS
            for r in mine:
                if r.number is not None and 1 <= r.number <= SCALE_STEPS:
                    counts[r.number - 1] += 1
            total = sum(counts)
            mean = sum((i + 1) * n for i, n in enumerate(counts)) / total if total else None
            out[q.key] = {"counts": counts, "mean": round(mean, 2) if mean else None}
        elif q.kind == "choice":
            choice_counts = {choice_id: 0 for choice_id, _ in q.choices}
            for r in mine:
                if r.text in choice_counts:
                    choice_counts[r.text] += 1
            out[q.key] = {"counts": choice_counts}
        elif q.kind == "topics":
            topic_counts: dict[str, int] = {}
            for r in mine:
                topic_counts[str(r.number)] = topic_counts.get(str(r.number), 0) + 1
            out[q.key] = {"counts": topic_counts}
        else:
            out[q.key] = {"texts": [r.text for r in mine if r.text]} if texts else {}
    return out


def own_answers(questions: Sequence[Question], rows: Iterable[Row]) -> dict[str, Any]:
    """A phone's own stored answers back as the frame's `answers` (after a reconnect)."""
    kinds: Mapping[str, str] = {q.key: q.kind for q in questions}
    out: dict[str, Any] = {}
    for row in rows:
        kind = kinds.get(row.key)
        if kind == "topics":
            out.setdefault(row.key, []).append(row.number)
        elif kind == "scale":
            out[row.key] = row.number
        elif kind is not None:
            out[row.key] = row.text
    return out
