"""WebSocket endpoints: parse and check a frame, call the service, relay. Nothing else.

Each connection's `Sender` drains its `Outbox` from one task at a time, so replies and
snapshots never interleave on the wire, and one slow phone cannot hold up anybody else.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from workshop import messages
from workshop.domain import N_, DomainError, Participant, Session
from workshop.hub import CONSOLE, PHONES, SCREEN, Outbox
from workshop.i18n import gettext_for
from workshop.messages import FrameError, PingMessage, PongMessage, PostMessage, VoteMessage
from workshop.services import Workshop
from workshop.web.guard import current_facilitator, find_session_guarded, workshop

GOING_AWAY = 1001
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013


async def _refuse(ws: WebSocket, language: str, reason: str) -> None:
    """Accept, then close with 1008 and a reason the page can show (a refused handshake
    looks like a network error to a browser)."""
    await ws.accept()
    await ws.close(POLICY_VIOLATION, gettext_for(language, reason))


class Sender:
    """Sends what a connection's outbox holds, from a task that exists only while there is
    something to send: ten thousand idle phones cost no ten thousand waiting tasks."""

    __slots__ = ("_task", "expired", "heard", "outbox", "slot", "ws")

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.outbox = Outbox(notify=self._wake)
        self._task: asyncio.Task[None] | None = None
        self.heard = asyncio.get_running_loop().time()  # when the peer last sent a frame
        self.expired = False
        self.slot = 0  # the heartbeat's slice this connection is in

    def expire(self) -> None:
        """Close a connection whose peer went quiet (1001: the page reconnects by itself)."""
        self.expired = True
        self._wake()

    def _wake(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        outbox = self.outbox
        try:
            while texts := outbox.drain():
                for text in texts:
                    await self.ws.send_text(text)
            if self.expired:
                await self.ws.close(GOING_AWAY, "Nothing heard for too long.")
            elif outbox.closing is not None:
                await self.ws.close(POLICY_VIOLATION, outbox.closing)
            elif outbox.overflowed:
                await self.ws.close(TRY_AGAIN_LATER, "Too far behind; reconnect for a fresh state.")
        except Exception:
            pass  # the connection is gone; its receive loop ends and cleans up
        finally:
            self._task = None

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Heartbeat:
    """Pings every connection every `every` seconds from one timer, and closes those that
    have sent nothing for `limit` seconds (1001: the page reconnects by itself).

    The server pings rather than the pages: ten thousand phones' own timers send their
    pings one at a time, each waking the process from sleep, while a sweep that pings a
    slice of the connections at once gets the answers back in a burst that costs half as
    much CPU (docs/performance.md). Connections sit in `SLOTS` slices; each tick visits
    one, so every connection is pinged and checked once per round.
    """

    SLOTS = 25

    def __init__(self, limit: float, every: float = 25.0) -> None:
        self.limit = limit
        self.every = min(every, limit / 3)
        self._slots: list[set[Sender]] = [set() for _ in range(self.SLOTS)]
        self._turn = 0
        self._task: asyncio.Task[None] | None = None

    def watch(self, sender: Sender) -> None:
        # The slice visited last in this round: the first ping comes about `every` from now.
        sender.slot = (self._turn - 1) % self.SLOTS
        self._slots[sender.slot].add(sender)
        if self._task is None:
            self._task = asyncio.create_task(self._sweep(), name="heartbeat")

    def forget(self, sender: Sender) -> None:
        self._slots[sender.slot].discard(sender)

    async def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.every / self.SLOTS)
            cutoff = loop.time() - self.limit
            for sender in self._slots[self._turn]:
                if sender.expired:
                    continue
                if sender.heard < cutoff:
                    sender.expire()
                else:
                    sender.outbox.send(messages.PING)
            self._turn = (self._turn + 1) % self.SLOTS

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


async def _serve(
    ws: WebSocket,
    service: Workshop,
    session: Session,
    channel: str,
    first: Callable[[], Awaitable[dict[str, Any]]],
    participant: Participant | None = None,
) -> None:
    """Subscribe, then send `first` (the full state), then answer frames until the end.

    Subscribing before reading the first state means no change can fall between the two;
    a snapshot older than the first one may still follow, and clients drop it by version.
    """
    await ws.accept()
    sender = Sender(ws)
    outbox = sender.outbox
    heartbeat: Heartbeat = ws.app.state.heartbeat
    heartbeat.watch(sender)
    hub = service.hubs.get(session.id)
    hub.subscribe(channel, outbox)
    loop = asyncio.get_running_loop()
    try:
        outbox.send(messages.dumps(await first()))
        while True:
            frame = await ws.receive()
            if frame["type"] == "websocket.disconnect":
                break
            sender.heard = loop.time()
            text = frame.get("text")
            if text is None:
                error = gettext_for(session.language, N_("Send text frames with JSON."))
                outbox.send(messages.error(error))
                continue
            reply = await _handle(service, session, participant, text)
            if reply is not None:
                outbox.send(reply)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.unsubscribe(channel, outbox)
        heartbeat.forget(sender)
        await sender.stop()
        await service.hubs.release(session.id)


async def _handle(
    service: Workshop, session: Session, participant: Participant | None, text: str
) -> str | None:
    """The reply to one frame: an ack, a pong, an error, or None for a heartbeat's pong.
    Never raises for bad input."""
    client_id = None
    try:
        message = messages.parse(text)
        if isinstance(message, PongMessage):
            return None
        if isinstance(message, PingMessage):
            return messages.PONG
        client_id = message.id
        if participant is None:
            raise FrameError(N_("Only participants send answers."), id=client_id)
        if isinstance(message, VoteMessage):
            await service.vote(session, participant, message)
        elif isinstance(message, PostMessage):
            await service.post(session, participant, message)
        return messages.ack(client_id)
    except DomainError as error:
        client_id = getattr(error, "id", None) or client_id
        text = gettext_for(session.language, error.message, **error.params)
        return messages.error(text, client_id)


async def participant_socket(ws: WebSocket) -> None:
    service = workshop(ws)
    try:
        session = await find_session_guarded(ws, ws.path_params["code"])
    except DomainError:
        await _refuse(ws, "nb", N_("There is no session with this code."))
        return
    participant = await service.participant(session, ws.query_params.get("token"))
    if participant is None:
        await _refuse(ws, session.language, N_("This seat is no longer valid. Join again."))
        return
    await _serve(
        ws, service, session, PHONES, lambda: service.welcome(session, participant), participant
    )


async def screen_socket(ws: WebSocket) -> None:
    service = workshop(ws)
    try:
        session = await find_session_guarded(ws, ws.path_params["code"])
    except DomainError:
        await _refuse(ws, "nb", N_("There is no session with this code."))
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
        with contextlib.suppress(DomainError):
            session = await service.owned_session(facilitator, ws.path_params["code"])
    if session is None:
        await _refuse(ws, "nb", N_("Log in as the facilitator of this session."))
        return
    await _serve(ws, service, session, CONSOLE, lambda: service.console_state(session.id))


routes = [
    WebSocketRoute("/ws/{code}/participant", participant_socket),
    WebSocketRoute("/ws/{code}/screen", screen_socket),
    WebSocketRoute("/ws/{code}/console", console_socket),
]
