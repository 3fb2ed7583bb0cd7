"""The Starlette application: routes, middleware, error pages, and the live objects."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workshop import lag
from workshop.auth import LoginThrottle
from workshop.broadcasting import open_broadcast
from workshop.errors import N_, DomainError, NotFound
from workshop.hub import Hubs
from workshop.i18n import gettext_for
from workshop.library import load_library
from workshop.services import Workshop
from workshop.settings import Settings
from workshop.store import Store, open_store
from workshop.web import (
    api,
    cofacilitators_api,
    day_api,
    export_api,
    hybrid_api,
    login_api,
    over_time_api,
    pages,
    participant_pages,
    plain_pages,
    plan_api,
    posts_api,
    report_pages,
    room_api,
    seating_api,
    sockets,
    stations_api,
    table_answers_api,
    table_talk_api,
)
from workshop.web.bodylimit import BodyLimit
from workshop.web.connections import Heartbeat
from workshop.web.guard import FailedGuesses
from workshop.web.language import error_language
from workshop.web.logins import LoginCookies
from workshop.web.origin import OriginGuard
from workshop.web.templating import make_templates

log = logging.getLogger("workshop")

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """No inline scripts, no framing, no sniffing: user text can never run as code."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Static(StaticFiles):
    """Static files revalidated on every load: the modules import each other without a
    version in the URL, so a browser must never mix old and new ones after an upgrade.
    The ETag keeps a revalidation cheap."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


async def domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    if request.url.path.startswith("/api/"):
        lang = error_language(request)  # the phone's chosen language, else the browser's
        message = gettext_for(lang, error.message, **error.params)
        headers = getattr(error, "headers", None)  # Retry-After of a 429
        return JSONResponse({"error": message}, status_code=error.status, headers=headers)
    return pages.error_page(request, error)


class ServerError(DomainError):
    status = 500


SERVER_ERROR = N_("Something went wrong on the server. Try again.")


async def server_error(request: Request, error: Exception) -> Response:
    """Anything unexpected: a readable answer, never a bare 500 page. Starlette's
    ServerErrorMiddleware calls this, then re-raises, and uvicorn logs the traceback."""
    answer = ServerError(SERVER_ERROR)
    try:
        return await domain_error(request, answer)
    except Exception:  # the error page itself failed: plain text still answers
        return Response(SERVER_ERROR, status_code=500, media_type="text/plain")


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return await domain_error(request, NotFound(N_("This page does not exist.")))
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": error.detail}, status_code=error.status_code)
    return Response(error.detail, status_code=error.status_code)


async def build_app(settings: Settings) -> Starlette:
    """Open the store and make the app; the app closes the store when it shuts down."""
    store = open_store(settings.db_url)
    await store.open()
    return create_app(settings, store)


def create_app(settings: Settings, store: Store) -> Starlette:
    hubs: Hubs
    service: Workshop

    async def render(session_id: int, channel: str, language: str | None) -> str | None:
        return await service.render(session_id, channel, language)

    hubs = Hubs(render, settings.tick_seconds)
    heartbeat = Heartbeat(settings.quiet_seconds)
    library = load_library(settings.cases_dir)
    for problem in library.problems:  # the rest of the library still loads
        log.warning("case library: %s", problem)
    throttle = LoginThrottle(settings.login_failures, settings.login_address_failures)
    broadcast = open_broadcast(settings.broadcast_url, hubs, settings.broadcast_prefix)
    service = Workshop(store, broadcast, hubs, library, throttle, min_group=settings.min_group)

    retention = (
        over_time_api.Retention(service, settings.retention_days, settings.retention_every)
        if settings.retention_days is not None
        else None
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await broadcast.start()  # Redis: a connection of its own (broadcast_redis.py)
        if retention is not None:
            retention.start()
        lag_monitor = lag.from_env()  # WORKSHOP_LAG_LOG: benchmarks only (workshop/lag.py)
        if lag_monitor is not None:
            lag_monitor.start()
        yield
        if lag_monitor is not None:
            await lag_monitor.stop()
        if retention is not None:
            await retention.stop()
        await heartbeat.stop()
        await broadcast.stop()
        await hubs.close()
        await store.close()

    app = Starlette(
        routes=[
            *export_api.routes,  # before /api/sessions/{code} and the catch-all
            *table_answers_api.routes,
            *table_talk_api.routes,
            *plan_api.routes,
            *day_api.routes,
            *login_api.routes,
            *room_api.routes,
            *posts_api.routes,
            *stations_api.routes,
            *seating_api.routes,
            *hybrid_api.routes,
            *cofacilitators_api.routes,
            *over_time_api.routes,
            *api.routes,
            *sockets.routes,
            *report_pages.routes,
            *pages.routes,
            *participant_pages.routes,
            *plain_pages.routes,  # the phone page without JavaScript
            Mount("/static", Static(directory=settings.static_dir), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limit=settings.max_body_bytes),
            Middleware(OriginGuard, settings=settings),
            Middleware(LoginCookies),
        ],
        exception_handlers={
            DomainError: domain_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.workshop = service
    app.state.templates = make_templates(settings.templates_dir, settings.static_dir)
    app.state.heartbeat = heartbeat
    app.state.retention = retention
    app.state.guesses = FailedGuesses(limit=settings.failed_guesses_per_minute)
    return app
