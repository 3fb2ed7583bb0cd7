"""Simulated clients: a phone on its participant socket, and a screen or console watcher.

Each files what it receives with the arrival time (time.monotonic, comparable across
processes on Linux) and counts the frames and payload bytes the server sent it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

OPEN_TIMEOUT = 20.0


async def open_socket(
    url: str, compression: str | None, headers: dict[str, str] | None = None
) -> ClientConnection:
    """A client socket as a browser opens it; no library pings (the app sends its own)."""
    return await connect(
        url,
        open_timeout=OPEN_TIMEOUT,
        close_timeout=2,
        ping_interval=None,
        compression=compression,
        max_size=8 * 1024 * 1024,
        additional_headers=headers,
    )


@dataclass
class Reply:
    """How the server answered one submission: "ack", "error", "timeout" or "closed"."""

    kind: str
    at: float


async def answered_ping(conn: ClientConnection, message: dict[str, Any]) -> bool:
    """Answer the server's heartbeat as every page does (a socket that does not is closed
    after WORKSHOP_QUIET_SECONDS); True when `message` was that ping."""
    if message.get("type") != "ping":
        return False
    await conn.send('{"type":"pong"}')
    return True


@dataclass
class Phone:
    """One participant's socket."""

    key: int  # participant id, or an index against the baseline
    url: str
    conn: ClientConnection | None = None
    frames: int = 0
    bytes: int = 0
    pings: int = 0  # the server's heartbeat pings received
    pongs: int = 0  # pongs: answers to them sent, and replies to our own pings received
    stray: int = 0  # replies to no pending submission
    welcomed: float | None = None
    deflate: bool = False  # permessage-deflate negotiated
    watch: int | None = None  # an activity id to wait for
    seen_at: float | None = None
    seen: asyncio.Event = field(default_factory=asyncio.Event)
    pending: dict[str, asyncio.Future[Reply]] = field(default_factory=dict)
    _welcome: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task[None] | None = None

    @property
    def open(self) -> bool:
        return self.conn is not None and self._reader is not None and not self._reader.done()

    async def connect(self, compression: str | None, timeout: float) -> float:
        """Open the socket and wait for `welcome`; the time it arrived."""
        self.conn = await open_socket(self.url, compression)
        self.deflate = bool(self.conn.protocol.extensions)
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self._welcome.wait(), timeout)
        assert self.welcomed is not None
        return self.welcomed

    async def _read(self) -> None:
        assert self.conn is not None
        try:
            while True:
                data = await self.conn.recv(decode=False)
                now = time.monotonic()
                self.frames += 1
                self.bytes += len(data)
                message = json.loads(data)
                if await answered_ping(self.conn, message):
                    self.pings += 1
                    self.pongs += 1
                else:
                    self._file(message, now)
        except ConnectionClosed:
            pass
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_result(Reply("closed", time.monotonic()))
            self.pending.clear()

    def _file(self, message: dict[str, Any], now: float) -> None:
        kind = message.get("type")
        if kind in ("ack", "error"):
            future = self.pending.pop(message.get("id"), None)  # type: ignore[arg-type]
            if future is None or future.done():
                self.stray += 1
            else:
                future.set_result(Reply(kind, now))
        elif kind == "pong":
            self.pongs += 1
        elif kind == "activity":
            activity = message.get("activity") or {}
            if (
                self.watch is not None
                and activity.get("id") == self.watch
                and activity.get("state") == "open"
                and not self.seen_at
            ):
                self.seen_at = now
                self.seen.set()
        elif kind == "welcome" and self.welcomed is None:
            self.welcomed = now
            self._welcome.set()

    async def submit(self, frame: dict[str, Any], timeout: float) -> tuple[float, Reply]:
        """Send a vote or post with a fresh id; (send time, reply)."""
        assert self.conn is not None
        client_id = frame["id"] = str(uuid.uuid4())
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self.pending[client_id] = future
        sent = time.monotonic()
        try:
            await self.conn.send(json.dumps(frame))
            return sent, await asyncio.wait_for(future, timeout)
        except TimeoutError:
            self.pending.pop(client_id, None)
            return sent, Reply("timeout", time.monotonic())
        except ConnectionClosed:
            self.pending.pop(client_id, None)
            return sent, Reply("closed", time.monotonic())

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, OPEN_TIMEOUT)


@dataclass
class Watcher:
    """A screen or console socket: every `state` filed as (arrival, activity id, answered)."""

    url: str
    headers: dict[str, str] | None = None
    states: list[tuple[float, int | None, int]] = field(default_factory=list)
    frames: int = 0
    bytes: int = 0
    conn: ClientConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _first: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def shown(self, activity: int) -> int:
        """The highest `answered` a state has shown for `activity` so far."""
        return max((n for _, a, n in self.states if a == activity), default=0)

    async def wait_answered(self, activity: int, count: int, timeout: float) -> bool:
        """Until a state shows at least `count` answered for `activity`; False on timeout."""
        deadline = time.monotonic() + timeout
        while self.shown(activity) < count:
            self._changed.clear()
            left = deadline - time.monotonic()
            if left <= 0 or self._reader is None or self._reader.done():
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                return False
        return True

    async def connect(self, compression: str | None, timeout: float) -> None:
        self.conn = await open_socket(self.url, compression, self.headers)
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self._first.wait(), timeout)

    async def _read(self) -> None:
        assert self.conn is not None
        try:
            while True:
                data = await self.conn.recv(decode=False)
                now = time.monotonic()
                self.frames += 1
                self.bytes += len(data)
                message = json.loads(data)
                if await answered_ping(self.conn, message):
                    continue
                if message.get("type") == "state":
                    activity = message.get("activity") or {}
                    self.states.append((now, activity.get("id"), activity.get("answered", 0)))
                    self._first.set()
                    self._changed.set()
                elif message.get("type") == "live":  # a console's first (console_feed.py)
                    self._first.set()
        except ConnectionClosed:
            pass

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, OPEN_TIMEOUT)
