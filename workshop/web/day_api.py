"""Running the day over HTTP (facilitator only): next step, timer, the day's clock, what
the screen shows beside the run of show, "why" texts on the screen, table changes, and
closing the session. Thin: each route checks who asks and calls `Workshop.running`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workshop.web.api import _owned
from workshop.web.guard import json_body, workshop
from workshop.web.plan_api import _id


async def next_step(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request) if await request.body() else {}
    return JSONResponse(await workshop(request).running.next(session, body.get("from")))


async def timer(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    return JSONResponse({"timer": await workshop(request).running.set_timer(session, body)})


async def start_day(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request) if await request.body() else {}
    return JSONResponse(await workshop(request).running.start_day(session, body))


async def day_start(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    running = workshop(request).running
    return JSONResponse(
        await running.set_day_start(session, _id(request, "day"), body.get("start"))
    )


async def screen(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    return JSONResponse(await workshop(request).running.set_screen(session, body))


async def add_quote(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    activity_id = _id(request, "activity_id")
    added = await workshop(request).running.quote(session, activity_id, body.get("why"))
    return JSONResponse({"quoted": True}, status_code=201 if added else 200)


async def remove_quote(request: Request) -> Response:
    session = await _owned(request)
    activity_id = _id(request, "activity_id")
    await workshop(request).running.unquote(session, activity_id, request.path_params["why"])
    return JSONResponse({"quoted": False})


async def table_changes(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    allowed = await workshop(request).running.set_table_changes(session, body.get("allowed"))
    return JSONResponse({"allowed": allowed})


async def close(request: Request) -> JSONResponse:
    session = await workshop(request).running.set_closed(await _owned(request), True)
    return JSONResponse({"closed": session.closed})


async def reopen(request: Request) -> JSONResponse:
    session = await workshop(request).running.set_closed(await _owned(request), False)
    return JSONResponse({"closed": session.closed})


routes = [
    Route("/api/sessions/{code}/next", next_step, methods=["POST"]),
    Route("/api/sessions/{code}/timer", timer, methods=["POST"]),
    Route("/api/sessions/{code}/plan/start", start_day, methods=["POST"]),
    Route("/api/sessions/{code}/plan/days/{day}", day_start, methods=["PATCH"]),
    Route("/api/sessions/{code}/screen", screen, methods=["POST"]),
    Route("/api/sessions/{code}/activities/{activity_id}/quotes", add_quote, methods=["POST"]),
    Route(
        "/api/sessions/{code}/activities/{activity_id}/quotes/{why}",
        remove_quote,
        methods=["DELETE"],
    ),
    Route("/api/sessions/{code}/table-changes", table_changes, methods=["POST"]),
    Route("/api/sessions/{code}/close", close, methods=["POST"]),
    Route("/api/sessions/{code}/reopen", reopen, methods=["POST"]),
]
