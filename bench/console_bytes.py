"""What a facilitator's console receives during a vote burst with a two-day plan (issue 19).

    python -m bench.console_bytes --phones 2000 --window 5

Starts `workshop serve` on a temporary database (pinned to core 0, the generator on core 1,
as `bench.run`), applies the agenda template `--template` (the plan), connects a screen and
one console, joins `--phones` phones over HTTP, then runs the vote burst of `bench.run` (a
poll added and opened; everyone votes within `--window`, `--change` of them twice; with
`--kind post` the reflection burst: a wall, everyone posts) while the
console counts frames and payload bytes (after decompression) by frame type. Prints and
writes `bench/results/<date>-console-bytes.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from bench.fleet import Fleet
from bench.loadgen import tables_for
from bench.phones import Watcher, answered_ping, open_socket
from bench.run import RESULTS, cores, machine, revision
from bench.scenarios import Config, burst, connect_phones
from bench.servers import UNLIMITED_SUBMITS, add_facilitator, start_workshop
from bench.targets import WorkshopTarget

USER = "bench"


@dataclass
class ConsoleCounter:
    """A console socket: frames and payload bytes by frame type."""

    url: str
    headers: dict[str, str]
    frames: int = 0
    bytes: int = 0
    by_type: dict[str, list[int]] = field(default_factory=dict)  # type -> [frames, bytes]
    largest: int = 0
    conn: ClientConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _first: asyncio.Event = field(default_factory=asyncio.Event)

    async def connect(self, compression: str | None, timeout: float) -> None:
        self.conn = await open_socket(self.url, compression, self.headers)
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self._first.wait(), timeout)

    async def _read(self) -> None:
        assert self.conn is not None
        with contextlib.suppress(ConnectionClosed):
            while True:
                data = await self.conn.recv(decode=False)
                message = json.loads(data)
                if await answered_ping(self.conn, message):
                    continue
                kind = str(message.get("type"))
                self.frames += 1
                self.bytes += len(data)
                self.largest = max(self.largest, len(data))
                counts = self.by_type.setdefault(kind, [0, 0])
                counts[0] += 1
                counts[1] += len(data)
                if kind in ("state", "live"):
                    self._first.set()

    def reading(self) -> tuple[int, int, dict[str, list[int]]]:
        return self.frames, self.bytes, {k: list(v) for k, v in self.by_type.items()}

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 10)


async def measure(args: argparse.Namespace, url: str, password: str, pid: int) -> dict[str, Any]:
    cfg = Config(phones=args.phones, window=args.window, change=args.change, rate=args.rate)
    generator_cores = cores()[1]
    compression = None if args.compression == "none" else "deflate"
    fleet = Fleet(args.workers, generator_cores, compression).start()
    target = WorkshopTarget(url, USER, password)
    await target.open()
    assert target.http is not None
    watchers: list[Watcher] = []
    console: ConsoleCounter | None = None
    try:
        room = await target.new_session("Konsolltest", tables_for(cfg.phones))
        code = room["code"]
        response = await target.http.post(
            f"/api/sessions/{code}/agenda", json={"template": args.template}
        )
        response.raise_for_status()
        watchers = (await target.watchers(room, compression))[:1]  # the screen
        cookie = "; ".join(f"{k}={v}" for k, v in target.http.cookies.items())
        console_url = url.replace("http://", "ws://", 1) + f"/ws/{code}/console"
        console = ConsoleCounter(console_url, {"Cookie": cookie})
        await console.connect(compression, 30)
        connected = console.reading()
        print(f"  {cfg.phones} phones joining", file=sys.stderr, flush=True)
        joined = await connect_phones(target, fleet, cfg, [(code, cfg.phones)], pid, watchers)
        before = console.reading()
        began = time.monotonic()
        print(f"  {args.kind} burst", file=sys.stderr, flush=True)
        voted = await burst(target, fleet, cfg, code, args.kind, pid, watchers)
        wall = time.monotonic() - began
        after = console.reading()
        frames, sent = after[0] - before[0], after[1] - before[1]
        kinds = {
            k: [v[0] - before[2].get(k, [0, 0])[0], v[1] - before[2].get(k, [0, 0])[1]]
            for k, v in after[2].items()
        }
        return {
            "phones": cfg.phones,
            "connected": joined["connected"],
            "votes_sent": voted["sent"],
            "vote_to_screen_ms": voted.get("vote_to_screen"),
            "first_state_bytes": connected[1],
            "join": {"frames": before[0] - connected[0], "bytes": before[1] - connected[1]},
            "burst": {
                "wall_s": round(wall, 2),
                "frames": frames,
                "bytes": sent,
                "frames_per_s": round(frames / wall, 1),
                "bytes_per_s": round(sent / wall),
                "by_type": kinds,
                "largest_frame": console.largest,
            },
            "server_cpu_pct": voted.get("server_cpu_pct"),
        }
    finally:
        await fleet.all("close")
        for closing in [*watchers, console]:
            if closing is not None:
                with contextlib.suppress(Exception):
                    await closing.close()
        await target.close()
        await fleet.stop()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    server_cores, generator_cores = cores()
    if generator_cores:
        os.sched_setaffinity(0, set(generator_cores))
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        db = Path(tmp) / "console.db"
        add_facilitator(db, USER, password)
        child, url = start_workshop(db, server_cores, UNLIMITED_SUBMITS)
        try:
            out = await measure(args, url, password, child.pid)
        finally:
            child.stop()
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join(["python", "-m", "bench.console_bytes", *sys.argv[1:]]),
        "machine": machine(),
        "revision": revision(),
        "template": args.template,
        "kind": args.kind,
        **out,
    }


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--phones", type=int, default=2000)
    cli.add_argument("--window", type=float, default=5.0, help="seconds in which all vote")
    cli.add_argument("--change", type=float, default=0.3, help="share that change their vote")
    cli.add_argument("--rate", type=float, default=500.0, help="joins a second")
    cli.add_argument("--workers", type=int, default=2)
    cli.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    cli.add_argument("--template", default="grunnprogram-to-dager")
    cli.add_argument("--kind", choices=["vote", "post"], default="vote", help="the burst's")
    cli.add_argument("--name", default="console-bytes", help="goes into the results file name")
    return cli


def cli() -> None:
    args = parser().parse_args()
    run = asyncio.run(main(args))
    burst_ = run["burst"]
    print(
        f"{run['connected']}/{run['phones']} phones, {run['votes_sent']} {args.kind}s in "
        f"{burst_['wall_s']} s: console {burst_['frames_per_s']} frames/s, "
        f"{burst_['bytes_per_s'] / 1024:.1f} KiB/s (largest frame {burst_['largest_frame']} B; "
        f"first state {run['first_state_bytes']} B)"
    )
    print(json.dumps(burst_["by_type"]))
    RESULTS.mkdir(exist_ok=True)
    day = datetime.date.today().isoformat()
    path = RESULTS / f"{day}-{args.name}.json"
    path.write_text(json.dumps(run, indent=2) + "\n")
    print(f"written to {path}")


if __name__ == "__main__":
    cli()
