"""WebSocket endpoints: parse and check a frame, call the service, relay. Nothing else.

Each connection's `Sender` drains its `Outbox` from one task at a time, so replies and
snapshots never interleave on the wire, and one slow phone cannot hold up anybody else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from workshop import console_feed, messages
from workshop.domain import Participant, Session
from workshop.errors import N_, DomainError
from workshop.hub import CONSOLE, PHONES, SCREEN, VIEWERS, Hub, Outbox
from workshop.i18n import gettext_for, negotiate
from workshop.services import Workshop
from workshop.web.connections import TRY_AGAIN_LATER, Heartbeat, Sender
from workshop.web.frames import FAILED, FLOODING, handle
from workshop.web.guard import current_facilitator, find_session_guarded, workshop
from workshop.web.language import chosen as chosen_language
from workshop.web.limits import SubmitLimiter, Tarpit, submit_limiter

log = logging.getLogger(__name__)

POLICY_VIOLATION = 1008
INTERNAL_ERROR = 1011
# The participant opened this seat on more sockets than allowed; this, the oldest, gives way.
# The page says so and waits for a tap instead of reconnecting (which would close the other).
REPLACED = 4001

OPENED_ELSEWHERE = N_("This seat was opened on another screen.")
MAX_HOLD = 5.0  # seconds a refused handshake is held before its answer
TOO_MANY_CONNECTS = N_("This seat has connected too often. Trying again in %(seconds)d s.")
NOT_READY = N_("The server could not load the session just now. Trying again…")


async def _refuse(ws: WebSocket, language: str, reason: str) -> None:
    """Accept, then close with 1008 and a reason the page can show (a refused handshake
    looks like a network error to a browser)."""
    await ws.accept()
    await ws.close(POLICY_VIOLATION, gettext_for(language, reason))


def tarpit(ws: WebSocket) -> Tarpit:
    state = ws.app.state
    found: Tarpit | None = getattr(state, "connect_tarpit", None)
    if found is None:
        found = state.connect_tarpit = Tarpit()
    return found


def connect_limiter(ws: WebSocket) -> SubmitLimiter:
    """The app's one limiter of connections per seat, keyed by the token as sent: checked
    before anything is read from the store, so a refused reconnect costs no read and no
    welcome."""
    state = ws.app.state
    limiter: SubmitLimiter | None = getattr(state, "connect_limiter", None)
    if limiter is None:
        settings = state.settings
        limiter = state.connect_limiter = SubmitLimiter(
            settings.connect_rate, settings.connect_burst
        )
    return limiter


def _give_way(
    hub: Hub, participant: Participant, limit: int, reason: str, channel: str = PHONES
) -> None:
    """Close the participant's oldest sockets of `channel` in this process beyond `limit`
    (the newest stays: it is the screen the person is looking at). Phones and views of the
    screen count apart: opening the screen view never pushes the phone's own page out."""
    mine = hub.participant_outboxes(participant.id, channel)
    live = [o for o in mine if o.closing is None]
    for outbox in live[: max(0, len(live) - max(1, limit))]:
        outbox.close(reason, REPLACED)


async def _serve(
    ws: WebSocket,
    service: Workshop,
    session: Session,
    channel: str,
    first: Callable[[], Awaitable[dict[str, Any]]],
    participant: Participant | None = None,
    connect_key: str | None = None,
    facilitator_id: int | None = None,
    viewer: Participant | None = None,
    chosen: str | None = None,
    greet: Callable[[Outbox, dict[str, Any]], None] | None = None,
) -> None:
    """Subscribe, then send `first` (the full state), then answer frames until the end.
    A `viewer` is a participant watching the screen (VIEWERS): the socket is theirs, so
    removing them closes it, but it sits at no table and sends no answers. `chosen` is the
    language a phone chose (web/language.py): its snapshots, replies and errors follow it.
    `greet` queues the first state its own way (the console's plan and live frames).

    Subscribing before reading the first state means no change can fall between the two;
    a snapshot older than the first one may still follow, and clients drop it by version.
    """
    await ws.accept()
    owner = participant or viewer
    sender = Sender(ws, owner.id if owner is not None else None, facilitator_id)
    outbox = sender.outbox
    heartbeat: Heartbeat = ws.app.state.heartbeat
    heartbeat.watch(sender)
    outbox.language = chosen
    hub = service.hubs.get(session.id)
    hub.subscribe(channel, outbox)
    language = chosen or session.language
    limiter = submit_limiter(ws)
    key = (session.id, participant.id) if participant is not None else None
    if participant is not None:
        hub.seat(outbox, participant.table)  # the table's channel: its proposal, its notes
        limit = ws.app.state.settings.sockets_per_participant
        _give_way(hub, participant, limit, gettext_for(language, OPENED_ELSEWHERE))
    elif viewer is not None:
        limit = ws.app.state.settings.sockets_per_participant
        _give_way(hub, viewer, limit, gettext_for(language, OPENED_ELSEWHERE), VIEWERS)
    loop = asyncio.get_running_loop()
    try:
        if not await _send_first(outbox, language, first, greet):
            await sender.settle()
            return
        while True:
            frame = await ws.receive()
            if frame["type"] == "websocket.disconnect":
                break
            sender.heard = loop.time()
            if outbox.closing is not None:
                continue  # being closed: its last replies are on their way
            text = frame.get("text")
            if text is None:
                error = gettext_for(language, N_("Send text frames with JSON."))
                outbox.send(messages.error(error))
                continue
            replies, close = await handle(service, session, participant, text, limiter, language)
            for reply in replies:
                outbox.send(reply)
            if close is None and outbox.overflowed and key is not None and limiter.refusing(key):
                close = FLOODING  # refused, and not even reading the refusals: a flood
            if close is not None:
                outbox.close(gettext_for(language, close), POLICY_VIOLATION)
                if close is FLOODING and connect_key is not None:
                    connect_limiter(ws).spend(connect_key)  # no reconnecting at once
    except (WebSocketDisconnect, RuntimeError):
        pass
    except Exception:
        # Not expected: say so on the socket (1011, the page reconnects) rather than 1006.
        log.exception("%s socket of session %s", channel, session.id)
        outbox.close(gettext_for(language, FAILED), INTERNAL_ERROR)
        await sender.settle()
    finally:
        hub.unsubscribe(channel, outbox)
        heartbeat.forget(sender)
        await sender.stop()
        await service.hubs.release(session.id)


async def _send_first(
    outbox: Outbox,
    language: str,
    first: Callable[[], Awaitable[dict[str, Any]]],
    greet: Callable[[Outbox, dict[str, Any]], None] | None = None,
) -> bool:
    """Queue the full state; if it cannot be read, have the socket closed instead: 1013
    (the page reconnects by itself) while the database is busy or on an unexpected error,
    1008 with the reason when a rule refuses it (the seat is gone, say)."""
    try:
        state = await first()
        if greet is not None:
            greet(outbox, state)
        else:
            outbox.send(messages.dumps(state))
        return True
    except DomainError as error:
        reason = gettext_for(language, error.message, **error.params)
        outbox.close(reason, TRY_AGAIN_LATER if error.retry else POLICY_VIOLATION)
    except Exception:
        log.exception("reading the first state")
        outbox.close(gettext_for(language, NOT_READY), TRY_AGAIN_LATER)
    return False


async def participant_socket(ws: WebSocket) -> None:
    service = workshop(ws)
    connect_key = (ws.query_params.get("token") or "")[:64]
    verdict = connect_limiter(ws).take(connect_key)
    if not verdict.allowed:
        # Held for the wait first (a few at a time), then 1013: the page tries again later
        # by itself, with its own growing backoff.
        held = min(verdict.retry_after, MAX_HOLD)
        await tarpit(ws).hold(connect_key, held)
        language = negotiate(ws.headers.get("accept-language"))
        await ws.accept()
        await ws.close(
            TRY_AGAIN_LATER,
            gettext_for(
                language,
                TOO_MANY_CONNECTS,
                seconds=max(1, math.ceil(verdict.retry_after - held)),
            ),
        )
        return
    try:
        session = await find_session_guarded(ws, ws.path_params["code"])
    except DomainError as error:
        if error.retry:
            raise  # busy, not gone: the page must keep its seat and try again
        await _refuse(ws, "nb", N_("There is no session with this code."))
        return
    participant = await service.participant(session, ws.query_params.get("token"))
    language = chosen_language(ws)  # the phone's own language, if it chose one
    if participant is None:
        await _refuse(
            ws, language or session.language, N_("This seat is no longer valid. Join again.")
        )
        return
    await _serve(
        ws,
        service,
        session,
        PHONES,
        lambda: service.welcome(session, participant, language),
        participant,
        connect_key,
        chosen=language,
    )


async def screen_socket(ws: WebSocket) -> None:
    """The screen's state for the screen's key, or for a seated participant's `token`
    (their own view of the screen, `/j/{code}/screen`), which a renewed key leaves open."""
    service = workshop(ws)
    try:
        session = await find_session_guarded(ws, ws.path_params["code"])
    except DomainError as error:
        if error.retry:
            raise  # busy, not gone: the page must keep its seat and try again
        await _refuse(ws, "nb", N_("There is no session with this code."))
        return
    token = ws.query_params.get("token")
    if token is not None and "key" not in ws.query_params:
        viewer = await service.participant(session, token)
        if viewer is None:
            await _refuse(ws, session.language, N_("This seat is no longer valid. Join again."))
            return
        state = lambda: service.screen_state(session.id)  # noqa: E731
        await _serve(ws, service, session, VIEWERS, state, viewer=viewer)
        return
    if ws.query_params.get("key") != session.screen_key:
        await _refuse(
            ws,
            session.language,
            N_("This screen link is no longer valid. Open the new link from the console."),
        )
        return
    await _serve(ws, service, session, SCREEN, lambda: service.screen_state(session.id))


async def console_socket(ws: WebSocket) -> None:
    service = workshop(ws)
    facilitator = await current_facilitator(ws)
    session = None
    if facilitator is not None:
        try:
            session = await service.owned_session(facilitator, ws.path_params["code"])
        except DomainError as error:
            if error.retry:
                raise
    if session is None or facilitator is None:
        await _refuse(ws, "nb", N_("Log in as the facilitator of this session."))
        return
    await _serve(
        ws,
        service,
        session,
        CONSOLE,
        lambda: service.console_state(session.id),
        facilitator_id=facilitator.id,  # a co-facilitator taken off is closed by it
        greet=console_feed.greet,  # the plan, then the live part (deltas from the next tick)
    )


def answered(
    handler: Callable[[WebSocket], Awaitable[None]],
) -> Callable[[WebSocket], Awaitable[None]]:
    """`handler`, but a failure while opening the socket (the database busy while finding
    the session or the seat, or anything unexpected) is answered: accepted if need be and
    closed with 1013 (the page reconnects, keeping its seat), never a bare 1006 or a 500."""

    async def route(ws: WebSocket) -> None:
        try:
            await handler(ws)
        except Exception as error:
            if not (isinstance(error, DomainError) and error.retry):
                log.exception("opening %s", ws.url.path)
            with contextlib.suppress(Exception):
                if ws.application_state is WebSocketState.CONNECTING:
                    await ws.accept()
                if ws.application_state is WebSocketState.CONNECTED:
                    await ws.close(TRY_AGAIN_LATER, gettext_for("nb", NOT_READY))

    return route


async def unknown_socket(ws: WebSocket) -> None:
    """Any other address under /ws/: refused like a bad key (1008 and a reason), not with
    the HTTP 403 a handshake to no route gets, which a page cannot tell from a network error."""
    language = negotiate(ws.headers.get("accept-language"))
    await _refuse(ws, language, N_("There is no such socket. Open the page again."))


routes = [
    WebSocketRoute("/ws/{code}/participant", answered(participant_socket)),
    WebSocketRoute("/ws/{code}/screen", answered(screen_socket)),
    WebSocketRoute("/ws/{code}/console", answered(console_socket)),
    WebSocketRoute("/ws/{rest:path}", unknown_socket),
]
