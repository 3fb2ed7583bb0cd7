"""A session as files over HTTP: its answers as CSV, the whole session as JSON, and a new
session from such a file. Thin: each route checks who asks and calls `Workshop.transfer`."""

from __future__ import annotations

import json
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workshop.domain import Session
from workshop.i18n import gettext_for, negotiate
from workshop.services import console_url, join_url, screen_url
from workshop.session_read import FileProblem
from workshop.web.api import _facilitator, _owned
from workshop.web.bodylimit import allow_body
from workshop.web.guard import base_url, json_body, remember_code, workshop

# The whole of a large day: 150 participants, 30 activities with every vote sent, 1,000
# posts of up to 1,000 characters and the evaluation come to a few MB.
MAX_SESSION_BYTES = 32 * 1024 * 1024


def _file_name(session: Session, suffix: str, ascii_only: bool) -> str:
    def kept(c: str) -> bool:
        return c.isalnum() and (c.isascii() or not ascii_only)

    safe = "".join(c if kept(c) else "-" for c in session.title.lower())
    safe = "-".join(part for part in safe.split("-") if part)
    return f"session-{safe[:40] or session.code.lower()}.{suffix}"


def content_disposition(session: Session, suffix: str) -> str:
    """`attachment` with an ASCII `filename` and the title itself in an RFC 5987
    `filename*`, as `plan_api.content_disposition` does for the plan file."""
    fallback = _file_name(session, suffix, ascii_only=True)
    full = _file_name(session, suffix, ascii_only=False)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(full, safe='')}"


async def export_csv(request: Request) -> Response:
    session = await _owned(request)
    names = request.query_params.get("names") == "1"
    body = await workshop(request).transfer.export_csv(session, names)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(session, "csv")},
    )


async def export_json(request: Request) -> Response:
    session = await _owned(request)
    data = await workshop(request).transfer.export_json(session)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=1),
        media_type="application/json",
        headers={"Content-Disposition": content_disposition(session, "json")},
    )


async def import_session(request: Request) -> JSONResponse:
    facilitator = await _facilitator(request)
    allow_body(request, MAX_SESSION_BYTES)
    body = await json_body(request)
    try:
        session = await workshop(request).transfer.import_session(
            facilitator, body, base_url(request)
        )
    except FileProblem as problem:  # the problem, and where in the file it is
        lang = negotiate(request.headers.get("accept-language"))
        said = gettext_for(lang, problem.problem.message, **problem.problem.params)
        text = gettext_for(lang, FileProblem.AT, where=problem.where, problem=said)
        return JSONResponse({"error": text}, status_code=problem.status)
    remember_code(request, session.code)
    return JSONResponse(
        {
            "code": session.code,
            "join_url": join_url(session),
            "screen_url": screen_url(session),
            "console_url": console_url(session),
        },
        status_code=201,
    )


routes = [
    Route("/api/sessions/import", import_session, methods=["POST"]),
    Route("/api/sessions/{code}/export.csv", export_csv, methods=["GET"]),
    Route("/api/sessions/{code}/export.json", export_json, methods=["GET"]),
]
