"""The talk at the tables over HTTP (facilitator only): the round of the tables on the screen,
answering a table that called the facilitator, and the facilitator's say over a table's
notes (off the screen, or emptied). Notes, the spokesperson and the raised hand come from
the phones over their socket (web/sockets.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from workshop.web.api import _owned
from workshop.web.guard import json_body, workshop


async def round_of_tables(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    return JSONResponse(await workshop(request).talking.round(session, body))


async def talk(request: Request) -> JSONResponse:
    """The raised hands, the round and the tables' notes, as the console has them."""
    service = workshop(request)
    session = await _owned(request)
    names = {t.number: t.name for t in await service.store.tables(session.id)}
    current = session.current_activity_id
    live = await service.store.activity(session.id, current) if current is not None else None
    return JSONResponse(await service.talking.console_view(session.id, names, live))


async def lower_hand(request: Request) -> JSONResponse:
    session = await _owned(request)
    await workshop(request).talking.lower_hand(session, request.path_params["table"])
    return JSONResponse({"raised": False})


async def notes_on_screen(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    table = request.path_params["table"]
    return JSONResponse(await workshop(request).talking.show_notes(session, table, body))


async def clear_notes(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    table = request.path_params["table"]
    return JSONResponse(await workshop(request).talking.clear_notes(session, table, body))


routes = [
    Route("/api/sessions/{code}/round", round_of_tables, methods=["POST"]),
    Route("/api/sessions/{code}/talk", talk, methods=["GET"]),
    Route("/api/sessions/{code}/tables/{table:int}/hand", lower_hand, methods=["DELETE"]),
    Route("/api/sessions/{code}/tables/{table:int}/notes/screen", notes_on_screen, methods=["PUT"]),
    Route("/api/sessions/{code}/tables/{table:int}/notes/clear", clear_notes, methods=["POST"]),
]
