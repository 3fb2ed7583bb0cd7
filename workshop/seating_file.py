"""Seating in the session file (docs/api.md, "The session file"; docs/seating.md): the join
questions, each participant's answers to them and the seating history (who sat at which
table in which seating), so an imported session seats, reseats and counts as the original.

Plain rules, like `session_file`: the records the store reads and writes, their JSON, and
each entry checked by the routes' rules (`balance.check_question`); `session_read` says
where a problem is and checks the references between entries."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workshop.balance import MAX_QUESTIONS as MAX_QUESTIONS  # the routes' limit
from workshop.balance import JoinQuestion, check_question
from workshop.checks import MAX_TIME, ref, whole
from workshop.errors import N_, Invalid

MAX_ROUND = 10**6  # seatings in one session: far past a real day's reseats

TOO_MANY = N_("A session can have at most three join questions.")
ANSWERED_TWICE = N_("A participant has answered one join question twice.")
SAT_TWICE = N_("This participant is at this table in this seating already.")
TWO_TABLES = N_("A participant sits at two tables in one seating.")


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """A join question as stored: `question` (its id, prompt and options) and when made."""

    question: JoinQuestion
    created_at: float


@dataclass(frozen=True, slots=True)
class JoinAnswerRecord:
    """A participant's answer to a join question: the option's index (skipped: no record)."""

    participant_id: int
    question_id: int
    option: int


@dataclass(frozen=True, slots=True)
class SeatRecord:
    """One person at one table in one seating (a row of the store's `seatings`): each reseat
    keeps the seating it replaces as a round; `moved`: a table left between reseats (the
    facilitator moved them, or they changed table), in the round in progress."""

    round: int
    table: int
    participant_id: int
    moved: bool = False


# --- export ------------------------------------------------------------------------------


def seating_json(
    questions: list[QuestionRecord], answers: list[JoinAnswerRecord], seats: list[SeatRecord]
) -> dict[str, Any]:
    """The file's `join_questions`, `join_answers` and `seatings`."""
    return {
        "join_questions": [
            {
                "id": q.question.id,
                "prompt": q.question.prompt,
                "options": list(q.question.options),
                "created_at": q.created_at,
            }
            for q in questions
        ],
        "join_answers": [
            {"participant": a.participant_id, "question": a.question_id, "option": a.option}
            for a in answers
        ],
        "seatings": [
            {"round": s.round, "table": s.table, "participant": s.participant_id, "moved": s.moved}
            for s in seats
        ],
    }


# --- import: one entry each, by the routes' rules -----------------------------------------


def question_of_file(raw: Mapping[str, Any]) -> QuestionRecord:
    """An entry of `join_questions`, by the route's rules (the caller counts them)."""
    question_id = raw.get("id")
    if isinstance(question_id, bool) or not isinstance(question_id, int):
        raise Invalid(N_("Each entry needs a whole number as its id."))
    prompt, options = check_question(raw.get("prompt"), raw.get("options"), 0)
    at = raw.get("created_at")
    if (
        isinstance(at, bool)
        or not isinstance(at, int | float)
        or not math.isfinite(at)
        or not 0 <= at <= MAX_TIME
    ):
        raise Invalid(N_("%(what)s must be a time in seconds since 1970."), what="created_at")
    return QuestionRecord(JoinQuestion(question_id, prompt, tuple(options)), float(at))


def join_answer_of_file(
    raw: Mapping[str, Any], questions: Mapping[int, QuestionRecord], people: Mapping[int, Any]
) -> JoinAnswerRecord:
    """An entry of `join_answers`: a participant and a question of the file, an option of it."""
    person = ref(raw.get("participant"), people, "participant")
    question = questions[ref(raw.get("question"), questions, "question")].question
    option = raw.get("option")
    if isinstance(option, bool) or not isinstance(option, int):
        raise Invalid(N_("An answer must be the number of an option."))
    if not 0 <= option < len(question.options):
        raise Invalid(
            N_("Question %(id)s has no option %(option)s."), id=question.id, option=option
        )
    return JoinAnswerRecord(person, question.id, option)


def seat_of_file(
    raw: Mapping[str, Any], tables: Mapping[int, Any], people: Mapping[int, Any]
) -> SeatRecord:
    """An entry of `seatings`: a seating's number (from 1), a table and a participant of the
    file, and `moved` (missing: false)."""
    moved = raw.get("moved", False)
    if not isinstance(moved, bool):
        raise Invalid(N_("%(what)s must be true or false."), what="moved")
    return SeatRecord(
        whole(raw.get("round"), "round", 1, MAX_ROUND),
        ref(raw.get("table"), tables, "table"),
        ref(raw.get("participant"), people, "participant"),
        moved,
    )
