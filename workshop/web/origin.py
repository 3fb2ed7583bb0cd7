"""Which hosts and origins the server answers: a pure ASGI middleware in front of every route.

Hosts: only the names the server was started for (loopback, `--host`, `--public-url`'s host,
every `--allowed-host`) are answered, so a forged `Host` never reaches a stored join link and
DNS rebinding finds nothing. Origins: every WebSocket handshake and every state-changing HTTP
request must come from the server's own pages (or an `--allowed-origin`), judged by the
browser's `Sec-Fetch-Site`, `Origin` or `Referer`. A request with none of the three is not
from a browser page (a script, a test, curl) and cannot carry a victim's cookie by surprise,
so it passes (docs/security.md).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from workshop.errors import N_
from workshop.i18n import gettext_for, negotiate
from workshop.settings import Settings

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
POLICY_VIOLATION = 1008
MAX_REASON_BYTES = 123  # RFC 6455: a close frame's reason fits in 125 bytes with the code

FOREIGN_HOST = N_("This server does not answer to that host name. Open it at its own address.")
FOREIGN_ORIGIN = N_("Refused: the request came from a page on another web site.")


def host_name(host: str) -> str:
    """The name in a Host header or URL netloc, without port or brackets, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, default ports left out; None if it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme.lower(), parts.scheme.lower())
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    name = parts.hostname.lower().rstrip(".")
    shown = f"[{name}]" if ":" in name else name
    if port is None or port == {"http": 80, "https": 443}[scheme]:
        return f"{scheme}://{shown}"
    return f"{scheme}://{shown}:{port}"


def allowed_hosts(settings: Settings) -> frozenset[str]:
    hosts = {*LOOPBACK_HOSTS, host_name(settings.bind_host)}
    if settings.public_url:
        hosts.add(host_name(urlsplit(settings.public_url).netloc))
    hosts.update(host_name(h) for h in settings.allowed_hosts)
    return frozenset(h for h in hosts if h)


def allowed_origins(settings: Settings) -> frozenset[str]:
    origins = {origin_of(o) for o in (settings.public_url, *settings.allowed_origins) if o}
    return frozenset(o for o in origins if o)


class OriginGuard:
    """400 for a Host the server was not started for; 403 (HTTP) or accept-then-close 1008
    (sockets) for a request from another site's page."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hosts = allowed_hosts(settings)
        self.origins = allowed_origins(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if host and host_name(host) not in self.hosts:
            await _refuse(scope, receive, send, headers, 400, FOREIGN_HOST)
            return
        checked = kind == "websocket" or scope.get("method", "GET") not in SAFE_METHODS
        if checked and not self.same_site(scope, headers, host):
            await _refuse(scope, receive, send, headers, 403, FOREIGN_ORIGIN)
            return
        await self.app(scope, receive, send)

    def same_site(self, scope: Scope, headers: Headers, host: str) -> bool:
        """Whether the browser says the request came from our own pages (or an allowed
        origin's); True when no header says anything (not a browser page)."""
        fetch_site = headers.get("sec-fetch-site", "").strip().lower()
        if fetch_site in ("same-origin", "none"):
            return True
        origin = headers.get("origin")
        if origin is None and "referer" in headers:
            origin = origin_of(headers["referer"]) or "null"
        if origin is None:
            return not fetch_site  # cross-site without an Origin: refuse
        own = origin_of(f"{scope.get('scheme', 'http')}://{host}") if host else None
        found = origin_of(origin)
        return found is not None and (found == own or found in self.origins)


async def _refuse(
    scope: Scope, receive: Receive, send: Send, headers: Headers, status: int, message: str
) -> None:
    text = gettext_for(negotiate(headers.get("accept-language")), message)
    if scope["type"] == "websocket":
        # Accept, then close with a reason: a refused handshake looks like a network
        # error to the page (the same pattern as web/sockets.py's _refuse).
        if (await receive())["type"] != "websocket.connect":
            return
        reason = text.encode()[:MAX_REASON_BYTES].decode(errors="ignore")
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": reason})
        return
    body = json.dumps({"error": text}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
