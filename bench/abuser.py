"""The abusive phone of issue 13's benchmark, in a process of its own.

One participant, joined normally over HTTP with a real token, floods the server at full
speed: votes (mostly new ids, some repeats of its own earlier ids) on one socket, reflection
posts on another, and extra sockets opened one after the other on its token. It never waits
for an answer before sending the next frame (the socket's own backpressure is the only
brake), never honours `retry_after`, and reconnects at once whenever the server closes it.
Every answer is counted: `ack`, `error` with `retry` (slow down), other `error`s, closes by
code, refused handshakes.

The process runs on the generator's core, by default at nice 19 (`op_nice`), so the phones it
is measured against get the CPU they need first: what slows their acks is the server, not the
generator. Its own CPU seconds come back with each flood, so a reader can tell how fast
"full speed" was.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from bench.phones import open_socket
from bench.worker import Worker

YIELD_EVERY = 16  # frames sent between two turns of the loop (so the readers run)
DRAIN_SECONDS = 3.0  # after the flood, how long to wait for the answers still owed
MAX_CONNECTS = 20_000  # per stream and flood: a bound, not a target
HELD_SOCKETS = 1_000  # extra sockets held open at once, at most (the client's own bound)
REPEATS = 1_000  # recent vote ids a repeat is drawn from
PONG = '{"type":"pong"}'
TEXT = (
    "Dette innlegget kjem igjen og igjen frå same telefon, så fort nettet tek det imot. "
    "Kommunen bør lytte meir til ungdommen, og rådet må få eit eige budsjett. "
)


@dataclass
class Tally:
    """What the abuser sent and how the server answered, over one flood."""

    sent: Counter[str] = field(default_factory=Counter)  # vote_new, vote_repeat, post
    replies: Counter[str] = field(default_factory=Counter)  # ack, retry, error
    by_kind: Counter[str] = field(default_factory=Counter)  # "vote ack", "post retry", ...
    errors: Counter[str] = field(default_factory=Counter)  # other errors' messages
    closes: Counter[str] = field(default_factory=Counter)  # "<stream> <code>"
    reasons: dict[str, str] = field(default_factory=dict)  # a close code's reason, once
    refused: Counter[str] = field(default_factory=Counter)  # handshakes: HTTP status or error
    opened: Counter[str] = field(default_factory=Counter)  # sockets opened, by stream
    unanswered: int = 0  # frames whose socket closed before their answer came
    retry_after_max: float = 0.0
    frames_in: int = 0
    post_ids: list[str] = field(default_factory=list)
    post_acked: list[str] = field(default_factory=list)

    def figures(self, seconds: float) -> dict[str, Any]:
        sent = sum(self.sent.values())
        return {
            "seconds": round(seconds, 2),
            "sent": dict(self.sent),
            "sent_total": sent,
            "sent_per_s": round(sent / seconds, 1) if seconds > 0 else None,
            "replies": dict(self.replies),
            "by_kind": dict(self.by_kind),
            "errors": dict(self.errors.most_common(8)),
            "closes": dict(self.closes),
            "close_reasons": self.reasons,
            "handshakes_refused": dict(self.refused),
            "sockets_opened": dict(self.opened),
            "unanswered": self.unanswered,
            "retry_after_max_s": self.retry_after_max,
            "frames_in": self.frames_in,
            "post_ids": self.post_ids,
            "post_acked": self.post_acked,
        }


class Stream:
    """One of the abuser's sockets: reads every answer and counts it."""

    def __init__(self, name: str, conn: ClientConnection, tally: Tally) -> None:
        self.name = name
        self.conn = conn
        self.tally = tally
        self.owed: Counter[str] = Counter()  # answers still owed, by client id
        self.kinds: dict[str, str] = {}  # client id -> "vote" or "post"
        self.ours = False  # closed by us, at the end
        self.settled = asyncio.Event()  # nothing owed (set whenever the count reaches 0)
        self.settled.set()
        self.reader = asyncio.create_task(self._read())

    def sent(self, client_id: str, kind: str) -> None:
        self.owed[client_id] += 1
        self.kinds[client_id] = kind
        self.settled.clear()

    async def _read(self) -> None:
        tally = self.tally
        try:
            while True:
                message = json.loads(await self.conn.recv())
                tally.frames_in += 1
                kind = message.get("type")
                if kind == "ping":
                    await self.conn.send(PONG)
                    continue
                if kind not in ("ack", "error"):
                    continue
                client_id = message.get("id")
                if kind == "ack":
                    answer = "ack"
                elif message.get("retry"):
                    answer = "retry"
                    after = message.get("retry_after")
                    if isinstance(after, (int, float)):
                        tally.retry_after_max = max(tally.retry_after_max, float(after))
                else:
                    answer = "error"
                    tally.errors[str(message.get("message"))[:100]] += 1
                tally.replies[answer] += 1
                what = self.kinds.get(client_id, "?") if isinstance(client_id, str) else "?"
                tally.by_kind[f"{what} {answer}"] += 1
                if what == "post" and answer == "ack":
                    tally.post_acked.append(client_id)  # type: ignore[arg-type]
                if isinstance(client_id, str) and self.owed.get(client_id):
                    self.owed[client_id] -= 1
                    if not self.owed[client_id]:
                        del self.owed[client_id]
                    if not self.owed:
                        self.settled.set()
        except (ConnectionClosed, ValueError):
            pass
        finally:
            self.tally.unanswered += sum(self.owed.values())
            self.owed.clear()
            self.settled.set()
            if not self.ours:
                code = self.conn.close_code
                key = f"{self.name} {code}"
                self.tally.closes[key] += 1
                self.tally.reasons.setdefault(str(code), self.conn.close_reason or "")

    @property
    def open(self) -> bool:
        return not self.reader.done()

    async def close(self) -> None:
        self.ours = True
        with contextlib.suppress(Exception):
            await self.conn.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.reader, 5)


class Abuser(Worker):
    """The worker protocol (`op_*`) for the one abusive phone."""

    def __init__(self, conn: Connection, index: int, compression: str | None) -> None:
        super().__init__(conn, index, compression)
        self.urls: dict[str, str] = {}  # session code -> its participant socket URL

    async def op_nice(self, value: int) -> dict[str, Any]:
        """This process's niceness: 19 (the default of `bench.abuse`) gives every phone's
        worker the CPU it needs first, so the abuser floods with what the phones leave."""
        os.setpriority(os.PRIO_PROCESS, 0, value)
        return {"nice": os.getpriority(os.PRIO_PROCESS, 0)}

    async def op_join(self, base_url: str, codes: list[str]) -> dict[str, Any]:
        """Join each session once over HTTP, as any phone does."""
        ws_base = base_url.replace("http://", "ws://", 1)
        joined = {}
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            for code in codes:
                response = await http.post(f"/api/sessions/{code}/join", json={})
                response.raise_for_status()
                body = response.json()
                self.urls[code] = f"{ws_base}/ws/{code}/participant?token={body['token']}"
                joined[code] = {"participant_id": body["participant_id"], "table": body["table"]}
        return {"joined": joined}

    async def op_flood(
        self,
        vote_code: str,
        vote_activity: int,
        options: int,
        post_code: str,
        post_activity: int,
        start_at: float,
        end_at: float,
        floods: list[str],
        repeat_share: float,
        text_chars: int,
        seed: int,
    ) -> dict[str, Any]:
        """From `start_at` to `end_at`: the floods named in `floods` ("votes", "posts",
        "sockets") at once, then up to DRAIN_SECONDS for the answers still owed."""
        rnd = random.Random(seed)
        tally = Tally()
        streams: list[Stream] = []
        recent: deque[tuple[str, int]] = deque(maxlen=REPEATS)
        text = (TEXT * (text_chars // len(TEXT) + 1))[:text_chars]

        def vote() -> tuple[str, dict[str, Any]]:
            if recent and rnd.random() < repeat_share:
                client_id, option = rnd.choice(recent)
                tally.sent["vote_repeat"] += 1
            else:
                client_id, option = str(uuid.uuid4()), rnd.randrange(options)
                recent.append((client_id, option))
                tally.sent["vote_new"] += 1
            frame = {"type": "vote", "id": client_id, "activity": vote_activity, "option": option}
            return "vote", frame

        def post() -> tuple[str, dict[str, Any]]:
            client_id = str(uuid.uuid4())
            tally.sent["post"] += 1
            tally.post_ids.append(client_id)
            n = tally.sent["post"]
            frame = {"type": "post", "id": client_id, "activity": post_activity}
            return "post", {**frame, "text": f"{n}: {text}"[:text_chars]}

        async def connect(name: str, url: str) -> Stream | None:
            try:
                conn = await open_socket(url, self.compression)
            except InvalidStatus as error:
                tally.refused[f"{name} HTTP {error.response.status_code}"] += 1
                await asyncio.sleep(0)
                return None
            except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake) as error:
                tally.refused[f"{name} {type(error).__name__}"] += 1
                await asyncio.sleep(0.01)  # no connection at all: do not spin
                return None
            tally.opened[name] += 1
            stream = Stream(name, conn, tally)
            streams.append(stream)
            return stream

        async def send_loop(name: str, url: str, make: Any) -> None:
            """Send as fast as the socket takes frames; reconnect when it is closed."""
            for _ in range(MAX_CONNECTS):
                if time.monotonic() >= end_at:
                    return
                stream = await connect(name, url)
                if stream is None:
                    continue
                with contextlib.suppress(ConnectionClosed):
                    n = 0
                    while stream.open and time.monotonic() < end_at:
                        kind, frame = make()
                        stream.sent(frame["id"], kind)
                        await stream.conn.send(json.dumps(frame))
                        n += 1
                        if n % YIELD_EVERY == 0:
                            await asyncio.sleep(0)
                if time.monotonic() >= end_at:
                    return  # time is up: an open socket stays open for the drain
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(stream.reader), 5)  # its close counted

        async def socket_loop(url: str) -> None:
            """Open one more socket on the token as soon as the last one is up."""
            held: list[Stream] = []
            for _ in range(MAX_CONNECTS):
                if time.monotonic() >= end_at:
                    return
                held = [s for s in held if s.open]
                if len(held) >= HELD_SOCKETS:
                    await asyncio.sleep(0.05)
                    continue
                stream = await connect("extra", url)
                if stream is not None:
                    held.append(stream)

        jobs = []
        if "votes" in floods:
            jobs.append(send_loop("votes", self.urls[vote_code], vote))
        if "posts" in floods:
            jobs.append(send_loop("posts", self.urls[post_code], post))
        if "sockets" in floods:
            jobs.append(socket_loop(self.urls[vote_code]))
        delay = start_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        began = time.monotonic()
        await asyncio.gather(*jobs)
        seconds = time.monotonic() - began
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(s.settled.wait() for s in streams)), DRAIN_SECONDS
            )
        gate = asyncio.Semaphore(100)

        async def close(stream: Stream) -> None:
            async with gate:
                await stream.close()

        await asyncio.gather(*(close(s) for s in streams if s.open))
        return tally.figures(seconds)


def main(conn: Connection, index: int, cores: list[int] | None, compression: str | None) -> None:
    """Process entry point, on the generator's cores (`op_nice` puts it behind the phones)."""
    if cores:
        os.sched_setaffinity(0, set(cores))
    asyncio.run(Abuser(conn, index, compression).run())
