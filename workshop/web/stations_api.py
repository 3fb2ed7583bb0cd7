"""Station rotations over HTTP (facilitator only): make one, change it, read it with its
posts by station, start it, move it on. Thin: each route calls `Workshop.stationing`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from workshop.web.api import _owned
from workshop.web.guard import json_body, workshop
from workshop.web.plan_api import _id


async def create(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    made = await workshop(request).stationing.create(session, body)
    return JSONResponse(made, status_code=201)


async def read(request: Request) -> JSONResponse:
    session = await _owned(request)
    activity_id = _id(request, "activity_id")
    return JSONResponse(await workshop(request).stationing.view(session, activity_id))


async def change(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    activity_id = _id(request, "activity_id")
    return JSONResponse(await workshop(request).stationing.change(session, activity_id, body))


async def start(request: Request) -> JSONResponse:
    session = await _owned(request)
    activity_id = _id(request, "activity_id")
    return JSONResponse(await workshop(request).stationing.start(session, activity_id))


async def next_station(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request) if await request.body() else {}
    activity_id = _id(request, "activity_id")
    stationing = workshop(request).stationing
    return JSONResponse(await stationing.next(session, activity_id, body.get("round")))


routes = [
    Route("/api/sessions/{code}/stations", create, methods=["POST"]),
    Route("/api/sessions/{code}/stations/{activity_id:int}", read, methods=["GET"]),
    Route("/api/sessions/{code}/stations/{activity_id:int}", change, methods=["PATCH"]),
    Route("/api/sessions/{code}/stations/{activity_id:int}/start", start, methods=["POST"]),
    Route("/api/sessions/{code}/stations/{activity_id:int}/next", next_station, methods=["POST"]),
]
