"""Issue 13's benchmark: one abusive phone floods while the others vote, against the same run
without it, in one invocation; each run on a fresh server with the default limits.

    python -m bench.abuse --phones 300 --rounds 3 --window 2 --name abuse   # make bench-abuse

A run: session A (the room: `--phones` phones, its screen and console connected) and
session B (a side room with only its screen and console). Each round opens a new dilemma in
A and a new reflection in B; the phones vote on the dilemma as in the vote burst (each once
within `--window`, a share changes its vote). With the abuser, the same participant (one
join in each session, real tokens) floods from `--lead` seconds before the first vote until
`--tail` after the window: votes on A's dilemma (new ids and repeats), posts to B's
reflection (a session has one open activity, so the reflection it posts to is open in the
second session, on the same server and its one event loop and writer), and extra sockets
opened on its token in A. Measured: the phones' ack latency, the server's RSS (sampled
every 20 ms over the rounds) and CPU; checked: every acked vote of the phones is stored
exactly once, every acked post of the abuser once.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import abuser, report
from bench.fleet import Fleet
from bench.flood import P99_TARGET, RSS_TARGET, one_run, total_flood
from bench.run import RESULTS, cores, machine, revision
from bench.scenarios import Config
from bench.stats import ratio


def _row(label: str, clean: Any, abuse: Any, target: str = "") -> list[str]:
    """A label, both runs' figures, abuse / clean, the target."""
    if isinstance(clean, bool) or isinstance(abuse, bool):
        return [label, str(clean), str(abuse), "", target]
    r = ratio(abuse, clean) if isinstance(clean, (int, float)) else None
    return [label, report._fmt(clean), report._fmt(abuse), f"{r}x" if r is not None else "", target]


def summary(run: dict[str, Any]) -> str:
    """The two runs side by side, the abuser's counts, and the verdicts."""
    clean, abuse = run["clean"], run["abuse"]
    mib = report.mib
    get = report.at
    rows = [["the phones' votes", "without abuser", "with abuser", "ratio", "target"]]
    rows.append(_row("votes sent (first + changed)", clean["sent"], abuse["sent"]))
    rows.append(_row("replies", report.outcomes(clean), report.outcomes(abuse)))
    for q in ("p50", "p95", "p99", "max"):
        t = f"<= {P99_TARGET}x" if q == "p99" else ""
        rows.append(_row(f"ack {q} ms", clean["ack_ms"][q], abuse["ack_ms"][q], t))
    rows.append(_row("every acked vote stored once", clean["exact"], abuse["exact"], "True"))
    rows.append(
        _row(
            "server RSS before the rounds MiB",
            mib("rss_before_kib")(clean),
            mib("rss_before_kib")(abuse),
        )
    )
    rows.append(
        _row(
            "server RSS peak in the rounds MiB",
            mib("rss_peak_sampled_kib")(clean),
            mib("rss_peak_sampled_kib")(abuse),
            f"<= {RSS_TARGET}x",
        )
    )
    rows.append(
        _row(
            "server VmHWM MiB (since start)",
            mib("server", "peak_rss_kib")(clean),
            mib("server", "peak_rss_kib")(abuse),
        )
    )
    rows.append(_row("server CPU s", get("server", "cpu_s")(clean), get("server", "cpu_s")(abuse)))
    rows.append(_row("server CPU % of a core", clean["server_cpu_pct"], abuse["server_cpu_pct"]))
    rows.append(_row("frames to clients", clean["frames_to_clients"], abuse["frames_to_clients"]))
    rows.append(
        _row(
            "MB to clients (payload)",
            round(clean["bytes_to_clients"] / 1e6, 2),
            round(abuse["bytes_to_clients"] / 1e6, 2),
        )
    )
    rows.append(
        _row("generator CPU s per worker", report.per_worker(clean), report.per_worker(abuse))
    )
    rows.append(_row("wall s (rounds)", clean["wall_s"], abuse["wall_s"]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for n, r in enumerate(rows):
        lines.append(
            "  ".join(
                [r[0].ljust(widths[0])]
                + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
            ).rstrip()
        )
        if n == 0:
            lines.append("-" * len(lines[0]))
    f = run["abuser"]
    posts = [r.get("abuser_posts_check", {}) for r in abuse["rounds"]]
    lines += [
        "",
        f"the abuser, {len(abuse['rounds'])} rounds, {f['seconds']} s of flooding "
        f"(floods: {run['config']['floods']}):",
        f"  frames sent      {f['sent_total']:,} ({f['sent_per_s']:,}/s): {_counts(f['sent'])}",
        f"  its CPU          {f['cpu_s']} s at nice {run['abuser_nice']}",
        f"  answers          {_counts(f['by_kind'])}; unanswered at a close {f['unanswered']:,}",
        f"  retry_after max  {f['retry_after_max_s']} s",
        f"  sockets opened   {_counts(f['sockets_opened'])}; handshakes refused: "
        f"{_counts(f['handshakes_refused']) or 'none'}",
        f"  closed by server {_counts(f['closes']) or 'never'}",
        f"  close reasons    {f['close_reasons'] or '-'}",
        f"  other errors     {f['errors'] or '-'}",
        "  posts stored per reflection "
        + ", ".join(str(p.get("stored_total")) for p in posts)
        + "; every acked post stored once: "
        + str(all(p.get("exact") for p in posts)),
    ]
    # Verdicts on the exact ratios (the printed ones are rounded: 1.201 shows as 1.2).
    p99 = abuse["ack_ms"]["p99"] / clean["ack_ms"]["p99"] if clean["ack_ms"]["p99"] else None
    rss = abuse["rss_peak_sampled_kib"] / clean["rss_peak_sampled_kib"]
    lines += [
        "",
        f"the phones' ack p99 within {P99_TARGET}x: {_exact(p99)}x  "
        + ("met" if p99 is not None and p99 <= P99_TARGET else "MISSED"),
        f"the server's peak RSS within {RSS_TARGET}x: {_exact(rss)}x  "
        + ("met" if rss is not None and rss <= RSS_TARGET else "MISSED"),
        "every acked vote of the phones stored exactly once: "
        + ("met" if clean["exact"] and abuse["exact"] else "MISSED"),
    ]
    return "\n".join(lines)


def _exact(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))


async def main(args: argparse.Namespace) -> dict[str, Any]:
    server_cores, generator_cores = cores()
    if generator_cores:
        os.sched_setaffinity(0, set(generator_cores))
    cfg = Config(
        phones=args.phones, rate=args.rate, window=args.window, change=args.change, seed=args.seed
    )
    compression = None if args.compression == "none" else "deflate"
    run: dict[str, Any] = {
        "name": args.name,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.abuse", *sys.argv[1:]]),
        "machine": machine(),
        "revision": revision(),
        "pinning": {"server": sorted(server_cores or []), "generator": generator_cores},
        "config": {**vars(args), "out": str(args.out)},
    }
    began = time.monotonic()
    fleet = Fleet(args.workers, generator_cores, compression).start()
    bad = Fleet(1, generator_cores, compression, entry=abuser.main, name="bench-abuser").start()
    run["load_average_start"] = os.getloadavg()
    try:
        run["abuser_nice"] = (await bad.all("nice", value=args.abuser_nice))[0]["nice"]
        with tempfile.TemporaryDirectory(prefix="bench-abuse-") as tmp:
            run["clean"] = await one_run(args, fleet, None, cfg, Path(tmp), server_cores)
            run["abuse"] = await one_run(args, fleet, bad, cfg, Path(tmp), server_cores)
    finally:
        await bad.stop()
        await fleet.stop()
    run["load_average_end"] = os.getloadavg()
    run["abuser"] = total_flood(run["abuse"]["floods"])
    run["seconds"] = round(time.monotonic() - began, 1)
    return run


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--name", default="abuse", help="goes into the results file name")
    cli.add_argument("--phones", type=int, default=300, help="phones that vote")
    cli.add_argument("--rounds", type=int, default=3, help="dilemmas voted on, one after another")
    cli.add_argument("--window", type=float, default=2.0, help="seconds in which all vote")
    cli.add_argument("--change", type=float, default=0.3, help="share that change their vote")
    cli.add_argument("--rate", type=float, default=500.0, help="joins a second")
    cli.add_argument("--lead", type=float, default=1.0, help="seconds of flood before the votes")
    cli.add_argument("--tail", type=float, default=0.5, help="seconds of flood after the window")
    cli.add_argument(
        "--floods", default="votes,posts,sockets", help="what the abuser does, comma-separated"
    )
    cli.add_argument("--text-chars", type=int, default=1000, help="characters in each post")
    cli.add_argument("--max-participants", type=int, help="the room's cap, if not the default")
    cli.add_argument("--submit-rate", type=float, help="WORKSHOP_SUBMIT_RATE for both servers")
    cli.add_argument("--submit-burst", type=int, help="WORKSHOP_SUBMIT_BURST for both servers")
    cli.add_argument("--workers", type=int, default=2, help="generator processes for the phones")
    cli.add_argument("--abuser-nice", type=int, default=19, help="the abuser's niceness")
    cli.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    cli.add_argument("--seed", type=int, default=1)
    cli.add_argument("--out", type=Path, default=RESULTS)
    return cli


def cli() -> None:
    args = parser().parse_args()
    run = asyncio.run(main(args))
    rev = run["revision"]
    print()
    print(f"commit {rev['commit'][:10]}" + (" (workshop/ modified)" if rev["dirty"] else ""))
    print(summary(run))
    loads = (run["load_average_start"], run["load_average_end"])
    print("load average at the start and end: " + "; ".join(f"{a[0]:.2f}" for a in loads))
    day = datetime.date.today().isoformat()
    path = report.write(run, args.out / f"{day}-{args.name}.json")
    print(f"\n{run['seconds']} s in all; figures in {path}")


if __name__ == "__main__":
    cli()
