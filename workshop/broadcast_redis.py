"""A `Broadcast` over Redis pub/sub: several `workshop serve` processes share sessions.

Every change is applied to this process's hubs at once (`LocalBroadcast`), then sent to
the others on one pub/sub channel per deployment (`workshop:<prefix>`), as small JSON:

    {"from": "<process id>", "ops": [{"op": "publish", "marks": {"12": ["screen", ...]}},
                                     {"op": "disconnect", "session": 12, ...}, ...]}

A process drops its own messages when they come back. Marks only make channels dirty, so
each process still renders a session at most once per tick, from the shared store.

Sending never holds up a vote: operations queue up and one task sends what has gathered
as one message (the marks of many votes merged into one). While Redis is unreachable the
local hubs still hear every local change; the process logs it, retries, and once it is
back marks every channel of its live sessions, so screens catch up on what they missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import orjson

from workshop.hub import CHANNELS, TABLES, Hubs, LocalBroadcast

try:
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import RedisError
except ImportError as missing:  # pragma: no cover - the extra is part of the test install
    raise ImportError(
        "--broadcast redis://… needs redis-py: pip install 'workshop[redis]'"
    ) from missing

log = logging.getLogger("workshop.broadcast")

RETRY_FIRST = 0.1  # seconds before the first reconnect; doubled up to RETRY_MOST
RETRY_MOST = 2.0
START_WAIT = 3.0  # seconds start-up waits for the first subscription
MAX_QUEUED = 10_000  # operations kept while Redis is away; older ones are dropped
EVERYTHING = (*CHANNELS, TABLES)


class RedisBroadcast:
    """`Broadcast` to every process subscribed to `workshop:<prefix>` on `url`."""

    def __init__(self, hubs: Hubs, url: str, prefix: str = "default") -> None:
        self._hubs = hubs
        self._local = LocalBroadcast(hubs)
        self._url = url
        self.channel = f"workshop:{prefix}"
        self.origin = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._marks: dict[int, set[str]] = {}  # to send: session id -> channels
        self._ops: list[dict[str, Any]] = []  # to send, in order: everything but marks
        self._pending = asyncio.Event()
        self._client: Redis | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.subscribed = asyncio.Event()  # set while the listener is subscribed

    # --- life cycle ------------------------------------------------------------------

    async def start(self) -> None:
        # No retries inside redis-py: a dropped connection reaches `_listen`, which
        # resubscribes and resyncs (an internal reconnect would lose messages unseen).
        self._client = Redis.from_url(
            self._url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=2.0
        )
        self._tasks = [
            asyncio.create_task(self._listen(), name="broadcast-listen"),
            asyncio.create_task(self._send(), name="broadcast-send"),
        ]
        # Subscribed before serving, so no change made elsewhere falls between; a Redis that
        # does not answer yet only delays this, it does not stop the server.
        try:
            await asyncio.wait_for(self.subscribed.wait(), START_WAIT)
        except TimeoutError:
            where = urlsplit(self._url).netloc.rpartition("@")[2]  # never the password
            log.warning("broadcast: Redis at %s does not answer yet; retrying", where)

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._flush(), 1.0)  # what this process last changed
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # --- the Broadcast protocol --------------------------------------------------------

    async def publish(self, session_id: int, channels: Iterable[str]) -> None:
        channels = tuple(channels)
        self._hubs.mark(session_id, channels)
        self._marks.setdefault(session_id, set()).update(channels)
        self._pending.set()

    async def disconnect(self, session_id: int, channel: str, reason: str) -> None:
        await self._local.disconnect(session_id, channel, reason)
        self._queue(
            {"op": "disconnect", "session": session_id, "channel": channel, "reason": reason}
        )

    async def disconnect_participant(
        self, session_id: int, participant_id: int, reason: str
    ) -> None:
        await self._local.disconnect_participant(session_id, participant_id, reason)
        self._queue(
            {"op": "participant", "session": session_id, "id": participant_id, "reason": reason}
        )

    async def disconnect_facilitator(
        self, session_id: int, facilitator_id: int, reason: str
    ) -> None:
        await self._local.disconnect_facilitator(session_id, facilitator_id, reason)
        self._queue(
            {"op": "facilitator", "session": session_id, "id": facilitator_id, "reason": reason}
        )

    async def reseat(self, session_id: int, seats: Mapping[int, tuple[int, str | None]]) -> None:
        await self._local.reseat(session_id, seats)
        moved = {str(pid): [table, frame] for pid, (table, frame) in seats.items()}
        self._queue({"op": "reseat", "session": session_id, "seats": moved})

    # --- applying what other processes sent --------------------------------------------

    def apply(self, data: bytes) -> None:
        """One message from the channel: applied to this process's hubs, unless it is
        this process's own (already applied when it was sent) or cannot be read."""
        try:
            message = orjson.loads(data)
            if message.get("from") == self.origin:
                return
            for op in message["ops"]:
                self._apply(op)
        except Exception:
            log.exception("unreadable broadcast message %.200r", data)

    def _apply(self, op: dict[str, Any]) -> None:
        kind = op["op"]
        if kind == "publish":
            for session, channels in op["marks"].items():
                self._hubs.mark(int(session), channels)
        elif kind == "disconnect":
            self._hubs.close_all(op["session"], op["channel"], op["reason"])
        elif kind == "participant":
            self._hubs.close_participant(op["session"], op["id"], op["reason"])
        elif kind == "facilitator":
            self._hubs.close_facilitator(op["session"], op["id"], op["reason"])
        elif kind == "reseat":
            seats = {int(pid): (table, frame) for pid, (table, frame) in op["seats"].items()}
            self._hubs.reseat(op["session"], seats)
        else:
            log.warning("unknown broadcast operation %r", kind)

    # --- the two tasks -------------------------------------------------------------------

    def _queue(self, op: dict[str, Any]) -> None:
        if len(self._ops) >= MAX_QUEUED:
            del self._ops[0]
        self._ops.append(op)
        self._pending.set()

    def _take(self) -> bytes | None:
        """Everything gathered since the last send, as one message (None: nothing)."""
        ops: list[dict[str, Any]] = []
        if self._marks:
            marks = {str(s): sorted(c) for s, c in self._marks.items()}
            ops.append({"op": "publish", "marks": marks})
            self._marks = {}
        ops.extend(self._ops)
        self._ops = []
        self._pending.clear()
        if not ops:
            return None
        return orjson.dumps({"from": self.origin, "ops": ops})

    async def _flush(self) -> None:
        message = self._take()
        if message is not None and self._client is not None:
            await self._client.publish(self.channel, message)

    async def _send(self) -> None:
        assert self._client is not None
        delay = RETRY_FIRST
        while True:
            await self._pending.wait()
            if not self.subscribed.is_set():
                # Redis is away: local hubs heard it already; the others resync later.
                await self.subscribed.wait()
            message = self._take()
            if message is None:
                continue
            try:
                await self._client.publish(self.channel, message)
                delay = RETRY_FIRST
            except (RedisError, OSError) as error:
                log.warning("broadcast: could not publish to Redis (%s)", error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MOST)

    async def _listen(self) -> None:
        assert self._client is not None
        delay = RETRY_FIRST
        lost = False
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self.subscribed.set()
                if lost:
                    log.warning("broadcast: connected to Redis again")
                    self._resync()
                    lost = False
                delay = RETRY_FIRST
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.apply(message["data"])
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as error:
                self.subscribed.clear()
                if not lost:
                    log.warning(
                        "broadcast: lost Redis (%s); other processes miss this one's "
                        "changes until it is back",
                        error,
                    )
                lost = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MOST)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _resync(self) -> None:
        """Re-render every live session here: changes made elsewhere while Redis was away
        reached no one here. (A closed connection missed then stays open: it is logged.)"""
        for session_id in self._hubs.sessions():
            self._hubs.mark(session_id, EVERYTHING)
