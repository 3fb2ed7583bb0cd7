"""Phones far from the server (issue 17): 150 ms each way and 2 % packet loss (tests/netproxy.py),
with the Wi-Fi dropping mid-stream. Reconnect and exactly-once: every phone keeps what was not
acknowledged and sends it again on its next socket, as static/participant.js does, and the
server counts each answer once. docs/latency.md has the model and the numbers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from tests.live import Server, add_activity, new_id, new_session, results, set_state
from tests.netproxy import LossyLink

DELAY = 0.150  # one way: 300 ms added to every round trip
LOSS = 0.02
WAIT = 20.0  # for anything that crosses the link, reconnects included
# static/socket.js: the backoff between attempts, "equal jitter" (half fixed, half random).
MIN_DELAY = 0.5
MAX_DELAY = 10.0


async def until(
    check: Callable[[], bool], changed: asyncio.Condition, timeout: float = WAIT
) -> None:
    """Until `check()` holds, re-checked whenever `changed` is notified."""

    async def wait() -> None:
        async with changed:
            await changed.wait_for(check)

    await asyncio.wait_for(wait(), timeout)


@dataclass
class RemotePhone:
    """A participant across the internet, keeping the page's discipline: a submission goes
    into the outbox first, is sent if the socket is open, leaves the outbox on its ack only,
    and everything still in it is sent again after the next welcome. The socket reconnects by
    itself with socket.js's backoff."""

    base: str  # the link's http://127.0.0.1:<port>
    code: str
    token: str
    participant_id: int
    table: int
    changed: asyncio.Condition  # notified on every welcome, ack, error and failed attempt
    rng: random.Random
    outbox: dict[str, dict[str, Any]] = field(default_factory=dict)  # in submission order
    acked: set[str] = field(default_factory=set)
    errors: list[dict[str, Any]] = field(default_factory=list)
    welcomes: list[dict[str, Any]] = field(default_factory=list)
    sent: set[str] = field(default_factory=set)  # sent on the current socket, not acked yet
    ever_sent: set[str] = field(default_factory=set)
    resent: int = 0  # frames sent again after a reconnect (sent before, no ack came)
    queued: int = 0  # frames tapped while offline, sent after the reconnect
    stored_unacked: int = 0  # of those, ones the welcome showed the server already had
    failures: int = 0  # connection attempts that failed
    attempt: int = 0  # the backoff's count, 0 again once the server has talked (socket.js)
    conn: ClientConnection | None = None
    _task: asyncio.Task[None] | None = None

    @classmethod
    async def join(cls, base: str, code: str, changed: asyncio.Condition, seed: int) -> RemotePhone:
        async with httpx.AsyncClient(base_url=base, timeout=WAIT) as client:
            response = await client.post(f"/api/sessions/{code}/join", json={})
        assert response.status_code == 201, response.text
        data = response.json()
        return cls(
            base,
            code,
            data["token"],
            data["participant_id"],
            data["table"],
            changed,
            random.Random(seed),
        )

    @property
    def online(self) -> bool:
        return self.conn is not None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def submit(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "vote":  # a newer vote replaces a waiting one (store.js)
            for older in [f for f in self.outbox.values() if f["type"] == "vote"]:
                if older["activity"] == frame["activity"]:
                    del self.outbox[older["id"]]
        self.outbox[frame["id"]] = frame  # first into the outbox
        if self.conn is not None:
            await self._send(self.conn, frame)

    async def _send(self, conn: ClientConnection, frame: dict[str, Any]) -> None:
        self.sent.add(frame["id"])
        self.ever_sent.add(frame["id"])
        with contextlib.suppress(ConnectionClosed):  # it stays in the outbox for the next socket
            await conn.send(json.dumps(frame))

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def _run(self) -> None:
        url = self.base.replace("http://", "ws://", 1)
        url += f"/ws/{self.code}/participant?token={self.token}"
        while True:
            welcomed = len(self.welcomes)
            with contextlib.suppress(OSError, InvalidHandshake, ConnectionClosed, TimeoutError):
                async with connect(url, open_timeout=WAIT) as conn:
                    await self._serve(conn)
            if len(self.welcomes) == welcomed:
                self.failures += 1  # no welcome on this attempt
            self.conn = None
            self.sent.clear()
            await self._notify()
            ceiling = min(MAX_DELAY, MIN_DELAY * 2**self.attempt)
            self.attempt += 1
            await asyncio.sleep(ceiling / 2 + self.rng.random() * ceiling / 2)  # the backoff

    async def _serve(self, conn: ClientConnection) -> None:
        """One socket: its welcome, the resend, then acks until it closes."""
        welcome = await first_welcome(conn)
        self.attempt = 0
        self.welcomes.append(welcome)
        waiting = list(self.outbox.values())
        self.stored_unacked += sum(stored(welcome, f) for f in waiting)
        self.conn = conn  # from here on `submit` sends at once
        await self._notify()
        for frame in waiting:
            if frame["id"] in self.ever_sent:
                self.resent += 1
            else:
                self.queued += 1
            await self._send(conn, frame)
        async for text in conn:
            message = json.loads(text)
            if message["type"] == "ping":
                await conn.send('{"type":"pong"}')
            elif message["type"] == "ack" and message["id"] in self.outbox:
                self.outbox.pop(message["id"])
                self.sent.discard(message["id"])
                self.acked.add(message["id"])
                await self._notify()
            elif message["type"] == "error":
                self.errors.append(message)
                await self._notify()


def stored(welcome: dict[str, Any], frame: dict[str, Any]) -> bool:
    """Whether the welcome's answers already hold this frame (its ack was lost)."""
    answer = welcome["answers"].get(str(frame["activity"])) or {}
    if frame["type"] == "vote":
        return (answer.get("vote") or {}).get("option") == frame["option"]
    return any(p["id"] == frame["id"] for p in answer.get("posts", []))


async def started(phones: list[RemotePhone], changed: asyncio.Condition) -> None:
    for phone in phones:
        phone.start()
    await until(lambda: all(p.online for p in phones), changed)


async def welcomed(
    phone: RemotePhone, count: int, changed: asyncio.Condition, since: float
) -> float:
    """Seconds from `since` until this phone has more than `count` welcomes."""
    await until(lambda: len(phone.welcomes) > count, changed)
    return round(time.monotonic() - since, 2)


async def stopped(phones: list[RemotePhone]) -> None:
    await asyncio.gather(*(p.stop() for p in phones))


async def timed(step: Awaitable[Any]) -> float:
    start = time.monotonic()
    await step
    return time.monotonic() - start


async def test_twenty_phones_answer_exactly_once_through_a_slow_lossy_link_cut_twice(
    server: Server, facilitator: httpx.AsyncClient
) -> None:
    """A vote (half the phones change their mind), then three posts each; the link is cut
    in the middle of each stream. The server ends with exactly what was sent."""
    code = (await new_session(facilitator, title="Langt unna", tables=4))["code"]
    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Sak?", options=["A", "B", "C"]
    )
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="Hva tar du med?")
    changed = asyncio.Condition()
    async with LossyLink(server.port, delay=DELAY, loss=LOSS, seed=17) as link:
        phones = list(
            await asyncio.gather(
                *(RemotePhone.join(link.url, code, changed, seed=n) for n in range(20))
            )
        )
        await started(phones, changed)
        in_flight: list[int] = []
        reconnects: list[list[float]] = []  # per cut, seconds until each phone's next welcome

        async def stream(plans: list[list[dict[str, Any]]]) -> None:
            """Every phone taps its plan at a person's pace; the link is cut once half (of
            the first answers) is acknowledged; until every frame has its ack."""

            async def participant(phone: RemotePhone, plan: list[dict[str, Any]]) -> None:
                for frame in plan:
                    # A person's pace between taps (not a wait for anything): the stream
                    # lasts long enough for the link to drop in the middle of it.
                    await asyncio.sleep(phone.rng.uniform(0.05, 0.5))
                    await phone.submit(frame)

            done = {p.participant_id: len(p.acked) for p in phones}
            half = len(phones) // 2
            tapping = asyncio.gather(
                *(participant(p, f) for p, f in zip(phones, plans, strict=True))
            )
            await until(
                lambda: sum(len(p.acked) > done[p.participant_id] for p in phones) >= half, changed
            )
            in_flight.append(sum(len(p.sent) for p in phones))
            before = [len(p.welcomes) for p in phones]
            cut_at = time.monotonic()
            assert await link.cut() >= len(phones) - 2  # (a few may be reconnecting already)
            back = [
                asyncio.create_task(welcomed(p, n, changed, cut_at))
                for p, n in zip(phones, before, strict=True)
            ]
            await asyncio.wait_for(tapping, WAIT)
            await until(lambda: all(not p.outbox for p in phones), changed)
            reconnects.append(sorted(await asyncio.gather(*back)))

        # The vote: half the phones change their mind (a new id: the newer vote counts).
        votes: list[list[dict[str, Any]]] = []
        for phone in phones:
            votes.append([vote(poll, phone.rng.randrange(3))])
            if phone.rng.random() < 0.5:
                votes[-1].append(vote(poll, phone.rng.randrange(3)))
        await set_state(facilitator, code, poll, "open")
        await stream(votes)
        # Then the posts, on the next step.
        await set_state(facilitator, code, reflection, "open")
        posts = [[post(reflection, f"Tanke {n}.{k}") for k in range(3)] for n in range(len(phones))]
        await stream(posts)

        # The server's totals are the last vote of each phone, each once; every post is
        # there once.
        got = await results(facilitator, code)
        last = Counter(plan[-1]["option"] for plan in votes)
        assert got[poll]["counts"] == [last[n] for n in range(3)], got[poll]
        stored_posts = [(p["id"], p["text"]) for p in got[reflection]["posts"]]
        sent = {(f["id"], f["text"]) for plan in posts for f in plan}
        assert len(stored_posts) == len(set(stored_posts)) == len(sent) == 60
        assert set(stored_posts) == sent
        # What each phone's next welcome says is exactly what it sent.
        welcomes = await asyncio.gather(*(fresh_welcome(p) for p in phones))
        for phone, mine, written, welcome in zip(phones, votes, posts, welcomes, strict=True):
            answers = welcome["answers"]
            assert stored({"answers": answers}, mine[-1]), (phone.participant_id, mine)
            assert [p["id"] for p in answers[str(reflection)]["posts"]] == [
                f["id"] for f in written
            ]
        assert [e for p in phones for e in p.errors] == []
        # The cuts did what they are for: frames were on the way, and were sent again.
        assert all(n > 0 for n in in_flight), in_flight
        assert sum(p.resent for p in phones) > 0
        assert link.stats.retransmitted > 0 and link.stats.cut >= 2 * (len(phones) - 2)
        print(
            f"in flight at the cuts {in_flight}, resent {sum(p.resent for p in phones)} "
            f"(already stored: {sum(p.stored_unacked for p in phones)}), queued offline "
            f"{sum(p.queued for p in phones)}, reconnects (min, median, max) "
            f"{[(r[0], r[len(r) // 2], r[-1]) for r in reconnects]} s, {link.stats}"
        )
        await stopped(phones)


def vote(activity: int, option: int) -> dict[str, Any]:
    return {"type": "vote", "id": new_id(), "activity": activity, "option": option}


def post(activity: int, text: str) -> dict[str, Any]:
    return {"type": "post", "id": new_id(), "activity": activity, "text": text}


async def fresh_welcome(phone: RemotePhone) -> dict[str, Any]:
    """The welcome a new socket with this seat gets (through the same link)."""
    url = phone.base.replace("http://", "ws://", 1)
    async with connect(f"{url}/ws/{phone.code}/participant?token={phone.token}") as conn:
        return await asyncio.wait_for(first_welcome(conn), WAIT)


async def first_welcome(conn: ClientConnection) -> dict[str, Any]:
    """The welcome; a `table` frame may come before it (the table's members changed)."""
    while (message := json.loads(await conn.recv()))["type"] != "welcome":
        assert message["type"] in ("table", "ping"), message
    return message


async def test_a_phone_gets_its_seat_and_state_back_after_the_network_was_gone(
    server: Server, facilitator: httpx.AsyncClient
) -> None:
    code = (await new_session(facilitator, title="Hjemmefra", tables=3))["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="Sak?", options=["Ja", "Nei"])
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="Hvorfor?")
    await set_state(facilitator, code, poll, "open")
    changed = asyncio.Condition()
    async with LossyLink(server.port, delay=DELAY, loss=LOSS, seed=5) as link:
        phone = await RemotePhone.join(link.url, code, changed, seed=5)
        first = await timed(started([phone], changed))
        vote = {"type": "vote", "id": new_id(), "activity": poll, "option": 1}
        await phone.submit(vote)
        await until(lambda: vote["id"] in phone.acked, changed)
        seat = phone.welcomes[0]["participant"]
        assert (seat["id"], seat["table"]["number"]) == (phone.participant_id, phone.table)

        # The network goes: the socket ends, and attempts fail for a while.
        link.down()
        assert await link.cut() == 1
        await until(lambda: phone.failures >= 2, changed)
        assert not phone.online
        # Meanwhile the room moves on.
        await set_state(facilitator, code, poll, "closed")
        await set_state(facilitator, code, reflection, "open")

        link.up()
        back = await timed(until(lambda: phone.online, changed))
        welcome = phone.welcomes[-1]
        assert len(phone.welcomes) == 2
        assert welcome["participant"] == seat  # the same seat at the same table
        assert welcome["activity"]["id"] == reflection  # what the room looks at now
        assert welcome["answers"][str(poll)]["vote"]["option"] == 1  # and what it had answered
        assert link.stats.refused >= 2
        print(f"first connect {first:.2f} s, back after up() {back:.2f} s, {link.stats}")
        await stopped([phone])


async def test_the_link_delays_and_holds_lost_chunks_but_never_reorders_or_changes_bytes() -> None:
    """tests/netproxy.py itself: a round trip costs two delays, a lost chunk one RTO more,
    and what comes out is exactly what went in, in order."""

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    target = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = target.sockets[0].getsockname()[1]
    async with LossyLink(port, delay=0.02, loss=0.2, seed=1, rto=0.1) as link:
        reader, writer = await asyncio.open_connection("127.0.0.1", link.port)
        trips = []
        for n in range(20):
            message = random.Random(n).randbytes(1000)
            trips.append(await timed(roundtrip(reader, writer, message)))
        assert min(trips) >= 2 * 0.02 - 0.005
        assert max(trips) >= 2 * 0.02 + 0.1 - 0.005  # a retransmission
        assert link.stats.retransmitted > 0
        # A burst, written without waiting: comes back whole and in order.
        burst = random.Random(99).randbytes(1_000_000)
        sending = asyncio.create_task(write_all(writer, burst))
        assert await asyncio.wait_for(reader.readexactly(len(burst)), WAIT) == burst
        await sending
        writer.close()
    target.close()
    await target.wait_closed()


async def roundtrip(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes
) -> None:
    writer.write(data)
    await writer.drain()
    assert await asyncio.wait_for(reader.readexactly(len(data)), WAIT) == data


async def write_all(writer: asyncio.StreamWriter, data: bytes) -> None:
    for start in range(0, len(data), 1000):
        writer.write(data[start : start + 1000])
        await writer.drain()
