"""Guarding the room (facilitator only): lock joining, list and remove participants."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workshop.domain import Session
from workshop.web.api import _owned
from workshop.web.guard import json_body, workshop


async def set_joining(request: Request) -> JSONResponse:
    session: Session = await _owned(request)
    body = await json_body(request)
    session = await workshop(request).set_joining(session, body.get("open"))
    return JSONResponse({"open": not session.joining_locked})


async def participants(request: Request) -> JSONResponse:
    session = await _owned(request)
    params = request.query_params
    people, total = await workshop(request).participants(
        session, params.get("offset"), params.get("limit")
    )
    names = {t["number"]: t["name"] for t in await workshop(request).tables(session)}
    return JSONResponse(
        {
            "participants": [
                {
                    "id": p.id,
                    "number": p.number,
                    "name": p.name,
                    "table": p.table,
                    "table_name": names.get(p.table, ""),
                    "joined_at": p.joined_at,
                }
                for p in people
            ],
            "total": total,
        }
    )


async def remove_participant(request: Request) -> Response:
    session = await _owned(request)
    raw = request.path_params["participant_id"]
    participant_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
    await workshop(request).remove_participant(session, participant_id)
    return Response(status_code=204)


routes = [
    Route("/api/sessions/{code}/joining", set_joining, methods=["POST"]),
    Route("/api/sessions/{code}/participants", participants, methods=["GET"]),
    Route(
        "/api/sessions/{code}/participants/{participant_id}", remove_participant, methods=["DELETE"]
    ),
]
