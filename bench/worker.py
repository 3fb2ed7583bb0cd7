"""A load-generator worker process: its share of the phones on its own asyncio loop.

The parent sends `(op, args)` through a pipe; the worker runs `op_<op>` and answers with a
dict of raw figures, plus the CPU seconds and wall time that op took in this process.
Every loop here is bounded in count and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

import httpx

from bench.phones import Phone
from bench.pipes import receive
from bench.procstat import own_cpu_seconds

REPLY_TIMEOUT = 30.0
# httpx's pool costs more CPU per request the more requests wait on it: on this machine
# 9 ms a join with 100 in flight, under 1 ms with 4, which is also the faster join rate.
HTTP_CONNECTIONS = 4
IDLE_COMMAND_TIMEOUT = 3600.0  # a worker never waits longer than this for its parent

Record = tuple[int, bool, int | None, str, float, float, str]
"""(phone key, first submission?, option, client id, sent, replied, reply kind)."""


async def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


class Worker:
    def __init__(self, conn: Connection, index: int, compression: str | None) -> None:
        self.conn = conn
        self.index = index
        self.compression = compression
        self.phones: list[Phone] = []
        self.retries = 0

    async def run(self) -> None:
        try:
            while True:
                try:
                    op, args = await receive(self.conn, IDLE_COMMAND_TIMEOUT)
                except (EOFError, TimeoutError, OSError):
                    return  # the parent is gone
                cpu, wall = own_cpu_seconds(), time.monotonic()
                try:
                    result = await getattr(self, f"op_{op}")(**args)
                except Exception:
                    result = {"error": traceback.format_exc()}
                result["cpu_s"] = own_cpu_seconds() - cpu
                result["wall_s"] = time.monotonic() - wall
                self.conn.send(result)
                if op == "stop":
                    return
        finally:
            await self._close_all()

    # --- connecting ---------------------------------------------------------------------

    async def op_join(
        self,
        base_url: str,
        plan: list[tuple[str, int]],
        rate: float,
        start_at: float,
        concurrency: int,
        timeout: float,
    ) -> dict[str, Any]:
        """Join over HTTP then connect, `count` phones per session code, at `rate` a second."""
        limits = httpx.Limits(
            max_connections=HTTP_CONNECTIONS, max_keepalive_connections=HTTP_CONNECTIONS
        )
        ws_base = base_url.replace("http://", "ws://", 1)
        gate = asyncio.Semaphore(HTTP_CONNECTIONS)  # requests wait here, not in httpx's pool
        async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as http:

            async def post(code: str) -> httpx.Response:
                async with gate:
                    return await http.post(f"/api/sessions/{code}/join", json={})

            async def join(code: str) -> Phone:
                try:
                    response = await post(code)
                except (httpx.ReadError, httpx.RemoteProtocolError):
                    # A kept-alive connection the server closed as the request went out
                    # (its idle timeout): a browser sends it again on a fresh connection.
                    self.retries += 1
                    response = await post(code)
                response.raise_for_status()
                body = response.json()
                url = f"{ws_base}/ws/{code}/participant?token={body['token']}"
                return Phone(body["participant_id"], url)

            codes = [code for code, count in plan for _ in range(count)]
            return await self._ramp(codes, join, rate, start_at, concurrency, timeout)

    async def op_connect(
        self,
        ws_base: str,
        count: int,
        first_key: int,
        rate: float,
        start_at: float,
        concurrency: int,
        timeout: float,
    ) -> dict[str, Any]:
        """Connect straight to the socket (the baseline has no HTTP join)."""
        keys = iter(range(first_key, first_key + count))

        async def make(_: int) -> Phone:
            key = next(keys)
            return Phone(key, f"{ws_base}/ws/BASE/participant?token=t{key}")

        return await self._ramp(list(range(count)), make, rate, start_at, concurrency, timeout)

    async def _ramp(
        self,
        items: list[Any],
        make: Any,
        rate: float,
        start_at: float,
        concurrency: int,
        timeout: float,
    ) -> dict[str, Any]:
        gate = asyncio.Semaphore(concurrency)
        joined: list[float] = []
        welcomed: list[float] = []
        failures: list[str] = []

        async def one(i: int, item: Any) -> None:
            await sleep_until(start_at + i / rate)
            async with gate:
                began = time.monotonic()
                try:
                    phone = await asyncio.wait_for(make(item), timeout)
                    made = time.monotonic()
                    arrived = await phone.connect(self.compression, timeout)
                except Exception as error:
                    failures.append(f"{type(error).__name__}: {error}")
                    return
                self.phones.append(phone)
                joined.append(made - began)
                welcomed.append(arrived - made)

        await asyncio.gather(*(one(i, item) for i, item in enumerate(items)))
        return {
            "connected": len(joined),
            "join_s": joined,
            "welcome_s": welcomed,
            "failures": failures[:20],
            "failed": len(failures),
            "retried": self.retries,
            "deflate": sum(p.deflate for p in self.phones),
            "keys": [p.key for p in self.phones],
        }

    # --- scenarios ----------------------------------------------------------------------

    def _frame(self, kind: str, activity: int, option: int | None, text: str) -> dict[str, Any]:
        if kind == "vote":
            return {"type": "vote", "activity": activity, "option": option}
        return {"type": "post", "activity": activity, "text": text}

    async def op_burst(
        self,
        kind: str,
        activity: int,
        options: int,
        start_at: float,
        window: float,
        change_share: float,
        seed: int,
    ) -> dict[str, Any]:
        """Every phone sends once at a random moment within `window`; a share sends again
        (a changed vote, or a second post) at a random later moment within it."""
        rnd = random.Random(seed * 1000 + self.index)
        records: list[Record] = []

        async def one(phone: Phone) -> None:
            offset = rnd.uniform(0, window)
            again = rnd.random() < change_share
            later = rnd.uniform(offset, window)
            option = rnd.randrange(options) if kind == "vote" else None
            await sleep_until(start_at + offset)
            for n in range(2 if again else 1):
                text = f"Refleksjon {n + 1} frå telefon {phone.key}: færre møte, meir dialog."
                frame = self._frame(kind, activity, option, text)
                sent, reply = await phone.submit(frame, REPLY_TIMEOUT)
                records.append((phone.key, n == 0, option, frame["id"], sent, reply.at, reply.kind))
                if option is not None:
                    option = (option + 1 + rnd.randrange(options - 1)) % options
                await sleep_until(start_at + later)

        await asyncio.gather(*(one(p) for p in self.phones if p.open))
        return {"records": records}

    async def op_loop(
        self, activity: int, options: int, start_at: float, duration: float
    ) -> dict[str, Any]:
        """Closed loop: each phone votes again as soon as its previous vote is answered,
        changing its option every time, until `duration` has passed."""
        records: list[Record] = []
        end = start_at + duration
        bound = int(duration * 1000) + 1  # no phone gets a vote answered faster than 1 ms

        async def one(phone: Phone) -> None:
            option = phone.key % options
            await sleep_until(start_at)
            for _ in range(bound):
                if time.monotonic() >= end:
                    return
                frame = self._frame("vote", activity, option, "")
                sent, reply = await phone.submit(frame, REPLY_TIMEOUT)
                records.append((phone.key, False, option, frame["id"], sent, reply.at, reply.kind))
                if reply.kind == "closed":
                    return
                option = (option + 1) % options

        await asyncio.gather(*(one(p) for p in self.phones if p.open))
        return {"records": records}

    async def op_poisson(
        self,
        activity: int,
        options: int,
        start_at: float,
        duration: float,
        rate: float,
        seed: int,
        join: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Open loop: votes arrive as a Poisson stream of `rate` a second (this worker's
        share) for `duration` seconds, each from a phone drawn at random, sent whether or
        not its earlier vote was answered. `join`: `op_join`'s arguments, run at the same
        time (newcomers join while the others vote; they do not vote themselves)."""
        rnd = random.Random(seed * 1000 + self.index)
        voters = [p for p in self.phones if p.open]
        records: list[Record] = []
        plan: list[tuple[float, Phone, bool, int]] = []
        voted: set[int] = set()
        moment = rnd.expovariate(rate)
        while voters and moment < duration:
            phone = rnd.choice(voters)
            plan.append((moment, phone, phone.key not in voted, rnd.randrange(options)))
            voted.add(phone.key)
            moment += rnd.expovariate(rate)

        async def one(at: float, phone: Phone, first: bool, option: int) -> None:
            await sleep_until(start_at + at)
            frame = self._frame("vote", activity, option, "")
            sent, reply = await phone.submit(frame, REPLY_TIMEOUT)
            records.append((phone.key, first, option, frame["id"], sent, reply.at, reply.kind))

        stream = asyncio.gather(*(one(*p) for p in plan))
        joined: dict[str, Any] = {}
        if join:  # op_join (the workshop) or op_connect (the baseline)
            join = dict(join)
            joined = await getattr(self, f"op_{join.pop('op')}")(**join)
        await stream
        return {"records": records, "join": joined}

    async def op_watch(self, activity: int) -> dict[str, Any]:
        """Arm every phone to note when `activity` arrives, opened."""
        for phone in self.phones:
            phone.watch, phone.seen_at = activity, None
            phone.seen.clear()
        return {}

    async def op_collect(self, timeout: float) -> dict[str, Any]:
        """Wait (at most `timeout`) until every phone has seen the watched activity."""
        waits = [p.seen.wait() for p in self.phones if p.open]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*waits), timeout)
        arrivals = [p.seen_at for p in self.phones if p.seen_at is not None]
        for phone in self.phones:
            phone.watch = None
        return {"arrivals": arrivals, "missing": len(self.phones) - len(arrivals)}

    async def op_idle(self, duration: float) -> dict[str, Any]:
        """Hold the phones for `duration` seconds, answering the server's heartbeat."""
        pings, pongs = self._pings(), sum(p.pongs for p in self.phones)
        await asyncio.sleep(duration)
        return {
            "pings": self._pings() - pings,
            "pongs": sum(p.pongs for p in self.phones) - pongs,
            "open": sum(p.open for p in self.phones),
        }

    async def op_counters(self) -> dict[str, Any]:
        return {
            "frames": sum(p.frames for p in self.phones),
            "bytes": sum(p.bytes for p in self.phones),
            "stray": sum(p.stray for p in self.phones),
            "open": sum(p.open for p in self.phones),
            "phones": len(self.phones),
            "pings": self._pings(),
            "cpu_total_s": own_cpu_seconds(),
        }

    async def op_close(self) -> dict[str, Any]:
        counters = await self.op_counters()
        await self._close_all()
        return counters

    def _pings(self) -> int:
        return sum(p.pings for p in self.phones)

    async def op_stop(self) -> dict[str, Any]:
        return {}

    async def _close_all(self) -> None:
        phones, self.phones = self.phones, []
        gate = asyncio.Semaphore(200)

        async def close(phone: Phone) -> None:
            async with gate:
                with contextlib.suppress(Exception):
                    await phone.close()

        await asyncio.gather(*(close(p) for p in phones))


def main(conn: Connection, index: int, cores: list[int] | None, compression: str | None) -> None:
    """Process entry point."""
    if cores:
        os.sched_setaffinity(0, set(cores))
    asyncio.run(Worker(conn, index, compression).run())
