"""Percentiles and summaries of raw timings (seconds in, milliseconds out)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted, non-empty list (q in 0..100)."""
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds: Iterable[float]) -> dict[str, Any]:
    """n, p50, p95, p99, max and mean in milliseconds; None figures when there is nothing."""
    ordered = sorted(s * 1000 for s in seconds)
    if not ordered:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    return {
        "n": len(ordered),
        "p50": round(percentile(ordered, 50), 2),
        "p95": round(percentile(ordered, 95), 2),
        "p99": round(percentile(ordered, 99), 2),
        "max": round(ordered[-1], 2),
        "mean": round(sum(ordered) / len(ordered), 2),
    }


def ratio(ours: float | None, floor: float | None) -> float | None:
    """ours / floor, or None when either is missing or the floor is zero."""
    if ours is None or floor is None or floor == 0:
        return None
    return round(ours / floor, 2)
