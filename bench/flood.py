"""The scenario of `bench.abuse` (issue 13): one run on a fresh server, with or without the
abusive phone (`bench/abuser.py`); the phones' acks, the server's RSS, and the checks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.fleet import Fleet
from bench.loadgen import progress, tables_for
from bench.procstat import memory_kib
from bench.run import USER
from bench.scenarios import START_LEAD, Config, Meter, connect_phones, post_check, vote_check
from bench.servers import add_facilitator, start_workshop
from bench.stats import summary_ms
from bench.targets import WorkshopTarget
from bench.worker import Record

SAMPLE_SECONDS = 0.02
P99_TARGET = 2.0
RSS_TARGET = 1.2


class RssSampler:
    """The server's VmRSS every SAMPLE_SECONDS while running: the highest seen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> RssSampler:
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        while True:
            self.peak = max(self.peak, memory_kib(self.pid)["VmRSS"])
            self.samples += 1
            await asyncio.sleep(SAMPLE_SECONDS)

    async def stop(self) -> int:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.peak = max(self.peak, memory_kib(self.pid)["VmRSS"])
        return self.peak


def others_check(
    records: list[Record], stored: dict[str, Any], abuser_acked: int
) -> dict[str, Any]:
    """`vote_check` for the phones, with room for the abuser's one ballot: the stored counts
    minus each phone's last acked option must be zero everywhere but one option, by one,
    when the abuser had a vote acked (its ballot; which option it holds is not known here)."""
    base = vote_check(records, stored, sum(1 for r in records if r[1]))
    last: dict[int, Record] = {}
    for record in sorted((r for r in records if r[6] == "ack"), key=lambda r: r[4]):
        last[record[0]] = record
    expected = Counter(r[2] for r in last.values())
    extra = [c - expected.get(o, 0) for o, c in enumerate(stored["counts"])]
    owed = 1 if abuser_acked else 0
    lost = sum(-e for e in extra if e < 0)  # phones' votes missing from an option
    over = sum(e for e in extra if e > 0)  # votes an option holds beyond the phones'
    return {
        **base,
        "lost": lost,
        "double_counted": max(0, over - owed),
        "option_mismatch": min(lost, over),
        "abuser_ballots": sum(extra),
        "exact": lost == 0 and over == owed and base["unacked_phones"] == 0,
    }


async def one_run(
    args: argparse.Namespace,
    fleet: Fleet,
    bad: Fleet | None,
    cfg: Config,
    workdir: Path,
    server_cores: set[int] | None,
) -> dict[str, Any]:
    label = "abuse" if bad else "clean"
    password = secrets.token_urlsafe(16)
    db = workdir / f"{label}.db"
    add_facilitator(db, USER, password)
    env = {}
    if args.submit_rate is not None:
        env["WORKSHOP_SUBMIT_RATE"] = str(args.submit_rate)
    if args.submit_burst is not None:
        env["WORKSHOP_SUBMIT_BURST"] = str(args.submit_burst)
    child, url = start_workshop(db, server_cores, env)
    target = WorkshopTarget(url, USER, password)
    watchers = []
    out: dict[str, Any] = {"abuser": bool(bad)}
    try:
        print(f"{label}: workshop at {url} (pid {child.pid}), {cfg.phones} phones", flush=True)
        await target.open()
        seats = tables_for(cfg.phones + 1)
        room = await target.new_session("Lasttest", seats, max_participants=args.max_participants)
        side = await target.new_session("Sidesal", 2)
        a, b = room["code"], side["code"]
        watchers = await target.watchers(room, fleet.compression)
        watchers += await target.watchers(side, fleet.compression)
        if bad:
            out["abuser_join"] = (await bad.all("join", base_url=url, codes=[a, b]))[0]["joined"]
        progress(f"{label}: {cfg.phones} phones joining")
        out["join"] = await connect_phones(target, fleet, cfg, [(a, cfg.phones)], child.pid, [])
        records: list[Record] = []
        rounds: list[dict[str, Any]] = []
        floods: list[dict[str, Any]] = []
        rss_before = memory_kib(child.pid)["VmRSS"]
        meter = await Meter(fleet, child.pid, watchers).start()
        sampler = RssSampler(child.pid).start()
        for n in range(args.rounds):
            progress(f"{label}: round {n + 1} of {args.rounds}")
            dilemma = await target.add_activity(a, "dilemma", cfg.options)
            reflection = await target.add_activity(b, "reflection", 0)
            await target.open_activity(a, dilemma)
            await target.open_activity(b, reflection)
            start_at = time.monotonic() + START_LEAD + (args.lead if bad else 0)
            burst = fleet.all(
                "burst",
                kind="vote",
                activity=dilemma,
                options=cfg.options,
                start_at=start_at,
                window=cfg.window,
                change_share=cfg.change,
                seed=cfg.seed + n,
            )
            jobs = [burst]
            if bad:
                flood = bad.all(
                    "flood",
                    vote_code=a,
                    vote_activity=dilemma,
                    options=cfg.options,
                    post_code=b,
                    post_activity=reflection,
                    start_at=start_at - args.lead,
                    end_at=start_at + cfg.window + args.tail,
                    floods=args.floods.split(","),
                    repeat_share=0.25,
                    text_chars=args.text_chars,
                    seed=cfg.seed * 100 + n,
                )
                jobs.append(flood)
            replies = await asyncio.gather(*jobs)
            mine: list[Record] = [tuple(r) for w in replies[0] for r in w["records"]]  # type: ignore[misc]
            records += mine
            flooded = replies[1][0] if bad else None
            stored = await target.results(a)
            side_stored = await target.results(b)
            assert stored is not None and side_stored is not None
            acked_votes = flooded["by_kind"].get("vote ack", 0) if flooded else 0
            one: dict[str, Any] = {
                "dilemma": dilemma,
                "sent": len(mine),
                "outcomes": dict(Counter(r[6] for r in mine)),
                "ack_ms": summary_ms(r[5] - r[4] for r in mine if r[6] == "ack"),
                "check": others_check(mine, stored[dilemma], acked_votes),
                "reflection_posts_stored": len(side_stored[reflection]["posts"]),
            }
            if flooded:
                posted = set(flooded["post_acked"])
                fake = [
                    (0, False, None, i, 0.0, 0.0, "ack" if i in posted else "x")
                    for i in flooded["post_ids"]
                ]
                one["abuser_posts_check"] = post_check(fake, side_stored[reflection])  # type: ignore[arg-type]
                del flooded["post_ids"], flooded["post_acked"]
                floods.append(flooded)
            rounds.append(one)
        peak = await sampler.stop()
        figures = await meter.stop()
        acked = [r for r in records if r[6] == "ack"]
        out.update(
            {
                "sent": len(records),
                "outcomes": dict(Counter(r[6] for r in records)),
                "ack_ms": summary_ms(r[5] - r[4] for r in acked),
                "exact": all(r["check"]["exact"] for r in rounds),
                "rss_before_kib": rss_before,
                "rss_peak_sampled_kib": peak,
                "rss_samples": sampler.samples,
                "rounds": rounds,
                "floods": floods,
                **figures,
            }
        )
        return out
    finally:
        with contextlib.suppress(Exception):
            await fleet.all("close")
        for watcher in watchers:
            with contextlib.suppress(Exception):
                await watcher.close()
        await target.close()
        out["server_tail"] = list(child.tail)[-20:] if bad else []
        child.stop()


def total_flood(floods: list[dict[str, Any]]) -> dict[str, Any]:
    """The abuser's counts summed over the rounds."""
    out: dict[str, Any] = {}
    for key in ("sent", "replies", "by_kind", "closes", "handshakes_refused", "sockets_opened"):
        total: Counter[str] = Counter()
        for f in floods:
            total.update(f[key])
        out[key] = dict(total)
    for key in ("sent_total", "unanswered", "frames_in"):
        out[key] = sum(f[key] for f in floods)
    out["cpu_s"] = round(sum(f.get("cpu_s", 0.0) for f in floods), 2)  # the abuser's own
    out["seconds"] = round(sum(f["seconds"] for f in floods), 2)
    out["sent_per_s"] = round(out["sent_total"] / out["seconds"], 1) if out["seconds"] else None
    out["retry_after_max_s"] = max((f["retry_after_max_s"] for f in floods), default=0)
    reasons: dict[str, str] = {}
    errors: Counter[str] = Counter()
    for f in floods:
        reasons.update(f["close_reasons"])
        errors.update(f["errors"])
    out["close_reasons"] = reasons
    out["errors"] = dict(errors.most_common(8))
    return out
