"""Use cases: one method for each thing a user does. The only publisher.

Each validates with the domain rules, writes through the Store, and only after the write
has committed marks the session's channels dirty through the Broadcast.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from workshop import auth, console_view, evaluation, hybrid, snapshots, table_view
from workshop.accounts import Accounts
from workshop.answering import Answering
from workshop.cofacilitating import CoFacilitators
from workshop.domain import (
    DEFAULT_CAPACITY,
    MAX_NAME,
    MAX_TITLE,
    Activity,
    ActivityKind,
    ActivityState,
    Facilitator,
    Participant,
    Post,
    Session,
    Vote,
    check_move,
    check_post,
    check_vote,
    clean_text,
    is_row_id,
    is_well_formed_code,
    new_join_code,
    normalize_code,
    page_bounds,
    session_language,
    states_after_move,
)
from workshop.errors import N_, Conflict, Forbidden, Invalid, NotFound
from workshop.hub import CONSOLE, PHONES, SCREEN, TABLES, Broadcast, Hubs, table_channel, table_of
from workshop.hybrid_plan import Hybrid
from workshop.i18n import gettext_for
from workshop.library import Library
from workshop.messages import EvaluationMessage, PostMessage, VoteMessage, dumps
from workshop.planning import Planning
from workshop.reading import Reading
from workshop.running import Running
from workshop.seating import REMOVED, participant_cap
from workshop.seating_plan import SEATING_VIEW, Seating
from workshop.stationing import Stationing
from workshop.store import Store
from workshop.store.base import ROOM_POSTS, UNCHANGED, IdTaken
from workshop.talking import Talking

SCREEN_VIEWS = ("options", "tables", "agenda", "seating")
ASKS_KEPT = 10_000  # activity definitions kept in memory for checking answers


def join_url(session: Session, table: int | None = None) -> str:
    url = f"{session.base_url}/j/{session.code}"
    return f"{url}?table={table}" if table else url


def screen_url(session: Session) -> str:
    return f"{session.base_url}/screen/{session.code}?key={session.screen_key}"


def console_url(session: Session) -> str:
    return f"{session.base_url}/console/{session.code}"


class Workshop:
    def __init__(
        self,
        store: Store,
        broadcast: Broadcast,
        hubs: Hubs,
        library: Library | None = None,
        throttle: auth.LoginThrottle | None = None,
        min_group: int = 3,
    ) -> None:
        self.store = store
        self.min_group = min_group  # per-table figures below this many answers stay off screen
        self.accounts = Accounts(store, throttle)
        self.broadcast = broadcast
        self.hubs = hubs
        self.library = library or Library(cases={}, agendas={}, glossaries={}, tags={}, problems=[])
        self.planning = Planning(store, self.library, self._publish, self._forget_activity)
        self.running = Running(store, self._publish)
        self.stationing = Stationing(store, self._publish)  # station rotations
        self.answering = Answering(store, self._publish, self._answerable)  # table answers
        self.talking = Talking(store, self._publish, self.running, min_group)  # table talk
        self.seating = Seating(store, self._publish, broadcast)  # join questions, reseating
        self.cofacilitators = CoFacilitators(store, self._publish, broadcast)  # more than one
        self.hybrid = Hybrid(store, self._publish)  # digital tables, meeting links
        from workshop.transfer import Transfer  # the session file (exports and import)

        self.transfer = Transfer(store)
        self._asks: dict[tuple[int, object], Activity] = {}
        self._removed: set[int] = set()  # participants removed while their socket is open
        self.reading = Reading(library)  # glossary marks, a phone's own language

    # --- sessions -----------------------------------------------------------------------

    async def create_session(
        self, facilitator: Facilitator, body: Mapping[str, Any], base_url: str
    ) -> Session:
        title = clean_text(body.get("title"), what=N_("The title"), limit=MAX_TITLE)
        language = session_language(body.get("language"))
        names, digital_names = hybrid.new_tables(body, language)
        seats = (len(names) + len(digital_names)) * DEFAULT_CAPACITY
        cap = participant_cap(body.get("max_participants"), seats)
        for _ in range(20):
            session = await self.store.create_session(
                code=new_join_code(),
                facilitator_id=facilitator.id,
                title=title,
                language=language,
                screen_key=secrets.token_urlsafe(16),
                base_url=base_url.rstrip("/"),
                table_names=names,
                max_participants=cap,
                digital_names=digital_names,
            )
            if session is not None:
                return session
        raise Conflict(N_("Could not find a free join code. Try again."))

    async def find_session(self, code: str) -> Session:
        """A session by its join code as a person typed it, or NotFound."""
        normal = normalize_code(code)
        session = await self.store.session(normal) if is_well_formed_code(normal) else None
        if session is None:
            raise NotFound(N_("There is no session with the code %(code)s."), code=code[:20])
        return session

    async def owned_session(self, facilitator: Facilitator, code: str) -> Session:
        """A session its owner or a co-facilitator runs (cofacilitating.py). Another
        facilitator's session does not exist for you: the same 404."""
        session = await self.find_session(code)
        if not await self.cofacilitators.runs(session, facilitator):
            raise NotFound(N_("There is no session with the code %(code)s."), code=code[:20])
        return session

    async def session_of_owner(self, facilitator: Facilitator, code: str, refusal: str) -> Session:
        """For what only the owner does (delete it, manage its facilitators): 403 with
        `refusal` for a co-facilitator, the same 404 as above for anyone else."""
        session = await self.owned_session(facilitator, code)
        self.cofacilitators.check_owner(session, facilitator, refusal)
        return session

    async def sessions_of(self, facilitator: Facilitator) -> list[Session]:
        return await self.store.sessions_of(facilitator.id)

    async def renew_screen_key(self, session: Session) -> Session:
        session = await self.store.update_session(session.id, screen_key=secrets.token_urlsafe(16))
        reason = gettext_for(
            session.language,
            N_("This screen link is no longer valid. Open the new link from the console."),
        )
        await self.broadcast.disconnect(session.id, SCREEN, reason)
        await self._publish(session, CONSOLE)
        return session

    async def set_screen_view(self, session: Session, view: object) -> Session:
        if view not in SCREEN_VIEWS:
            raise Invalid(N_("The view must be options, tables, agenda or seating."))
        session = await self.store.update_session(session.id, screen_view=str(view))
        await self._publish(session, SCREEN, CONSOLE)
        return session

    async def set_current(self, session: Session, activity_id: object) -> Session:
        """Put an activity (or, with None, the segment or join page) before the room by
        hand; a change of step ends the step's timer, like Next."""
        if activity_id is not None:
            await self._activity(session, activity_id)
        await self.store.set_activity_states(session.id, {}, current_activity_id=activity_id)
        session = await self.store.session(session.code) or session
        await self._publish(session, SCREEN, CONSOLE, PHONES)
        return session

    # --- activities ---------------------------------------------------------------------

    async def move_activity(
        self, session: Session, activity_id: object, target: object
    ) -> ActivityState:
        activity = await self._activity(session, activity_id)
        state = check_move(activity.state, target)
        changes = states_after_move(await self.store.activities(session.id), activity, state)
        current = activity.id if state is ActivityState.OPEN else session.current_activity_id
        # Opening an activity of the plan by hand also moves the room to its segment.
        segment = (
            activity.segment_id
            if state is ActivityState.OPEN and activity.segment_id is not None
            else UNCHANGED
        )
        await self.store.set_activity_states(
            session.id,
            changes,
            current_activity_id=current,
            current_segment_id=segment,
            closing=session.closing and state is not ActivityState.OPEN,
        )
        await self._publish(session, SCREEN, CONSOLE, PHONES)
        return state

    async def _activity(self, session: Session, activity_id: object) -> Activity:
        found = None
        if is_row_id(activity_id):
            found = await self.store.activity(session.id, activity_id)
        if found is None:
            raise NotFound(N_("This session has no such activity."))
        return found

    def _forget_activity(self, session_id: int, activity_id: int) -> None:
        self._asks.pop((session_id, activity_id), None)

    async def _answerable(self, session: Session, activity_id: object) -> Activity:
        """The activity an answer is for, without a read per answer: what an activity asks
        changes only while it is a draft (and `Planning` then drops it from here), and
        whether it is open is the store's call at the write."""
        key = (session.id, activity_id)
        found = self._asks.get(key)
        if found is None:
            found = await self._activity(session, activity_id)
            if len(self._asks) >= ASKS_KEPT:
                self._asks.pop(next(iter(self._asks)))
            self._asks[key] = found
        return found

    async def set_post_hidden(self, session: Session, post_id: str, hidden: object) -> None:
        if not isinstance(hidden, bool):
            raise Invalid(N_("hidden must be true or false."))
        if not await self.store.set_post_hidden(session.id, post_id, hidden):
            raise NotFound(N_("This session has no such post."))
        await self._publish(session, SCREEN, CONSOLE)

    async def results(self, session: Session) -> dict[str, Any]:
        """Every post and why, also past the newest few that a `room` carries."""
        room = await self.store.room(session.id, "all")
        for activity_id, (posts, _, whys) in room.totals.items():
            if posts > ROOM_POSTS or whys > ROOM_POSTS:
                room.posts[activity_id], room.whys[activity_id], _ = await self.store.posts_page(
                    activity_id, 0, posts + whys
                )
        return await self.stationing.results(session, console_view.results(room))

    async def posts_page(
        self, session: Session, activity_id: object, offset: object, limit: object
    ) -> dict[str, Any]:
        """An activity's older posts (or whys) for the console, newest first."""
        activity = await self._activity(session, activity_id)
        if not isinstance(offset, int) or not 0 <= offset <= 10**9:
            raise Invalid(N_("offset and limit must be whole numbers."))
        if not isinstance(limit, int) or not 1 <= limit <= snapshots.PAGE_LIMIT:
            raise Invalid(N_("limit must be a whole number from 1 to 200."))
        posts, whys, total = await self.store.posts_page(activity.id, offset, limit)
        tables = {t.number: t.name for t in await self.store.tables(session.id)}
        return console_view.posts_page_view(activity, posts, whys, total, offset, tables)

    async def console_state(self, session_id: int) -> dict[str, Any]:
        room = await self.store.room(session_id, "all")
        current = room.session.current_activity_id
        self.stationing.watch(room.session, room.stations.get(current or 0))  # round ends
        state = console_view.console_state(
            room,
            join_url(room.session),
            screen_url(room.session),
            self.reading.marks(room.session.language),
            self.min_group,
        )
        names = {t.number: t.name for t in room.tables}
        live = next((a for a in room.activities if a.id == current), None)
        state["talk"] = await self.talking.console_view(session_id, names, live)  # hands, notes
        # Who runs it; which of them a console is goes in its page (cofacilitating.py).
        state["facilitators"] = await self.cofacilitators.listing(room.session)
        # join from home, the plenary's and the digital tables' meeting links (hybrid_plan.py)
        state["hybrid"] = self.hybrid.view(room.session, room.tables, join_url(room.session))
        return state

    async def screen_state(self, session_id: int) -> dict[str, Any]:
        room = await self.store.room(session_id, "current")
        current = room.session.current_activity_id
        self.stationing.watch(room.session, room.stations.get(current or 0))  # round ends
        state = snapshots.screen_state(room, join_url(room.session), self.min_group)
        state["round"] = await self.talking.round_view(session_id)  # the round of the tables
        if room.session.screen_view == SEATING_VIEW:  # who sits where (seating_plan.py)
            state["seating"] = await self.seating.screen_view(session_id)
        return state

    async def phone_state(self, session_id: int, language: str | None = None) -> dict[str, Any]:
        room = await self.store.room(session_id, "none")
        translation = self.reading.translation(room.session, language)
        marks = self.reading.marks(language or room.session.language)
        return snapshots.phone_state(room, marks, translation)

    async def table_state(
        self, session_id: int, number: int, language: str | None = None
    ) -> dict[str, Any] | None:
        """What table `number`'s phones share; None once the table is gone."""
        room = await self.store.table_room(session_id, number)
        return table_view.table_state(room, language) if room is not None else None

    async def tables(self, session: Session, language: str | None = None) -> list[dict[str, Any]]:
        """The tables and their seats; default names in the words of `language`."""
        tables = await self.store.tables(session.id)
        listed = snapshots.tables_view(tables, await self.store.seated(session.id))
        for table in listed:
            table["name"] = hybrid.name_in(table["name"], language)
        return listed

    # --- participants -------------------------------------------------------------------

    async def join(
        self,
        session: Session,
        name: object,
        table: object,
        answers: object = None,
        remote: object = False,
        token: str | None = None,
    ) -> tuple[Participant, str]:
        """Seat a newcomer; returns the participant and their token (shown once). Without a
        table picked, the seat is balanced by size and join answers (seating_plan.py);
        `remote` people sit at digital tables (hybrid.py). A given `token` that is seated
        already gives that seat back (a join form sent twice)."""
        display = clean_text(name, what=N_("The name"), limit=MAX_NAME, required=False)
        kind = hybrid.kind_of(remote)
        choose, checked = await self.seating.chooser(session, table, answers, kind)
        token = token or auth.new_token()
        participant = await self.store.seat_participant(
            session.id, display.strip(), auth.token_hash(token), choose, answers=checked
        )
        await self._publish(session, SCREEN, CONSOLE, table_channel(participant.table))
        return participant, token

    async def participant(self, session: Session, token: str | None) -> Participant | None:
        if not token or len(token) > 200:
            return None
        return await self.store.participant_by_token(session.id, auth.token_hash(token))

    async def set_joining(self, session: Session, open_: object) -> Session:
        """Lock or unlock joining; seated phones keep their tokens either way."""
        if not isinstance(open_, bool):
            raise Invalid(N_("open must be true or false."))
        session = await self.store.set_joining_locked(session.id, not open_)
        await self._publish(session, SCREEN, CONSOLE)
        return session

    async def remove_participant(self, session: Session, participant_id: object) -> None:
        """Their answers leave every tally, their token stops working, their sockets close."""
        found = None
        if isinstance(participant_id, int) and not isinstance(participant_id, bool):
            found = await self.store.remove_participant(session.id, participant_id)
        if found is None:
            raise NotFound(N_("This session has no such participant."))
        self._removed.add(found.id)
        await self._publish(session, SCREEN, CONSOLE, table_channel(found.table))
        reason = gettext_for(session.language, REMOVED)
        await self.broadcast.disconnect_participant(session.id, found.id, reason)

    async def participants(
        self, session: Session, offset: object, limit: object
    ) -> tuple[list[Participant], int]:
        start, size = page_bounds(offset, limit)
        return await self.store.participants(session.id, start, size)

    def _check_present(self, participant: Participant) -> None:
        if participant.id in self._removed:
            raise Forbidden(REMOVED)

    async def welcome(
        self, session: Session, participant: Participant, language: str | None = None
    ) -> dict[str, Any]:
        """Everything a phone needs to redraw itself, in the language it chose (None: the
        session's)."""
        room = await self.store.room(session.id, "none")
        session = room.session
        table = next((t for t in room.tables if t.number == participant.table), None)
        translation = self.reading.translation(session, language)
        state = snapshots.phone_state(
            room, self.reading.marks(language or session.language), translation
        )
        return {
            **state,
            "type": "welcome",
            "session": snapshots.session_view(session),
            "participant": {
                "id": participant.id,
                "number": participant.number,
                "name": participant.name,
                "table": {
                    "number": participant.table,
                    "name": hybrid.name_in(table.name, language) if table else "",
                },
            },
            "answers": snapshots.answers_view(
                await self.store.answers(participant.id), room.activities
            ),
        }

    async def vote(self, session: Session, participant: Participant, msg: VoteMessage) -> None:
        self._check_present(participant)
        activity = await self._answerable(session, msg.activity)
        option, why = check_vote(activity, msg.option, msg.why)
        vote = Vote(msg.id, activity.id, participant.id, participant.table, option, why)
        if await self._record(self.store.record_vote(vote)):
            await self._publish(session, SCREEN, CONSOLE)

    async def post(self, session: Session, participant: Participant, msg: PostMessage) -> None:
        self._check_present(participant)
        activity = await self._answerable(session, msg.activity)
        text = check_post(activity, msg.text)
        post = Post(msg.id, activity.id, participant.id, participant.table, text)
        if await self._record(self.store.record_post(post)):
            await self._publish(session, SCREEN, CONSOLE)

    async def evaluate(
        self, session: Session, participant: Participant, msg: EvaluationMessage
    ) -> None:
        self._check_present(participant)
        activity = await self._answerable(session, msg.activity)
        if activity.kind is not ActivityKind.EVALUATION:
            raise Invalid(N_("This activity is not the evaluation."))
        segments = [s.id for s in await self.store.segments(session.id)]
        rows = evaluation.check_answers(activity.questions, msg.answers, segments)
        answer = evaluation.Evaluation(msg.id, activity.id, participant.id, rows)
        if await self._record(self.store.record_evaluation(answer)):
            await self._publish(session, SCREEN, CONSOLE)

    async def _record(self, write: Any) -> bool:
        try:
            return bool(await write)
        except IdTaken:
            raise Conflict(N_("This answer's id was already used. Send it again.")) from None

    # --- rendering for the hubs ---------------------------------------------------------

    async def render(
        self, session_id: int, channel: str, language: str | None = None
    ) -> str | None:
        """The snapshot of `channel`, as the text every subscriber of it that reads
        `language` gets (None: the session's language; only phones choose one)."""
        if channel == PHONES:
            return dumps(await self.phone_state(session_id, language))
        if channel == SCREEN:
            return dumps(await self.screen_state(session_id))
        if channel == CONSOLE:
            return dumps(await self.console_state(session_id))
        table = table_of(channel)
        state = await self.table_state(session_id, table, language) if table is not None else None
        return dumps(state) if state is not None else None

    async def _publish(self, session: Session, *channels: str) -> None:
        # A change every phone hears (a new activity, say) changes what each table shares.
        if PHONES in channels:
            channels = (*channels, TABLES)
        await self.broadcast.publish(session.id, channels)
