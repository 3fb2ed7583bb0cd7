"""The phone page without JavaScript (issue 18): joining, the room's activity, a vote (and a
changed one), its "why", a reflection's posts and the evaluation, as plain HTML forms on
pages the server draws. For phones whose browser runs no module script (old iOS) or has
JavaScript off; the WebSocket page (`/j/{code}`) stays the normal one.

Every form goes to the use cases the socket calls (`Workshop.join`, `vote`, `post`,
`evaluate`) through the same per-participant limit, so every rule holds unchanged. Each form
carries an action id made by the server, the answer's client id: a form sent twice counts
once. A POST answers 303 to its page; a refusal draws the page again with the message and a
4xx status. POSTs pass `OriginGuard` (origin.py) like every other write."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from workshop import auth
from workshop.domain import Participant, Session
from workshop.errors import N_, DomainError, Forbidden, Invalid, NotFound
from workshop.hybrid import DIGITAL, ROOM
from workshop.hybrid_plan import HOME
from workshop.i18n import gettext_for
from workshop.messages import EvaluationMessage, PostMessage, VoteMessage
from workshop.web.guard import find_session_guarded, workshop
from workshop.web.language import page_language
from workshop.web.limits import submit_limiter
from workshop.web.pages import error_page, render, session_context
from workshop.web.plain_view import (
    REFRESH_SECONDS,
    action_field,
    activity_view,
    evaluation_answers,
    forget_seat,
    languages,
    new_action,
    number_field,
    page_url,
    remember_seat,
    seat_token,
    text_field,
)

SEAT_GONE = N_("This seat is no longer valid. Join again.")
TOO_FAST = N_("You are sending too fast. Wait a moment and try again.")
NOT_AN_OPTION = N_("Choose one of the options.")
NO_ACTIVITY = N_("The message must name an activity.")
ACTIVITY_PAGE = "plain/activity.html"
WHY_PAGE = "plain/why.html"  # a text field: it never refreshes by itself


class TooFast(DomainError):
    status = 429


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


async def _seat(request: Request, session: Session) -> Participant | None:
    token = seat_token(request)
    return await workshop(request).participant(session, token) if token else None


async def _joinable(request: Request, session: Session, remote: bool) -> tuple[list[Any], bool]:
    """The tables a newcomer may pick, and whether they join from home (as join_page)."""
    tables = await workshop(request).tables(session, page_language(request, session))
    if not any(t["kind"] == ROOM for t in tables):
        remote = True  # an all-digital session
    kind = DIGITAL if remote else ROOM
    return [t for t in tables if t["kind"] == kind], remote


async def _join_form(
    request: Request,
    session: Session,
    error: DomainError | None = None,
    form: FormData | None = None,
    forget: bool = False,
) -> Response:
    lang = page_language(request, session)
    values = form or request.query_params
    tables, remote = await _joinable(request, session, values.get("from") == HOME)
    table = values.get("table", "")
    response = render(
        request,
        "plain/join.html",
        lang,
        error.status if error else 200,
        languages=languages(request, session, lang),
        session=session_context(session),
        error=gettext_for(lang, error.message, **error.params) if error else None,
        tables=tables,
        table=next((t for t in tables if str(t["number"]) == table), None),
        remote=remote,
        typed_name=values.get("name", "") if form else "",
        questions=await workshop(request).seating.questions(session),
        action=new_action(),
        post_url=page_url(request, session, "/join"),
        choose_url=page_url(request, session, **({"from": HOME} if remote else {})),
    )
    if forget:
        forget_seat(request, response, session.code)
    return response


async def _activity_page(
    request: Request,
    session: Session,
    participant: Participant,
    error: DomainError | None = None,
    draft: str = "",
    template: str = ACTIVITY_PAGE,
) -> Response:
    lang = page_language(request, session)
    welcome = await workshop(request).welcome(session, participant, lang)
    view = activity_view(welcome, lang, request.query_params.get("saved") == "post")
    if template == WHY_PAGE and not (view.get("asks_why") and view.get("vote")):
        template = ACTIVITY_PAGE  # no reason to give now (the vote closed, say)
    return render(
        request,
        template,
        lang,
        error.status if error else 200,
        languages=languages(request, session, lang),
        session=session_context(session),
        table=welcome["participant"]["table"]["name"],
        view=view,
        error=gettext_for(lang, error.message, **error.params) if error else None,
        draft=draft,
        action=new_action(),
        refresh=REFRESH_SECONDS if view["refresh"] and template == ACTIVITY_PAGE else 0,
        home_url=page_url(request, session),
        vote_url=page_url(request, session, "/vote"),
        post_url=page_url(request, session, "/post"),
        why_url=page_url(request, session, "/why"),
        evaluation_url=page_url(request, session, "/evaluation"),
    )


async def _session_or_page(request: Request) -> Session | Response:
    code = request.path_params["code"]
    try:
        session = await find_session_guarded(request, code)
    except DomainError as error:
        return error_page(request, error)
    if session.code != code and request.method == "GET":  # the cookie's path is the code's
        query = f"?{request.url.query}" if request.url.query else ""
        return _see_other(f"/j/{session.code}/plain{request.url.path.split('/plain', 1)[1]}{query}")
    return session


async def plain_page(request: Request) -> Response:
    """`GET /j/{code}/plain`: the join form without a seat, else the room's activity."""
    session = await _session_or_page(request)
    if isinstance(session, Response):
        return session
    participant = await _seat(request, session)
    if participant is None:
        gone = seat_token(request) is not None
        return await _join_form(
            request, session, Forbidden(SEAT_GONE) if gone else None, forget=gone
        )
    return await _activity_page(request, session, participant)


async def plain_join(request: Request) -> Response:
    session = await _session_or_page(request)
    if isinstance(session, Response):
        return session
    form = await request.form()
    if await _seat(request, session) is not None:
        return _see_other(page_url(request, session))  # seated already: the form came twice
    service = workshop(request)
    try:
        action = action_field(form)
        table = number_field(form.get("table"), N_("The table must be a table number."))
        answers = {}
        for question in await service.seating.questions(session):
            option = number_field(
                form.get(f"q{question['id']}"), N_("An answer must be the number of an option.")
            )
            if option is not None:
                answers[str(question["id"])] = option
        _, remote = await _joinable(request, session, form.get("from") == HOME)

        # The form's action id makes the token, so the form sent twice (a double tap, a
        # browser resending it, to whichever process) gives the seat it made the first time.
        _, token = await service.join(
            session, form.get("name", ""), table, answers, remote, auth.token_for_form(action)
        )
    except DomainError as error:
        return await _join_form(request, session, error, form)
    response = _see_other(page_url(request, session))
    remember_seat(request, response, session.code, token)
    return response


async def _answering(request: Request) -> tuple[Session, Participant, FormData] | Response:
    """The session, the seat and the form of an answer; else the page to show instead."""
    session = await _session_or_page(request)
    if isinstance(session, Response):
        return session
    form = await request.form()
    participant = await _seat(request, session)
    if participant is None:
        return await _join_form(request, session, Forbidden(SEAT_GONE), forget=True)
    verdict = submit_limiter(request).take((session.id, participant.id))
    if not verdict.allowed:
        return await _again(request, session, participant, form, TooFast(TOO_FAST))
    return session, participant, form


async def _again(
    request: Request, session: Session, participant: Participant, form: FormData, error: DomainError
) -> Response:
    """The page the form came from, with the refusal and what was typed."""
    if "why" in form:
        draft = text_field(form.get("why"))
        return await _activity_page(request, session, participant, error, draft, WHY_PAGE)
    return await _activity_page(request, session, participant, error, text_field(form.get("text")))


async def plain_vote(request: Request) -> Response:
    """A vote from the options form, or the same vote with its "why" from the why form."""
    found = await _answering(request)
    if isinstance(found, Response):
        return found
    session, participant, form = found
    service = workshop(request)
    with_why = "why" in form
    try:
        action = action_field(form)
        activity = number_field(form.get("activity"), NOT_AN_OPTION)
        option = number_field(form.get("option"), NOT_AN_OPTION)
        if activity is None or option is None:
            raise Invalid(NOT_AN_OPTION)
        if with_why:
            why = text_field(form.get("why"))
        else:  # a changed vote keeps the reason given (as the JavaScript page does)
            kept = (await service.store.answers(participant.id)).votes.get(activity)
            why = kept.why if kept is not None else ""
        await service.vote(session, participant, VoteMessage(action, activity, option, why or None))
    except DomainError as error:
        return await _again(request, session, participant, form, error)
    return _see_other(page_url(request, session))


async def plain_why_page(request: Request) -> Response:
    """`GET /j/{code}/plain/why`: the text field for the reason of this seat's vote."""
    session = await _session_or_page(request)
    if isinstance(session, Response):
        return session
    participant = await _seat(request, session)
    if participant is None:
        return _see_other(page_url(request, session))
    return await _activity_page(request, session, participant, template=WHY_PAGE)


async def plain_post(request: Request) -> Response:
    found = await _answering(request)
    if isinstance(found, Response):
        return found
    session, participant, form = found
    text = text_field(form.get("text"))
    try:
        action = action_field(form)
        activity = number_field(form.get("activity"), NO_ACTIVITY)
        if activity is None:
            raise Invalid(NO_ACTIVITY)
        await workshop(request).post(session, participant, PostMessage(action, activity, text))
    except DomainError as error:
        return await _again(request, session, participant, form, error)
    return _see_other(page_url(request, session, saved="post"))


async def plain_evaluation(request: Request) -> Response:
    """The day's evaluation, every question in one form: as one `evaluation` frame."""
    found = await _answering(request)
    if isinstance(found, Response):
        return found
    session, participant, form = found
    service = workshop(request)
    try:
        action = action_field(form)
        activity_id = number_field(form.get("activity"), NO_ACTIVITY)
        activity = await service.store.activity(session.id, activity_id or 0)
        if activity is None:
            raise NotFound(N_("This session has no such activity."))
        answers = evaluation_answers(activity.questions, form)
        await service.evaluate(
            session, participant, EvaluationMessage(action, activity.id, answers)
        )
    except DomainError as error:
        return await _again(request, session, participant, form, error)
    return _see_other(page_url(request, session))


routes = [
    Route("/j/{code}/plain", plain_page, methods=["GET"]),
    Route("/j/{code}/plain/join", plain_join, methods=["POST"]),
    Route("/j/{code}/plain/vote", plain_vote, methods=["POST"]),
    Route("/j/{code}/plain/why", plain_why_page, methods=["GET"]),
    Route("/j/{code}/plain/post", plain_post, methods=["POST"]),
    Route("/j/{code}/plain/evaluation", plain_evaluation, methods=["POST"]),
]
