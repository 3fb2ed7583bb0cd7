"""The parent's side of the worker processes: start them, send an op to all, gather replies."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from bench import worker
from bench.pipes import receive

OP_TIMEOUT = 900.0  # no op may take longer than this


class WorkerFailed(RuntimeError):
    pass


class Fleet:
    """`size` worker processes, each pinned to `cores` when given; `entry` is the process's
    main (`worker.main`, or another with its signature, such as `abuser.main`)."""

    def __init__(
        self,
        size: int,
        cores: list[int] | None,
        compression: str | None,
        entry: Callable[..., None] = worker.main,
        name: str = "bench-worker",
    ) -> None:
        self.size = size
        self.cores = cores
        self.compression = compression
        self.entry = entry
        self.name = name
        self._conns: list[Connection] = []
        self._procs: list[BaseProcess] = []

    def start(self) -> Fleet:
        ctx = multiprocessing.get_context("spawn")
        for index in range(self.size):
            ours, theirs = ctx.Pipe()
            proc = ctx.Process(
                target=self.entry,
                args=(theirs, index, self.cores, self.compression),
                name=f"{self.name}-{index}",
                daemon=True,
            )
            proc.start()
            theirs.close()
            self._conns.append(ours)
            self._procs.append(proc)
        return self

    async def each(self, op: str, args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`op` on every worker with its own arguments; their replies in worker order."""
        for conn, kwargs in zip(self._conns, args, strict=True):
            conn.send((op, kwargs))
        replies = await asyncio.gather(*(receive(c, OP_TIMEOUT) for c in self._conns))
        for index, reply in enumerate(replies):
            if "error" in reply:
                raise WorkerFailed(f"worker {index}, {op}:\n{reply['error']}")
        return replies

    async def all(self, op: str, **args: Any) -> list[dict[str, Any]]:
        """`op` with the same arguments on every worker."""
        return await self.each(op, [args] * self.size)

    async def stop(self) -> None:
        if self._conns:
            with contextlib.suppress(WorkerFailed, OSError, EOFError, TimeoutError):
                await self.all("stop")
        for proc in self._procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()  # our own child, by its handle
                proc.join(timeout=5)
        self._conns, self._procs = [], []


def split(total: int, parts: int) -> list[int]:
    """`total` in `parts` shares that differ by at most one."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
