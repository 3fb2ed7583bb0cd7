"""Use cases of a hybrid day: adding a table of either kind, and the video-meeting links of
the plenary and the digital tables (the rules are in hybrid.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from workshop import hybrid
from workshop.domain import MAX_TABLE_NAME, MAX_TABLES, Session, Table, clean_text
from workshop.errors import N_, Conflict, Invalid
from workshop.hub import CONSOLE, PHONES, SCREEN
from workshop.store import Store
from workshop.store.base import UNCHANGED

Publish = Callable[..., Awaitable[None]]
HOME = "home"  # /j/{code}?from=home: the join page for people joining from home


def home_url(join_url: str) -> str:
    return f"{join_url}?from={HOME}"


class Hybrid:
    def __init__(self, store: Store, publish: Publish) -> None:
        self.store = store
        self._publish = publish

    async def add_table(self, session: Session, body: Mapping[str, Any]) -> Table:
        """One more table of `kind` (room or digital), named by the facilitator or
        "Digitalt bord N" / "Bord N"."""
        kind = hybrid.check_kind(body.get("kind", hybrid.ROOM))
        tables = await self.store.tables(session.id)
        if len(tables) >= MAX_TABLES:
            raise Conflict(N_("A session has from 1 to %(max)d tables."), max=MAX_TABLES)
        name = body.get("name")
        if name is None:
            name = hybrid.next_name(tables, kind, session.language)
        else:
            name = clean_text(name, what=N_("A table name"), limit=MAX_TABLE_NAME)
        table = await self.store.add_table(session.id, name, kind)
        await self._publish(session, SCREEN, CONSOLE, PHONES)
        return table

    async def set_meetings(self, session: Session, body: Mapping[str, Any]) -> dict[str, Any]:
        """Change the plenary's link, the tables' pattern, or tables' own links; a key left
        out stays as it was, null or "" clears it."""
        plenary = hybrid.check_url(body["plenary"]) if "plenary" in body else UNCHANGED
        pattern = (
            hybrid.check_url(body["pattern"], pattern=True) if "pattern" in body else UNCHANGED
        )
        own = body.get("tables") or {}
        if not isinstance(own, Mapping):
            raise Invalid(N_("tables must map table numbers to meeting links."))
        known = {t.number: t for t in await self.store.tables(session.id)}
        links: dict[int, str | None] = {}
        for key, url in own.items():
            number = int(key) if isinstance(key, str) and key.isdigit() else None
            table = known.get(number) if number is not None else None
            if table is None:
                raise Invalid(N_("There is no table %(table)s."), table=str(key)[:10])
            if table.kind != hybrid.DIGITAL:
                raise Invalid(
                    N_("%(table)s is in the room: it has no meeting link."), table=table.name
                )
            links[table.number] = hybrid.check_url(url)
        session = await self.store.set_meetings(
            session.id, plenary=plenary, pattern=pattern, tables=links
        )
        await self._publish(session, CONSOLE, PHONES)  # PHONES marks every table channel
        return self.view(session, await self.store.tables(session.id), "")

    def view(self, session: Session, tables: list[Table], join_url: str) -> dict[str, Any]:
        """The console's part: the join-from-home link and every link by table."""
        places = hybrid.positions(tables)
        return {
            "join_home_url": home_url(join_url) if join_url else None,
            "plenary_url": session.plenary_url,
            "meeting_pattern": session.meeting_pattern,
            "meetings": [
                {
                    "number": t.number,
                    "name": t.name,
                    "url": hybrid.meeting_url(t, session, places.get(t.number, 0)),
                    "own": t.meeting_url is not None,
                }
                for t in hybrid.of_kind(tables, hybrid.DIGITAL)
            ],
        }
