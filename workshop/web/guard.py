"""Request helpers shared by pages, API and sockets: JSON bodies, who is asking, throttling."""

from __future__ import annotations

import contextlib
import ipaddress
import math
import time
from collections import OrderedDict, deque
from typing import Any

import orjson
from starlette.requests import HTTPConnection, Request

from workshop.domain import Facilitator, normalize_code
from workshop.errors import N_, DomainError, Invalid
from workshop.services import Workshop
from workshop.web.logins import facilitator_of


class TooManyGuesses(DomainError):
    status = 429


class FailedGuesses:
    """Counts wrong join codes per client address. Never throttles a join: a whole room
    usually shares one address, so a code once found at an address (or created there) is
    always answered there, whatever a guesser on the same address has tried. Over the
    limit, only unknown codes wait, and they are not looked up: a guesser learns nothing
    faster than the limit allows."""

    def __init__(
        self,
        limit: int = 60,
        window: float = 60.0,
        max_clients: int = 10_000,
        codes_per_client: int = 64,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self.codes_per_client = codes_per_client
        self._failures: dict[str, deque[float]] = {}
        self._known: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.get(client)
        if failures is None:
            return deque()
        cutoff = time.monotonic() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        if not failures:
            del self._failures[client]
        return failures

    def knows(self, client: str, code: str) -> bool:
        codes = self._known.get(client)
        return codes is not None and normalize_code(code) in codes

    def remember(self, client: str, code: str) -> None:
        """`code` was found at (or created from) `client`: always answer it there."""
        codes = self._known.get(client)
        if codes is None:
            if len(self._known) >= self.max_clients:
                self._known.popitem(last=False)
            codes = self._known[client] = OrderedDict()
        self._known.move_to_end(client)
        codes[normalize_code(code)] = None
        codes.move_to_end(normalize_code(code))
        while len(codes) > self.codes_per_client:
            codes.popitem(last=False)

    def check(self, client: str) -> None:
        recent = self._recent(client)
        if len(recent) >= self.limit:
            wait = recent[len(recent) - self.limit] + self.window - time.monotonic()
            raise TooManyGuesses(
                N_(
                    "Too many wrong codes from this network. Check the code and try again "
                    "in %(seconds)s seconds."
                ),
                seconds=max(1, math.ceil(wait)),
            )

    def fail(self, client: str) -> None:
        if client not in self._failures and len(self._failures) >= self.max_clients:
            self._failures.pop(next(iter(self._failures)))
        failures = self._failures.setdefault(client, deque())
        failures.append(time.monotonic())
        while len(failures) > self.limit:  # older ones no longer change the answer
            failures.popleft()


def workshop(conn: HTTPConnection) -> Workshop:
    return conn.app.state.workshop


def client_address(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "unknown"


def guesser(conn: HTTPConnection) -> str:
    """Who the join-code throttle counts: the client address, an IPv6 one by its /64 (one
    device can pick any address in its /64 network)."""
    address = client_address(conn)
    with contextlib.suppress(ValueError):
        ip = ipaddress.ip_address(address)
        if ip.version == 6 and ip.ipv4_mapped is None:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


async def find_session_guarded(conn: HTTPConnection, code: str) -> Any:
    """A session by code for anyone who holds the code; wrong codes are throttled, and a
    code already found at this address never is."""
    guesses: FailedGuesses = conn.app.state.guesses
    client = guesser(conn)
    if not guesses.knows(client, code):
        guesses.check(client)
    try:
        session = await workshop(conn).find_session(code)
    except DomainError:
        guesses.fail(client)
        raise
    guesses.remember(client, session.code)
    return session


def remember_code(conn: HTTPConnection, code: str) -> None:
    """A facilitator created `code` from this address: the room there is never throttled."""
    conn.app.state.guesses.remember(guesser(conn), code)


async def current_facilitator(conn: HTTPConnection) -> Facilitator | None:
    """The facilitator whose login cookie this is, if that login has not ended."""
    return await facilitator_of(conn)


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object, or Invalid. JSON only: a cross-site form cannot send it."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Invalid(N_("Send the body as JSON (Content-Type: application/json)."))
    try:
        body = orjson.loads(await request.body() or b"{}")
    except orjson.JSONDecodeError as error:
        if str(error).startswith("depth limit"):
            raise Invalid(N_("The body is nested too deeply to be read.")) from None
        raise Invalid(N_("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise Invalid(N_("The body must be a JSON object."))
    return body


def base_url(conn: HTTPConnection) -> str:
    configured: str = conn.app.state.settings.public_url
    return (configured or str(conn.base_url)).rstrip("/")
