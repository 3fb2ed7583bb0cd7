"""The day's plan over HTTP: the library, building and editing a session's agenda, and the
plan file. Thin: each route checks who asks and calls `Workshop.planning` (running the day
is `day_api.py`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workshop.domain import LANGUAGES, Session
from workshop.errors import N_, Invalid
from workshop.i18n import negotiate
from workshop.web.api import _facilitator, _owned
from workshop.web.bodylimit import allow_body
from workshop.web.guard import json_body, workshop

# A plan file may be larger than any other body: the biggest plan the server can export
# (60 segments of long cases) must import again. The two-day template with 2,500
# characters of notes on every case exports to about 70 kB (tests/test_failures.py).
MAX_PLAN_BYTES = 1024 * 1024


def _id(request: Request, name: str) -> int:
    try:
        return int(request.path_params[name])
    except ValueError:
        raise Invalid(N_("That is not an id.")) from None


async def _language(request: Request) -> str:
    """A logged-in facilitator's library language: `?language=`, else their browser's."""
    await _facilitator(request)
    language = request.query_params.get("language") or negotiate(
        request.headers.get("accept-language")
    )
    if language not in LANGUAGES:
        raise Invalid(N_("Language must be one of nb, nn or en."))
    return language


async def library_cases(request: Request) -> JSONResponse:
    language = await _language(request)
    params = request.query_params
    planning = workshop(request).planning
    return JSONResponse(planning.cases(language, params.get("q", ""), params.get("tag", "")))


async def library_case(request: Request) -> JSONResponse:
    language = await _language(request)
    planning = workshop(request).planning
    return JSONResponse(planning.case(request.path_params["case_id"], language))


async def library_agendas(request: Request) -> JSONResponse:
    language = await _language(request)
    return JSONResponse(workshop(request).planning.agendas(language))


async def apply_template(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    made = await workshop(request).planning.apply_template(session, body.get("template"))
    return JSONResponse({"segments": made}, status_code=201)


async def add_segment(request: Request) -> JSONResponse:
    session = await _owned(request)
    made = await workshop(request).planning.add_segment(session, await json_body(request))
    return JSONResponse({"id": made}, status_code=201)


async def change_segment(request: Request) -> Response:
    session = await _owned(request)
    segment_id = _id(request, "segment_id")
    planning = workshop(request).planning
    if request.method == "DELETE":
        await planning.delete_segment(session, segment_id)
        return Response(status_code=204)
    await planning.update_segment(session, segment_id, await json_body(request))
    return JSONResponse({"id": segment_id})


async def add_case(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    planning = workshop(request).planning
    case_id, activities = await planning.add_case(
        session, _id(request, "segment_id"), body.get("case")
    )
    return JSONResponse({"case": case_id, "activities": activities}, status_code=201)


async def change_case(request: Request) -> JSONResponse:
    session = await _owned(request)
    case_id = _id(request, "case_id")
    await workshop(request).planning.update_case(session, case_id, await json_body(request))
    return JSONResponse({"id": case_id})


async def add_activity(request: Request) -> JSONResponse:
    session = await _owned(request)
    made = await workshop(request).planning.add_activity(session, await json_body(request))
    return JSONResponse({"id": made}, status_code=201)


async def change_activity(request: Request) -> Response:
    session = await _owned(request)
    activity_id = _id(request, "activity_id")
    planning = workshop(request).planning
    if request.method == "DELETE":
        await planning.delete_activity(session, activity_id)
        return Response(status_code=204)
    await planning.change_activity(session, activity_id, await json_body(request))
    return JSONResponse({"id": activity_id})


def _file_name(title: str, code: str, keep: Callable[[str], bool]) -> str:
    safe = "".join(c if keep(c) else "-" for c in title.lower())
    safe = "-".join(part for part in safe.split("-") if part)
    return f"plan-{safe[:40] or code.lower()}.json"


def content_disposition(session: Session) -> str:
    """`attachment` with an ASCII `filename` for old clients and the title itself in an
    RFC 5987 `filename*` (headers are Latin-1: Greek or Chinese would not fit)."""
    fallback = _file_name(session.title, session.code, lambda c: c.isascii() and c.isalnum())
    full = _file_name(session.title, session.code, str.isalnum)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(full, safe='')}"


async def plan(request: Request) -> Response:
    session = await _owned(request)
    planning = workshop(request).planning
    if request.method == "GET":
        text = json.dumps(await planning.export(session), ensure_ascii=False, indent=2)
        return Response(
            text,
            media_type="application/json",
            headers={"Content-Disposition": content_disposition(session)},
        )
    allow_body(request, MAX_PLAN_BYTES)
    made = await planning.import_plan(session, await json_body(request))
    return JSONResponse({"segments": made}, status_code=201)


routes = [
    Route("/api/library/cases", library_cases, methods=["GET"]),
    Route("/api/library/cases/{case_id}", library_case, methods=["GET"]),
    Route("/api/library/agendas", library_agendas, methods=["GET"]),
    Route("/api/sessions/{code}/agenda", apply_template, methods=["POST"]),
    Route("/api/sessions/{code}/segments", add_segment, methods=["POST"]),
    Route(
        "/api/sessions/{code}/segments/{segment_id}", change_segment, methods=["PATCH", "DELETE"]
    ),
    Route("/api/sessions/{code}/segments/{segment_id}/cases", add_case, methods=["POST"]),
    Route("/api/sessions/{code}/cases/{case_id}", change_case, methods=["PATCH"]),
    Route("/api/sessions/{code}/activities", add_activity, methods=["POST"]),
    Route(
        "/api/sessions/{code}/activities/{activity_id}",
        change_activity,
        methods=["PATCH", "DELETE"],
    ),
    Route("/api/sessions/{code}/plan", plan, methods=["GET", "POST"]),
]
