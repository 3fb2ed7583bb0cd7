"""Secrets: facilitator passwords (Argon2id), login throttling, and tokens (only a hash is
kept of participant tokens and login tokens)."""

from __future__ import annotations

import asyncio
import hashlib
import math
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from workshop.errors import N_, Busy, DomainError, Invalid

T = TypeVar("T")

# argon2-cffi's defaults: Argon2id, 64 MiB, 3 passes (RFC 9106's second recommendation).
_hasher = PasswordHasher()
# Checked when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_USERNAME = 60
LOGIN_SECONDS = 14 * 24 * 3600  # a login ends this long after it was last used


class WrongPassword(DomainError):
    status = 403


class TooManyTries(DomainError):
    status = 429

    def __init__(self, message: str, retry_after: int, **params: object) -> None:
        super().__init__(message, **params)
        self.headers = {"Retry-After": str(retry_after)}


def check_new_credentials(username: str, password: str) -> str:
    """The user name to store, or Invalid saying what to fix."""
    name = username.strip()
    if not name or len(name) > MAX_USERNAME or any(ch.isspace() for ch in name):
        raise Invalid(N_("A user name is 1 to 60 characters without spaces."))
    check_new_password(password)
    return name


def check_new_password(password: object) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise Invalid(N_("A password needs at least %(n)d characters."), n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise Invalid(N_("That password is too long."))
    return password


class Passwords:
    """Argon2 hashing and checking, at most `limit` at once: each takes 64 MiB, so fifty
    logins at once would otherwise take the server's memory. A caller that cannot start
    within `timeout` seconds gets Busy."""

    def __init__(self, limit: int = 2, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._slots = asyncio.Semaphore(limit)

    async def hash(self, password: str) -> str:
        return await self._run(_hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True if `password` matches; always costs one Argon2 verification."""

        def verify() -> bool:
            try:
                return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(
                    password_hash
                )
            except (VerificationError, InvalidHashError):
                return False

        return await self._run(verify)

    async def _run(self, work: Callable[..., T], *args: object) -> T:
        try:
            await asyncio.wait_for(self._slots.acquire(), self.timeout)
        except TimeoutError:
            raise Busy(N_("The server is busy, try again in a moment.")) from None
        # The slot is freed when the thread is done, not when the request is: a client that
        # hangs up must not let a third hash start while its own still runs.
        running = asyncio.ensure_future(asyncio.to_thread(work, *args))
        running.add_done_callback(lambda _: self._slots.release())
        return await asyncio.shield(running)


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


class LoginThrottle:
    """Wrong passwords counted per account and per client address, in memory.

    After `free` failures each further try must wait `base`, twice that, four times … seconds
    (at most `cap`), counted from the last failure. A try during a wait is refused without
    looking at the password, so the right password cannot be found by trying during one.
    A success clears the account's count (not the address's: one's own account must not
    clear a sprayer's address). Counts are forgotten `forget` seconds after their last
    failure; at most `max_keys` of each are kept, the oldest dropped."""

    def __init__(
        self,
        account_free: int = 5,
        address_free: int = 30,
        base: float = 1.0,
        cap: float = 15 * 60,
        forget: float = 24 * 3600,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account_free = account_free
        self.address_free = address_free
        self.base = base
        self.cap = cap
        self.forget = forget
        self.max_keys = max_keys
        self.clock = clock
        self._accounts: OrderedDict[str, _Failures] = OrderedDict()
        self._addresses: OrderedDict[str, _Failures] = OrderedDict()

    @staticmethod
    def account_key(username: str) -> str:
        return username.strip().casefold()[:200]

    def _wait(self, table: OrderedDict[str, _Failures], key: str, free: int) -> float:
        failures = self._get(table, key)
        if failures.count < free:
            return 0.0
        delay = min(self.cap, self.base * 2 ** min(failures.count - free, 64))
        return failures.last + delay - self.clock()

    def check(self, username: str, address: str) -> None:
        """TooManyTries saying how long to wait, if either must still wait."""
        wait = max(
            self._wait(self._accounts, self.account_key(username), self.account_free),
            self._wait(self._addresses, address, self.address_free),
        )
        if wait <= 0:
            return
        seconds = math.ceil(wait)
        if seconds <= 1:
            raise TooManyTries(N_("Too many wrong passwords. Wait a second and try again."), 1)
        if seconds < 120:
            raise TooManyTries(
                N_("Too many wrong passwords. Wait %(seconds)d seconds and try again."),
                seconds,
                seconds=seconds,
            )
        minutes = math.ceil(seconds / 60)
        raise TooManyTries(
            N_("Too many wrong passwords. Wait %(minutes)d minutes and try again."),
            seconds,
            minutes=minutes,
        )

    def _get(self, table: OrderedDict[str, _Failures], key: str) -> _Failures:
        failures = table.get(key)
        if failures is None or self.clock() - failures.last > self.forget:
            return _Failures()
        return failures

    def _count(self, table: OrderedDict[str, _Failures], key: str, step: int) -> None:
        failures = self._get(table, key)
        table.pop(key, None)
        failures.count = max(0, failures.count + step)
        if step > 0:
            failures.last = self.clock()
        if failures.count:
            table[key] = failures  # the most recent last
        while len(table) > self.max_keys:
            table.popitem(last=False)

    def begin(self, username: str, address: str) -> None:
        """A try starts: counted as a failure until it is known, so tries that run at the
        same time cannot slip past the limit together."""
        self.check(username, address)
        self._count(self._accounts, self.account_key(username), 1)
        self._count(self._addresses, address, 1)

    def failed(self, username: str, address: str) -> None:
        """The password was wrong: the wait counts from now, when the answer is given."""
        now = self.clock()
        for table, key in (
            (self._accounts, self.account_key(username)),
            (self._addresses, address),
        ):
            if key in table:
                table[key].last = now

    def succeeded(self, username: str, address: str) -> None:
        self._accounts.pop(self.account_key(username), None)
        self._count(self._addresses, address, -1)

    def abandoned(self, username: str, address: str) -> None:
        """The password was never checked (the server was busy): not a failure."""
        self._count(self._accounts, self.account_key(username), -1)
        self._count(self._addresses, address, -1)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_for_form(action: str) -> str:
    """The seat token of a join form (web/plain_pages.py), made from its action id (a
    random UUID the server put in that page): the form sent twice, to any process, asks for
    the same seat, which the store then gives back rather than making a second."""
    return hashlib.sha256(f"workshop-join-form:{action}".encode()).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
