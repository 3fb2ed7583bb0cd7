"""Request helpers shared by pages, API and sockets: JSON bodies, who is asking, throttling."""

from __future__ import annotations

import json
import time
from collections import deque
from typing import Any

from starlette.requests import HTTPConnection, Request

from workshop.domain import N_, DomainError, Facilitator, Invalid
from workshop.services import Workshop


class TooManyGuesses(DomainError):
    status = 429


class FailedGuesses:
    """Counts wrong join codes per client address; never throttles successful joins, since
    a whole room usually shares one address."""

    def __init__(self, limit: int = 60, window: float = 60.0, max_clients: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.get(client)
        if failures is None:
            return deque()
        cutoff = time.monotonic() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    def check(self, client: str) -> None:
        if len(self._recent(client)) >= self.limit:
            raise TooManyGuesses(N_("Too many wrong codes. Wait a minute and try again."))

    def fail(self, client: str) -> None:
        if client not in self._failures and len(self._failures) >= self.max_clients:
            self._failures.pop(next(iter(self._failures)))
        self._failures.setdefault(client, deque()).append(time.monotonic())


def workshop(conn: HTTPConnection) -> Workshop:
    return conn.app.state.workshop


def client_address(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "unknown"


async def find_session_guarded(conn: HTTPConnection, code: str) -> Any:
    """A session by code for anyone who holds the code; wrong codes are throttled."""
    guesses: FailedGuesses = conn.app.state.guesses
    client = client_address(conn)
    guesses.check(client)
    try:
        return await workshop(conn).find_session(code)
    except DomainError:
        guesses.fail(client)
        raise


async def current_facilitator(conn: HTTPConnection) -> Facilitator | None:
    facilitator_id = conn.session.get("facilitator")
    if not isinstance(facilitator_id, int):
        return None
    return await workshop(conn).store.facilitator(facilitator_id)


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object, or Invalid. JSON only: a cross-site form cannot send it."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Invalid(N_("Send the body as JSON (Content-Type: application/json)."))
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise Invalid(N_("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise Invalid(N_("The body must be a JSON object."))
    return body


def base_url(conn: HTTPConnection) -> str:
    configured: str = conn.app.state.settings.public_url
    return (configured or str(conn.base_url)).rstrip("/")
