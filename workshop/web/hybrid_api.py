"""Hybrid days (docs/hybrid.md): adding a table of either kind, and the video-meeting links.
Facilitator only; `GET /api/sessions/{code}/tables` (api.py) lists tables with their kind."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from workshop.web.api import _owned
from workshop.web.guard import json_body, workshop


async def add_table(request: Request) -> JSONResponse:
    session = await _owned(request)
    table = await workshop(request).hybrid.add_table(session, await json_body(request))
    return JSONResponse(
        {"number": table.number, "name": table.name, "kind": table.kind}, status_code=201
    )


async def meetings(request: Request) -> JSONResponse:
    session = await _owned(request)
    return JSONResponse(
        await workshop(request).hybrid.set_meetings(session, await json_body(request))
    )


routes = [
    Route("/api/sessions/{code}/tables", add_table, methods=["POST"]),
    Route("/api/sessions/{code}/meetings", meetings, methods=["POST"]),
]
