"""Test helpers that drive the real thing: a `workshop serve` process, HTTP and WebSockets."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from workshop import console_feed

PASSWORD = "correct horse battery staple"
START_TIMEOUT = 20.0
WAIT = 10.0
# Tests burst hundreds of frames from one phone to test something else: a `Server` lifts the
# per-participant submission limit unless its `env` sets one (tests/test_socket_limits.py).
LOOSE_LIMITS = {
    "WORKSHOP_SUBMIT_RATE": "100000",
    "WORKSHOP_SUBMIT_BURST": "100000",
    "WORKSHOP_CONNECT_RATE": "100000",
    "WORKSHOP_CONNECT_BURST": "100000",
}


class Server:
    """`python -m workshop serve` on a free port (or a given one) and a SQLite file."""

    def __init__(
        self,
        db: Path | str,  # a SQLite file or a database URL
        port: int = 0,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
    ) -> None:
        self.db = db
        self.port = port
        self.env = {**LOOSE_LIMITS, **(env or {})}
        self.args = args or []  # more `serve` options, e.g. ["--host", "0.0.0.0"]
        self.url = ""
        self.setup_url: str | None = None
        self.process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []  # every line the server printed, start-up included

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workshop",
                "serve",
                "--port",
                str(self.port),
                "--db",
                str(self.db),
                *self.args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **self.env},
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()
        self.setup_url = None
        while True:
            line = self.expect_line()
            if "running at" in line:
                self.url = line.rsplit(" ", 1)[1].strip()
                self.port = int(self.url.rsplit(":", 1)[1])
            elif "/setup/" in line:
                self.setup_url = line.rsplit(" ", 1)[1].strip()
            elif "Phones cannot reach" in line or "QR codes will point" in line:
                return self  # the last start-up line: loopback, or any other --host

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.output.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def expect_line(self) -> str:
        line = self._lines.get(timeout=START_TIMEOUT)
        if line is None:
            raise RuntimeError("the server stopped before it was ready")
        return line

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1)

    def kill(self) -> None:
        """kill -9: no chance to flush or close anything."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=START_TIMEOUT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=START_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
        if log := os.environ.get("WORKSHOP_TEST_SERVER_LOG"):  # what the servers said, kept
            with open(log, "a", encoding="utf-8") as out:
                out.writelines(self.output)


def add_facilitator(db: Path | str, name: str, password: str = PASSWORD) -> None:
    """Through the CLI; `db` is a SQLite file or a database URL."""
    folder = db.parent if isinstance(db, Path) else Path(tempfile.mkdtemp())
    secret = folder / f"{name}.password"
    secret.write_text(password)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "workshop",
            "facilitator",
            "add",
            name,
            "--password-file",
            str(secret),
            "--db",
            str(db),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


async def login(server: Server, name: str, password: str = PASSWORD) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=server.url, timeout=WAIT)
    response = await client.post("/api/login", json={"username": name, "password": password})
    assert response.status_code == 204, response.text
    return client


async def new_session(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/sessions", json={"title": "Kommunestyret", **body})
    assert response.status_code == 201, response.text
    return response.json()


async def add_activity(client: httpx.AsyncClient, code: str, **body: Any) -> int:
    response = await client.post(f"/api/sessions/{code}/activities", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def set_state(client: httpx.AsyncClient, code: str, activity: int, state: str) -> None:
    response = await client.post(
        f"/api/sessions/{code}/activities/{activity}/state", json={"state": state}
    )
    assert response.status_code == 200, response.text


async def results(client: httpx.AsyncClient, code: str) -> dict[int, dict[str, Any]]:
    response = await client.get(f"/api/sessions/{code}/results")
    assert response.status_code == 200, response.text
    return {a["id"]: a for a in response.json()["activities"]}


def expect_error(response: httpx.Response, status: int) -> str:
    """The readable message of an error answer with this status."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"], str) and body["error"].strip(), body
    return body["error"]


def screen_socket_url(created: dict[str, Any]) -> str:
    """The screen's WebSocket address, from a `POST /api/sessions` answer."""
    page = created["screen_url"].replace("http://", "ws://", 1)
    return page.replace(f"/screen/{created['code']}", f"/ws/{created['code']}/screen", 1)


async def refused(url: str, headers: dict[str, str] | None = None) -> tuple[int | None, str]:
    """Open a socket the server should refuse: its close code and reason, and no message."""
    sock = await Socket.open(url, headers)
    closed = await sock.wait_closed()
    assert sock.received == [], sock.received
    return closed


def new_id() -> str:
    return str(uuid.uuid4())


CONSOLE_FRAMES = ("plan", "live", "delta")


@dataclass
class ConsoleState:
    """A console's state put together from its `plan`, `live` and `delta` frames, as the
    console page does (workshop/console_feed.py, static/console-feed.js)."""

    plan: dict[str, Any] | None = None
    plan_hash: str | None = None
    live: dict[str, Any] | None = None  # keyed, as on the wire
    live_plan: str | None = None
    seq: int | None = None
    errors: list[str] = field(default_factory=list)

    def take(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """The full state `message` completes (a `state` message as before), or None."""
        kind = message.get("type")
        if kind == "plan":
            self.plan, self.plan_hash = message["plan"], message["hash"]
        elif kind == "live":
            self.live, self.seq, self.live_plan = message["live"], message["seq"], message["plan"]
        elif kind == "delta":
            if self.live is None or message["base"] != self.seq:
                self.errors.append(f"delta on {message['base']}, have {self.seq}")
                return None
            self.live = console_feed.apply(self.live, message["patch"])
            self.seq, self.live_plan = message["seq"], message["plan"]
        else:
            return None
        if self.plan is None or self.live is None or self.live_plan != self.plan_hash:
            return None
        return console_feed.join(self.plan, console_feed.unkeyed(self.live))


@dataclass
class Socket:
    """A WebSocket client that files every message it gets, so tests can wait on one."""

    conn: ClientConnection
    received: list[dict[str, Any]] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _reader: asyncio.Task[None] | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    answer_pings: bool = True  # as the pages do; False plays a phone that went away
    pings: int = 0
    # A console's frames put together: each state they complete is filed as a `state`
    # message after them; `frames` keeps what came, plan, live and delta frames included.
    console: ConsoleState = field(default_factory=ConsoleState)
    frames: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    async def open(
        cls, url: str, headers: dict[str, str] | None = None, answer_pings: bool = True
    ) -> Socket:
        conn = await connect(url, open_timeout=WAIT, additional_headers=headers)
        sock = cls(conn, answer_pings=answer_pings)
        sock._reader = asyncio.create_task(sock._read())
        return sock

    async def _read(self) -> None:
        try:
            async for text in self.conn:
                message = json.loads(text)
                async with self._arrived:
                    if message.get("type") == "ping":
                        self.pings += 1
                        if self.answer_pings:
                            await self.conn.send('{"type":"pong"}')
                    else:
                        self.file(message)
                    self._arrived.notify_all()
        except Exception:
            pass
        finally:
            self.closed.set()
            async with self._arrived:
                self._arrived.notify_all()

    def file(self, message: dict[str, Any]) -> None:
        """Keep a message; a console's plan, live and delta frames go to `frames`, and
        each full state they complete to `received` (as the `state` it used to be)."""
        self.frames.append(message)
        if message.get("type") not in CONSOLE_FRAMES:
            self.received.append(message)
        elif (state := self.console.take(message)) is not None:
            self.received.append(state)

    async def wait_for(
        self, predicate: Any, timeout: float = WAIT, since: int = 0
    ) -> dict[str, Any]:
        """The first message (already received or still to come) that `predicate` accepts;
        with `since`, only messages from that index of `received` on (take
        `len(sock.received)` before sending to wait for a reply to what you send)."""

        def match() -> dict[str, Any] | None:
            return next((m for m in self.received[since:] if predicate(m)), None)

        async def wait() -> dict[str, Any]:
            async with self._arrived:
                while (found := match()) is None:
                    if self.closed.is_set():
                        raise ConnectionError("socket closed while waiting")
                    await self._arrived.wait()
                return found

        return await asyncio.wait_for(wait(), timeout)

    async def wait_count(self, predicate: Any, count: int, timeout: float = WAIT) -> None:
        """Until at least `count` received messages match `predicate`."""

        async def wait() -> None:
            async with self._arrived:
                while sum(1 for m in self.received if predicate(m)) < count:
                    if self.closed.is_set():
                        raise ConnectionError("socket closed while waiting")
                    await self._arrived.wait()

        await asyncio.wait_for(wait(), timeout)

    async def wait_pings(self, count: int, timeout: float = WAIT) -> None:
        """Until the server's heartbeat has pinged this socket `count` times."""

        async def wait() -> None:
            async with self._arrived:
                while self.pings < count:
                    if self.closed.is_set():
                        raise ConnectionError("socket closed while waiting")
                    await self._arrived.wait()

        await asyncio.wait_for(wait(), timeout)

    async def wait_closed(self, timeout: float = WAIT) -> tuple[int | None, str]:
        """Until the server has closed the socket: its close code and reason."""
        await asyncio.wait_for(self.closed.wait(), timeout)
        return self.conn.close_code, self.conn.close_reason or ""

    async def reply_to(
        self, client_id: str, timeout: float = WAIT, since: int = 0
    ) -> dict[str, Any]:
        return await self.wait_for(
            lambda m: m.get("id") == client_id and m["type"] in ("ack", "error"), timeout, since
        )

    async def send(self, message: dict[str, Any]) -> None:
        await self.conn.send(json.dumps(message))

    async def send_raw(self, frame: str | bytes) -> None:
        """Exactly this frame: text as it is, bytes as a binary frame."""
        await self.conn.send(frame)

    async def close(self) -> None:
        await self.conn.close()
        if self._reader:
            await self._reader


@dataclass
class Phone:
    """A participant: joined over HTTP, then on its WebSocket."""

    server: Server
    code: str
    token: str
    table: int
    participant_id: int
    socket: Socket | None = None

    @classmethod
    async def join(cls, server: Server, code: str, **body: Any) -> Phone:
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
            response = await client.post(f"/api/sessions/{code}/join", json=body)
        assert response.status_code == 201, response.text
        data = response.json()
        return cls(server, code, data["token"], data["table"], data["participant_id"])

    @property
    def url(self) -> str:
        return f"{self.server.ws_url}/ws/{self.code}/participant?token={self.token}"

    async def connect(self) -> dict[str, Any]:
        self.socket = await Socket.open(self.url)
        return await self.socket.wait_for(lambda m: m["type"] == "welcome")

    async def welcome(self) -> dict[str, Any]:
        """The welcome of a second, short connection with the same token (as after a
        reconnect), leaving `socket` open."""
        extra = await Socket.open(self.url)
        try:
            return await extra.wait_for(lambda m: m["type"] == "welcome")
        finally:
            await extra.close()

    async def vote(
        self, activity: int, option: Any, client_id: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        client_id = client_id or new_id()
        assert self.socket is not None
        since = len(self.socket.received)  # the reply to this send, not to an earlier one
        await self.socket.send(
            {"type": "vote", "id": client_id, "activity": activity, "option": option, **extra}
        )
        return await self.socket.reply_to(client_id, since=since)

    async def post(self, activity: int, text: Any, client_id: str | None = None) -> dict[str, Any]:
        client_id = client_id or new_id()
        assert self.socket is not None
        since = len(self.socket.received)
        await self.socket.send(
            {"type": "post", "id": client_id, "activity": activity, "text": text}
        )
        return await self.socket.reply_to(client_id, since=since)

    async def close(self) -> None:
        if self.socket:
            await self.socket.close()
            self.socket = None
