"""The scenarios, each returning a dict of figures: raw timings are summarised here, and
what was stored is checked against what was acknowledged (exact, not sampled)."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench.fleet import Fleet
from bench.phones import Watcher
from bench.procstat import Probe, own_cpu_seconds
from bench.stats import summary_ms
from bench.targets import Target
from bench.worker import Record

START_LEAD = 0.3  # seconds between telling the workers and the first send
SCREEN_WAIT = 15.0  # how long to wait for the screen to show every acked first vote
MIN_PCT_WALL = 0.5  # seconds: no CPU percentage over a shorter span


@dataclass
class Config:
    phones: int = 300
    rate: float = 500.0  # joins a second, over all workers
    concurrency: int = 100  # joins in flight per worker
    window: float = 2.0  # seconds within which every phone votes
    change: float = 0.3  # share of phones that change their vote (or post twice)
    options: int = 4
    idle: float = 5.0
    throughput: float = 5.0
    fanout_timeout: float = 30.0
    timeout: float = 60.0  # one join or connect
    seed: int = 1

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Config:
        """The settings a command line gave (`bench.run` and `bench.loadgen` share them)."""
        return cls(
            phones=args.phones,
            rate=args.rate,
            window=args.window,
            change=args.change,
            idle=args.idle,
            throughput=args.throughput,
            seed=getattr(args, "seed", cls.seed),
        )


class Meter:
    """Server CPU and memory, frames and bytes every client received, and the generator's
    own CPU (per worker and the parent) between `start` and `stop`."""

    def __init__(self, fleet: Fleet, pid: int | None, watchers: list[Watcher]) -> None:
        self.fleet = fleet
        self.pid = pid
        self.watchers = watchers

    async def start(self) -> Meter:
        self.wall0 = time.monotonic()
        self.parent0 = own_cpu_seconds()
        self.probe = Probe(self.pid).start() if self.pid else None
        self.counters0 = await self.fleet.all("counters")
        self.watched0 = [(w.frames, w.bytes) for w in self.watchers]
        return self

    async def stop(self) -> dict[str, Any]:
        wall = time.monotonic() - self.wall0
        server = self.probe.read() if self.probe else {}
        counters = await self.fleet.all("counters")
        frames = sum(c["frames"] for c in counters) - sum(c["frames"] for c in self.counters0)
        sent = sum(c["bytes"] for c in counters) - sum(c["bytes"] for c in self.counters0)
        for w, (f0, b0) in zip(self.watchers, self.watched0, strict=True):
            frames += w.frames - f0
            sent += w.bytes - b0
        workers = [
            round(c["cpu_total_s"] - c0["cpu_total_s"], 3)
            for c, c0 in zip(counters, self.counters0, strict=True)
        ]
        return {
            "wall_s": round(wall, 3),
            "server": server,
            # Clock ticks are 10 ms: a percentage of a shorter span would be noise.
            "server_cpu_pct": round(100 * server["cpu_s"] / wall, 1)
            if server and wall >= MIN_PCT_WALL
            else None,
            "frames_to_clients": frames,
            "bytes_to_clients": sent,
            "generator_cpu_s": workers,
            "generator_parent_cpu_s": round(own_cpu_seconds() - self.parent0, 3),
            "generator_cpu_pct": round(100 * sum(workers) / wall, 1)
            if wall >= MIN_PCT_WALL
            else None,
            "open_phones": sum(c["open"] for c in counters),
        }


async def connect_phones(
    target: Target,
    fleet: Fleet,
    cfg: Config,
    plan: list[tuple[str, int]],
    pid: int | None,
    watchers: list[Watcher],
) -> dict[str, Any]:
    """Join ramp: phones join (HTTP, workshop only) at `cfg.rate` a second, connect their
    socket and wait for `welcome`."""
    meter = await Meter(fleet, pid, watchers).start()
    op, args = target.connect_args(plan, fleet.size)
    start_at = time.monotonic() + START_LEAD
    per_worker = cfg.rate / fleet.size
    for a in args:
        a.update(rate=per_worker, start_at=start_at, concurrency=cfg.concurrency)
        a.update(timeout=cfg.timeout)
    replies = await fleet.each(op, args)
    took = time.monotonic() - start_at
    connected = sum(r["connected"] for r in replies)
    figures = await meter.stop()
    server = figures["server"]
    growth = (server["rss_kib"] - server["rss_start_kib"]) if server else None
    return {
        "phones": sum(n for _, n in plan),
        "connected": connected,
        "failed": sum(r["failed"] for r in replies),
        "retried": sum(r["retried"] for r in replies),
        "deflate_phones": sum(r["deflate"] for r in replies),
        "failures": [f for r in replies for f in r["failures"]][:10],
        "join_ms": summary_ms(s for r in replies for s in r["join_s"]),
        "welcome_ms": summary_ms(s for r in replies for s in r["welcome_s"]),
        "seconds": round(took, 2),
        "rate_per_s": round(connected / took, 1) if took > 0 else None,
        "rss_growth_kib": growth,
        "rss_per_phone_kib": round(growth / connected, 2) if growth and connected else None,
        **figures,
    }


async def idle(
    fleet: Fleet, seconds: float, pid: int | None, watchers: list[Watcher]
) -> dict[str, Any]:
    """Connected phones do nothing but their heartbeats for `seconds`."""
    meter = await Meter(fleet, pid, watchers).start()
    replies = await fleet.all("idle", duration=seconds)
    figures = await meter.stop()
    return {
        "seconds": seconds,
        "pings": sum(r["pings"] for r in replies),
        "pongs": sum(r["pongs"] for r in replies),
        **figures,
    }


def _acked(records: list[Record]) -> list[Record]:
    return [r for r in records if r[6] == "ack"]


def _outcomes(records: list[Record]) -> dict[str, int]:
    return dict(Counter(r[6] for r in records))


def vote_check(records: list[Record], stored: dict[str, Any], phones: int) -> dict[str, Any]:
    """Stored counts against each phone's last acknowledged option."""
    last: dict[int, Record] = {}
    for record in sorted(_acked(records), key=lambda r: r[4]):
        last[record[0]] = record
    unsure = {r[0] for r in records if r[6] != "ack"}
    expected = Counter(r[2] for r in last.values())
    counts = stored["counts"]
    total = sum(counts)
    voters = len(last)
    mismatched = sum(abs(counts[o] - expected.get(o, 0)) for o in range(len(counts))) // 2
    return {
        "phones": phones,
        "voters_acked": voters,
        "stored_total": total,
        "lost": max(0, voters - total),
        "double_counted": max(0, total - voters),
        "option_mismatch": mismatched,
        "unacked_phones": len(unsure),
        "exact": total == voters and mismatched == 0 and not unsure,
    }


def post_check(records: list[Record], stored: dict[str, Any]) -> dict[str, Any]:
    """Stored posts against the acknowledged ones, by client id."""
    sent = {r[3] for r in records}
    acked = {r[3] for r in _acked(records)}
    ids = [p["id"] for p in stored["posts"]]
    lost = len(acked - set(ids))
    double = len(ids) - len(set(ids) & sent)
    return {
        "posts_acked": len(acked),
        "stored_total": len(ids),
        "lost": lost,
        "double_counted": double,
        "exact": lost == 0 and double == 0 and len(ids) == len(acked),
    }


def vote_to_screen(records: list[Record], screen: Watcher, activity: int) -> dict[str, Any]:
    """For the k-th distinct participant's first acknowledged submission at time t: the
    arrival of the first screen state with answered >= k, minus t (0 when the screen was
    ahead of the phone's ack)."""
    firsts = sorted(r[5] for r in _acked(records) if r[1])
    states = [(at, n) for at, a, n in screen.states if a == activity]
    delays, missing, i = [], 0, 0
    for k, acked_at in enumerate(firsts, start=1):
        while i < len(states) and states[i][1] < k:
            i += 1
        if i == len(states):
            missing += len(firsts) - k + 1
            break
        delays.append(max(0.0, states[i][0] - acked_at))
    return {"ms": summary_ms(delays), "not_shown": missing, "states": len(states)}


async def burst(
    target: Target,
    fleet: Fleet,
    cfg: Config,
    code: str,
    kind: str,
    pid: int | None,
    watchers: list[Watcher],
) -> dict[str, Any]:
    """Vote burst (kind "vote", a poll) or reflection burst (kind "post"): everyone sends
    once within `cfg.window`, `cfg.change` of them a second time."""
    activity_kind = "poll" if kind == "vote" else "reflection"
    activity = await target.add_activity(code, activity_kind, cfg.options)
    await target.open_activity(code, activity)
    meter = await Meter(fleet, pid, watchers).start()
    start_at = time.monotonic() + START_LEAD
    replies = await fleet.all(
        "burst",
        kind=kind,
        activity=activity,
        options=cfg.options,
        start_at=start_at,
        window=cfg.window,
        change_share=cfg.change,
        seed=cfg.seed,
    )
    records: list[Record] = [tuple(r) for reply in replies for r in reply["records"]]  # type: ignore[misc]
    firsts = sum(1 for r in _acked(records) if r[1])
    screen = watchers[0] if watchers else None
    if screen is not None:
        await screen.wait_answered(activity, firsts, SCREEN_WAIT)
    figures = await meter.stop()
    out: dict[str, Any] = {
        "kind": kind,
        "activity": activity,
        "window_s": cfg.window,
        "sent": len(records),
        "firsts": sum(1 for r in records if r[1]),
        "outcomes": _outcomes(records),
        "ack_ms": summary_ms(r[5] - r[4] for r in _acked(records)),
        "first_ack_ms": summary_ms(r[5] - r[4] for r in _acked(records) if r[1]),
        **figures,
    }
    if screen is not None:
        out["vote_to_screen"] = vote_to_screen(records, screen, activity)
    stored = await target.results(code)
    if stored is not None:
        phones = sum(1 for r in records if r[1])
        check = vote_check if kind == "vote" else None
        out["check"] = (
            check(records, stored[activity], phones)
            if check
            else post_check(records, stored[activity])
        )
    return out


async def fanout(
    target: Target, fleet: Fleet, cfg: Config, code: str, pid: int | None, watchers: list[Watcher]
) -> dict[str, Any]:
    """The facilitator opens a new activity: from the POST until each phone has it."""
    activity = await target.add_activity(code, "poll", cfg.options)
    await fleet.all("watch", activity=activity)
    meter = await Meter(fleet, pid, watchers).start()
    began = await target.open_activity(code, activity)
    answered = time.monotonic()
    replies = await fleet.all("collect", timeout=cfg.fanout_timeout)
    figures = await meter.stop()
    arrivals = [a - began for r in replies for a in r["arrivals"]]
    return {
        "activity": activity,
        "reached": len(arrivals),
        "missing": sum(r["missing"] for r in replies),
        "request_ms": round((answered - began) * 1000, 2),
        "fanout_ms": summary_ms(arrivals),
        **figures,
    }


async def throughput(
    target: Target, fleet: Fleet, cfg: Config, code: str, pid: int | None, watchers: list[Watcher]
) -> dict[str, Any]:
    """Every phone votes in a closed loop for `cfg.throughput` seconds: acked votes a second."""
    activity = await target.add_activity(code, "poll", cfg.options)
    await target.open_activity(code, activity)
    meter = await Meter(fleet, pid, watchers).start()
    start_at = time.monotonic() + START_LEAD
    replies = await fleet.all(
        "loop", activity=activity, options=cfg.options, start_at=start_at, duration=cfg.throughput
    )
    figures = await meter.stop()
    records: list[Record] = [tuple(r) for reply in replies for r in reply["records"]]  # type: ignore[misc]
    end = start_at + cfg.throughput
    in_time = [r for r in _acked(records) if r[5] <= end]
    out: dict[str, Any] = {
        "activity": activity,
        "seconds": cfg.throughput,
        "sent": len(records),
        "outcomes": _outcomes(records),
        "acked_in_time": len(in_time),
        "votes_per_s": round(len(in_time) / cfg.throughput, 1),
        "ack_ms": summary_ms(r[5] - r[4] for r in _acked(records)),
        **figures,
    }
    stored = await target.results(code)
    if stored is not None:
        voters = len({r[0] for r in records})
        out["check"] = vote_check(records, stored[activity], voters)
    return out
