"""Table answers in a session file: each activity's `before` round, the proposals and confirms
(`table_acts`) and each table's answer, checked by the same rules as the live frames."""

from __future__ import annotations

from typing import Any

from workshop.checks import NOTHING, ref
from workshop.domain import Activity
from workshop.errors import N_, DomainError, Invalid
from workshop.file_checks import FileProblem, Known, answer_of
from workshop.session_file import TableActRecord, TableAnswerRecord
from workshop.table_answers import BY_TABLE, CONFIRM, PROPOSE, Proposal, check_act, check_confirm

TWO_ANSWERS = N_("A table has two answers to one activity.")
BEFORE = N_("before must name another dilemma, poll or scale of the same kind in this file.")


def check_befores(activities: list[Activity], known: Known) -> None:
    """Each after round's `before`: another vote of the same kind in the file, and no round
    that is its own round before through the rounds before it."""
    for index, activity in enumerate(activities):
        found = known.activities.get(activity.before) if activity.before is not None else None
        if activity.before is not None and (
            found is None
            or found.id == activity.id
            or not found.is_vote
            or found.kind is not activity.kind
        ):
            raise FileProblem(f"activities[{index}]", Invalid(BEFORE))
    for index, activity in enumerate(activities):
        seen, at = {activity.id}, activity
        while at.before is not None:
            at = known.activities[at.before]
            if at.id == activity.id:
                raise FileProblem(f"activities[{index}]", Invalid(BEFORE))
            if at.id in seen:
                break  # a loop further on: found from one of its own activities
            seen.add(at.id)


def table_act(raw: dict[str, Any], known: Known) -> TableActRecord:
    act_id, activity, person, table, at = answer_of(raw, known)
    kind = raw.get("kind")
    if kind not in (PROPOSE, CONFIRM):
        raise Invalid(N_("kind must be propose or confirm."))
    option = check_act(activity, raw.get("option"))  # a vote by the table, its option
    proposal = raw.get("proposal")
    if proposal is not None and (kind == PROPOSE or not isinstance(proposal, str)):
        raise Invalid(NOTHING, what="proposal")
    return TableActRecord(act_id, str(kind), activity.id, person, table, option, proposal, at)


def _act_of(
    value: object, known: Known, kind: str, activity_id: int, table: int, what: str
) -> TableActRecord | None:
    """The table act `value` names (None for null): a `kind` at that activity and table."""
    if value is None:
        return None
    found = known.acts.get(value) if isinstance(value, str) else None
    if found is None or (found.kind, found.activity_id, found.table) != (kind, activity_id, table):
        raise Invalid(NOTHING, what=what)
    return found


def check_confirms(acts: list[TableActRecord], known: Known) -> None:
    """Each confirm's `proposal`: a proposal at its table of the same option, by another
    member (the rules of `table_answers.check_confirm`)."""
    for index, act in enumerate(acts):
        try:
            found = _act_of(act.proposal_id, known, PROPOSE, act.activity_id, act.table, "proposal")
            if found is not None:
                proposal = Proposal(found.id, found.participant_id, found.option)
                check_confirm(proposal, act.participant_id, act.option)
        except DomainError as problem:
            raise FileProblem(f"table_acts[{index}]", problem) from None


def table_answer(raw: dict[str, Any], known: Known) -> TableAnswerRecord:
    activity = known.activities[ref(raw.get("activity"), known.activities, "activity")]
    table = ref(raw.get("table"), known.tables, "table")
    option = raw.get("option")
    if option is not None:
        option = check_act(activity, option)
    elif activity.by != BY_TABLE or not activity.is_vote:
        check_act(activity, 0)  # says why: written answers, or each person votes
    answer = _act_of(raw.get("answer"), known, CONFIRM, activity.id, table, "answer")
    if (answer is None) != (option is None) or (answer is not None and answer.option != option):
        raise Invalid(NOTHING, what="answer")  # the confirm that made this answer
    proposal = _act_of(raw.get("proposal"), known, PROPOSE, activity.id, table, "proposal")
    return TableAnswerRecord(
        activity.id,
        table,
        option,
        answer.id if answer is not None else None,
        proposal.id if proposal is not None else None,
    )
