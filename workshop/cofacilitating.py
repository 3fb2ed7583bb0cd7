"""Co-facilitators (issue 17): more accounts than the owner run one session's console.

The owner (`Session.facilitator_id`) adds an account by its username, takes it off again,
or changes which tables it watches first ("all", "digital" or "room": the console's table
filter starts there). A co-facilitator may do everything the owner does in the console;
only the owner deletes the session and manages its facilitators. An account that is
neither gets the same 404 for the session as for a code that does not exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from workshop.domain import Facilitator, Session
from workshop.errors import N_, Forbidden, Invalid, NotFound
from workshop.hub import CONSOLE, Broadcast
from workshop.i18n import gettext_for
from workshop.store import Store
from workshop.store.hybrid import CoFacilitator

Publish = Callable[..., Awaitable[None]]

ALL = "all"
WATCHES = (ALL, "digital", "room")
MAX_USERNAME = 200

OWNER_ONLY_FACILITATORS = N_("Only the session's owner can add or remove facilitators.")
OWNER_ONLY_DELETE = N_("Only the session's owner can delete the session.")
TAKEN_OFF = N_("You are no longer a facilitator of this session.")


def check_watch(value: object) -> str:
    """The tables a co-facilitator watches first; "all" when not given."""
    if value is None:
        return ALL
    if value not in WATCHES:
        raise Invalid(N_("watch must be all, digital or room."))
    return str(value)


def entry_view(co: CoFacilitator) -> dict[str, Any]:
    return {"username": co.facilitator.username, "watch": co.watch}


class CoFacilitators:
    def __init__(self, store: Store, publish: Publish, broadcast: Broadcast) -> None:
        self.store = store
        self._publish = publish
        self._broadcast = broadcast

    # --- who runs a session -------------------------------------------------------------

    async def runs(self, session: Session, facilitator: Facilitator) -> bool:
        """Whether the account is the owner or a co-facilitator of the session."""
        if session.facilitator_id == facilitator.id:
            return True
        return await self.store.cofacilitating(session.id, facilitator.id) is not None

    @staticmethod
    def check_owner(session: Session, facilitator: Facilitator, refusal: str) -> None:
        """Forbidden with `refusal` unless the account owns the session."""
        if session.facilitator_id != facilitator.id:
            raise Forbidden(refusal)

    async def listing(self, session: Session) -> dict[str, Any]:
        """`{owner: username, co: [{username, watch}]}`, the co-facilitators oldest first:
        the same for every console of the session (the console state's `facilitators`)."""
        owner = await self.store.facilitator(session.facilitator_id)
        co = await self.store.cofacilitators(session.id)
        return {
            "owner": owner.username if owner is not None else "",
            "co": [entry_view(c) for c in co],
        }

    async def you(self, session: Session, facilitator: Facilitator) -> dict[str, Any]:
        """Who this console is: `{username, owner, watch}` (for the console page, never in
        the shared snapshot: every console of the session gets the same one)."""
        if session.facilitator_id == facilitator.id:
            return {"username": facilitator.username, "owner": True, "watch": ALL}
        mine = await self.store.cofacilitating(session.id, facilitator.id)
        watch = mine.watch if mine is not None else ALL
        return {"username": facilitator.username, "owner": False, "watch": watch}

    # --- the owner's changes ------------------------------------------------------------

    async def add(
        self, session: Session, asker: Facilitator, body: Mapping[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """Add the account named `username`, or set its `watch` if it is on the session
        already (how the owner changes it); the entry and whether it is new."""
        self.check_owner(session, asker, OWNER_ONLY_FACILITATORS)
        account = await self._account(body.get("username"))
        watch = check_watch(body.get("watch"))
        if account.id == session.facilitator_id:
            raise Invalid(N_("You own this session, so you run it already."))
        before = await self.store.cofacilitating(session.id, account.id)
        added = await self.store.add_cofacilitator(session.id, account.id, watch)
        if added is None:  # the account went away meanwhile
            raise self._no_account(account.username)
        await self._publish(session, CONSOLE)
        return entry_view(added), before is None

    async def remove(self, session: Session, asker: Facilitator, username: object) -> None:
        """Take a co-facilitator off: the session is gone for them (404), and the consoles
        they have open on it are closed with 1008 and the reason."""
        self.check_owner(session, asker, OWNER_ONLY_FACILITATORS)
        name = username.strip() if isinstance(username, str) else ""
        account = await self.store.facilitator_by_name(name[:MAX_USERNAME]) if name else None
        if account is None or not await self.store.remove_cofacilitator(session.id, account.id):
            raise self._not_on_it(name[:60])
        await self._publish(session, CONSOLE)
        reason = gettext_for(session.language, TAKEN_OFF)
        await self._broadcast.disconnect_facilitator(session.id, account.id, reason)

    # --- helpers ------------------------------------------------------------------------

    async def _account(self, username: object) -> Facilitator:
        if not isinstance(username, str) or not username.strip():
            raise Invalid(N_("Write the user name of the account to add."))
        name = username.strip()
        if len(name) > MAX_USERNAME:
            raise self._no_account(name[:60])
        account = await self.store.facilitator_by_name(name)
        if account is None:
            raise self._no_account(name[:60])
        return account

    @staticmethod
    def _no_account(username: str) -> NotFound:
        return NotFound(
            N_("There is no account with the user name %(username)s."), username=username
        )

    @staticmethod
    def _not_on_it(username: str) -> NotFound:
        return NotFound(N_("%(username)s is not a facilitator of this session."), username=username)
