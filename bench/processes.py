"""Issue 19: one `workshop serve` process against two behind nginx (the TLS configuration
of docs/deploying.md, tested by tests/test_processes_nginx.py) sharing a database and
Redis (`--broadcast`).

Two figures: durable acknowledged votes a second (phones in a closed loop through nginx:
each sends a vote, waits for its ack, sends the next) and vote-to-screen across processes
(probe phones on process A vote once each; a screen socket on process B waits for the
count to show it), measured while the closed loop runs.

    .venv/bin/python -m bench.processes --phones 200 --seconds 20 [--db postgresql://…]

Everything (nginx, Redis, the servers, this generator) shares the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench.phones import Phone
from bench.servers import UNLIMITED_SUBMITS
from tests import services
from tests.live import Server, add_facilitator
from tests.test_processes_nginx import Nginx, server_port

PASSWORD = "correct horse battery staple"


async def join(client: httpx.AsyncClient, code: str, base_ws: str, key: int) -> Phone:
    response = await client.post(f"/api/sessions/{code}/join", json={})
    response.raise_for_status()
    token = response.json()["token"]
    return Phone(key, f"{base_ws}/ws/{code}/participant?token={token}")


async def closed_loop(phones: list[Phone], poll: int, until: float) -> tuple[int, int]:
    """Votes acknowledged and refused/lost until `until`."""
    acked = failed = 0

    async def one(phone: Phone) -> None:
        nonlocal acked, failed
        n = 0
        while time.monotonic() < until:
            _, reply = await phone.submit(
                {"type": "vote", "activity": poll, "option": n % 3}, timeout=10
            )
            n += 1
            if reply.kind == "ack":
                acked += 1
            else:
                failed += 1

    await asyncio.gather(*(one(p) for p in phones))
    return acked, failed


async def probe(
    screen_ws: str, voters: list[Phone], poll: int, base: int, spacing: float
) -> list[float]:
    """Each voter votes once, `spacing` s apart; ms from each send to the screen (on
    another process) showing `base` + that many answers."""
    shown: dict[int, float] = {}
    arrived = asyncio.Event()
    conn = await connect(screen_ws, max_size=None)

    async def read() -> None:
        async for text in conn:
            message = json.loads(text)
            if message.get("type") == "ping":
                await conn.send('{"type":"pong"}')
            activity = message.get("activity") or {}
            if message.get("type") == "state" and activity.get("id") == poll:
                now = time.monotonic()
                for k in range(1, activity.get("answered", 0) - base + 1):
                    shown.setdefault(k, now)
                arrived.set()

    reader = asyncio.create_task(read())
    sent: list[float] = []
    for voter in voters:
        sent.append(time.monotonic())
        _, reply = await voter.submit({"type": "vote", "activity": poll, "option": 0}, 10)
        assert reply.kind == "ack", reply
        await asyncio.sleep(spacing)  # pacing the probe, not waiting for anything
    deadline = time.monotonic() + 10
    while len(shown) < len(voters) and time.monotonic() < deadline:
        arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrived.wait(), 1)
    reader.cancel()
    await conn.close()
    return [(shown[k + 1] - t) * 1000 for k, t in enumerate(sent) if k + 1 in shown]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def measure(
    processes: int, phones: int, seconds: float, db: Path | str, redis: str, probes: int
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    ports = [server_port() for _ in range(processes)]
    front = Nginx(folder, ports * 2 if processes == 1 else ports)
    env = {**UNLIMITED_SUBMITS, "WORKSHOP_FAILED_GUESSES": "1000000"}
    if processes > 1:
        env.update(WORKSHOP_BROADCAST=redis, WORKSHOP_BROADCAST_PREFIX=uuid.uuid4().hex)
    args = ["--public-url", front.url]
    servers = [Server(db, port, env=env, args=args) for port in ports]
    os.environ["SSL_CERT_FILE"] = str(folder / "cert.pem")
    try:
        for server in servers:
            server.start()
        front.start()
        async with httpx.AsyncClient(base_url=front.url, timeout=30) as anna:
            login = {"username": "anna", "password": PASSWORD}
            (await anna.post("/api/login", json=login)).raise_for_status()
            room = {"title": "Bench", "tables": 20, "max_participants": 2 * phones + probes}
            created = (await anna.post("/api/sessions", json=room)).json()
            code = created["code"]
            body = {"kind": "poll", "prompt": "?", "options": ["A", "B", "C"]}
            poll = (await anna.post(f"/api/sessions/{code}/activities", json=body)).json()["id"]
            state = {"state": "open"}
            await anna.post(f"/api/sessions/{code}/activities/{poll}/state", json=state)
            loop = [await join(anna, code, front.ws_url, n) for n in range(phones)]
            await asyncio.gather(*(p.connect(None, 30) for p in loop))
            # The probe: its voters on the first process, the screen on the last.
            direct_a = f"ws://127.0.0.1:{ports[0]}"
            direct_b = f"ws://127.0.0.1:{ports[-1]}"
            created_probe = await anna.post(f"/api/sessions/{code}/activities", json=body)
            probe_poll = created_probe.json()["id"]
            voters = [await join(anna, code, direct_a, n) for n in range(probes)]
            await asyncio.gather(*(v.connect(None, 30) for v in voters))
            key = created["screen_url"].rsplit("key=", 1)[1]
            screen = f"{direct_b}/ws/{code}/screen?key={key}"

            start = time.monotonic()
            acked, failed = await closed_loop(loop, poll, start + seconds)
            elapsed = time.monotonic() - start
            # The probe under the same load: the loop's phones answer the probe's poll once
            # (the screen counts people), then keep changing their votes.
            await anna.post(f"/api/sessions/{code}/activities/{probe_poll}/state", json=state)
            once = {"type": "vote", "activity": probe_poll, "option": 1}
            replies = await asyncio.gather(*(p.submit(dict(once), 10) for p in loop))
            assert all(reply.kind == "ack" for _, reply in replies), "the loop's first votes"
            until = time.monotonic() + 2 + probes * 0.05
            load = asyncio.create_task(closed_loop(loop, probe_poll, until))
            latencies = await probe(screen, voters, probe_poll, phones, 0.05)
            await load
            for p in [*loop, *voters]:
                await p.close()
    finally:
        front.stop()
        for server in servers:
            server.stop()
    return {
        "processes": processes,
        "phones": phones,
        "acked_per_s": round(acked / elapsed, 1),
        "failed": failed,
        "probe_p50_ms": percentile(latencies, 0.5),
        "probe_p99_ms": percentile(latencies, 0.99),
        "probe_max_ms": max(latencies) if latencies else float("nan"),
        "probe_seen": f"{len(latencies)}/{probes}",
        "probe_mean_ms": statistics.fmean(latencies) if latencies else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument(
        "--db",
        default="",
        help="a postgresql:// URL, or `postgresql` for the tests' (tests/services.py); "
        "default: a SQLite file both processes share",
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        redis = stack.enter_context(services.redis())
        base = stack.enter_context(services.postgres()) if args.db == "postgresql" else args.db
        for processes in (1, 2):
            if base:
                db: Path | str = services.schema_url(base)
            else:
                db = Path(tempfile.mkdtemp(prefix="workshop-bench-db-")) / "workshop.db"
            add_facilitator(db, "anna", PASSWORD)
            result = asyncio.run(
                measure(processes, args.phones, args.seconds, db, redis, args.probes)
            )
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
