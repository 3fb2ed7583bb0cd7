"""Sessions over time: deleting a session, whom it was for, the coordinator's figures (JSON,
CSV and a page), the accounts page, and the retention task that deletes old texts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from workshop import over_time
from workshop.cofacilitating import OWNER_ONLY_DELETE
from workshop.domain import Facilitator, Session
from workshop.errors import N_, DomainError, Invalid, NotFound
from workshop.hub import CHANNELS
from workshop.i18n import gettext_for
from workshop.services import Workshop
from workshop.store import Store
from workshop.web.api import NotLoggedIn, over_time_places
from workshop.web.guard import current_facilitator, json_body, workshop
from workshop.web.pages import _require_facilitator, error_page, page_language, render

log = logging.getLogger("workshop")
DAY = 86_400.0


async def _facilitator(request: Request) -> Facilitator:
    facilitator = await current_facilitator(request)
    if facilitator is None:
        raise NotLoggedIn(N_("Log in as a facilitator first."))
    return facilitator


async def _owned(request: Request) -> Session:
    facilitator = await _facilitator(request)
    return await workshop(request).owned_session(facilitator, request.path_params["code"])


# --- one session ----------------------------------------------------------------------


async def delete_session(service: Workshop, session: Session) -> None:
    """Every row of it goes in one transaction; then its screens, consoles and phones are
    told and closed."""
    activities = await service.store.activities(session.id)
    await service.store.delete_session(session.id)
    # SQLite gives the highest ids again once their rows are gone: no cached definition of
    # a deleted activity may answer for a new one with the same ids.
    for activity in activities:
        service._forget_activity(session.id, activity.id)
    reason = gettext_for(session.language, N_("This session has been deleted."))
    for channel in CHANNELS:
        await service.broadcast.disconnect(session.id, channel, reason)


async def delete_session_api(request: Request) -> Response:
    facilitator = await _facilitator(request)
    session = await workshop(request).session_of_owner(
        facilitator, request.path_params["code"], OWNER_ONLY_DELETE
    )
    await delete_session(workshop(request), session)
    return Response(status_code=204)


async def delete_session_form(request: Request) -> Response:
    facilitator = await _require_facilitator(request)
    if isinstance(facilitator, Response):
        return facilitator
    try:
        session = await workshop(request).session_of_owner(
            facilitator, request.path_params["code"], OWNER_ONLY_DELETE
        )
    except DomainError as error:
        return error_page(request, error)
    await delete_session(workshop(request), session)
    return RedirectResponse("/?deleted=1", status_code=303)


async def patch_session(request: Request) -> JSONResponse:
    session = await _owned(request)
    body = await json_body(request)
    changes = over_time_places(body)
    if not changes:
        raise Invalid(N_("Send organisation or region to change."))
    session = await workshop(request).store.set_session_place(session.id, **changes)
    return JSONResponse(
        {"code": session.code, "organisation": session.organisation, "region": session.region}
    )


# --- the coordinator's figures ----------------------------------------------------------


async def _figures(request: Request, asker: Facilitator) -> dict[str, Any]:
    store = workshop(request).store
    query = dict(request.query_params)
    wanted = (query.get("facilitator") or "").strip()
    facilitator_id = None
    if wanted and over_time.sees_every_session(asker):
        found = await store.facilitator_by_name(wanted)
        facilitator_id = found.id if found else 0  # nobody: no sessions
    where = over_time.evaluation_filter(query, asker, facilitator_id)
    result = over_time.figures(await store.evaluation_counts(where))
    shown = {k: query.get(k) or None for k in ("from", "to", "region")}
    if over_time.sees_every_session(asker):
        shown["facilitator"] = wanted or None
    else:
        shown["facilitator"] = asker.username
    return {"filters": shown, **result}


async def evaluations_api(request: Request) -> JSONResponse:
    asker = await _facilitator(request)
    return JSONResponse(await _figures(request, asker))


async def evaluations_csv(request: Request) -> Response:
    asker = await _facilitator(request)
    result = await _figures(request, asker)
    lang = page_language(request)
    text = over_time.figures_csv(result, gettext_for(lang, N_("All")))
    return Response(
        ("\ufeff" + text).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="evaluations.csv"',
            "Cache-Control": "no-store",
        },
    )


CHART_WIDTH = 240


async def coordinator_page(request: Request) -> Response:
    asker = await _require_facilitator(request)
    if isinstance(asker, Response):
        return asker
    lang = page_language(request)
    try:
        result = await _figures(request, asker)
    except DomainError as error:
        return error_page(request, error, lang)
    months = result["months"]
    most = max((m["responses"] for m in months), default=0) or 1
    for m in months:
        m["bar"] = round(CHART_WIDTH * m["responses"] / most)
        m["useful_bar"] = round(CHART_WIDTH * (m["useful_4_5"] or 0))
    everyone = over_time.sees_every_session(asker)
    names = [f.username for f in await workshop(request).store.facilitators()] if everyone else []
    query = request.url.query
    return render(
        request,
        "coordinator.html",
        lang,
        facilitator={"username": asker.username, "role": asker.role},
        everyone=everyone,
        names=names,
        figures=result,
        filters=result["filters"],
        chart_width=CHART_WIDTH,
        csv_url="/api/evaluations.csv" + (f"?{query}" if query else ""),
    )


# --- accounts ---------------------------------------------------------------------------


async def _admin(request: Request) -> Facilitator | Response:
    asker = await _require_facilitator(request)
    if isinstance(asker, Response):
        return asker
    try:
        over_time.require_admin(asker)
    except DomainError as error:
        return error_page(request, error)
    return asker


async def accounts_page(
    request: Request, error: DomainError | None = None, done: str | None = None
) -> Response:
    asker = await _admin(request)
    if isinstance(asker, Response):
        return asker
    lang = page_language(request)
    accounts = [
        {"id": f.id, "username": f.username, "role": f.role, "me": f.id == asker.id}
        for f in await workshop(request).store.facilitators()
    ]
    return render(
        request,
        "admin.html",
        lang,
        error.status if error else 200,
        facilitator={"username": asker.username, "role": asker.role},
        accounts=accounts,
        roles=over_time.ROLES,
        error=gettext_for(lang, error.message, **error.params) if error else None,
        done=done,
    )


async def add_account_form(request: Request) -> Response:
    asker = await _admin(request)
    if isinstance(asker, Response):
        return asker
    form = await request.form()
    password = str(form.get("password", ""))
    try:
        if password != str(form.get("password2", "")):
            raise Invalid(N_("The two passwords are not the same."))
        role = over_time.check_role(form.get("role"))
        await workshop(request).accounts.add_facilitator(
            str(form.get("username", "")), password, role
        )
    except DomainError as error:
        return await accounts_page(request, error)
    return RedirectResponse("/admin/accounts?added=1", status_code=303)


async def set_role_form(request: Request) -> Response:
    asker = await _admin(request)
    if isinstance(asker, Response):
        return asker
    form = await request.form()
    try:
        role = over_time.check_role(form.get("role"))
        changed = await workshop(request).store.set_role(request.path_params["id"], role)
        if changed is None:
            raise NotFound(N_("There is no such account."))
    except DomainError as error:
        return await accounts_page(request, error)
    return RedirectResponse("/admin/accounts?changed=1", status_code=303)


# --- retention ----------------------------------------------------------------------------


class Retention:
    """Deletes participants' texts and names `days` after a session closed, checking every
    `every` seconds; `clock` is injectable so a test needs no waiting."""

    def __init__(
        self,
        service: Workshop,
        days: float,
        every: float = 3600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.service, self.days, self.every, self.clock = service, days, every, clock
        self.task: asyncio.Task[None] | None = None
        self.passes = 0
        self.passed = asyncio.Event()  # set after each pass

    async def run_once(self) -> list[int]:
        store: Store = self.service.store
        now = self.clock()
        done = await store.delete_old_texts(now - self.days * DAY, now)
        for session_id in done:
            await self.service.broadcast.publish(session_id, CHANNELS)
        if done:
            log.info("retention: deleted participants' texts of %d sessions", len(done))
        return done

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # a locked database or a bug: try again at the next pass
                log.exception("retention pass failed")
            self.passes += 1
            self.passed.set()
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self.task = asyncio.create_task(self._loop(), name="retention")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None


routes = [
    Route("/api/sessions/{code}", delete_session_api, methods=["DELETE"]),
    Route("/api/sessions/{code}", patch_session, methods=["PATCH"]),
    Route("/api/evaluations", evaluations_api, methods=["GET"]),
    Route("/api/evaluations.csv", evaluations_csv, methods=["GET"]),
    Route("/sessions/{code}/delete", delete_session_form, methods=["POST"]),
    Route("/coordinator", coordinator_page, methods=["GET"]),
    Route("/admin/accounts", accounts_page, methods=["GET"]),
    Route("/admin/accounts", add_account_form, methods=["POST"]),
    Route("/admin/accounts/{id:int}/role", set_role_form, methods=["POST"]),
]
