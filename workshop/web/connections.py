"""One WebSocket connection's `Sender`, and the `Heartbeat` that pings them all."""

from __future__ import annotations

import asyncio
import contextlib

from starlette.websockets import WebSocket

from workshop import messages
from workshop.hub import Outbox

GOING_AWAY = 1001
TRY_AGAIN_LATER = 1013


class Sender:
    """Sends what a connection's outbox holds, from a task that exists only while there is
    something to send: ten thousand idle phones cost no ten thousand waiting tasks."""

    __slots__ = ("_task", "expired", "heard", "outbox", "slot", "ws")

    def __init__(
        self, ws: WebSocket, participant_id: int | None = None, facilitator_id: int | None = None
    ) -> None:
        self.ws = ws
        self.outbox = Outbox(
            notify=self._wake, participant_id=participant_id, facilitator_id=facilitator_id
        )
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
                await self.ws.close(outbox.close_code, outbox.closing)
            elif outbox.overflowed:
                await self.ws.close(TRY_AGAIN_LATER, "Too far behind; reconnect for a fresh state.")
        except Exception:
            pass  # the connection is gone; its receive loop ends and cleans up
        finally:
            self._task = None

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait until what is being sent has gone (a close included), at most `timeout`."""
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._task), timeout)

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
