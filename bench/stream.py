"""Issue 19's open-loop scenarios: votes arriving as a Poisson stream into one session of
phones that have all joined (`poisson`), optionally with newcomers joining at the same time
(`joins`), run `--repeat` times on a fresh server each, the worst run reported.

    python -m bench.run --scenario poisson --phones 2000 --vote-rate 400 --stream 10 --repeat 10
    python -m bench.run --scenario joins --phones 2000 --vote-rate 400 --join-rate 200

The workshop server runs with `WORKSHOP_LAG_LOG` (workshop/lag.py): its event loop's lag and
the writer's queue waits and batch durations over the stream's window are read back here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.fleet import Fleet
from bench.loadgen import progress, tables_for
from bench.phones import Watcher
from bench.procstat import TICKS, core_ticks, cpu_seconds
from bench.scenarios import (
    SCREEN_WAIT,
    START_LEAD,
    Config,
    Meter,
    _acked,
    _outcomes,
    connect_phones,
    vote_check,
    vote_to_screen,
)
from bench.stats import summary_ms
from bench.targets import Target

LAG_SETTLE = 1.5  # seconds after the stream for the server's last lag line


@dataclass
class Stream:
    rate: float = 400.0  # votes a second, over all workers
    seconds: float = 10.0
    join_rate: float = 0.0  # newcomers a second during the stream (0: none)


def lag_figures(path: Path | None, begin: float, end: float) -> dict[str, Any] | None:
    """The server's lag lines (workshop/lag.py) whose second fell within [begin, end]."""
    if path is None or not path.exists():
        return None
    loop: list[float] = []
    waits: list[float] = []
    batches: list[float] = []
    sizes: list[int] = []
    for text in path.read_text().splitlines():
        line = json.loads(text)
        if begin <= line["t"] <= end + 1.0:  # a line covers the second before its t
            loop += line["loop_ms"]
            waits += line["wait_ms"]
            batches += line["batch_ms"]
            sizes += line["batch_ops"]
    return {
        "loop_lag_ms": summary_ms(v / 1000 for v in loop),
        "writer_wait_ms": summary_ms(v / 1000 for v in waits),
        "batch_ms": summary_ms(v / 1000 for v in batches),
        "batch_ops_max": max(sizes, default=0),
        "batches": len(batches),
    }


async def poisson(
    target: Target,
    fleet: Fleet,
    cfg: Config,
    stream: Stream,
    code: str,
    pid: int | None,
    watchers: list[Watcher],
    lag_log: Path | None,
) -> dict[str, Any]:
    """Open a poll, then the stream (and the joins, if any); ack latency, vote-to-screen,
    stored against acked, and the server's lag over the window."""
    activity = await target.add_activity(code, "poll", cfg.options)
    await target.open_activity(code, activity)
    joins: list[dict[str, Any] | None] = [None] * fleet.size
    start_at = time.monotonic() + START_LEAD
    if stream.join_rate:
        count = int(stream.join_rate * stream.seconds)
        op, args = target.connect_args([(code, count)], fleet.size)
        for a in args:
            a.update(rate=stream.join_rate / fleet.size, start_at=start_at)
            a.update(concurrency=cfg.concurrency, timeout=cfg.timeout)
            if op == "connect":  # the baseline: keys after the phones already there
                a["first_key"] += cfg.phones
        joins = [{"op": op, **a} for a in args]
    meter = await Meter(fleet, pid, watchers).start()
    server_cores = os.sched_getaffinity(pid) if pid else set()
    core0, server0 = core_ticks(server_cores), cpu_seconds(pid) if pid else 0.0
    replies = await fleet.each(
        "poisson",
        [
            {
                "activity": activity,
                "options": cfg.options,
                "start_at": start_at,
                "duration": stream.seconds,
                "rate": stream.rate / fleet.size,
                "seed": cfg.seed,
                "join": join,
            }
            for join in joins
        ],
    )
    ended = time.monotonic()
    core1, server1 = core_ticks(server_cores), cpu_seconds(pid) if pid else 0.0
    records = [tuple(r) for reply in replies for r in reply["records"]]
    firsts = sum(1 for r in _acked(records) if r[1])  # type: ignore[arg-type]
    screen = watchers[0] if watchers else None
    if screen is not None:
        await screen.wait_answered(activity, firsts, SCREEN_WAIT)
    figures = await meter.stop()
    out: dict[str, Any] = {
        "activity": activity,
        "rate": stream.rate,
        "seconds": stream.seconds,
        "sent": len(records),
        "outcomes": _outcomes(records),  # type: ignore[arg-type]
        "ack_ms": summary_ms(r[5] - r[4] for r in _acked(records)),  # type: ignore[arg-type, operator]
        **figures,
    }
    if pid and core1[1] > core0[1]:  # who else ran on the server's core meanwhile
        span = (core1[1] - core0[1]) / TICKS  # core-seconds
        busy = (core1[0] - core0[0]) / TICKS
        out["server_core"] = {
            "cores": sorted(server_cores),
            "busy_pct": round(100 * busy / span, 1),
            "server_pct": round(100 * (server1 - server0) / span, 1),
            "others_pct": round(100 * max(0.0, busy - (server1 - server0)) / span, 1),
        }
    if stream.join_rate:
        done = [r["join"] for r in replies]
        out["joined"] = {
            "rate": stream.join_rate,
            "connected": sum(j["connected"] for j in done),
            "failed": sum(j["failed"] for j in done),
            "join_ms": summary_ms(s for j in done for s in j["join_s"]),
        }
    if screen is not None:
        out["vote_to_screen"] = vote_to_screen(records, screen, activity)  # type: ignore[arg-type]
    stored = await target.results(code)
    if stored is not None:
        voters = len({r[0] for r in records})
        out["check"] = vote_check(records, stored[activity], voters)  # type: ignore[arg-type]
    if lag_log is not None:
        await asyncio.sleep(LAG_SETTLE)  # the server writes its line each second
        out["lag"] = lag_figures(lag_log, start_at, ended)
    return out


async def stream_session(
    target: Target,
    fleet: Fleet,
    cfg: Config,
    stream: Stream,
    pid: int | None,
    lag_log: Path | None = None,
    watch: bool = True,
) -> dict[str, Any]:
    """Join ramp into one session, then the stream at once; phones closed at the end."""
    await target.open()
    watchers: list[Watcher] = []
    try:
        newcomers = int(stream.join_rate * stream.seconds)
        room = await target.new_session("Strøm", tables_for(cfg.phones + newcomers))
        code = room["code"]
        if watch:
            watchers = await target.watchers(room, fleet.compression)
        progress(f"{target.name}: {cfg.phones} phones joining")
        out: dict[str, Any] = {"code": code}
        out["join"] = await connect_phones(target, fleet, cfg, [(code, cfg.phones)], pid, watchers)
        what = f"{stream.rate:g} votes/s for {stream.seconds:g} s"
        if stream.join_rate:
            what += f", {stream.join_rate:g} joins/s"
        progress(f"{target.name}: {what}")
        out["stream"] = await poisson(target, fleet, cfg, stream, code, pid, watchers, lag_log)
        return out
    finally:
        await fleet.all("close")
        for watcher in watchers:
            with contextlib.suppress(Exception):
                await watcher.close()
        await target.close()


def _get(figures: dict[str, Any] | None, *path: str) -> Any:
    for key in path:
        if not isinstance(figures, dict):
            return None
        figures = figures.get(key)
    return figures


ROWS = (
    ("ack p50", ("ack_ms", "p50")),
    ("ack p99", ("ack_ms", "p99")),
    ("ack max", ("ack_ms", "max")),
    ("vote-to-screen p99", ("vote_to_screen", "ms", "p99")),
    ("loop lag p99", ("lag", "loop_lag_ms", "p99")),
    ("loop lag max", ("lag", "loop_lag_ms", "max")),
    ("writer wait p99", ("lag", "writer_wait_ms", "p99")),
    ("writer wait max", ("lag", "writer_wait_ms", "max")),
    ("batch max ms", ("lag", "batch_ms", "max")),
    ("server CPU %", ("server_cpu_pct",)),
    ("others on its core %", ("server_core", "others_pct")),
)


def table(runs: list[dict[str, Any]], floors: dict[str, dict[str, Any]]) -> str:
    """One column per workshop run, the worst, then the baselines; figures in ms."""
    heads = [f"run {i + 1}" for i in range(len(runs))] + ["worst", *floors]
    lines = [f"{'':22}" + "".join(f"{h:>10}" for h in heads)]
    for label, path in ROWS:
        values = [_get(r["stream"], *path) for r in runs]
        known = [v for v in values if v is not None]
        worst = max(known) if known else None
        cells = [*values, worst, *(_get(f["stream"], *path) for f in floors.values())]
        lines.append(f"{label:22}" + "".join(f"{_cell(v):>10}" for v in cells))
    checks = [_get(r["stream"], "check", "exact") for r in runs]
    lines.append(f"{'stored = acked':22}" + "".join(f"{_cell(c):>10}" for c in checks))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def verdicts(runs: list[dict[str, Any]], floors: dict[str, dict[str, Any]]) -> str:
    """Issue 19's targets against the worst run."""

    def worst(*path: str) -> float | None:
        known = [v for r in runs if (v := _get(r["stream"], *path)) is not None]
        return max(known) if known else None

    p99, top, screen = worst("ack_ms", "p99"), worst("ack_ms", "max"), None
    screen = worst("vote_to_screen", "ms", "p99")
    durable = _get(floors.get("durable"), "stream", "ack_ms", "p99")
    lines = []
    for label, value, limit in (
        ("ack p99 <= 100 ms", p99, 100.0),
        ("ack max <= 250 ms", top, 250.0),
        ("vote-to-screen p99 <= 250 ms", screen, 250.0),
    ):
        met = value is not None and value <= limit
        lines.append(f"{label:34} worst {_cell(value):>8}  {'met' if met else 'MISSED'}")
    if durable and p99 is not None:
        ratio = p99 / durable
        verdict = "met" if ratio <= 2 else "MISSED"
        lines.append(f"{'ack p99 within 2x durable baseline':34} {ratio:.2f}x  {verdict}")
    return "\n".join(lines)
