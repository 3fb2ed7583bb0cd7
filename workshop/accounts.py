"""Facilitator accounts: the one-time setup link, logins stored on the server, passwords.

Every password check goes through the login throttle and the hash limit (`auth.py`), so
wrong passwords are slowed down and a burst of logins cannot exhaust memory.
"""

from __future__ import annotations

import secrets
import time

from workshop import auth
from workshop.domain import Facilitator
from workshop.errors import N_, NotFound
from workshop.store import Store

SETUP_TOKEN = "setup_token"


class Accounts:
    def __init__(self, store: Store, throttle: auth.LoginThrottle | None = None) -> None:
        self.store = store
        self.passwords = auth.Passwords()
        self.throttle = throttle or auth.LoginThrottle()

    async def setup_token(self) -> str | None:
        """The one-time link's token while no facilitator exists, kept until it is used."""
        if await self.store.count_facilitators():
            return None
        token = await self.store.get_setting(SETUP_TOKEN)
        if token is None:
            token = secrets.token_urlsafe(32)
            await self.store.set_setting(SETUP_TOKEN, token)
        return token

    async def claim_setup(self, token: str, username: str, password: str) -> Facilitator:
        name = auth.check_new_credentials(username, password)
        password_hash = await self.passwords.hash(password)
        facilitator = await self.store.claim_setup(token, name, password_hash)
        if facilitator is None:
            raise NotFound(N_("This setup link has been used or is not valid."))
        return facilitator

    async def add_facilitator(
        self, username: str, password: str, role: str | None = None
    ) -> Facilitator:
        """With a role (workshop/over_time.py ROLES); without, the server's first account is
        admin and the others facilitators."""
        name = auth.check_new_credentials(username, password)
        password_hash = await self.passwords.hash(password)
        facilitator = await self.store.add_facilitator(name, password_hash, role)
        await self.store.set_setting(SETUP_TOKEN, None)
        return facilitator

    async def login(
        self, username: object, password: object, address: str = ""
    ) -> Facilitator | None:
        """The facilitator, or None for a wrong name or password; TooManyTries while the
        name or the address must wait, Busy when too many passwords are being checked."""
        if not isinstance(username, str) or not isinstance(password, str):
            return None
        found = await self.store.facilitator_by_name(username.strip()[:200])
        if not await self._check_password(found, username, password, address):
            return None
        return found

    async def _check_password(
        self, found: Facilitator | None, username: str, password: str, address: str
    ) -> bool:
        self.throttle.begin(username, address)
        try:
            ok = await self.passwords.verify(found.password_hash if found else None, password)
        except BaseException:
            self.throttle.abandoned(username, address)
            raise
        if ok:
            self.throttle.succeeded(username, address)
        else:
            self.throttle.failed(username, address)
        return ok

    async def start_login(self, facilitator: Facilitator) -> str:
        """A new login's token, for the cookie; only its hash is stored."""
        token, now = auth.new_token(), time.time()
        await self.store.add_login(
            auth.token_hash(token), facilitator.id, now, now + auth.LOGIN_SECONDS
        )
        return token

    async def logged_in(self, token: str) -> Facilitator | None:
        """The facilitator of a login that has not ended; its use is noted once an hour."""
        hashed, now = auth.token_hash(token), time.time()
        found = await self.store.login(hashed, now)
        if found is None:
            return None
        facilitator, last_seen = found
        if now - last_seen > 3600:
            await self.store.touch_login(hashed, now, now + auth.LOGIN_SECONDS)
        return facilitator

    async def end_login(self, token: str) -> None:
        await self.store.end_login(auth.token_hash(token))

    async def end_other_logins(self, facilitator: Facilitator, token: str | None) -> int:
        keep = auth.token_hash(token) if token else None
        return await self.store.end_logins(facilitator.id, keep)

    async def change_password(
        self, facilitator: Facilitator, current: object, new: object, token: str, address: str
    ) -> None:
        """Through the login throttle; every other login of the account ends."""
        new_password = auth.check_new_password(new)
        if not isinstance(current, str) or not await self._check_password(
            facilitator, facilitator.username, current, address
        ):
            raise auth.WrongPassword(N_("That is not your current password."))
        await self.store.set_password(facilitator.id, await self.passwords.hash(new_password))
        await self.end_other_logins(facilitator, token)
