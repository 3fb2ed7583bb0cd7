"""Entry point: start the server and the baseline, run every scenario against both, print a
table per scenario with ratios, and write all figures to bench/results/<date>-<name>.json.

    python -m bench.run --phones 300 --name small          # what `make bench` runs
    python -m bench.run --phones 2000 --window 5 --sessions 50 --session-phones 200 ...

With two cores or more the server (and the baseline) run on core 0 and the generator (its
workers and this process) on core 1. `--scenario poisson` or `joins` runs issue 19's open-loop
stream instead (bench/stream.py), `--repeat` times on a fresh server, then once against the
plain and the durable baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench import report
from bench import stream as stream_report
from bench.fleet import Fleet
from bench.loadgen import many_sessions, one_session
from bench.procstat import renice
from bench.scenarios import Config
from bench.servers import UNLIMITED_SUBMITS, add_facilitator, start_baseline, start_workshop
from bench.stream import Stream, stream_session
from bench.targets import BaselineTarget, WorkshopTarget

RESULTS = Path(__file__).resolve().parent / "results"
USER = "bench"


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "packages": {p: version(p) for p in ("uvicorn", "starlette", "websockets", "aiosqlite")},
    }


def revision() -> dict[str, Any]:
    """The commit under test, and whether workshop/ differed from it at the start."""
    root = Path(__file__).resolve().parent.parent

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=root, capture_output=True, text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": git("status", "--porcelain", "workshop")}


def cores() -> tuple[set[int] | None, list[int] | None]:
    """(server cores, generator cores): split when there are two or more."""
    mine = sorted(os.sched_getaffinity(0))
    if len(mine) < 2:
        return None, None
    return {mine[0]}, mine[1:2]


async def against_workshop(
    args: argparse.Namespace,
    fleet: Fleet,
    cfg: Config,
    workdir: Path,
    server_cores: set[int] | None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    password = secrets.token_urlsafe(16)
    out: dict[str, Any] = {}
    db = workdir / "single.db"
    add_facilitator(db, USER, password)
    child, url = start_workshop(db, server_cores, UNLIMITED_SUBMITS)
    try:
        print(f"workshop at {url} (pid {child.pid}): {cfg.phones} phones", flush=True)
        target = WorkshopTarget(url, USER, password)
        out = await one_session(target, fleet, cfg, child.pid, watch=not args.no_watchers)
    finally:
        child.stop()
    many = None
    if args.sessions:
        db = workdir / "many.db"
        add_facilitator(db, USER, password)
        child, url = start_workshop(db, server_cores, UNLIMITED_SUBMITS)
        try:
            total = args.sessions * args.session_phones
            print(f"workshop at {url}: {total} phones in {args.sessions} sessions", flush=True)
            target = WorkshopTarget(url, USER, password)
            many = await many_sessions(
                target, fleet, cfg, child.pid, args.sessions, args.session_phones, args.session_idle
            )
        finally:
            child.stop()
    return out, many


async def against_baseline(
    args: argparse.Namespace,
    fleet: Fleet,
    cfg: Config,
    server_cores: set[int] | None,
    deflate: bool,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The same scenarios against `bench.baseline`, deflate on or off as the workshop had it."""
    compression = fleet.compression
    child, url = start_baseline(server_cores, deflate)
    try:
        print(f"baseline at {url} (pid {child.pid})", flush=True)
        out = await one_session(BaselineTarget(url, compression), fleet, cfg, child.pid)
    finally:
        child.stop()
    many = None
    if args.sessions:
        child, url = start_baseline(server_cores, deflate)
        try:
            many = await many_sessions(
                BaselineTarget(url, compression),
                fleet,
                cfg,
                child.pid,
                args.sessions,
                args.session_phones,
                args.session_idle,
            )
        finally:
            child.stop()
    return out, many


async def main(args: argparse.Namespace) -> dict[str, Any]:
    server_cores, generator_cores = cores()
    if generator_cores:
        os.sched_setaffinity(0, set(generator_cores))
    cfg = Config.from_args(args)
    compression = None if args.compression == "none" else "deflate"
    run: dict[str, Any] = {
        "name": args.name,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.run", *sys.argv[1:]]),
        "machine": machine(),
        "revision": revision(),
        "pinning": {"server": sorted(server_cores or []), "generator": generator_cores},
        "config": {**vars(cfg), "workers": args.workers, "compression": args.compression},
    }
    began = time.monotonic()
    fleet = Fleet(args.workers, generator_cores, compression).start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            ours, ours_many = await against_workshop(args, fleet, cfg, Path(tmp), server_cores)
        run["workshop"] = ours
        if not args.no_baseline:
            deflate = bool(ours["join"].get("deflate_phones"))
            floor, floor_many = await against_baseline(args, fleet, cfg, server_cores, deflate)
            run["baseline"] = floor
        else:
            floor_many = None
        if ours_many:
            run["sessions"] = {"workshop": ours_many, "baseline": floor_many}
    finally:
        await fleet.stop()
    run["seconds"] = round(time.monotonic() - began, 1)
    return run


async def streams(args: argparse.Namespace) -> dict[str, Any]:
    """Issue 19: the stream `args.repeat` times on a fresh workshop each, then once against
    the plain baseline and once against the durable one (bench/stream.py)."""
    server_cores, generator_cores = cores()
    if generator_cores:
        os.sched_setaffinity(0, set(generator_cores))
    cfg = Config.from_args(args)
    join_rate = args.join_rate
    if join_rate is None:
        join_rate = 200.0 if args.scenario == "joins" else 0.0
    stream = Stream(args.vote_rate, args.stream, join_rate)
    compression = None if args.compression == "none" else "deflate"
    run: dict[str, Any] = {
        "name": args.name,
        "scenario": args.scenario,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.run", *sys.argv[1:]]),
        "machine": machine(),
        "revision": revision(),
        "pinning": {"server": sorted(server_cores or []), "generator": generator_cores},
        "config": {
            **vars(cfg),
            **vars(stream),
            "workers": args.workers,
            "server_nice": args.server_nice,
        },
        "runs": [],
        "baselines": {},
    }
    began = time.monotonic()
    if args.server_nice:  # the generator too (its workers inherit it), on its own core
        os.setpriority(os.PRIO_PROCESS, 0, args.server_nice)
    fleet = Fleet(args.workers, generator_cores, compression).start()
    try:
        for n in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                password = secrets.token_urlsafe(16)
                db, lag_log = Path(tmp) / "stream.db", Path(tmp) / "lag.jsonl"
                add_facilitator(db, USER, password)
                env = {**UNLIMITED_SUBMITS, "WORKSHOP_LAG_LOG": str(lag_log)}
                child, url = start_workshop(db, server_cores, env)
                if args.server_nice:
                    renice(child.pid, args.server_nice)
                try:
                    print(f"run {n + 1}/{args.repeat}: workshop at {url}", flush=True)
                    target = WorkshopTarget(url, USER, password)
                    run["runs"].append(
                        await stream_session(target, fleet, cfg, stream, child.pid, lag_log)
                    )
                finally:
                    child.stop()
        if not args.no_baseline:
            deflate = bool(run["runs"][0]["join"].get("deflate_phones"))
            for name in ("plain", "durable"):
                with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                    durable = Path(tmp) / "floor.db" if name == "durable" else None
                    child, url = start_baseline(server_cores, deflate, durable)
                    if args.server_nice:
                        renice(child.pid, args.server_nice)
                    try:
                        print(f"{name} baseline at {url}", flush=True)
                        target = BaselineTarget(url, fleet.compression)
                        run["baselines"][name] = await stream_session(
                            target, fleet, cfg, stream, child.pid
                        )
                    finally:
                        child.stop()
    finally:
        await fleet.stop()
    run["seconds"] = round(time.monotonic() - began, 1)
    return run


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--name", default="run", help="goes into the results file name")
    cli.add_argument("--phones", type=int, default=300, help="phones in the one-session run")
    cli.add_argument("--window", type=float, default=2.0, help="seconds in which all vote")
    cli.add_argument("--change", type=float, default=0.3, help="share that change their vote")
    cli.add_argument("--rate", type=float, default=500.0, help="joins a second")
    cli.add_argument("--idle", type=float, default=5.0, help="seconds idle in the one session")
    cli.add_argument("--throughput", type=float, default=5.0, help="seconds of closed-loop votes")
    cli.add_argument("--sessions", type=int, default=0, help="multi-session mode: sessions")
    cli.add_argument("--session-phones", type=int, default=200, help="phones per session")
    cli.add_argument("--session-idle", type=float, default=60.0, help="seconds idle, many sessions")
    cli.add_argument("--workers", type=int, default=2, help="generator processes")
    cli.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    cli.add_argument("--no-baseline", action="store_true")
    cli.add_argument("--no-watchers", action="store_true", help="no screen or console socket")
    cli.add_argument("--seed", type=int, default=1)
    cli.add_argument("--out", type=Path, default=RESULTS)
    cli.add_argument(
        "--scenario",
        choices=["all", "poisson", "joins"],
        default="all",
        help="all: the issue 3 scenarios; poisson / joins: issue 19's open-loop stream",
    )
    cli.add_argument("--repeat", type=int, default=1, help="stream runs, each on a new server")
    cli.add_argument("--vote-rate", type=float, default=400.0, help="stream: votes a second")
    cli.add_argument("--stream", type=float, default=10.0, help="stream: seconds")
    cli.add_argument(
        "--join-rate", type=float, default=None, help="stream: joins a second (joins: 200)"
    )
    cli.add_argument(
        "--server-nice",
        type=int,
        default=0,
        help="stream: niceness of the server, the baselines and the generator (below 0: ahead"
        " of whatever else runs on a shared machine)",
    )
    return cli


def cli() -> None:
    args = parser().parse_args()
    if args.scenario != "all":
        run = asyncio.run(streams(args))
        print()
        rev = run["revision"]
        print(f"commit {rev['commit'][:10]}" + (" (workshop/ modified)" if rev["dirty"] else ""))
        print(stream_report.table(run["runs"], run["baselines"]))
        print()
        print(stream_report.verdicts(run["runs"], run["baselines"]))
        day = datetime.date.today().isoformat()
        path = report.write(run, args.out / f"{day}-{args.name}.json")
        print(f"\n{run['seconds']} s in all; figures in {path}")
        return
    run = asyncio.run(main(args))
    print()
    rev = run["revision"]
    print(f"commit {rev['commit'][:10]}" + (" (workshop/ modified)" if rev["dirty"] else ""))
    print(report.tables(run))
    print()
    print(report.verdicts(run))
    day = datetime.date.today().isoformat()
    path = report.write(run, args.out / f"{day}-{args.name}.json")
    print(f"\n{run['seconds']} s in all; figures in {path}")


if __name__ == "__main__":
    cli()
