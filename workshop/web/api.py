"""The JSON API under /api/. Errors are {"error": message} with a fitting status."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workshop.domain import Facilitator, Session, is_row_id
from workshop.errors import N_, DomainError, NotFound
from workshop.over_time import clean_place
from workshop.services import console_url, join_url, screen_url
from workshop.web.guard import (
    base_url,
    current_facilitator,
    find_session_guarded,
    json_body,
    remember_code,
    workshop,
)
from workshop.web.language import chosen


class NotLoggedIn(DomainError):
    status = 401


async def _facilitator(request: Request) -> Facilitator:
    facilitator = await current_facilitator(request)
    if facilitator is None:
        raise NotLoggedIn(N_("Log in as a facilitator first."))
    return facilitator


async def _owned(request: Request) -> Session:
    facilitator = await _facilitator(request)
    return await workshop(request).owned_session(facilitator, request.path_params["code"])


async def list_sessions(request: Request) -> JSONResponse:
    facilitator = await _facilitator(request)
    rows = await workshop(request).store.session_overviews(facilitator.id)
    return JSONResponse(
        {
            "sessions": [
                {
                    "code": row.session.code,
                    "title": row.session.title,
                    "language": row.session.language,
                    "created_at": row.session.created_at,
                    "date": row.date,
                    "state": row.state,
                    "organisation": row.session.organisation,
                    "region": row.session.region,
                    "participants": row.participants,
                    "responses": row.responses,
                    "console_url": console_url(row.session),
                    # False: the account co-facilitates it (cofacilitating.py)
                    "owner": row.session.facilitator_id == facilitator.id,
                }
                for row in rows
            ]
        }
    )


async def create_session(request: Request) -> JSONResponse:
    facilitator = await _facilitator(request)
    body = await json_body(request)
    place = over_time_places(body)  # checked before anything is made
    session = await workshop(request).create_session(facilitator, body, base_url(request))
    if any(place.values()):
        session = await workshop(request).store.set_session_place(session.id, **place)
    remember_code(request, session.code)
    return JSONResponse(
        {
            "code": session.code,
            "organisation": session.organisation,
            "region": session.region,
            "join_url": join_url(session),
            "screen_url": screen_url(session),
            "console_url": console_url(session),
        },
        status_code=201,
    )


def over_time_places(body: dict[str, Any]) -> dict[str, str]:
    """The new session's organisation and region (workshop/over_time.py), checked."""
    found = {}
    for key, what in (("organisation", N_("The organisation")), ("region", N_("The region"))):
        if key in body:
            found[key] = clean_place(body[key], what)
    return found


async def session_detail(request: Request) -> JSONResponse:
    session = await _owned(request)
    return JSONResponse(await workshop(request).console_state(session.id))


async def move_activity(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    activity_id = request.path_params["activity_id"]
    if not is_row_id(activity_id):
        raise NotFound(N_("This session has no such activity."))
    state = await workshop(request).move_activity(session, activity_id, body.get("state"))
    return JSONResponse({"id": activity_id, "state": state.value})


async def set_current(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    session = await workshop(request).set_current(session, body.get("activity"))
    return JSONResponse({"current": session.current_activity_id})


async def set_screen_view(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    session = await workshop(request).set_screen_view(session, body.get("view"))
    return JSONResponse({"view": session.screen_view})


async def hide_post(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    post_id = request.path_params["post_id"]
    await workshop(request).set_post_hidden(session, post_id, body.get("hidden"))
    return JSONResponse({"id": post_id, "hidden": body["hidden"]})


async def renew_screen_key(request: Request) -> JSONResponse:
    session = await workshop(request).renew_screen_key(await _owned(request))
    return JSONResponse({"screen_url": screen_url(session)})


async def results(request: Request) -> JSONResponse:
    session = await _owned(request)
    return JSONResponse(await workshop(request).results(session))


async def tables(request: Request) -> JSONResponse:
    session = await find_session_guarded(request, request.path_params["code"])
    service = workshop(request)
    questions = await service.seating.questions(session)  # asked before seating
    listed = await service.tables(session, chosen(request))  # names in the phone's words
    return JSONResponse({"tables": listed, "questions": questions})


async def join(request: Request) -> JSONResponse:
    session = await find_session_guarded(request, request.path_params["code"])
    body = await json_body(request)
    service = workshop(request)
    participant, token = await service.join(
        session, body.get("name"), body.get("table"), body.get("answers"), body.get("remote")
    )
    return JSONResponse(
        {
            "participant_id": participant.id,
            "token": token,
            "table": participant.table,
            "welcome": await service.welcome(session, participant, chosen(request)),
        },
        status_code=201,
    )


async def not_found(request: Request) -> Response:
    raise NotFound(N_("There is no such API route."))


routes = [
    Route("/api/sessions", list_sessions, methods=["GET"]),
    Route("/api/sessions", create_session, methods=["POST"]),
    Route("/api/sessions/{code}", session_detail, methods=["GET"]),
    Route(
        "/api/sessions/{code}/activities/{activity_id:int}/state", move_activity, methods=["POST"]
    ),
    Route("/api/sessions/{code}/current", set_current, methods=["POST"]),
    Route("/api/sessions/{code}/screen-view", set_screen_view, methods=["POST"]),
    Route("/api/sessions/{code}/posts/{post_id}/hidden", hide_post, methods=["POST"]),
    Route("/api/sessions/{code}/screen-key", renew_screen_key, methods=["POST"]),
    Route("/api/sessions/{code}/results", results, methods=["GET"]),
    Route("/api/sessions/{code}/tables", tables, methods=["GET"]),
    Route("/api/sessions/{code}/join", join, methods=["POST"]),
    Route("/api/{rest:path}", not_found, methods=["GET", "POST"]),
]
