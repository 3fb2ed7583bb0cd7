"""The `Store` protocol: domain types in and out, no SQL above this line."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from workshop.agenda import CaseSpec, PlanDay, PlanSegment, Segment, SegmentSpec, SessionCase
from workshop.balance import JoinQuestion, Person
from workshop.domain import (
    Activity,
    ActivitySpec,
    ActivityState,
    Facilitator,
    Participant,
    Post,
    Session,
    Table,
    Vote,
    Why,
)
from workshop.evaluation import Evaluation, EvaluationRow
from workshop.over_time import EvaluationCounts, EvaluationFilter, SessionOverview
from workshop.session_file import SessionRecord
from workshop.store.hybrid import HybridStore
from workshop.store.records import (
    ROOM_POSTS,
    UNCHANGED,
    Answers,
    IdTaken,
    Quote,
    Room,
    Scope,
    TableRoom,
    Unchanged,
)
from workshop.store.table_work import TableWork
from workshop.table_answers import TableAct

# The records live in records.py; importing them from here still works.
__all__ = [
    "ROOM_POSTS",
    "UNCHANGED",
    "Answers",
    "IdTaken",
    "Quote",
    "Room",
    "Scope",
    "Store",
    "TableRoom",
    "Unchanged",
]


class Store(TableWork, HybridStore, Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...

    # settings kept across restarts (the setup token)
    async def get_setting(self, key: str) -> str | None: ...
    async def set_setting(self, key: str, value: str | None) -> None: ...

    # facilitators
    async def add_facilitator(
        self, username: str, password_hash: str, role: str | None = None
    ) -> Facilitator:
        """Without `role`: admin for the server's first account, facilitator after it."""
        ...

    async def facilitator(self, facilitator_id: int) -> Facilitator | None: ...
    async def facilitator_by_name(self, username: str) -> Facilitator | None: ...
    async def count_facilitators(self) -> int: ...
    async def claim_setup(
        self, token: str, username: str, password_hash: str
    ) -> Facilitator | None:
        """Create the first account if `token` is the stored setup token; it is then spent."""
        ...

    async def set_password(self, facilitator_id: int, password_hash: str) -> None: ...

    # facilitator logins, by the SHA-256 of the cookie's token
    async def add_login(
        self, token_hash: str, facilitator_id: int, now: float, expires_at: float
    ) -> None:
        """Also drops every login that has expired by `now`."""
        ...

    async def login(self, token_hash: str, now: float) -> tuple[Facilitator, float] | None:
        """The facilitator of an unexpired login, and when it was last used."""
        ...

    async def touch_login(self, token_hash: str, now: float, expires_at: float) -> None: ...
    async def end_login(self, token_hash: str) -> None: ...
    async def end_logins(self, facilitator_id: int, keep: str | None = None) -> int:
        """End all of a facilitator's logins but `keep`; how many were ended."""
        ...

    # sessions and tables
    async def create_session(
        self,
        *,
        code: str,
        facilitator_id: int,
        title: str,
        language: str,
        screen_key: str,
        base_url: str,
        table_names: Sequence[str],
        max_participants: int | None = None,
        digital_names: Sequence[str] = (),
    ) -> Session | None:
        """The new session, or None when the code is taken (draw another). Without
        `max_participants` the store sets no cap (the service always passes one). Room
        tables (`table_names`) are numbered from 1, the digital ones after them."""
        ...

    async def session(self, code: str) -> Session | None: ...
    async def sessions_of(self, facilitator_id: int) -> list[Session]: ...
    async def update_session(
        self,
        session_id: int,
        *,
        current_activity_id: int | Unchanged | None = UNCHANGED,
        screen_view: str | None = None,
        screen_key: str | None = None,
        join_page: bool | None = None,
        join_corner: bool | None = None,
        show_law: bool | None = None,
        wall_page: int | None = None,
    ) -> Session: ...
    async def tables(self, session_id: int) -> list[Table]: ...
    async def seated(self, session_id: int) -> dict[int, int]: ...

    # participants
    async def seat_participant(
        self,
        session_id: int,
        name: str,
        token_hash: str,
        choose: Callable[..., int],
        answers: Mapping[int, int] | None = None,
    ) -> Participant:
        """Seat at the table `choose` picks from the tables and their counts, atomically;
        Forbidden (in the same step) when joining is locked or the cap is reached. With
        `answers` (join question -> option), `choose` also gets each table's answer counts
        (table -> (question, option) -> people) and the answers are stored in the same step.
        A `token_hash` already seated in the session gives that seat back, unchanged: the
        same join sent twice (web/plain_pages.py) makes one seat."""
        ...

    # seating: join questions, reseating, moving one person (workshop/seating_plan.py)
    async def add_join_question(
        self, session_id: int, prompt: str, options: list[str], most: int
    ) -> JoinQuestion | None:
        """None when the session already has `most` questions (checked in the same step)."""
        ...

    async def join_questions(self, session_id: int) -> list[JoinQuestion]: ...
    async def delete_join_question(self, session_id: int, question_id: int) -> bool: ...
    async def join_answer_counts(self, session_id: int) -> dict[int, dict[int, int]]: ...

    async def reseat(
        self,
        session_id: int,
        plan: Callable[
            [list[Person], list[int], Mapping[int, Mapping[int, int]], list[int]],
            dict[int, list[int]],
        ],
    ) -> tuple[dict[int, list[int]], dict[int, int]]:
        """Everyone seated by `plan(people, tables, who sat with whom, questions)` in one
        step, the seating replaced kept as history; (the new seating, id -> old table)."""
        ...

    async def move_participant(
        self, session_id: int, participant_id: int, table: int
    ) -> tuple[Participant, int]:
        """NotFound for an unknown participant or table; (them moved, their old table)."""
        ...

    async def sat_together(self, session_id: int) -> dict[int, dict[int, int]]: ...
    async def seating(self, session_id: int) -> list[tuple[int, str, list[Participant]]]: ...

    async def participant_by_token(self, session_id: int, token_hash: str) -> Participant | None:
        """None for an unknown token, another session's, or a removed participant's."""
        ...

    async def set_joining_locked(self, session_id: int, locked: bool) -> Session: ...
    async def remove_participant(self, session_id: int, participant_id: int) -> Participant | None:
        """Mark them removed and drop their ballots and posts; None when the session has no
        such participant (still in it). A removed participant's later votes and posts are
        refused by the store itself."""
        ...

    async def participants(
        self, session_id: int, offset: int, limit: int
    ) -> tuple[list[Participant], int]:
        """A page of the participants in the session, newest first, and the total."""
        ...

    # activities
    async def add_activity(
        self, session_id: int, spec: ActivitySpec, segment_id: int | None = None
    ) -> Activity: ...
    async def move_activity_to(self, session_id: int, activity_id: int, index: int) -> None:
        """Move an activity to `index` among the activities of its segment."""
        ...

    async def activities(self, session_id: int) -> list[Activity]: ...
    async def activity(self, session_id: int, activity_id: int) -> Activity | None: ...
    async def set_activity_states(
        self,
        session_id: int,
        states: Mapping[int, ActivityState],
        current_activity_id: int | Unchanged | None = UNCHANGED,
        current_segment_id: int | Unchanged | None = UNCHANGED,
        closing: bool = False,
    ) -> None:
        """With `current_segment_id`, that segment's `started_at` is set if it was not, and
        so is its day's. A change of step (activity, segment or the closing) ends the timer
        and takes the join page off the screen; `closing` is where the room is after it."""
        ...

    # submissions: idempotent by client id
    # the day's plan
    async def add_plan(
        self,
        session_id: int,
        plan: Sequence[PlanSegment],
        into: int | None = None,
        days: Mapping[int, str] | None = None,
    ) -> list[tuple[int, list[tuple[int | None, list[int]]]]]:
        """Append segments with their cases and activities in one transaction (with `into`,
        only the items, to that segment): [(segment id, [(case id, [activity ids])])].
        `days` are planned day starts ("HH:MM"), kept for days that have none."""
        ...

    async def segments(self, session_id: int) -> list[Segment]: ...
    async def session_cases(self, session_id: int) -> dict[int, SessionCase]: ...
    async def update_segment(
        self, session_id: int, segment_id: int, spec: SegmentSpec, position: int | None = None
    ) -> None: ...
    async def delete_segment(self, session_id: int, segment_id: int) -> None:
        """Conflict when one of its activities has left draft."""
        ...

    async def update_activity(self, session_id: int, activity_id: int, spec: ActivitySpec) -> None:
        """A draft's text (Conflict once opened: answers were given to what it said)."""
        ...

    async def delete_activity(self, session_id: int, activity_id: int) -> None:
        """A draft only (Conflict otherwise); its case goes with its last activity."""
        ...

    async def update_case(self, session_id: int, case_id: int, spec: CaseSpec) -> None: ...
    async def set_timer(self, session_id: int, ends_at: float | None, seconds: int) -> Session: ...
    async def add_timer(self, session_id: int, delta: int, now: float) -> Session:
        """Give or take `delta` seconds, counted from `now` once it has run out; Conflict
        when no timer is set."""
        ...

    # running the day
    async def plan_days(self, session_id: int) -> dict[int, PlanDay]: ...
    async def set_day(
        self,
        session_id: int,
        day: int,
        *,
        start: str | Unchanged = UNCHANGED,
        started_at: float | Unchanged | None = UNCHANGED,
    ) -> PlanDay: ...
    async def set_closed(self, session_id: int, closed: bool) -> Session: ...
    async def add_quote(self, session_id: int, activity_id: int, vote_id: str) -> bool: ...
    async def remove_quote(self, session_id: int, activity_id: int, vote_id: str) -> bool: ...
    async def set_table_changes(self, session_id: int, allowed: bool) -> Session: ...
    async def change_table(self, session_id: int, participant_id: int, table: int) -> Participant:
        """Forbidden when table changes are off; Conflict when the table is full."""
        ...

    async def record_vote(self, vote: Vote) -> bool:
        """True if stored now, False if this id was stored before. Raises IdTaken, or
        Conflict when the activity is no longer open."""
        ...

    async def record_post(self, post: Post) -> bool: ...
    async def record_table_act(self, act: TableAct) -> int | None:
        """A propose or confirm (table_answers.py), checked against the table's state in the
        same step; the participant's table (read then) when stored now, None for a repeat of
        the same id. IdTaken, Forbidden (removed, own proposal) or Conflict (closed, nothing
        or something else proposed)."""
        ...

    async def add_again(self, session_id: int, activity_id: int) -> Activity:
        """A draft copy of a vote, right after it in its segment, with `before` = it."""
        ...

    async def record_evaluation(self, answer: Evaluation) -> bool:
        """Like `record_vote`: stored while the evaluation is open, the participant's
        latest replaces their earlier one; False for a repeat of the same id."""
        ...

    async def evaluation_rows(self, activity_ids: list[int]) -> dict[int, list[EvaluationRow]]:
        """Each participant's latest evaluation answers, by activity."""
        ...

    async def set_post_hidden(self, session_id: int, post_id: str, hidden: bool) -> bool: ...

    # reading what the room shows
    async def table_room(self, session_id: int, number: int) -> TableRoom | None:
        """One table's shared state; None if the session has no such table."""
        ...

    async def room(self, session_id: int, scope: Scope) -> Room:
        """The session, tables and counts, with votes, posts and whys of no activity, the
        current one, or all, as read in one moment."""
        ...

    async def answers(self, participant_id: int) -> Answers: ...
    async def posts_page(
        self, activity_id: int, offset: int, limit: int
    ) -> tuple[list[Post], list[Why], int]:
        """An activity's posts (a reflection) or whys (a vote), newest first from `offset`,
        and how many there are in all."""
        ...

    # sessions over time (workshop/over_time.py)
    async def session_overviews(self, facilitator_id: int) -> list[SessionOverview]:
        """A facilitator's sessions (their own and those they co-facilitate), newest first,
        with their date, state and counts."""
        ...

    async def set_session_place(
        self, session_id: int, *, organisation: str | None = None, region: str | None = None
    ) -> Session: ...
    async def delete_session(self, session_id: int) -> bool:
        """The session and every row of it; False when it was already gone."""
        ...

    async def facilitators(self) -> list[Facilitator]: ...
    async def set_role(self, facilitator_id: int, role: str) -> Facilitator | None:
        """None for no such account; Conflict when no admin would be left."""
        ...

    async def delete_old_texts(self, closed_before: float, now: float) -> list[int]:
        """Participants' texts and names of sessions closed by `closed_before`, keeping the
        numbers; the ids of the sessions done now."""
        ...

    async def evaluation_counts(self, where: EvaluationFilter) -> EvaluationCounts:
        """The coordinator's counts, per month, from the stored answers."""
        ...

    # a whole session out and in (the session file)
    async def dump_session(self, session_id: int) -> SessionRecord | None:
        """Every row of the session (participants without tokens), read in one moment."""
        ...

    async def load_session(
        self,
        record: SessionRecord,
        *,
        code: str,
        facilitator_id: int,
        screen_key: str,
        base_url: str,
    ) -> Session | None:
        """A new session holding `record`, with new ids, in one transaction; None when
        the code is taken (draw another)."""
        ...
