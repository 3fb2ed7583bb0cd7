"""An opt-in lag monitor for benchmarks: how late the event loop runs, and how long writes
wait for the writer and hold it.

With `WORKSHOP_LAG_LOG=<file>` set, the server samples the loop's lag (how late a 10 ms
sleep wakes up) and the writer's figures (`GroupCommit.observer`: each op's wait in the
queue before its batch starts, each batch's duration and size), and appends one JSON line a
second to the file: `{"t": monotonic, "loop_ms": [...], "wait_ms": [...], "batch_ms":
[...], "batch_ops": [...]}`. `time.monotonic` is the same clock in every process on Linux,
so a load generator can pick the lines of its own window. Off (no task, no hook) unless set.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from pathlib import Path

from workshop.store.group import GroupCommit

ENV = "WORKSHOP_LAG_LOG"
TICK = 0.01  # seconds between the loop's samples
FLUSH = 1.0  # seconds between lines


class LagMonitor:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._loop: list[float] = []
        self._waits: list[float] = []
        self._batches: list[float] = []
        self._sizes: list[int] = []
        self._task: asyncio.Task[None] | None = None

    def writer(self, waits: list[float], seconds: float) -> None:
        """`GroupCommit.observer`: a batch's ops' queue waits and its duration, seconds."""
        self._waits.extend(waits)
        self._batches.append(seconds)
        self._sizes.append(len(waits))

    def start(self) -> None:
        GroupCommit.observer = self.writer
        self._task = asyncio.create_task(self._run(), name="lag-monitor")

    async def stop(self) -> None:
        if GroupCommit.observer == self.writer:
            GroupCommit.observer = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._flush()

    async def _run(self) -> None:
        flushed = time.monotonic()
        while True:
            before = time.monotonic()
            await asyncio.sleep(TICK)
            now = time.monotonic()
            self._loop.append(max(0.0, now - before - TICK))
            if now - flushed >= FLUSH:
                self._flush()
                flushed = now

    def _flush(self) -> None:
        def ms(values: list[float]) -> list[float]:
            return [round(v * 1000, 2) for v in values]

        line = {
            "t": round(time.monotonic(), 3),
            "loop_ms": ms(self._loop),
            "wait_ms": ms(self._waits),
            "batch_ms": ms(self._batches),
            "batch_ops": self._sizes,
        }
        self._loop, self._waits, self._batches, self._sizes = [], [], [], []
        with self.path.open("a") as out:
            out.write(json.dumps(line) + "\n")


def from_env() -> LagMonitor | None:
    """The monitor when `WORKSHOP_LAG_LOG` names a file, else None."""
    path = os.environ.get(ENV)
    return LagMonitor(Path(path)) if path else None
