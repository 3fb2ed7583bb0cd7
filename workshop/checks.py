"""Checks for values read from a file (a session file, a plan file): whole numbers in a
range, true or false, times, and references to what the file holds. Each raises Invalid
with a message that names the field."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from workshop.errors import N_, Invalid

MAX_TIME = 1e11  # seconds since 1970: far past any real time
NOTHING = N_("%(what)s names nothing in this file.")


def whole(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(
            N_("%(what)s must be a whole number from %(low)d to %(high)d."),
            what=what,
            low=low,
            high=high,
        )
    return value


def flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(N_("%(what)s must be true or false."), what=what)
    return value


def moment(value: object, what: str, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= MAX_TIME
    ):
        raise Invalid(N_("%(what)s must be a time in seconds since 1970."), what=what)
    return float(value)


def ref(value: object, known: Collection[Any], what: str, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or value not in known:
        raise Invalid(N_("%(what)s names nothing in this file."), what=what)
    return value
