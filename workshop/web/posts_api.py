"""Paging a wall (facilitator only): the older posts or whys a console snapshot leaves out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from workshop.errors import N_, Invalid
from workshop.web.api import _owned
from workshop.web.guard import workshop

DEFAULT_LIMIT = 50


def _number(text: str | None, default: int) -> int:
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise Invalid(N_("offset and limit must be whole numbers."))
    return int(text)


async def posts_page(request: Request) -> JSONResponse:
    session = await _owned(request)
    params = request.query_params
    offset = _number(params.get("offset"), 0)
    limit = _number(params.get("limit"), DEFAULT_LIMIT)
    page = await workshop(request).posts_page(
        session, request.path_params["activity_id"], offset, limit
    )
    return JSONResponse(page)


routes = [
    Route("/api/sessions/{code}/activities/{activity_id:int}/posts", posts_page, methods=["GET"]),
]
