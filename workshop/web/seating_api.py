"""Seating (docs/seating.md): join questions, reseating the room, moving one person.
Facilitator only; the join page reads the questions from GET /api/sessions/{code}/tables."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from workshop.web.api import _owned
from workshop.web.guard import json_body, workshop


async def add_question(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    question = await workshop(request).seating.add_question(session, body)
    return JSONResponse({"id": question.id}, status_code=201)


async def list_questions(request: Request) -> JSONResponse:
    session = await _owned(request)
    questions = await workshop(request).seating.questions(session, counts=True)
    return JSONResponse({"questions": questions})


async def delete_question(request: Request) -> JSONResponse:
    session = await _owned(request)
    question_id = request.path_params["question_id"]
    await workshop(request).seating.delete_question(session, question_id)
    return JSONResponse({"id": question_id})


async def reseat(request: Request) -> JSONResponse:
    session = await _owned(request)
    # A body is optional: {"mix": true} seats room and home together.
    body = await json_body(request) if request.headers.get("content-type") else {}
    seating = await workshop(request).seating.reseat(session, body.get("mix", False))
    return JSONResponse({"tables": {str(t): ids for t, ids in seating.items()}})


async def move(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    moved = await workshop(request).seating.move(
        session, request.path_params["participant_id"], body.get("table")
    )
    return JSONResponse({"id": moved.id, "table": moved.table})


async def seating(request: Request) -> JSONResponse:
    session = await _owned(request)
    return JSONResponse({"tables": await workshop(request).seating.screen_view(session.id)})


routes = [
    Route("/api/sessions/{code}/join-questions", add_question, methods=["POST"]),
    Route("/api/sessions/{code}/join-questions", list_questions, methods=["GET"]),
    Route(
        "/api/sessions/{code}/join-questions/{question_id:int}",
        delete_question,
        methods=["DELETE"],
    ),
    Route("/api/sessions/{code}/reseat", reseat, methods=["POST"]),
    Route("/api/sessions/{code}/seating", seating, methods=["GET"]),
    Route("/api/sessions/{code}/participants/{participant_id:int}/table", move, methods=["POST"]),
]
