"""Use cases of a session as a file: its answers as CSV, the whole session as JSON, and a
new session made from such a file. Nothing here changes a live session, so nothing is
published."""

from __future__ import annotations

import secrets
from typing import Any

from workshop.domain import Facilitator, Session, new_join_code
from workshop.errors import N_, Conflict, NotFound
from workshop.i18n import gettext_for
from workshop.session_csv import answers_csv
from workshop.session_file import SessionRecord, session_file
from workshop.session_read import read_session
from workshop.store import Store


class Transfer:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def _record(self, session: Session) -> SessionRecord:
        record = await self.store.dump_session(session.id)
        if record is None:  # deleted since it was found
            raise NotFound(N_("There is no session with the code %(code)s."), code=session.code)
        return record

    async def export_json(self, session: Session) -> dict[str, Any]:
        return session_file(await self._record(session))

    async def export_csv(self, session: Session, names: bool) -> bytes:
        """The answers, one a row; participants' names only with `names`."""
        record = await self._record(session)
        return answers_csv(record, names, lambda text: gettext_for(session.language, text))

    async def import_session(
        self, facilitator: Facilitator, data: object, base_url: str
    ) -> Session:
        """A new session of `facilitator` from a session file, checked whole first: a bad
        file stores nothing. New join code, screen key and ids; the file's times are kept."""
        record = read_session(data)
        for _ in range(20):
            session = await self.store.load_session(
                record,
                code=new_join_code(),
                facilitator_id=facilitator.id,
                screen_key=secrets.token_urlsafe(16),
                base_url=base_url.rstrip("/"),
            )
            if session is not None:
                return session
        raise Conflict(N_("Could not find a free join code. Try again."))
