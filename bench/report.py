"""Readable tables of a run (workshop beside the baseline, with ratios) and the JSON file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.stats import ratio

SATURATED = 80.0  # generator CPU % of its core above which a column is its limit, not the server's

Row = tuple[str, Callable[[dict[str, Any]], Any], bool]  # label, getter, show a ratio?


def at(*path: str | int) -> Callable[[dict[str, Any]], Any]:
    def get(figures: dict[str, Any]) -> Any:
        value: Any = figures
        for key in path:
            if not isinstance(value, (dict, list)):
                return None
            try:
                value = value[key]
            except (KeyError, IndexError):
                return None
        return value

    return get


def mib(*path: str) -> Callable[[dict[str, Any]], Any]:
    get = at(*path)
    return lambda f: None if get(f) is None else round(get(f) / 1024, 1)


def per_worker(f: dict[str, Any]) -> str | None:
    cpu = f.get("generator_cpu_s")
    return None if cpu is None else " + ".join(f"{c:.2f}" for c in cpu)


def outcomes(f: dict[str, Any]) -> str | None:
    o = f.get("outcomes")
    return None if o is None else " ".join(f"{k} {v}" for k, v in sorted(o.items()))


def check(f: dict[str, Any]) -> str | None:
    c = f.get("check")
    if c is None:
        return None
    return f"{c['stored_total']} / {c['lost']} / {c['double_counted']}" + (
        f" / {c['option_mismatch']}" if "option_mismatch" in c else ""
    )


COMMON: list[Row] = [
    ("server CPU s", at("server", "cpu_s"), True),
    ("server CPU % of a core", at("server_cpu_pct"), True),
    (
        "server RSS now / peak MiB",
        lambda f: _pair(mib("server", "rss_kib")(f), mib("server", "peak_rss_kib")(f)),
        False,
    ),
    ("frames to clients", at("frames_to_clients"), True),
    ("MB to clients (payload)", lambda f: round(f["bytes_to_clients"] / 1e6, 2), True),
    ("generator CPU s per worker", per_worker, False),
    ("generator CPU % of a core", at("generator_cpu_pct"), False),
    ("wall s", at("wall_s"), False),
]

ACK: list[Row] = [
    ("ack p50 ms", at("ack_ms", "p50"), True),
    ("ack p95 ms", at("ack_ms", "p95"), True),
    ("ack p99 ms", at("ack_ms", "p99"), True),
    ("ack max ms", at("ack_ms", "max"), True),
]

SCENARIOS: dict[str, tuple[str, list[Row]]] = {
    "join": (
        "join ramp",
        [
            ("phones connected / failed", lambda f: _pair(f["connected"], f["failed"]), False),
            ("joins sent again (keep-alive race)", at("retried"), False),
            ("phones with permessage-deflate", at("deflate_phones"), False),
            (
                "join (HTTP) p50 / p99 ms",
                lambda f: _pair(at("join_ms", "p50")(f), at("join_ms", "p99")(f)),
                False,
            ),
            (
                "socket to welcome p50 / p99 ms",
                lambda f: _pair(at("welcome_ms", "p50")(f), at("welcome_ms", "p99")(f)),
                False,
            ),
            ("phones a second", at("rate_per_s"), True),
            ("server RSS growth KiB per phone", at("rss_per_phone_kib"), True),
        ],
    ),
    "idle": (
        "idle, heartbeats every 25 s",
        [("server pings / pongs", lambda f: _pair(f["pings"], f["pongs"]), False)],
    ),
    "vote_burst": (
        "vote burst",
        [
            ("votes sent (first + changed)", at("sent"), False),
            ("replies", outcomes, False),
            *ACK,
            ("vote-to-screen p50 ms", at("vote_to_screen", "ms", "p50"), False),
            ("vote-to-screen p99 ms", at("vote_to_screen", "ms", "p99"), False),
            ("stored / lost / double / mismatched", check, False),
        ],
    ),
    "reflection_burst": (
        "reflection burst",
        [
            ("posts sent", at("sent"), False),
            ("replies", outcomes, False),
            *ACK,
            ("post-to-screen p50 ms", at("vote_to_screen", "ms", "p50"), False),
            ("post-to-screen p99 ms", at("vote_to_screen", "ms", "p99"), False),
            ("stored / lost / double", check, False),
        ],
    ),
    "fanout": (
        "fan-out of a newly opened activity",
        [
            ("phones reached / missing", lambda f: _pair(f["reached"], f["missing"]), False),
            ("fan-out p50 ms", at("fanout_ms", "p50"), True),
            ("fan-out p99 ms", at("fanout_ms", "p99"), True),
            ("fan-out max ms", at("fanout_ms", "max"), True),
        ],
    ),
    "throughput": (
        "sustained votes, closed loop",
        [
            ("acked votes a second", at("votes_per_s"), True),
            ("replies", outcomes, False),
            *ACK,
            ("stored / lost / double / mismatched", check, False),
        ],
    ),
}


def _pair(a: Any, b: Any) -> str:
    return f"{_fmt(a)} / {_fmt(b)}"


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(title: str, rows: list[Row], ours: dict[str, Any], floor: dict[str, Any] | None) -> str:
    """One scenario: a row per figure, workshop then baseline then their ratio."""
    lines = [
        [
            f"{title}",
            "workshop",
            "baseline" if floor is not None else "",
            "ratio" if floor is not None else "",
        ]
    ]
    for label, get, with_ratio in rows + COMMON:
        a = _safe(get, ours)
        b = _safe(get, floor) if floor is not None else None
        r = (
            ratio(a, b)
            if with_ratio and isinstance(a, (int, float)) and isinstance(b, (int, float))
            else None
        )
        lines.append(
            [label, _fmt(a), _fmt(b) if floor is not None else "", f"{r}x" if r is not None else ""]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    out = []
    for n, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("-" * len(out[0]))
    for name, figures in (("workshop", ours), ("baseline", floor)):
        busy = (figures or {}).get("generator_cpu_pct") or 0
        if busy >= SATURATED and (figures or {}).get("wall_s", 0) >= 1:
            out.append(
                f"! the generator used {busy} % of its core against the {name}: "
                "that column is bounded by the generator, not the server"
            )
    return "\n".join(out)


def _safe(get: Callable[[dict[str, Any]], Any], figures: dict[str, Any] | None) -> Any:
    if figures is None:
        return None
    try:
        return get(figures)
    except (KeyError, TypeError):
        return None


def tables(run: dict[str, Any]) -> str:
    """Every scenario of a run, workshop beside the baseline."""
    ours = run.get("workshop", {})
    floor = run.get("baseline")
    parts = []
    for key, (title, rows) in SCENARIOS.items():
        if key in ours:
            parts.append(table(title, rows, ours[key], floor.get(key) if floor else None))
    many = run.get("sessions")
    if many:
        name = f"{many['workshop']['sessions']} sessions x {many['workshop']['per_session']} phones"
        base = many.get("baseline") or {}
        for key in ("join", "idle"):
            title, rows = SCENARIOS[key]
            parts.append(table(f"{name}: {title}", rows, many["workshop"][key], base.get(key)))
    return "\n\n".join(parts)


def write(run: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run, indent=1, sort_keys=False) + "\n")
    return path


def verdicts(run: dict[str, Any]) -> str:
    """Issue 3's targets against this run's figures (meaningful at the full run's size)."""
    ours, floor = run.get("workshop", {}), run.get("baseline") or {}
    many = (run.get("sessions") or {}).get("workshop") or {}
    vote, fan, loop = ours.get("vote_burst", {}), ours.get("fanout", {}), ours.get("throughput", {})
    check_ = vote.get("check") or {}
    floor_p99 = at("vote_burst", "ack_ms", "p99")(floor)
    floor_rate = at("throughput", "votes_per_s")(floor)
    rows = [
        ("vote burst: ack p99 <= 100 ms", at("ack_ms", "p99")(vote), lambda v: v <= 100),
        (
            "vote burst: vote-to-screen p99 <= 250 ms",
            at("vote_to_screen", "ms", "p99")(vote),
            lambda v: v <= 250,
        ),
        (
            "vote burst: lost + double counted = 0",
            None if not check_ else check_["lost"] + check_["double_counted"],
            lambda v: v == 0,
        ),
        (
            "fan-out p99 <= 500 ms (and none missing)",
            at("fanout_ms", "p99")(fan),
            lambda v: v <= 500 and not fan.get("missing"),
        ),
        (
            "idle sessions: RSS growth <= 30 KiB a phone",
            at("join", "rss_per_phone_kib")(many),
            lambda v: v <= 30,
        ),
        (
            "idle sessions: CPU <= 5 % of a core",
            at("idle", "server_cpu_pct")(many),
            lambda v: v <= 5,
        ),
        ("sustained: >= 5,000 acked votes/s", loop.get("votes_per_s"), lambda v: v >= 5000),
        (
            "vote burst ack p99 within 2x of the baseline",
            ratio(at("ack_ms", "p99")(vote), floor_p99),
            lambda v: v <= 2,
        ),
        (
            "sustained votes/s within 2x of the baseline",
            ratio(floor_rate, loop.get("votes_per_s")),
            lambda v: v <= 2,
        ),
    ]
    width = max(len(r[0]) for r in rows)
    lines = ["issue 3 targets".ljust(width) + "  figure  verdict", "-" * (width + 17)]
    for label, value, ok in rows:
        verdict = "-" if value is None else ("met" if ok(value) else "MISSED")
        lines.append(f"{label.ljust(width)}  {_fmt(value):>6}  {verdict}")
    return "\n".join(lines)
