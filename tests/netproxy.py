"""A TCP proxy that plays a far-away phone network: delay, loss as TCP feels it, and drops.

    async with LossyLink(server.port, delay=0.150, loss=0.02, seed=1) as link:
        url = f"http://127.0.0.1:{link.port}/j/{code}"
        await link.cut()              # Wi-Fi drops: every open connection ends at once
        link.down(); ...; link.up()   # no network for a while: new connections fail at once

The model (docs/latency.md): every chunk read from one side reaches the other side `delay`
seconds later (so `2 * delay` is added to each round trip). A packet lost on a TCP connection
is not lost to the application: the sender retransmits it after a retransmission timeout
(RTO), and everything behind it waits (head-of-line blocking). So with probability `loss` per
chunk, the chunk and everything after it is held one more RTO (`max(0.2, 3 * delay)` unless
given); a retransmission lost again doubles the RTO, as TCP's backoff does. Opening a
connection costs one round trip before the first byte can go (the TCP handshake), and a lost
SYN another second (Linux's first SYN timeout). Bytes are never reordered, dropped or changed
on a connection that stays up; a cut drops whatever was still on the way, in both directions.
The losses are drawn from `random.Random(seed, connection number, direction)`, so a run with
the same seed loses the same chunk numbers of the same connection numbers (timing, and so
where chunks begin and end, is not replayed).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass, field
from types import TracebackType

CHUNK = 65536
SYN_TIMEOUT = 1.0  # Linux's initial RTO for a SYN that got no answer


@dataclass
class LinkStats:
    """What went through the link, for the test to assert on and the docs to quote."""

    connections: int = 0  # accepted and forwarded
    refused: int = 0  # arrived while the link was down
    cut: int = 0  # ended by `cut()`
    chunks: int = 0  # forwarded, both directions
    retransmitted: int = 0  # chunks held at least one RTO (a lost segment)
    late_handshakes: int = 0  # connections whose SYN was lost once or more


@dataclass(eq=False)  # hashed by identity, kept in a set
class _Connection:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def abort(self) -> None:
        for writer in (self.client, self.upstream):
            if writer is not None:
                writer.transport.abort()
        for task in self.tasks:
            task.cancel()


class LossyLink:
    """Listens on 127.0.0.1:`port` and forwards to `target_host`:`target_port` (module doc)."""

    def __init__(
        self,
        target_port: int,
        delay: float = 0.150,
        loss: float = 0.02,
        seed: int = 0,
        rto: float | None = None,
        target_host: str = "127.0.0.1",
    ) -> None:
        self.target = (target_host, target_port)
        self.delay = delay
        self.loss = loss
        self.rto = max(0.2, 3 * delay) if rto is None else rto
        self.seed = seed
        self.stats = LinkStats()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[_Connection] = set()
        self._down = False
        self._numbered = 0

    async def __aenter__(self) -> LossyLink:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._abort_all()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def cut(self) -> int:
        """End every open connection at once, dropping what was on the way; how many."""
        count = await self._abort_all()
        self.stats.cut += count
        return count

    async def _abort_all(self) -> int:
        cut = list(self._open)
        self._open.clear()
        for connection in cut:
            connection.abort()
        for connection in cut:
            for task in connection.tasks:
                with contextlib.suppress(BaseException):
                    await task
        return len(cut)

    def down(self) -> None:
        """Refuse new connections (they fail at once, as on a phone that knows it is offline);
        open ones stay until `cut()`."""
        self._down = True

    def up(self) -> None:
        self._down = False

    def _hold(self, rng: random.Random) -> tuple[float, bool]:
        """The one-way delay of one chunk: `delay`, plus an RTO per lost (re)transmission."""
        hold, rto, lost = self.delay, self.rto, False
        while rng.random() < self.loss:
            hold, rto, lost = hold + rto, rto * 2, True
        return hold, lost

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._down:
            self.stats.refused += 1
            writer.transport.abort()
            return
        number = self._numbered
        self._numbered += 1
        connection = _Connection(writer)
        self._open.add(connection)
        loop = asyncio.get_running_loop()
        # The handshake: one round trip before the first byte leaves, one second more per lost SYN.
        handshake = random.Random(f"{self.seed}/{number}/syn")
        ready = loop.time() + 2 * self.delay
        if handshake.random() < self.loss:
            ready += SYN_TIMEOUT
            self.stats.late_handshakes += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._open.discard(connection)
            writer.transport.abort()
            return
        if connection not in self._open:  # cut while connecting
            up_writer.transport.abort()
            return
        connection.upstream = up_writer
        self.stats.connections += 1
        connection.tasks = [
            asyncio.create_task(self._pipe(reader, up_writer, f"{self.seed}/{number}/up", ready)),
            asyncio.create_task(self._pipe(up_reader, writer, f"{self.seed}/{number}/down", ready)),
        ]
        try:
            await asyncio.gather(*connection.tasks, return_exceptions=True)
        finally:
            if connection in self._open:
                self._open.discard(connection)
                for side in (writer, up_writer):
                    side.close()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seed: str, ready: float
    ) -> None:
        """Carry one direction: read chunks as they come, deliver each when its time is due,
        in order; an end of stream is passed on after the last chunk."""
        rng = random.Random(seed)
        loop = asyncio.get_running_loop()
        due: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                at, data = await due.get()
                wait = at - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    else:
                        writer.close()
                    return
                writer.write(data)
                await writer.drain()

        delivering = asyncio.create_task(deliver())
        last = 0.0
        try:
            while data := await reader.read(CHUNK):
                hold, lost = self._hold(rng)
                # Not before the handshake is done; never overtaking what is ahead of it.
                last = max(last, max(loop.time(), ready) + hold)
                self.stats.chunks += 1
                self.stats.retransmitted += lost
                due.put_nowait((last, data))
            due.put_nowait((max(last, loop.time() + self.delay), b""))
            await delivering
        except (ConnectionError, OSError):
            writer.transport.abort()  # a reset on one side resets the other
        finally:
            delivering.cancel()
            with contextlib.suppress(BaseException):
                await delivering
