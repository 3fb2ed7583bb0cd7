"""HTML pages: one template per role. Forms for login, setup and new sessions work without
JavaScript; the live pages are drawn by small ES modules from the JSON they are handed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from workshop.domain import Facilitator, Session
from workshop.errors import N_, DomainError, Invalid, NotFound
from workshop.hybrid import ROOM
from workshop.i18n import gettext_for
from workshop.services import console_url, join_url, screen_url
from workshop.web.api import NotLoggedIn, over_time_places
from workshop.web.guard import (
    base_url,
    client_address,
    current_facilitator,
    find_session_guarded,
    remember_code,
    workshop,
)
from workshop.web.language import asked, page_language, remember
from workshop.web.logins import log_in, log_out, login_token


def render(
    request: Request, name: str, lang: str, status_code: int = 200, **context: Any
) -> Response:
    templates = request.app.state.templates
    response = templates.TemplateResponse(
        request,
        name,
        {"lang": lang, **context},
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )
    remember(request, response)  # a language chosen with ?lang= sticks on this device
    return response


def error_page(request: Request, error: DomainError, lang: str | None = None) -> Response:
    lang = lang or page_language(request)
    message = gettext_for(lang, error.message, **error.params)
    return render(request, "error.html", lang, error.status, status=error.status, message=message)


async def _require_facilitator(request: Request) -> Facilitator | Response:
    facilitator = await current_facilitator(request)
    if facilitator is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return facilitator


async def home(request: Request, password_error: DomainError | None = None) -> Response:
    """The dashboard; with the password form's error when that form was sent wrong."""
    facilitator = await _require_facilitator(request)
    if isinstance(facilitator, Response):
        return facilitator
    service = workshop(request)
    sessions = [
        {
            "code": row.session.code,
            "title": row.session.title,
            "created_at": _iso(row.session.created_at),
            "date": _iso(row.date),
            "state": row.state,
            "organisation": row.session.organisation,
            "region": row.session.region,
            "console_url": console_url(row.session),
            "participants": row.participants,
            "responses": row.responses,
            "owner": row.session.facilitator_id == facilitator.id,  # else co-facilitating
        }
        for row in await service.store.session_overviews(facilitator.id)
    ]
    lang = page_language(request)
    error = password_error
    return render(
        request,
        "dashboard.html",
        lang,
        error.status if error else 200,
        facilitator={"username": facilitator.username, "role": facilitator.role},
        sessions=sessions,
        deleted=request.query_params.get("deleted") == "1",
        password_error=gettext_for(lang, error.message, **error.params) if error else None,
        password_changed=request.query_params.get("password") == "changed",
    )


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="minutes")


def _safe_next(value: str | None) -> str:
    """Only paths on this site: never redirect a login to somewhere else."""
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


async def login_page(request: Request) -> Response:
    return render(
        request,
        "login.html",
        page_language(request),
        error=None,
        username="",
        next=_safe_next(request.query_params.get("next")),
    )


async def login_form(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    next_url = _safe_next(str(form.get("next", "")))
    lang = page_language(request)
    try:
        facilitator = await workshop(request).accounts.login(
            username, password, client_address(request)
        )
        if facilitator is None:
            raise NotLoggedIn(N_("Wrong user name or password."))
    except DomainError as error:
        message = gettext_for(lang, error.message, **error.params)
        headers = getattr(error, "headers", None) or {}
        context = {"username": username, "next": next_url, "error": message}
        page = render(request, "login.html", lang, error.status, **context)
        page.headers.update(headers)
        return page
    await log_in(request, facilitator)
    return RedirectResponse(next_url, status_code=303)


async def logout_form(request: Request) -> Response:
    await log_out(request)
    return RedirectResponse("/login", status_code=303)


async def logout_everywhere_form(request: Request) -> Response:
    facilitator = await _require_facilitator(request)
    if isinstance(facilitator, Response):
        return facilitator
    await workshop(request).accounts.end_other_logins(facilitator, None)
    await log_out(request)
    return RedirectResponse("/login", status_code=303)


async def password_form(request: Request) -> Response:
    facilitator = await _require_facilitator(request)
    if isinstance(facilitator, Response):
        return facilitator
    form = await request.form()
    try:
        if str(form.get("new", "")) != str(form.get("new2", "")):
            raise Invalid(N_("The two passwords are not the same."))
        await workshop(request).accounts.change_password(
            facilitator,
            str(form.get("current", "")),
            str(form.get("new", "")),
            login_token(request) or "",
            client_address(request),
        )
    except DomainError as error:
        return await home(request, error)
    return RedirectResponse("/?password=changed", status_code=303)


async def setup_page(request: Request) -> Response:
    token = request.path_params["token"]
    if await workshop(request).accounts.setup_token() != token:
        return error_page(request, NotFound(N_("This setup link has been used or is not valid.")))
    return render(request, "setup.html", page_language(request), token=token, error=None)


async def setup_form(request: Request) -> Response:
    token = request.path_params["token"]
    form = await request.form()
    lang = page_language(request)
    password = str(form.get("password", ""))
    try:
        if password != str(form.get("password2", "")):
            raise Invalid(N_("The two passwords are not the same."))
        facilitator = await workshop(request).accounts.claim_setup(
            token, str(form.get("username", "")), password
        )
    except NotFound as error:
        return error_page(request, error, lang)
    except DomainError as error:
        message = gettext_for(lang, error.message, **error.params)
        return render(request, "setup.html", lang, error.status, token=token, error=message)
    await log_in(request, facilitator)
    return RedirectResponse("/", status_code=303)


async def new_session_form(request: Request) -> Response:
    facilitator = await _require_facilitator(request)
    if isinstance(facilitator, Response):
        return facilitator
    form = await request.form()
    tables: object = str(form.get("tables", "")).strip() or None
    if isinstance(tables, str):
        tables = int(tables) if tables.isdigit() else tables
    # Digital tables, for people joining from home (hybrid.py); empty or 0: none.
    digital: object = str(form.get("digital_tables", "")).strip() or None
    if isinstance(digital, str) and digital.isascii() and digital.isdigit():
        digital = int(digital)
    cap: object = str(form.get("max_participants", "")).strip() or None
    if isinstance(cap, str) and cap.isascii() and cap.isdigit():
        cap = int(cap)
    body = {
        "title": form.get("title"),
        "tables": tables,
        "digital_tables": digital,
        "language": form.get("language") or None,
        "max_participants": cap,
        "organisation": str(form.get("organisation", "")),
        "region": str(form.get("region", "")),
    }
    try:
        place = over_time_places(body)
        session = await workshop(request).create_session(facilitator, body, base_url(request))
        if any(place.values()):
            session = await workshop(request).store.set_session_place(session.id, **place)
    except DomainError as error:
        return error_page(request, error)
    remember_code(request, session.code)
    return RedirectResponse(f"/console/{session.code}", status_code=303)


async def _owned_page(request: Request) -> Session | Response:
    facilitator = await _require_facilitator(request)
    if isinstance(facilitator, Response):
        return facilitator
    try:
        return await workshop(request).owned_session(facilitator, request.path_params["code"])
    except DomainError as error:
        return error_page(request, error)


async def console_page(request: Request) -> Response:
    session = await _owned_page(request)
    if isinstance(session, Response):
        return session
    initial = await workshop(request).console_state(session.id)
    # Which of the session's facilitators this console is: in the page, since every console
    # of the session shares one snapshot (cofacilitating.py).
    facilitator = await current_facilitator(request)
    you = await workshop(request).cofacilitators.you(session, facilitator) if facilitator else {}
    return render(
        request,
        "console.html",
        page_language(request, session),
        session=session_context(session),
        join_url=join_url(session),
        screen_url=screen_url(session),
        cards_url=f"/console/{session.code}/cards",
        initial=initial,
        you=you,
    )


async def cards_page(request: Request) -> Response:
    session = await _owned_page(request)
    if isinstance(session, Response):
        return session
    tables = await workshop(request).store.tables(session.id)
    cards = [
        {
            "number": t.number,
            "name": t.name,
            "join_url": join_url(session, t.number),
            "qr_url": f"/qr/{session.code}.svg?table={t.number}",
        }
        for t in tables
        if t.kind == ROOM  # a digital table has no card to put on it
    ]
    return render(
        request,
        "cards.html",
        page_language(request, session),
        session=session_context(session),
        cards=cards,
    )


async def screen_page(request: Request) -> Response:
    try:
        session = await find_session_guarded(request, request.path_params["code"])
    except DomainError as error:
        return error_page(request, error)
    key = request.query_params.get("key", "")
    if key != session.screen_key:
        error = NotFound(
            N_("This screen link is no longer valid. Open the new link from the console.")
        )
        return error_page(request, error, session.language)
    return render(
        request,
        "screen.html",
        asked(request) or session.language,  # the room's screen follows its session
        session=session_context(session),
        join_url=join_url(session),
        key=key,
        initial=await workshop(request).screen_state(session.id),
    )


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def session_context(session: Session) -> dict[str, Any]:
    return {"code": session.code, "title": session.title, "language": session.language}


routes = [
    Route("/", home),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_form, methods=["POST"]),
    Route("/logout", logout_form, methods=["POST"]),
    Route("/logout-everywhere", logout_everywhere_form, methods=["POST"]),
    Route("/password", password_form, methods=["POST"]),
    Route("/setup/{token}", setup_page, methods=["GET"]),
    Route("/setup/{token}", setup_form, methods=["POST"]),
    Route("/sessions", new_session_form, methods=["POST"]),
    Route("/console/{code}", console_page),
    Route("/console/{code}/cards", cards_page),
    Route("/screen/{code}", screen_page),
    Route("/healthz", healthz),
]
