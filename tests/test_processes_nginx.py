"""Two `workshop serve` processes behind Debian's nginx, with the configuration of
docs/deploying.md ("Several processes"), TLS included: phones, the screen and the console
through nginx; one process killed (-9) in the middle of a vote burst; a rolling restart."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    add_facilitator,
    login,
    new_session,
    results,
    set_state,
)
from tests.services import free_port
from tests.test_processes import broadcast_env, shared_db  # noqa: F401  (a fixture)

DOCS = Path(__file__).parent.parent / "docs" / "deploying.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
RECONNECT_WITHIN = 30.0  # seconds a phone may take to find a live process again

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (make nginx)"
)


def server_port() -> int:
    """A free port below the ephemeral range: a process restarted on its port must not find
    it taken by one of the many connections nginx and the phones open meanwhile."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(100):
        port = random.randrange(max(1024, low - 10_000), low)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def docs_config() -> str:
    """The nginx block under "Several processes" in docs/deploying.md."""
    text = DOCS.read_text("utf-8")
    section = text[text.index("## Several processes") :]
    found = re.search(r"```nginx\n(.*?)```", section, re.S)
    assert found, "docs/deploying.md: no nginx block under Several processes"
    return found.group(1)


def nginx_config(block: str, ports: list[int], listen: int, redirect: int, folder: Path) -> str:
    """The docs' block with this test's processes, ports and certificate, in an http block
    with every path nginx writes inside `folder`."""
    upstreams = re.findall(r"server 127\.0\.0\.1:(\d+)", block)
    assert len(upstreams) == len(ports), upstreams
    for documented, port in zip(upstreams, ports, strict=True):
        block = block.replace(f"127.0.0.1:{documented}", f"127.0.0.1:{port}", 1)
    for needed in (
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_read_timeout 3600s;",
    ):
        assert needed in block, needed
    block = block.replace("listen 443 ssl", f"listen 127.0.0.1:{listen} ssl", 1)
    block = block.replace("listen 80;", f"listen 127.0.0.1:{redirect};", 1)
    block = block.replace("workshop.example.no", "localhost")
    block = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {folder}/cert.pem;", block)
    block = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {folder}/key.pem;", block)
    temp = "\n".join(
        f"    {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "error_log stderr notice;\n"
        "events { worker_connections 4096; }\n"
        f"http {{\n    access_log off;\n{temp}\n{block}\n}}\n"
    )


@dataclass
class Nginx:
    """Debian's nginx in the foreground with a configuration of the test's own."""

    folder: Path
    ports: list[int]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"wss://localhost:{self.port}"

    def start(self) -> Nginx:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                "-keyout", str(self.folder / "key.pem"), "-out", str(self.folder / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        config = nginx_config(docs_config(), self.ports, self.port, free_port(), self.folder)
        (self.folder / "nginx.conf").write_text(config)
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.folder), "-c", "nginx.conf", "-g", "daemon off;"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        # Its notices go to stdout too: "start worker processes" comes once it listens.
        ready = threading.Event()

        def read() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                if b"start worker process" in line:
                    ready.set()
            ready.set()  # it stopped: the check below tells

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(10) or self.process.poll() is not None:
            log = (self.folder / "error.log").read_text()
            raise RuntimeError(f"nginx did not start: {log}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Deployment:
    front: Nginx
    servers: list[Server]
    ports: list[int]  # the servers', nginx's upstream

    @property
    def entry(self) -> Server:
        """nginx, where tests.live wants a `Server`: Phone and login need only its URLs."""
        return cast(Server, self.front)


@pytest.fixture
def deployment(
    tmp_path: Path,
    shared_db: Path | str,  # noqa: F811
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Deployment]:
    add_facilitator(shared_db, "anna")
    # httpx and websockets (ssl's default context) trust the test's certificate.
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))
    ports = [server_port(), server_port()]
    front = Nginx(tmp_path, ports)
    args = ["--public-url", front.url, "--forwarded-allow-ips", "127.0.0.1"]
    env = broadcast_env(redis_url)
    servers = [Server(shared_db, port, env=env, args=args) for port in ports]
    try:
        for server in servers:  # the first migrates; then the second
            server.start()
        front.start()
        yield Deployment(front, servers, ports)
    finally:
        front.stop()
        for n, server in enumerate(servers):
            server.stop()
            (tmp_path / f"server-{n}.log").write_text("".join(server.output))


def restarted(server: Server, port: int) -> Server:
    """The same server started again on its port, nginx's upstream (not `server.port`:
    with --public-url it prints nginx's address, which `Server` takes for its own)."""
    again = Server(server.db, port, env=server.env, args=server.args)
    try:
        return again.start()
    except RuntimeError as error:
        held = subprocess.run(["ss", "-tanp"], capture_output=True, text=True).stdout
        mine = [line for line in held.splitlines() if f":{port} " in line]
        raise RuntimeError(f"{error}: {''.join(again.output)[-300:]} {mine}") from error


class Progress:
    """Acknowledgements counted across phones, to wait for the middle of a burst."""

    def __init__(self) -> None:
        self.acks = 0
        self._waiting: list[tuple[int, asyncio.Future[None]]] = []

    def ack(self) -> None:
        self.acks += 1
        for count, future in self._waiting:
            if self.acks >= count and not future.done():
                future.set_result(None)

    async def reach(self, count: int, timeout: float = 60.0) -> None:
        if self.acks >= count:
            return
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((count, future))
        await asyncio.wait_for(future, timeout)


class Resender:
    """A phone as the page behaves: every submission waits for its ack, and after a lost
    connection it reconnects (through nginx) and sends again, with the same ids, whatever
    was not acknowledged yet."""

    def __init__(self, ws_url: str, code: str, token: str, progress: Progress) -> None:
        self.progress = progress
        self.url = f"{ws_url}/ws/{code}/participant?token={token}"
        self.pending: dict[str, dict[str, Any]] = {}  # sent, not acknowledged, in order
        self.acked: dict[str, dict[str, Any]] = {}
        self.errors: list[dict[str, Any]] = []
        self.connects = 0
        self._conn: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._lock = asyncio.Lock()

    async def _open(self) -> None:
        """Connect until a process welcomes this phone; then resend what is pending."""
        deadline = time.monotonic() + RECONNECT_WITHIN
        while True:
            try:
                conn = await connect(self.url, open_timeout=5)
                while True:
                    message = json.loads(await asyncio.wait_for(conn.recv(), 5))
                    if message["type"] == "welcome":
                        break
                break
            except (OSError, ConnectionClosed, InvalidStatus, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)  # a retry's pause, as the page's backoff
        self._conn = conn
        self.connects += 1
        self._reader = asyncio.create_task(self._read(conn))
        for message in list(self.pending.values()):
            await self._send_on(conn, message)

    async def _send_on(self, conn: ClientConnection, message: dict[str, Any]) -> None:
        with contextlib.suppress(ConnectionClosed):  # the reader sees it; it stays pending
            await conn.send(json.dumps(message))

    async def _read(self, conn: ClientConnection) -> None:
        try:
            async for text in conn:
                message = json.loads(text)
                kind = message.get("type")
                if kind == "ping":
                    await conn.send('{"type":"pong"}')
                elif kind == "ack" and message["id"] in self.pending:
                    self.acked[message["id"]] = self.pending.pop(message["id"])
                    self.progress.ack()
                elif kind == "error" and message.get("id") in self.pending:
                    self.pending.pop(message["id"])  # refused: final, and the test fails
                    self.errors.append(message)
                self._changed.set()
        except ConnectionClosed:
            pass
        finally:
            self._changed.set()

    async def _alive(self) -> ClientConnection:
        async with self._lock:
            if self._conn is None or self._reader is None or self._reader.done():
                await self._open()
            assert self._conn is not None
            return self._conn

    async def send(self, message: dict[str, Any]) -> None:
        self.pending[message["id"]] = message
        await self._send_on(await self._alive(), message)

    async def settle(self, timeout: float = 60.0) -> None:
        """Until every submission is acknowledged, reconnecting as often as it takes."""

        async def wait() -> None:
            while self.pending:
                self._changed.clear()
                await self._alive()
                if self.pending:
                    await self._changed.wait()

        await asyncio.wait_for(wait(), timeout)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
        if self._reader is not None:
            await self._reader


async def stream(room: Room, kind: str, rounds: int) -> dict[int, int]:
    """Each phone sends `rounds` votes (a new option each time) or posts, a few in flight at
    once as the page's queue does; for votes, the last option each phone chose."""
    last: dict[int, int] = {}

    async def one(phone: Phone, sender: Resender) -> None:
        for n in range(rounds):
            message: dict[str, Any] = {"type": kind, "id": str(uuid.uuid4())}
            if kind == "vote":
                option = (phone.participant_id + n) % 3
                message.update(activity=room.poll, option=option)
                last[phone.participant_id] = option
            else:
                message.update(activity=room.reflection, text=f"{phone.participant_id}-{n}")
            await sender.send(message)
            while len(sender.pending) > 4:
                sender._changed.clear()
                await sender._alive()
                if len(sender.pending) > 4:
                    await sender._changed.wait()

    await asyncio.gather(*(one(p, s) for p, s in room.phones))
    return last


@dataclass
class Room:
    anna: httpx.AsyncClient
    created: dict[str, Any]
    poll: int
    reflection: int
    phones: list[tuple[Phone, Resender]]
    progress: Progress

    @property
    def code(self) -> str:
        return self.created["code"]

    async def close(self) -> None:
        for _, sender in self.phones:
            await sender.close()
        await self.anna.aclose()


async def open_room(deployment: Deployment, phones: int) -> Room:
    """A session with a poll (open) and a reflection, and `phones` joined through nginx."""
    anna = await login(deployment.entry, "anna")
    created = await new_session(anna, tables=4)
    code = created["code"]
    poll = await add_activity(anna, code, kind="poll", prompt="Nå?", options=["A", "B", "C"])
    reflection = await add_activity(anna, code, kind="reflection", prompt="Hvorfor?")
    await set_state(anna, code, poll, "open")
    joined = [await Phone.join(deployment.entry, code) for _ in range(phones)]
    progress = Progress()
    senders = [Resender(deployment.front.ws_url, code, p.token, progress) for p in joined]
    pairs = list(zip(joined, senders, strict=True))
    return Room(anna, created, poll, reflection, pairs, progress)


async def settle(room: Room) -> None:
    """Until every phone's submissions are acknowledged; none was refused."""
    for _, sender in room.phones:
        await sender.settle()
    for _, sender in room.phones:
        assert not sender.pending and not sender.errors, (sender.pending, sender.errors)


async def check_votes(room: Room, last: dict[int, int]) -> None:
    """Each phone's last acknowledged vote counts, once."""
    await settle(room)
    found = (await results(room.anna, room.code))[room.poll]
    assert found["counts"] == [list(last.values()).count(option) for option in range(3)]


async def check_posts(room: Room) -> None:
    """Every acknowledged post is stored exactly once (a post is never replaced, so a lost
    or doubled one shows)."""
    await settle(room)
    posts = [p["id"] for p in (await results(room.anna, room.code))[room.reflection]["posts"]]
    sent = [i for _, s in room.phones for i, m in s.acked.items() if m["type"] == "post"]
    assert len(posts) == len(set(posts)), "a post stored twice"
    assert sorted(posts) == sorted(sent)


def reconnects(room: Room) -> int:
    return sum(s.connects for _, s in room.phones) - len(room.phones)


async def test_phones_and_the_screen_through_nginx_see_exact_totals(
    deployment: Deployment,
) -> None:
    room = await open_room(deployment, 16)
    screen_page = room.created["screen_url"]
    assert screen_page.startswith(deployment.front.url), screen_page
    screen_url = screen_page.replace("https://", "wss://", 1).replace(
        f"/screen/{room.code}", f"/ws/{room.code}/screen", 1
    )
    screen = await Socket.open(screen_url)
    await screen.wait_for(lambda m: m["type"] == "state")
    try:
        last = await stream(room, "vote", rounds=3)
        await check_votes(room, last)
        await set_state(room.anna, room.code, room.poll, "revealed")
        expected = [list(last.values()).count(option) for option in range(3)]
        state = await screen.wait_for(
            lambda m: (
                m["type"] == "state"
                and m["activity"] is not None
                and m["activity"]["id"] == room.poll
                and m["activity"]["state"] == "revealed"
            )
        )
        assert state["activity"]["results"]["counts"] == expected
        assert state["participants"] == len(room.phones)
    finally:
        await screen.close()
        await room.close()


async def test_a_killed_process_loses_no_acknowledged_vote(deployment: Deployment) -> None:
    """kill -9 of A during a vote burst; A back, then kill -9 of B during a post burst."""
    room = await open_room(deployment, 20)
    a, b = deployment.servers
    try:
        burst = asyncio.create_task(stream(room, "vote", rounds=15))
        await room.progress.reach(100)  # mid-burst: a third of the votes acknowledged
        assert not burst.done()
        await asyncio.to_thread(a.kill)
        await check_votes(room, await burst)
        assert reconnects(room) > 0, "no phone was on the killed process"

        deployment.servers[0] = await asyncio.to_thread(restarted, a, deployment.ports[0])
        await set_state(room.anna, room.code, room.reflection, "open")
        before = reconnects(room)
        burst = asyncio.create_task(stream(room, "post", rounds=15))
        await room.progress.reach(room.progress.acks + 100)
        assert not burst.done()
        await asyncio.to_thread(b.kill)
        await burst
        await check_posts(room)
        assert reconnects(room) > before, "no phone was on the second killed process"
    finally:
        await room.close()


async def test_a_rolling_restart_during_a_vote_stream_loses_nothing(
    deployment: Deployment,
) -> None:
    """A restarted during votes, then B during posts, the phones sending all along."""
    room = await open_room(deployment, 12)
    try:
        for n, kind in enumerate(("vote", "post")):
            if kind == "post":
                await set_state(room.anna, room.code, room.reflection, "open")
            # 20 rounds: a participant may post at most 20 texts to one question.
            burst = asyncio.create_task(stream(room, kind, rounds=20))
            await room.progress.reach(room.progress.acks + 80)
            assert not burst.done(), "the stream ended before the restart"
            server = deployment.servers[n]
            await asyncio.to_thread(server.stop)
            deployment.servers[n] = await asyncio.to_thread(restarted, server, deployment.ports[n])
            last = await burst
            if kind == "vote":
                await check_votes(room, last)
            else:
                await check_posts(room)
        # Phones that had sent everything before their process stopped need not come back.
        assert reconnects(room) > 0, "no phone was on a restarted process"
    finally:
        await room.close()
