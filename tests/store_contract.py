"""The `Store` contract, written once for every backend.

A backend's test file subclasses `StoreContract` and only says how to make its store:

    class TestSQLiteStore(StoreContract):
        def create_store(self, place: Path) -> Store:
            return SQLiteStore(str(place / "store.db"))

`create_store` is called again with the same `place` to reopen the same data.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.store_contract_cofacilitators import CoFacilitatorsContract
from tests.store_contract_day import DayContract
from tests.store_contract_hybrid import HybridContract
from tests.store_contract_seating import SeatingContract
from tests.store_contract_stations import StationsContract
from tests.store_contract_table_answers import TableAnswersContract
from tests.store_contract_talk import TableTalkContract
from tests.store_contract_transfer import TransferContract
from workshop.domain import (
    ActivitySpec,
    ActivityState,
    Facilitator,
    Participant,
    Post,
    Session,
    Vote,
    Why,
    activity_spec,
)
from workshop.errors import Conflict, Invalid
from workshop.seating import choose_table
from workshop.store.base import IdTaken, Store

OPEN, CLOSED, REVEALED = ActivityState.OPEN, ActivityState.CLOSED, ActivityState.REVEALED
_codes = itertools.count()
_tokens = itertools.count()


def new_id() -> str:
    return str(uuid.uuid4())


def a_code() -> str:
    """A fresh, well-formed join code for each session a test makes."""
    n = next(_codes)
    alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
    return "".join(alphabet[(n // 30**i) % 30] for i in range(6))


def a_token() -> str:
    return f"token-hash-{next(_tokens)}"


def poll(options: int = 3) -> ActivitySpec:
    return activity_spec("poll", "Hva mener du?", [f"Valg {n}" for n in range(options)])


class StoreContract(
    DayContract,
    TransferContract,
    TableAnswersContract,
    StationsContract,
    TableTalkContract,
    SeatingContract,
    HybridContract,
    CoFacilitatorsContract,
):
    """Every test a `Store` must pass. Subclasses implement `create_store`."""

    def create_store(self, place: Path) -> Store:
        raise NotImplementedError

    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[Store]:
        store = self.create_store(tmp_path)
        await store.open()
        yield store
        await store.close()

    # --- helpers ------------------------------------------------------------------------

    async def facilitator(self, store: Store, name: str | None = None) -> Facilitator:
        return await store.add_facilitator(name or f"user{next(_tokens)}", "$argon2id$hash")

    async def session(self, store: Store, tables: int = 3, **fields: str) -> Session:
        owner = await self.facilitator(store)
        session = await store.create_session(
            code=fields.get("code", a_code()),
            facilitator_id=owner.id,
            title=fields.get("title", "Kommunestyret"),
            language="nb",
            screen_key=fields.get("screen_key", "screen-key"),
            base_url="http://example.test",
            table_names=[f"Bord {n}" for n in range(1, tables + 1)],
        )
        assert session is not None
        return session

    async def seat(
        self, store: Store, session: Session, table: int | None = None, token: str | None = None
    ) -> Participant:
        return await store.seat_participant(
            session.id,
            "",
            token or a_token(),
            lambda tables, seated: choose_table(tables, seated, table),
        )

    async def open_activity(
        self, store: Store, session: Session, spec: ActivitySpec | None = None
    ) -> int:
        activity = await store.add_activity(session.id, spec or poll())
        await store.set_activity_states(session.id, {activity.id: OPEN}, activity.id)
        return activity.id

    def vote(self, p: Participant, activity: int, option: int, why: str = "") -> Vote:
        return Vote(new_id(), activity, p.id, p.table, option, why)

    def post(self, p: Participant, activity: int, text: str) -> Post:
        return Post(new_id(), activity, p.id, p.table, text)

    async def version(self, store: Store, session: Session) -> int:
        found = await store.session(session.code)
        assert found is not None
        return found.version

    # --- settings -----------------------------------------------------------------------

    async def test_settings(self, store: Store):
        assert await store.get_setting("cookie_secret") is None
        await store.set_setting("cookie_secret", "s1")
        await store.set_setting("cookie_secret", "s2")
        assert await store.get_setting("cookie_secret") == "s2"
        await store.set_setting("cookie_secret", None)
        assert await store.get_setting("cookie_secret") is None

    # --- facilitators -------------------------------------------------------------------

    async def test_add_and_find_facilitators(self, store: Store):
        assert await store.count_facilitators() == 0
        anna = await store.add_facilitator("anna", "$argon2id$a")
        bjorn = await store.add_facilitator("bjørn", "$argon2id$b")
        assert anna.id != bjorn.id
        assert (anna.username, anna.password_hash) == ("anna", "$argon2id$a")
        assert await store.facilitator(anna.id) == anna
        assert await store.facilitator(bjorn.id) == bjorn
        assert await store.facilitator(bjorn.id + 1000) is None
        assert await store.facilitator_by_name("anna") == anna
        assert await store.facilitator_by_name("ANNA") == anna
        assert await store.facilitator_by_name("bjørn") == bjorn
        assert await store.facilitator_by_name("carl") is None
        assert await store.count_facilitators() == 2

    async def test_a_taken_name_is_a_conflict_whatever_its_case(self, store: Store):
        await store.add_facilitator("Anna", "$argon2id$a")
        for name in ("Anna", "anna", "ANNA"):
            with pytest.raises(Conflict):
                await store.add_facilitator(name, "$argon2id$other")
        assert await store.count_facilitators() == 1
        found = await store.facilitator_by_name("anna")
        assert found is not None and found.password_hash == "$argon2id$a"

    async def test_the_setup_token_is_spent_once(self, store: Store):
        assert await store.claim_setup("token", "anna", "$argon2id$a") is None
        await store.set_setting("setup_token", "token")
        assert await store.claim_setup("wrong", "anna", "$argon2id$a") is None
        assert await store.count_facilitators() == 0
        anna = await store.claim_setup("token", "anna", "$argon2id$a")
        assert anna is not None and anna.username == "anna"
        assert await store.facilitator_by_name("anna") == anna
        assert await store.get_setting("setup_token") is None
        assert await store.claim_setup("token", "bjorn", "$argon2id$b") is None
        assert await store.count_facilitators() == 1

    async def test_two_claims_at_once_make_one_account(self, store: Store):
        await store.set_setting("setup_token", "token")
        claims = await asyncio.gather(
            *(store.claim_setup("token", f"user{n}", "$argon2id$x") for n in range(10))
        )
        assert len([c for c in claims if c is not None]) == 1
        assert await store.count_facilitators() == 1

    # --- sessions -----------------------------------------------------------------------

    async def test_create_a_session(self, store: Store):
        anna = await self.facilitator(store, "anna")
        session = await store.create_session(
            code="ABC234",
            facilitator_id=anna.id,
            title="Kommunestyret æøå",
            language="en",
            screen_key="key-1",
            base_url="http://10.0.0.2:8000",
            table_names=["Rådhuset", "Biblioteket"],
        )
        assert session is not None
        assert (session.code, session.facilitator_id, session.title) == (
            "ABC234",
            anna.id,
            "Kommunestyret æøå",
        )
        assert (session.language, session.screen_key, session.base_url) == (
            "en",
            "key-1",
            "http://10.0.0.2:8000",
        )
        assert session.current_activity_id is None
        assert session.screen_view == "options"
        assert session.created_at > 0
        assert await store.session("ABC234") == session
        assert await store.session("ABC235") is None
        tables = await store.tables(session.id)
        assert [(t.number, t.name, t.capacity) for t in tables] == [
            (1, "Rådhuset", 7),
            (2, "Biblioteket", 7),
        ]
        assert await store.seated(session.id) == {}

    async def test_a_taken_code_gives_none(self, store: Store):
        first = await self.session(store, code="TAKEN2", title="First")
        owner = await self.facilitator(store)
        again = await store.create_session(
            code="TAKEN2",
            facilitator_id=owner.id,
            title="Second",
            language="nb",
            screen_key="k",
            base_url="",
            table_names=["Bord 1"],
        )
        assert again is None
        assert await store.session("TAKEN2") == first
        assert len(await store.tables(first.id)) == 3

    async def test_five_hundred_tables(self, store: Store):
        session = await self.session(store, tables=500)
        tables = await store.tables(session.id)
        assert [t.number for t in tables] == list(range(1, 501))

    async def test_update_session(self, store: Store):
        session = await self.session(store)
        activity = await store.add_activity(session.id, poll())
        updated = await store.update_session(session.id, current_activity_id=activity.id)
        assert updated.current_activity_id == activity.id
        updated = await store.update_session(session.id, screen_view="tables")
        assert (updated.screen_view, updated.current_activity_id) == ("tables", activity.id)
        updated = await store.update_session(session.id, screen_key="new-key")
        assert (updated.screen_key, updated.screen_view) == ("new-key", "tables")
        updated = await store.update_session(session.id, current_activity_id=None)
        assert updated.current_activity_id is None
        assert await store.session(session.code) == updated

    async def test_sessions_of_a_facilitator_newest_first(self, store: Store):
        anna = await self.facilitator(store, "anna")
        bjorn = await self.facilitator(store, "bjorn")
        made = []
        for title in ("Først", "Så", "Sist"):
            session = await store.create_session(
                code=a_code(),
                facilitator_id=anna.id,
                title=title,
                language="nb",
                screen_key="k",
                base_url="",
                table_names=["Bord 1"],
            )
            assert session is not None
            made.append(session)
        assert [s.title for s in await store.sessions_of(anna.id)] == ["Sist", "Så", "Først"]
        assert await store.sessions_of(bjorn.id) == []

    # --- participants -------------------------------------------------------------------

    async def test_seat_at_a_picked_table(self, store: Store):
        session = await self.session(store, tables=3)
        p = await self.seat(store, session, table=3, token="t1")
        assert (p.session_id, p.table, p.name) == (session.id, 3, "")
        named = await store.seat_participant(session.id, "Kari æøå", "t2", lambda tables, seated: 2)
        assert named.name == "Kari æøå" and named.table == 2
        assert await store.seated(session.id) == {3: 1, 2: 1}

    async def test_a_refused_seat_stores_nothing(self, store: Store):
        session = await self.session(store, tables=3)
        with pytest.raises(Invalid):
            await self.seat(store, session, table=9)
        assert await store.seated(session.id) == {}

    async def test_fifty_joins_at_once_are_balanced(self, store: Store):
        session = await self.session(store, tables=6)
        seated = await asyncio.gather(*(self.seat(store, session) for _ in range(50)))
        assert len({p.id for p in seated}) == 50
        sizes = await store.seated(session.id)
        assert sum(sizes.values()) == 50
        assert set(sizes) == {1, 2, 3, 4, 5, 6}
        assert max(sizes.values()) - min(sizes.values()) <= 1
        assert sizes == Counter(p.table for p in seated)

    async def test_full_tables_take_everyone(self, store: Store):
        session = await self.session(store, tables=2)
        await asyncio.gather(*(self.seat(store, session) for _ in range(30)))
        assert await store.seated(session.id) == {1: 15, 2: 15}

    async def test_participant_by_token_is_scoped_to_its_session(self, store: Store):
        one = await self.session(store)
        two = await self.session(store)
        p = await self.seat(store, one, token="hash-of-token")
        assert await store.participant_by_token(one.id, "hash-of-token") == p
        assert await store.participant_by_token(two.id, "hash-of-token") is None
        assert await store.participant_by_token(one.id, "another") is None

    async def test_reads_see_every_write_that_resolved(self, store: Store):
        """Read-your-writes, even while snapshots of the room are being read: a phone that
        has just joined must find its seat when its socket connects."""
        session = await self.session(store, tables=4)
        stop = asyncio.Event()

        async def render() -> None:
            while not stop.is_set():
                await store.room(session.id, "all")

        renders = [asyncio.create_task(render()) for _ in range(3)]
        missed = 0
        try:
            for n in range(100):
                p = await self.seat(store, session, token=f"fresh-{n}")
                if await store.participant_by_token(session.id, f"fresh-{n}") != p:
                    missed += 1
        finally:
            stop.set()
            await asyncio.gather(*renders)
        assert missed == 0

    # --- activities ---------------------------------------------------------------------

    async def test_activities_keep_their_order_and_fields(self, store: Store):
        session = await self.session(store)
        other = await self.session(store)
        specs = [
            activity_spec("dilemma", "Fredrik vil love noe.", ["Vente", "Svare nå"], "Sak 1"),
            activity_spec("scale", "Tillit?"),
            activity_spec("reflection", "  Hva lærte du?\n"),
        ]
        added = [await store.add_activity(session.id, spec) for spec in specs]
        assert [a.position for a in added] == [1, 2, 3]
        assert await store.activities(session.id) == added
        first = added[0]
        assert (first.kind, first.title, first.prompt) == (
            specs[0].kind,
            "Sak 1",
            "Fredrik vil love noe.",
        )
        assert (first.options, first.allow_why, first.state) == (
            ("Vente", "Svare nå"),
            True,
            ActivityState.DRAFT,
        )
        assert added[2].prompt == "  Hva lærte du?\n"
        assert await store.activity(session.id, first.id) == first
        assert await store.activity(other.id, first.id) is None
        assert await store.activities(other.id) == []
        assert (await store.add_activity(other.id, poll())).position == 1

    async def test_activity_states_and_the_current_one(self, store: Store):
        session = await self.session(store)
        a = await store.add_activity(session.id, poll())
        b = await store.add_activity(session.id, poll())
        await store.set_activity_states(session.id, {a.id: OPEN}, current_activity_id=a.id)
        assert [x.state for x in await store.activities(session.id)] == [OPEN, "draft"]
        assert (await store.room(session.id, "none")).session.current_activity_id == a.id
        await store.set_activity_states(session.id, {a.id: CLOSED, b.id: OPEN}, b.id)
        assert [x.state for x in await store.activities(session.id)] == [CLOSED, OPEN]
        await store.set_activity_states(session.id, {b.id: REVEALED})
        room = await store.room(session.id, "none")
        assert room.session.current_activity_id == b.id
        assert room.activity(b.id) is not None and room.activity(b.id).state is REVEALED
        await store.set_activity_states(session.id, {}, current_activity_id=None)
        assert (await store.room(session.id, "none")).session.current_activity_id is None

    async def test_states_of_another_sessions_activities_do_not_change(self, store: Store):
        mine = await self.session(store)
        theirs = await self.session(store)
        activity = await store.add_activity(theirs.id, poll())
        await store.set_activity_states(mine.id, {activity.id: OPEN})
        found = await store.activity(theirs.id, activity.id)
        assert found is not None and found.state is ActivityState.DRAFT

    # --- votes --------------------------------------------------------------------------

    async def test_a_vote_is_stored_once_per_id(self, store: Store):
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        p = await self.seat(store, session, table=2)
        vote = self.vote(p, activity, 1)
        assert await store.record_vote(vote) is True
        assert await store.record_vote(vote) is False
        # The same id again with another option changes nothing either.
        assert await store.record_vote(Vote(vote.id, activity, p.id, p.table, 2)) is False
        room = await store.room(session.id, "current")
        assert room.votes == {activity: [(2, 1, 1)]}

    async def test_another_participants_id_is_taken(self, store: Store):
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        p, q = await self.seat(store, session), await self.seat(store, session)
        vote = self.vote(p, activity, 0)
        assert await store.record_vote(vote)
        with pytest.raises(IdTaken):
            await store.record_vote(Vote(vote.id, activity, q.id, q.table, 1))
        reflection = await self.open_activity(store, session, activity_spec("reflection", "?"))
        post = self.post(p, reflection, "min tekst")
        assert await store.record_post(post)
        with pytest.raises(IdTaken):
            await store.record_post(Post(post.id, reflection, q.id, q.table, "tekst"))
        room = await store.room(session.id, "all")
        assert room.votes == {activity: [(p.table, 0, 1)]}
        assert [(x.participant_id, x.text) for x in room.posts[reflection]] == [(p.id, "min tekst")]

    @pytest.mark.parametrize("state", [None, CLOSED, REVEALED])
    async def test_no_vote_unless_the_activity_is_open(self, store: Store, state):
        session = await self.session(store)
        activity = await store.add_activity(session.id, poll())
        if state is not None:
            await store.set_activity_states(session.id, {activity.id: state})
        p = await self.seat(store, session)
        with pytest.raises(Conflict):
            await store.record_vote(self.vote(p, activity.id, 0))
        with pytest.raises(Conflict):
            await store.record_vote(self.vote(p, activity.id + 1000, 0))
        assert (await store.room(session.id, "all")).votes == {}

    async def test_a_repeat_after_closing_is_still_known(self, store: Store):
        """A phone's offline queue resends after the facilitator closed the activity: the
        repeat is recognised (False), not refused as closed."""
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        reflection = await self.open_activity(store, session, activity_spec("reflection", "?"))
        p = await self.seat(store, session)
        vote, post = self.vote(p, activity, 1), self.post(p, reflection, "tekst")
        assert await store.record_vote(vote) and await store.record_post(post)
        await store.set_activity_states(session.id, {activity: CLOSED, reflection: REVEALED})
        assert await store.record_vote(vote) is False
        assert await store.record_post(post) is False
        with pytest.raises(Conflict):
            await store.record_vote(self.vote(p, activity, 0))
        with pytest.raises(Conflict):
            await store.record_post(self.post(p, reflection, "ny"))

    async def test_the_latest_vote_wins(self, store: Store):
        session = await self.session(store, tables=2)
        activity = await self.open_activity(store, session)
        p = await self.seat(store, session, table=1)
        q = await self.seat(store, session, table=2)
        for option in (0, 2, 1):
            assert await store.record_vote(self.vote(p, activity, option))
        assert await store.record_vote(self.vote(q, activity, 1))
        room = await store.room(session.id, "current")
        assert sorted(room.votes[activity]) == [(1, 1, 1), (2, 1, 1)]
        answers = await store.answers(p.id)
        assert answers.votes[activity].option == 1

    async def test_reopening_keeps_earlier_votes(self, store: Store):
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        p = await self.seat(store, session, table=1)
        await store.record_vote(self.vote(p, activity, 2))
        await store.set_activity_states(session.id, {activity: CLOSED})
        await store.set_activity_states(session.id, {activity: OPEN})
        assert (await store.room(session.id, "current")).votes == {activity: [(1, 2, 1)]}

    async def test_the_reasons_of_the_latest_votes(self, store: Store):
        session = await self.session(store, tables=2)
        dilemma = activity_spec("dilemma", "Sak", ["Vente", "Svare"])
        activity = await self.open_activity(store, session, dilemma)
        p = await self.seat(store, session, table=1)
        q = await self.seat(store, session, table=2)
        await store.record_vote(self.vote(p, activity, 0, "først"))
        await store.record_vote(self.vote(p, activity, 1, "  fordi\nslik "))
        await store.record_vote(self.vote(q, activity, 0))
        room = await store.room(session.id, "current")
        assert room.whys == {activity: [Why(1, 1, "  fordi\nslik ")]}

    # --- posts --------------------------------------------------------------------------

    async def test_posts_are_stored_once_per_id_newest_first(self, store: Store):
        session = await self.session(store)
        activity = await self.open_activity(store, session, activity_spec("reflection", "?"))
        p = await self.seat(store, session, table=2)
        texts = ["første", "  andre\n\nlinje ", "æ" * 1000]
        posts = [self.post(p, activity, text) for text in texts]
        for post in posts:
            assert await store.record_post(post) is True
        assert await store.record_post(posts[0]) is False
        room = await store.room(session.id, "current")
        stored = room.posts[activity]
        assert [x.text for x in stored] == texts[::-1]
        assert [x.id for x in stored] == [x.id for x in posts[::-1]]
        assert {(x.table, x.participant_id, x.hidden) for x in stored} == {(2, p.id, False)}

    async def test_no_post_unless_the_activity_is_open(self, store: Store):
        session = await self.session(store)
        activity = await store.add_activity(session.id, activity_spec("reflection", "?"))
        p = await self.seat(store, session)
        with pytest.raises(Conflict):
            await store.record_post(self.post(p, activity.id, "tekst"))
        await store.set_activity_states(session.id, {activity.id: CLOSED})
        with pytest.raises(Conflict):
            await store.record_post(self.post(p, activity.id, "tekst"))
        assert (await store.room(session.id, "all")).posts == {}

    async def test_hide_a_post(self, store: Store):
        session = await self.session(store)
        other = await self.session(store)
        activity = await self.open_activity(store, session, activity_spec("reflection", "?"))
        p = await self.seat(store, session)
        post = self.post(p, activity, "tekst")
        await store.record_post(post)
        assert await store.set_post_hidden(session.id, post.id, True) is True
        assert (await store.room(session.id, "all")).posts[activity][0].hidden is True
        assert await store.set_post_hidden(other.id, post.id, False) is False
        assert (await store.room(session.id, "all")).posts[activity][0].hidden is True
        assert await store.set_post_hidden(session.id, new_id(), True) is False
        assert await store.set_post_hidden(session.id, post.id, False) is True
        assert (await store.room(session.id, "all")).posts[activity][0].hidden is False

    # --- reading the room ---------------------------------------------------------------

    async def test_room_scopes(self, store: Store):
        session = await self.session(store, tables=2)
        first = await self.open_activity(store, session)
        p = await self.seat(store, session, table=1)
        await store.record_vote(self.vote(p, first, 0))
        second = await self.open_activity(store, session, activity_spec("reflection", "?"))
        await store.set_activity_states(session.id, {first: CLOSED})
        post = self.post(p, second, "tekst")
        await store.record_post(post)

        none = await store.room(session.id, "none")
        assert (none.votes, none.posts, none.whys) == ({}, {}, {})
        assert [a.id for a in none.activities] == [first, second]
        assert none.seated == {1: 1} and none.participants == 1
        assert [t.name for t in none.tables] == ["Bord 1", "Bord 2"]

        current = await store.room(session.id, "current")
        assert current.session.current_activity_id == second
        assert current.votes == {}
        assert [x.id for x in current.posts[second]] == [post.id]

        every = await store.room(session.id, "all")
        assert every.votes == {first: [(1, 0, 1)]}
        assert [x.id for x in every.posts[second]] == [post.id]

        await store.update_session(session.id, current_activity_id=None)
        nothing = await store.room(session.id, "current")
        assert (nothing.votes, nothing.posts) == ({}, {})

    async def test_room_is_scoped_to_its_session(self, store: Store):
        one = await self.session(store)
        two = await self.session(store)
        activity = await self.open_activity(store, one)
        p = await self.seat(store, one)
        await store.record_vote(self.vote(p, activity, 0))
        room = await store.room(two.id, "all")
        assert (room.votes, room.activities, room.seated) == ({}, [], {})
        assert room.session.id == two.id

    async def test_answers_of_a_participant(self, store: Store):
        session = await self.session(store)
        vote_on = await self.open_activity(store, session)
        p = await self.seat(store, session)
        q = await self.seat(store, session)
        await store.record_vote(self.vote(p, vote_on, 0))
        latest = self.vote(p, vote_on, 2)
        await store.record_vote(latest)
        await store.record_vote(self.vote(q, vote_on, 1))
        write_on = await self.open_activity(store, session, activity_spec("reflection", "?"))
        mine = [self.post(p, write_on, t) for t in ("en", "to")]
        for post in mine:
            await store.record_post(post)
        await store.record_post(self.post(q, write_on, "ikke min"))

        answers = await store.answers(p.id)
        assert answers.votes == {vote_on: latest}
        assert [x.text for x in answers.posts[write_on]] == ["en", "to"]
        assert set(answers.posts) == {write_on}
        nobody = await store.answers(p.id + q.id + 1000)
        assert (nobody.votes, nobody.posts) == ({}, {})

    async def test_every_write_to_a_session_raises_its_version(self, store: Store):
        session = await self.session(store)
        assert session.version == 0
        versions = [session.version]

        async def after(write) -> None:
            await write
            versions.append(await self.version(store, session))

        p = await self.seat(store, session)
        versions.append(await self.version(store, session))
        activity = await store.add_activity(session.id, poll())
        versions.append(await self.version(store, session))
        await after(store.set_activity_states(session.id, {activity.id: OPEN}, activity.id))
        await after(store.update_session(session.id, screen_view="tables"))
        await after(store.record_vote(self.vote(p, activity.id, 1)))
        reflection = await store.add_activity(session.id, activity_spec("reflection", "?"))
        versions.append(await self.version(store, session))
        await after(store.set_activity_states(session.id, {reflection.id: OPEN}))
        post = self.post(p, reflection.id, "tekst")
        await after(store.record_post(post))
        await after(store.set_post_hidden(session.id, post.id, True))
        assert versions == sorted(set(versions)), versions
        assert len(versions) == 10
        # A repeat changes nothing, so the version stays.
        before = versions[-1]
        assert await store.record_post(post) is False
        assert await self.version(store, session) == before

    # --- many writers at once -----------------------------------------------------------

    async def test_a_join_sent_twice_gives_its_seat_back(self, store: Store):
        """The same token twice (a simple page's join form resent, maybe to another process)
        makes one seat: the second gets the first's, counted once, even when the room has
        filled up or locked meanwhile."""
        session = await self.session(store, tables=2)
        first, again = await asyncio.gather(
            self.seat(store, session, token="form-1"), self.seat(store, session, token="form-1")
        )
        assert first == again
        await store.set_joining_locked(session.id, True)
        assert await self.seat(store, session, token="form-1") == first
        assert sum((await store.seated(session.id)).values()) == 1

    async def test_five_hundred_votes_at_once(self, store: Store):
        session = await self.session(store, tables=50)
        activity = await self.open_activity(store, session)
        people = await asyncio.gather(*(self.seat(store, session) for _ in range(500)))
        votes = [self.vote(p, activity, n % 3) for n, p in enumerate(people)]
        stored = await asyncio.gather(*(store.record_vote(v) for v in votes))
        assert stored == [True] * 500
        room = await store.room(session.id, "current")
        counts = Counter()
        for _table, option, count in room.votes[activity]:
            counts[option] += count
        assert counts == {0: 167, 1: 167, 2: 166}
        assert room.participants == 500

    async def test_a_refused_write_among_many_fails_alone(self, store: Store):
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        closed = await store.add_activity(session.id, poll())
        people = await asyncio.gather(*(self.seat(store, session) for _ in range(21)))
        good = [self.vote(p, activity, 0) for p in people[:20]]
        taken = Vote(good[0].id, activity, people[20].id, people[20].table, 1)
        to_closed = self.vote(people[20], closed.id, 0)
        writes = [*good[:10], taken, to_closed, *good[10:]]
        outcomes = await asyncio.gather(
            *(store.record_vote(v) for v in writes), return_exceptions=True
        )
        assert outcomes[:10] == [True] * 10 and outcomes[12:] == [True] * 10
        assert isinstance(outcomes[10], IdTaken)
        assert isinstance(outcomes[11], Conflict)
        room = await store.room(session.id, "all")
        assert sum(count for _, _, count in room.votes[activity]) == 20
        assert closed.id not in room.votes

    # --- durability ---------------------------------------------------------------------

    async def test_everything_survives_a_reopen(self, tmp_path: Path):
        store = self.create_store(tmp_path)
        await store.open()
        session = await self.session(store)
        activity = await self.open_activity(store, session)
        p = await self.seat(store, session, token="kept")
        vote = self.vote(p, activity, 2)
        await store.record_vote(vote)
        await store.set_setting("cookie_secret", "s")
        before = await store.room(session.id, "all")
        await store.close()

        again = self.create_store(tmp_path)
        await again.open()
        try:
            after = await again.room(session.id, "all")
            assert after == before
            assert await again.participant_by_token(session.id, "kept") == p
            assert await again.get_setting("cookie_secret") == "s"
            assert await again.record_vote(vote) is False
            assert (await again.answers(p.id)).votes == {activity: vote}
        finally:
            await again.close()
