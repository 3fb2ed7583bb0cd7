"""How big a state message may grow: lists of posts filled within a byte budget."""

from __future__ import annotations

from typing import Any

import orjson

SNAPSHOT_LIMIT = 256 * 1024
"""No state message is larger (bytes of UTF-8 JSON): posts and whys fill what is left."""
SNAPSHOT_SLACK = 8 * 1024  # for what is added after the measure (the clock, small fields)

Slots = list[tuple[list[Any], list[dict[str, Any]]]]
"""Lists to fill, each with its candidates newest first, in the order they get room."""


def encoded_size(value: object) -> int:
    return len(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))


def fill(state: dict[str, Any], slots: Slots, limit: int = SNAPSHOT_LIMIT) -> None:
    """Fill each list with its newest items while `state` stays under `limit` bytes; a list
    stops at its first item that does not fit, so what is left out is its oldest."""
    if not any(items for _, items in slots):
        return  # nothing to fit: no need to measure the snapshot
    left = limit - SNAPSHOT_SLACK - encoded_size(state)
    for target, items in slots:
        for item in items:
            size = encoded_size(item) + 1
            if size > left:
                break
            target.append(item)
            left -= size
