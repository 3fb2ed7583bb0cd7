"""The login cookie: a random token whose hash names a login stored on the server.

Over HTTPS (or with WORKSHOP_HTTPS_ONLY) the cookie is `__Host-workshop` and `Secure`: the
browser then keeps it for this exact host and path `/`, over HTTPS only, and a page on a
sibling domain or a plain-HTTP answer cannot set or overwrite it. Over plain HTTP (a laptop
on hotel Wi-Fi) browsers drop `__Host-` cookies, so it is plain `workshop` there.
Handlers say what the cookie should become (`remember`, `forget`); `LoginCookies` writes it
on the way out."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workshop.auth import LOGIN_SECONDS
from workshop.domain import Facilitator
from workshop.services import Workshop

PLAIN_COOKIE = "workshop"
SECURE_COOKIE = "__Host-workshop"
_SET = "workshop.login_cookie"  # scope key: the token to set, or "" to clear


def secure(conn: HTTPConnection) -> bool:
    """Served over HTTPS: uvicorn sets the scheme from X-Forwarded-Proto of a trusted proxy."""
    return conn.url.scheme in ("https", "wss") or conn.app.state.settings.https_only_cookies


def cookie_name(conn: HTTPConnection) -> str:
    return SECURE_COOKIE if secure(conn) else PLAIN_COOKIE


def login_token(conn: HTTPConnection) -> str | None:
    """The token this request carries, if any (only under the name its scheme uses)."""
    token = conn.cookies.get(cookie_name(conn))
    return token if token and len(token) <= 200 else None


async def facilitator_of(conn: HTTPConnection) -> Facilitator | None:
    token = login_token(conn)
    if token is None:
        return None
    service: Workshop = conn.app.state.workshop
    facilitator = await service.accounts.logged_in(token)
    if facilitator is not None:
        conn.scope.setdefault(_SET, token)  # sent again: its age counts from the last use
    return facilitator


async def log_in(conn: HTTPConnection, facilitator: Facilitator) -> None:
    """A new login for `facilitator`; any login this browser had ends."""
    service: Workshop = conn.app.state.workshop
    old = login_token(conn)
    if old:
        await service.accounts.end_login(old)
    conn.scope[_SET] = await service.accounts.start_login(facilitator)


async def log_out(conn: HTTPConnection) -> None:
    token = login_token(conn)
    if token:
        service: Workshop = conn.app.state.workshop
        await service.accounts.end_login(token)
    conn.scope[_SET] = ""


def _set_cookie(scope: Scope, value: str) -> str:
    conn = HTTPConnection(scope)
    cookie: SimpleCookie = SimpleCookie()
    name = cookie_name(conn)
    cookie[name] = value
    morsel = cookie[name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    morsel["max-age"] = LOGIN_SECONDS if value else 0
    if secure(conn):
        morsel["secure"] = True
    return morsel.OutputString()


class LoginCookies:
    """Writes the cookie a handler asked for into the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _SET in scope:
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", _set_cookie(scope, scope[_SET]))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
