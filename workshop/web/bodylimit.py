"""How large an HTTP request body may be: one limit for every route, a larger one where a
route asks for it (the plan import), refused with `413` and `{"error"}` like any other
refusal (Starlette's own limit answers in plain text and cannot differ per route)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workshop.errors import N_, DomainError

SCOPE_KEY = "workshop.body_limit"


class TooLarge(DomainError):
    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(
            N_("The request is too large: at most %(kib)d KiB is accepted here."),
            kib=max(1, limit // 1024),
        )


class _Limit:
    __slots__ = ("bytes",)

    def __init__(self, limit: int) -> None:
        self.bytes = limit


class BodyLimit:
    """Counts the body as the route reads it; over the limit, the read raises `TooLarge`,
    which the app's DomainError handler answers (JSON under /api/, a page elsewhere). A
    declared `Content-Length` over the limit is refused before anything is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = scope[SCOPE_KEY] = _Limit(self.limit)
        declared = _content_length(scope)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if declared is not None and declared > limit.bytes:
                raise TooLarge(limit.bytes)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit.bytes:
                    raise TooLarge(limit.bytes)
            return message

        await self.app(scope, limited, send)


def allow_body(request: Request, limit: int) -> None:
    """Let this request's body be up to `limit` bytes; call before reading it."""
    holder = request.scope.get(SCOPE_KEY)
    if isinstance(holder, _Limit):
        holder.bytes = limit


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)
