"""The load generator: simulated phones, over real HTTP joins and real WebSockets, against a
running server (its URL given), split over worker processes.

    python -m bench.loadgen --url http://127.0.0.1:8000 --user anna --password-file pw \\
        --phones 300 [--pid PID]       # --pid: read the server's CPU and memory from /proc

`bench.run` starts the server and the baseline itself and calls the same functions.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

from bench.fleet import Fleet
from bench.phones import Watcher
from bench.scenarios import Config, burst, connect_phones, fanout, idle, throughput
from bench.targets import BaselineTarget, Target, WorkshopTarget

SEAT_CAPACITY = 7  # the server's seats per table
_BEGAN = time.monotonic()


def progress(what: str) -> None:
    """A line on stderr per step, so a long run shows where it is."""
    print(f"  [{time.monotonic() - _BEGAN:7.1f} s] {what}", file=sys.stderr, flush=True)


def tables_for(phones: int) -> int:
    """Enough tables of seven for everyone, as a real room would have (1-500)."""
    return max(1, min(500, math.ceil(phones / SEAT_CAPACITY)))


async def one_session(
    target: Target,
    fleet: Fleet,
    cfg: Config,
    pid: int | None,
    scenarios: tuple[str, ...] = ("idle", "vote", "reflection", "fanout", "throughput"),
    watch: bool = True,
) -> dict[str, Any]:
    """Join ramp, then the chosen scenarios, all in one session; phones closed at the end."""
    await target.open()
    watchers: list[Watcher] = []
    try:
        room = await target.new_session("Lasttest", tables_for(cfg.phones))
        code = room["code"]
        if watch:
            watchers = await target.watchers(room, fleet.compression)
        out: dict[str, Any] = {"code": code}
        progress(f"{target.name}: {cfg.phones} phones joining")
        out["join"] = await connect_phones(target, fleet, cfg, [(code, cfg.phones)], pid, watchers)
        if "idle" in scenarios:
            progress(f"{target.name}: idle")
            out["idle"] = await idle(fleet, cfg.idle, pid, watchers)
        if "vote" in scenarios:
            progress(f"{target.name}: vote_burst")
            out["vote_burst"] = await burst(target, fleet, cfg, code, "vote", pid, watchers)
        if "reflection" in scenarios:
            progress(f"{target.name}: reflection_burst")
            out["reflection_burst"] = await burst(target, fleet, cfg, code, "post", pid, watchers)
        if "fanout" in scenarios:
            progress(f"{target.name}: fanout")
            out["fanout"] = await fanout(target, fleet, cfg, code, pid, watchers)
        if "throughput" in scenarios:
            progress(f"{target.name}: throughput")
            out["throughput"] = await throughput(target, fleet, cfg, code, pid, watchers)
        return out
    finally:
        await fleet.all("close")
        for watcher in watchers:
            with contextlib.suppress(Exception):
                await watcher.close()
        await target.close()


async def many_sessions(
    target: Target,
    fleet: Fleet,
    cfg: Config,
    pid: int | None,
    sessions: int,
    per_session: int,
    idle_seconds: float,
) -> dict[str, Any]:
    """`sessions` x `per_session` phones connected, then idle with heartbeats: server RSS
    growth per phone and idle CPU."""
    await target.open()
    try:
        rooms = [
            await target.new_session(f"Sal {n + 1}", tables_for(per_session))
            for n in range(sessions)
        ]
        plan = [(room["code"], per_session) for room in rooms]
        out: dict[str, Any] = {"sessions": sessions, "per_session": per_session}
        progress(f"{target.name}: {sessions * per_session} phones joining {sessions} sessions")
        out["join"] = await connect_phones(target, fleet, cfg, plan, pid, [])
        progress(f"{target.name}: idle {idle_seconds} s")
        out["idle"] = await idle(fleet, idle_seconds, pid, [])
        return out
    finally:
        await fleet.all("close")
        await target.close()


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--url", required=True, help="http://127.0.0.1:PORT, or ws:// for a baseline")
    cli.add_argument("--user", default="bench")
    cli.add_argument("--password-file", type=Path)
    cli.add_argument("--pid", type=int, help="the server's process id, for /proc readings")
    cli.add_argument("--workers", type=int, default=2)
    cli.add_argument("--phones", type=int, default=300)
    cli.add_argument("--window", type=float, default=2.0)
    cli.add_argument("--change", type=float, default=0.3)
    cli.add_argument("--rate", type=float, default=500.0)
    cli.add_argument("--idle", type=float, default=5.0)
    cli.add_argument("--throughput", type=float, default=5.0)
    cli.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    return cli


async def _main(args: argparse.Namespace) -> None:
    host = args.url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        raise SystemExit("loopback addresses only")
    compression = None if args.compression == "none" else "deflate"
    cfg = Config.from_args(args)
    target: Target
    if args.url.startswith("ws"):
        target = BaselineTarget(args.url, compression)
    else:
        password = args.password_file.read_text().rstrip("\r\n") if args.password_file else ""
        target = WorkshopTarget(args.url, args.user, password)
    fleet = Fleet(args.workers, None, compression).start()
    try:
        print(json.dumps(await one_session(target, fleet, cfg, args.pid), indent=1))
    finally:
        await fleet.stop()


if __name__ == "__main__":
    asyncio.run(_main(parser().parse_args()))
