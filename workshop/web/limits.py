"""Per-participant limits on the socket: how fast one participant may submit.

A token bucket per participant, shared by all of that participant's sockets (so three
sockets do not triple the rate): `burst` submissions at once, refilled at `rate` a second.
A refused submission is answered with how long to wait; a participant that keeps sending
without waiting as told collects strikes, and after `strikes` of them over at least
`flood_seconds` (a flood that goes on, not one burst of a full offline queue) its socket is
closed.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from starlette.requests import HTTPConnection

# A pause of at least this share of the last `retry_after` (and of one refill) counts as
# having waited: a frame that the network delayed a little still clears the strikes.
PAUSE_SHARE = 0.5
EPSILON = 1e-6
# Refusals are also counted in fixed windows that no pause resets: a script starved of CPU
# pauses now and then without ever waiting as told, and three times `strikes` refusals in
# one window (an honest page meets a few a second at most; a full offline queue resent at
# once, under a hundred) is a flood all the same, however fast it came.
FLOOD_WINDOW = 2.0
WINDOW_STRIKES = 3


@dataclass(frozen=True, slots=True)
class Verdict:
    """`allowed`, or how long to wait (`retry_after`, seconds) and whether to give up on
    the sender (`flooding`)."""

    allowed: bool
    retry_after: float = 0.0
    flooding: bool = False


ALLOWED = Verdict(True)


class _Bucket:
    __slots__ = (
        "at",
        "last_seen",
        "last_wait",
        "recent",
        "recent_since",
        "strikes",
        "strikes_since",
        "tokens",
    )

    def __init__(self, tokens: float, now: float) -> None:
        self.tokens = tokens
        self.at = now  # when `tokens` was last brought up to date
        self.last_seen = now  # when the last submission arrived
        self.last_wait = 0.0  # the last `retry_after` given
        self.strikes = 0  # refusals since the sender last waited as told
        self.strikes_since = now  # when the first of them came
        self.recent = 0  # refusals in the window that began at `recent_since`
        self.recent_since = now


class SubmitLimiter:
    """Token buckets keyed by (session id, participant id), at most `max_entries` of them:
    the least recently used goes first, and a bucket that has refilled completely is the
    same as none, so it is dropped when seen at the old end. `rate` or `burst` <= 0: no limit.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        strikes: int = 100,
        flood_seconds: float = 1.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.strikes = strikes
        self.flood_seconds = flood_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate > 0 and self.burst > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: Hashable) -> Verdict:
        """Spend one submission for `key`, if it has one."""
        if not self.enabled:
            return ALLOWED
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._prune(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            pause = max(bucket.last_wait, 1.0 / self.rate) * PAUSE_SHARE
            if bucket.strikes and now - bucket.last_seen >= pause:
                bucket.strikes = 0  # it paused as told
        bucket.last_seen = now
        if bucket.tokens >= 1.0 - EPSILON:  # waited exactly `retry_after`: enough
            bucket.tokens = max(0.0, bucket.tokens - 1.0)
            return ALLOWED
        wait = math.ceil((1.0 - bucket.tokens) / self.rate * 100) / 100  # to a hundredth
        bucket.last_wait = wait
        if not bucket.strikes:
            bucket.strikes_since = now
        bucket.strikes += 1
        if now - bucket.recent_since > FLOOD_WINDOW:
            bucket.recent, bucket.recent_since = 0, now
        bucket.recent += 1
        flooding = (
            bucket.strikes >= self.strikes and now - bucket.strikes_since >= self.flood_seconds
        ) or bucket.recent >= WINDOW_STRIKES * self.strikes
        return Verdict(False, wait, flooding)

    def spend(self, key: Hashable) -> None:
        """Empty `key`'s bucket: its next turn comes only after a refill."""
        self.take(key)
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.tokens = 0.0

    def refusing(self, key: Hashable) -> bool:
        """Whether `key` is being refused and has not paused since."""
        bucket = self._buckets.get(key)
        return bucket is not None and bucket.strikes > 0

    def _prune(self, now: float) -> None:
        """Make room: drop the oldest buckets while there are too many or they have refilled."""
        buckets = self._buckets
        full_after = self.burst / self.rate
        while buckets:
            oldest = next(iter(buckets.values()))
            refilled = not oldest.strikes and now - oldest.at >= full_after
            if len(buckets) < self.max_entries and not refilled:
                break
            buckets.popitem(last=False)


class Tarpit:
    """Refused handshakes held for their wait before the answer, at most `per_key` at a time
    for one key (the rest are answered at once): a script that reconnects the moment it is
    refused then tries a few times a wait, not hundreds of times a second, and each try
    costs a sleeping coroutine instead of a handshake's work."""

    def __init__(self, per_key: int = 3, max_keys: int = 10_000) -> None:
        self.per_key = per_key
        self.max_keys = max_keys
        self._held: dict[Hashable, int] = {}

    async def hold(self, key: Hashable, seconds: float) -> None:
        held = self._held.get(key, 0)
        if held >= self.per_key or (not held and len(self._held) >= self.max_keys):
            return
        self._held[key] = held + 1
        try:
            await asyncio.sleep(seconds)
        finally:
            left = self._held[key] - 1
            if left:
                self._held[key] = left
            else:
                del self._held[key]


def submit_limiter(conn: HTTPConnection) -> SubmitLimiter:
    """The app's one limiter of submissions, made on first use from the settings and shared
    by the sockets and the simple page's forms (one participant, one budget)."""
    state = conn.app.state
    limiter: SubmitLimiter | None = getattr(state, "submit_limiter", None)
    if limiter is None:
        settings = state.settings
        limiter = state.submit_limiter = SubmitLimiter(settings.submit_rate, settings.submit_burst)
    return limiter
