"""Use cases of seating: join questions, the balanced seat of a newcomer, reseating the room
and moving one person (docs/seating.md). The rules are in `workshop/balance.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from workshop import balance, hybrid
from workshop.balance import JoinQuestion, Person
from workshop.domain import MAX_TABLES, Participant, Session, Table, is_row_id
from workshop.errors import N_, Invalid, NotFound
from workshop.hub import CONSOLE, SCREEN, TABLES, Broadcast, table_channel
from workshop.messages import seat
from workshop.seating import choose_table
from workshop.store import Store

Publish = Callable[..., Awaitable[None]]
SEATING_VIEW = "seating"  # the screen view that shows who sits where


def question_view(
    question: JoinQuestion, counts: Mapping[int, int] | None = None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": question.id,
        "prompt": question.prompt,
        "options": list(question.options),
    }
    if counts is not None:  # the console's: how many gave each answer
        view["counts"] = [counts.get(i, 0) for i in range(len(question.options))]
    return view


def seating_view(rows: list[tuple[int, str, list[Participant]]]) -> list[dict[str, Any]]:
    """Table name -> who sits there: the name they gave, or their number ("Participant 7").
    Only names, never their join answers."""
    return [
        {
            "number": number,
            "name": name,
            "members": [{"number": p.number, "name": p.name} for p in people],
        }
        for number, name, people in rows
    ]


class Seating:
    def __init__(self, store: Store, publish: Publish, broadcast: Broadcast, seed: int = 0) -> None:
        self.store = store
        self._publish = publish
        self._broadcast = broadcast
        self._seed = seed  # reseats draw their ties from seed + the session's version

    # --- join questions -----------------------------------------------------------------

    async def add_question(self, session: Session, body: Mapping[str, Any]) -> JoinQuestion:
        existing = await self.store.join_questions(session.id)
        prompt, options = balance.check_question(
            body.get("prompt"), body.get("options"), len(existing)
        )
        added = await self.store.add_join_question(
            session.id, prompt, options, balance.MAX_QUESTIONS
        )
        if added is None:
            raise Invalid(N_("A session can have at most three join questions."))
        await self._publish(session, CONSOLE)
        return added

    async def questions(self, session: Session, counts: bool = False) -> list[dict[str, Any]]:
        questions = await self.store.join_questions(session.id)
        if not counts:
            return [question_view(q) for q in questions]
        given = await self.store.join_answer_counts(session.id)
        return [question_view(q, given.get(q.id, {})) for q in questions]

    async def delete_question(self, session: Session, question_id: object) -> None:
        if not is_row_id(question_id) or not await self.store.delete_join_question(
            session.id,
            question_id,  # type: ignore[arg-type]
        ):
            raise NotFound(N_("This session has no such join question."))
        await self._publish(session, CONSOLE)

    # --- a newcomer ---------------------------------------------------------------------

    async def chooser(
        self, session: Session, table: object, answers: object, kind: str = hybrid.ROOM
    ) -> tuple[Callable[..., int], dict[int, int]]:
        """The `choose` callback for `Store.seat_participant` and the checked answers: the
        table picked, or the balanced seat (`balance.place`) from the counts in the step,
        among the tables of `kind` (room, or digital for people at home)."""
        if table is not None and (isinstance(table, bool) or not isinstance(table, int)):
            raise Invalid(N_("The table must be a table number."))
        checked = balance.check_answers(await self.store.join_questions(session.id), answers)

        def choose(
            tables: list[Table],
            seated: Mapping[int, int],
            spread: balance.Spread | None = None,
        ) -> int:
            mine = hybrid.seat_candidates(tables, kind, table)  # type: ignore[arg-type]
            if table is not None:
                return choose_table(mine, seated, table)  # type: ignore[arg-type]
            return balance.place([t.number for t in mine], seated, spread or {}, checked)

        return choose, checked

    # --- reseating ----------------------------------------------------------------------

    async def reseat(self, session: Session, mix: object = False) -> dict[int, list[int]]:
        """Everyone at a new table: balanced again, mixing people who have not sat together.
        People in the room stay at room tables and people at home at digital ones, unless
        `mix`. Phones move to their new table's channel and are told; the screen shows the
        seating."""
        if not isinstance(mix, bool):
            raise Invalid(N_("mix must be true or false."))
        seed = self._seed + session.version
        kinds = hybrid.kinds(await self.store.tables(session.id))

        def plan(
            people: list[Person],
            tables: list[int],
            together: Mapping[int, Mapping[int, int]],
            questions: list[int],
        ) -> dict[int, list[int]]:
            if mix:
                return balance.reseat(people, tables, together, questions, seed=seed)
            seating: dict[int, list[int]] = {}
            for kind in hybrid.KINDS:
                mine = [t for t in tables if kinds.get(t, hybrid.ROOM) == kind]
                group = [p for p in people if kinds.get(p.table, hybrid.ROOM) == kind]
                if mine and group:
                    seating.update(balance.reseat(group, mine, together, questions, seed=seed))
            return seating

        seating, before = await self.store.reseat(session.id, plan)
        names = {t.number: t.name for t in await self.store.tables(session.id)}
        await self._broadcast.reseat(
            session.id,
            {
                p: (table, seat(table, names.get(table, ""), moved=before.get(p) != table))
                for table, ids in seating.items()
                for p in ids
            },
        )
        session = await self.store.update_session(session.id, screen_view=SEATING_VIEW)
        await self._publish(session, SCREEN, CONSOLE, TABLES)
        return seating

    async def move(self, session: Session, participant_id: object, table: object) -> Participant:
        """The facilitator seats one person elsewhere; their phones follow."""
        if isinstance(table, bool) or not isinstance(table, int):
            raise Invalid(N_("The table must be a table number."))
        if not is_row_id(participant_id):
            raise NotFound(N_("This session has no such participant."))
        if not 1 <= table <= MAX_TABLES:
            raise NotFound(N_("This session has no table %(table)s."), table=table)
        moved, old = await self.store.move_participant(
            session.id,
            participant_id,  # type: ignore[arg-type]
            table,
        )
        if old != moved.table:
            names = {t.number: t.name for t in await self.store.tables(session.id)}
            frame = seat(moved.table, names.get(moved.table, ""), moved=True)
            await self._broadcast.reseat(session.id, {moved.id: (moved.table, frame)})
            await self._publish(
                session, SCREEN, CONSOLE, table_channel(old), table_channel(moved.table)
            )
        return moved

    async def screen_view(self, session_id: int) -> list[dict[str, Any]]:
        return seating_view(await self.store.seating(session_id))
