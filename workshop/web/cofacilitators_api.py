"""Co-facilitators over HTTP (workshop/cofacilitating.py): the owner adds an account by its
username, changes which tables it watches, or takes it off; the owner and co-facilitators
see who runs the session. Everyone else gets the session's usual 404."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workshop.cofacilitating import OWNER_ONLY_FACILITATORS
from workshop.web.api import _facilitator, _owned
from workshop.web.guard import json_body, workshop


async def add(request: Request) -> JSONResponse:
    facilitator = await _facilitator(request)
    session = await workshop(request).session_of_owner(
        facilitator, request.path_params["code"], OWNER_ONLY_FACILITATORS
    )
    body = await json_body(request)
    entry, new = await workshop(request).cofacilitators.add(session, facilitator, body)
    return JSONResponse(entry, status_code=201 if new else 200)


async def listing(request: Request) -> JSONResponse:
    session = await _owned(request)
    return JSONResponse(await workshop(request).cofacilitators.listing(session))


async def remove(request: Request) -> Response:
    facilitator = await _facilitator(request)
    session = await workshop(request).session_of_owner(
        facilitator, request.path_params["code"], OWNER_ONLY_FACILITATORS
    )
    username = request.path_params["username"]
    await workshop(request).cofacilitators.remove(session, facilitator, username)
    return Response(status_code=204)


routes = [
    Route("/api/sessions/{code}/facilitators", add, methods=["POST"]),
    Route("/api/sessions/{code}/facilitators", listing, methods=["GET"]),
    Route("/api/sessions/{code}/facilitators/{username}", remove, methods=["DELETE"]),
]
