"""Facilitator logins over the JSON API: log in and out, log out everywhere, change the
password. The cookie and the stored logins are in `logins.py`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from workshop.domain import Facilitator
from workshop.errors import N_
from workshop.web.api import NotLoggedIn
from workshop.web.guard import client_address, current_facilitator, json_body, workshop
from workshop.web.logins import log_in, log_out, login_token

WRONG_LOGIN = N_("Wrong user name or password.")


async def _facilitator(request: Request) -> Facilitator:
    facilitator = await current_facilitator(request)
    if facilitator is None:
        raise NotLoggedIn(N_("Log in as a facilitator first."))
    return facilitator


async def login(request: Request) -> Response:
    body = await json_body(request)
    service = workshop(request)
    found = await service.accounts.login(
        body.get("username"), body.get("password"), client_address(request)
    )
    if found is None:
        raise NotLoggedIn(WRONG_LOGIN)
    await log_in(request, found)
    return Response(status_code=204)


async def logout(request: Request) -> Response:
    await log_out(request)
    return Response(status_code=204)


async def logout_everywhere(request: Request) -> Response:
    facilitator = await _facilitator(request)
    await workshop(request).accounts.end_other_logins(facilitator, None)
    await log_out(request)
    return Response(status_code=204)


async def change_password(request: Request) -> Response:
    facilitator = await _facilitator(request)
    body = await json_body(request)
    await workshop(request).accounts.change_password(
        facilitator,
        body.get("current"),
        body.get("new"),
        login_token(request) or "",
        client_address(request),
    )
    return Response(status_code=204)


routes = [
    Route("/api/login", login, methods=["POST"]),
    Route("/api/logout", logout, methods=["POST"]),
    Route("/api/logout-everywhere", logout_everywhere, methods=["POST"]),
    Route("/api/password", change_password, methods=["POST"]),
]
