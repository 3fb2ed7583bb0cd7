"""Table answers over HTTP: the facilitator asks a vote again after table talk. Proposing
and confirming a table's answer go over the participant's socket (web/sockets.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from workshop.web.api import _owned
from workshop.web.guard import workshop


async def again(request: Request) -> JSONResponse:
    session = await _owned(request)
    activity_id = request.path_params["activity_id"]
    made = await workshop(request).answering.again(session, activity_id)
    return JSONResponse(made, status_code=201)


routes = [
    Route("/api/sessions/{code}/activities/{activity_id:int}/again", again, methods=["POST"]),
]
