"""The pages a participant opens: entering a code, the join page (from the room or from
home), the QR codes, and their own view of the screen. Participants have no login: the
session's code (and, for the screen view, the seat's token in the phone's storage) is all."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from workshop.errors import DomainError
from workshop.hybrid import DIGITAL, ROOM
from workshop.hybrid_plan import HOME, home_url
from workshop.i18n import gettext_for
from workshop.qr import qr_svg
from workshop.services import join_url
from workshop.web.guard import find_session_guarded, workshop
from workshop.web.language import choices, page_language
from workshop.web.pages import error_page, render, session_context


async def screen_viewer_page(request: Request) -> Response:
    """A participant's own view of the screen (`/j/{code}/screen`): the screen's page, but
    its script connects with the seat's token from the phone's storage (no state in the
    page: it is only for those seated)."""
    try:
        session = await find_session_guarded(request, request.path_params["code"])
    except DomainError as error:
        return error_page(request, error)
    return render(
        request,
        "screen.html",
        page_language(request, session),
        session=session_context(session),
        join_url=join_url(session),
        key=None,
        viewer=True,
        initial=None,
    )


async def enter_code_page(request: Request) -> Response:
    code = request.query_params.get("code", "")
    lang = page_language(request)
    if not code:
        return render(request, "enter_code.html", lang, error=None, code="")
    try:
        session = await find_session_guarded(request, code)
    except DomainError as error:
        message = gettext_for(lang, error.message, **error.params)
        return render(request, "enter_code.html", lang, error.status, error=message, code=code)
    return RedirectResponse(f"/j/{session.code}", status_code=303)


async def join_page(request: Request) -> Response:
    try:
        session = await find_session_guarded(request, request.path_params["code"])
    except DomainError as error:
        return error_page(request, error)
    if session.code != request.path_params["code"]:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/j/{session.code}{query}", status_code=303)
    table = request.query_params.get("table", "")
    # ?from=home: joining from home, at a digital table (hybrid.py)
    remote = request.query_params.get("from") == HOME
    service = workshop(request)
    lang = page_language(request, session)  # the phone's own choice, else the session's
    tables = await service.tables(session, lang)
    if not any(t["kind"] == ROOM for t in tables):
        remote = True  # an all-digital session: everybody joins from where they are
    kind = DIGITAL if remote else ROOM
    return render(
        request,
        "join.html",
        lang,
        languages=choices(request, lang),  # one tap to another language (web/language.py)
        session=session_context(session),
        tables=[t for t in tables if t["kind"] == kind],
        table=int(table) if table.isdigit() else None,
        remote=remote,
        questions=await service.seating.questions(session),  # join questions (seating)
    )


async def qr_code(request: Request) -> Response:
    try:
        session = await find_session_guarded(request, request.path_params["code"])
    except DomainError as error:
        return PlainTextResponse(error.message, status_code=error.status)
    table = request.query_params.get("table", "")
    url = join_url(session, int(table) if table.isdigit() else None)
    if request.query_params.get("from") == HOME:  # the join-from-home link (hybrid.py)
        url = home_url(join_url(session))
    svg = qr_svg(url)
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=300"}
    )


routes = [
    Route("/j", enter_code_page),
    Route("/j/{code}", join_page),
    Route("/j/{code}/screen", screen_viewer_page),
    Route("/qr/{code}.svg", qr_code),
]
