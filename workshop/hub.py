"""Live fan-out: one hub per session, coalescing changes into snapshots at a bounded rate.

A change (a vote, a join, an opened activity) only marks channels dirty. A ticker renders
each dirty channel once and hands the same text to every subscriber of it, at most once per
tick. Traffic out is O(subscribers x tick rate), never O(votes x subscribers).

Each connection owns an `Outbox`: direct replies (acks, errors) in order, plus the latest
snapshot per channel, which replaces an older one not yet sent. Memory per connection is
bounded; a connection whose direct replies pile up is told to go away and resyncs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Protocol

from workshop.console_feed import ConsoleFeed

log = logging.getLogger(__name__)

SCREEN = "screen"
CONSOLE = "console"
PHONES = "phones"
# A participant's own view of the screen (a remote phone, a laptop at home): it hears the
# screen's snapshots, but a renewed screen key does not close it (`Hub._run`).
VIEWERS = "viewers"
# Phones first: a newly opened activity is what a room waits for; the console last,
# since its snapshot is the largest.
CHANNELS = (PHONES, SCREEN, CONSOLE, VIEWERS)
# Each table has a channel of its own that only its members' phones hear: the table's
# proposal, notes, spokesperson. `TABLES` marks every table channel of a session at once.
TABLE_PREFIX = "table:"
TABLES = "table:*"


def table_channel(number: int) -> str:
    return f"{TABLE_PREFIX}{number}"


def table_of(channel: str) -> int | None:
    """The table number of a table channel; None for any other channel."""
    if channel.startswith(TABLE_PREFIX) and channel[len(TABLE_PREFIX) :].isdigit():
        return int(channel[len(TABLE_PREFIX) :])
    return None


Render = Callable[[int, str, str | None], Awaitable[str | None]]
"""(session id, channel, language or None for the session's) -> the snapshot's text."""


class Outbox:
    """What one connection has yet to send.

    `notify` is called whenever something arrives, so a connection needs no task of its own
    while idle (see `web/sockets.py`); `take` waits for it instead, for code that prefers to.
    """

    __slots__ = (
        "_direct",
        "_latest",
        "_limit",
        "_notify",
        "_ready",
        "close_code",
        "closing",
        "facilitator_id",
        "feed",
        "language",
        "overflowed",
        "participant_id",
        "table",
    )

    def __init__(
        self,
        limit: int = 256,
        notify: Callable[[], None] | None = None,
        participant_id: int | None = None,
        facilitator_id: int | None = None,
        language: str | None = None,
    ) -> None:
        # A list, not a deque: an idle connection's empty deque holds a 600-byte block.
        self._direct: list[str] = []
        self._latest: dict[str, str] = {}
        self._ready: asyncio.Event | None = None
        self._limit = limit
        self._notify = notify
        self.overflowed = False
        self.closing: str | None = None  # a reason: the connection is to be closed
        self.close_code = 1008  # ... with this WebSocket close code
        # The participant whose phone this is (None for screens and consoles): lets the hub
        # close one participant's connections (`Hub.close_participant`).
        self.participant_id = participant_id
        # The account whose console this is: lets the hub close one co-facilitator's consoles
        # when they are taken off the session (`Hub.close_facilitator`).
        self.facilitator_id = facilitator_id
        self.table: str | None = None  # the table channel a phone hears (`Hub.seat`)
        # A console's (plan hash, number of the live state) last queued (console_feed.py).
        self.feed: tuple[str, int] | None = None
        # The language a phone chose (None: the session's): phones and tables are rendered
        # once per language their subscribers read, never once per phone.
        self.language = language

    def _wake(self) -> None:
        if self._ready is not None:
            self._ready.set()
        if self._notify is not None:
            self._notify()

    def close(self, reason: str, code: int = 1008) -> None:
        """Have the connection closed with `code` and `reason` once its replies are sent
        (a later call before that replaces both: the seat removed after it gave way, say)."""
        self.closing = reason
        self.close_code = code
        self._wake()

    def send(self, text: str) -> None:
        if len(self._direct) >= self._limit:
            self.overflowed = True
        else:
            self._direct.append(text)
        self._wake()

    def replace(self, channel: str, text: str) -> None:
        self._latest[channel] = text
        self._wake()

    def pending(self, channel: str) -> bool:
        """Whether a snapshot of `channel` is queued and not sent yet."""
        return channel in self._latest

    def drain(self) -> list[str]:
        """Everything waiting, replies first, then snapshots; empty if nothing is."""
        texts, self._direct = self._direct, []
        texts.extend(self._latest.values())
        self._latest.clear()
        if self._ready is not None:
            self._ready.clear()
        return texts

    async def take(self) -> list[str]:
        """Wait for something to send, then take all of it."""
        if self._ready is None:
            self._ready = asyncio.Event()
            if self._direct or self._latest or self.closing is not None:
                self._ready.set()
        await self._ready.wait()
        return self.drain()


class Hub:
    """The subscribers of one session and its ticker."""

    def __init__(self, session_id: int, render: Render, tick: float) -> None:
        self.session_id = session_id
        self._render = render
        self._tick = tick
        self._subscribers: dict[str, set[Outbox]] = {c: set() for c in CHANNELS}
        self._tables: dict[str, set[Outbox]] = {}  # table channel -> the phones hearing it
        # Participant id -> that participant's outboxes, oldest subscription first.
        self._participants: dict[int, list[Outbox]] = {}
        self._dirty: set[str] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_send = 0.0
        self._feeds: dict[str | None, ConsoleFeed] = {}  # the consoles' deltas, per language

    @property
    def empty(self) -> bool:
        return not any(self._subscribers.values())

    def subscribe(self, channel: str, outbox: Outbox) -> None:
        if outbox not in self._subscribers[channel] and outbox.participant_id is not None:
            self._participants.setdefault(outbox.participant_id, []).append(outbox)
        self._subscribers[channel].add(outbox)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"hub-{self.session_id}")

    def unsubscribe(self, channel: str, outbox: Outbox) -> None:
        if outbox in self._subscribers[channel] and outbox.participant_id is not None:
            mine = self._participants.get(outbox.participant_id, [])
            with contextlib.suppress(ValueError):
                mine.remove(outbox)
            if not mine:
                self._participants.pop(outbox.participant_id, None)
        self._subscribers[channel].discard(outbox)
        self.seat(outbox, None)

    def seat(self, outbox: Outbox, table: int | None) -> None:
        """Have `outbox` hear table `table`'s channel (and no other table's); None: none.
        The new table's channel is rendered at the next tick, so the phone gets its state."""
        channel = table_channel(table) if table is not None else None
        if outbox.table == channel:
            return
        if outbox.table is not None:
            members = self._tables.get(outbox.table)
            if members is not None:
                members.discard(outbox)
                if not members:
                    del self._tables[outbox.table]
        outbox.table = channel
        if channel is not None:
            self._tables.setdefault(channel, set()).add(outbox)
            self.mark((channel,))

    def reseat(self, seats: Mapping[int, tuple[int, str | None]]) -> None:
        """Participants moved to other tables: participant id -> (table, a frame to send
        each of their phones, or None). Their phones hear their new table from now on."""
        for participant_id, (table, frame) in seats.items():
            for outbox in self._participants.get(participant_id, ()):
                if outbox in self._subscribers[PHONES]:
                    self.seat(outbox, table)
                    if frame is not None:
                        outbox.send(frame)

    def participant_outboxes(self, participant_id: int, channel: str | None = None) -> list[Outbox]:
        """The participant's connections in this process, oldest first (a copy); with
        `channel`, only those that hear it."""
        mine = self._participants.get(participant_id, ())
        if channel is None:
            return list(mine)
        return [o for o in mine if o in self._subscribers[channel]]

    def close_participant(self, participant_id: int, reason: str, code: int = 1008) -> None:
        """Close every connection of one participant (removed by the facilitator, say)."""
        for outbox in self._participants.get(participant_id, ()):
            outbox.close(reason, code)

    def close_facilitator(self, facilitator_id: int, reason: str, code: int = 1008) -> None:
        """Close the consoles one account has open on this session."""
        for outbox in self._subscribers[CONSOLE]:
            if outbox.facilitator_id == facilitator_id:
                outbox.close(reason, code)

    def mark(self, channels: Iterable[str]) -> None:
        for channel in channels:
            if channel == TABLES:
                self._dirty.update(self._tables)
            else:
                self._dirty.add(channel)
        self._wake.set()

    def close_all(self, channel: str, reason: str) -> None:
        for outbox in self._subscribers[channel]:
            outbox.close(reason)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            # Bound the rate: changes that arrive meanwhile join this send.
            delay = self._last_send + self._tick - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._wake.clear()
            dirty, self._dirty = self._dirty, set()
            self._last_send = time.monotonic()
            tables = sorted(c for c in dirty if c in self._tables)
            for channel in (PHONES, *tables, SCREEN, CONSOLE):
                # Whoever subscribes during the render got a newer snapshot of their own.
                members = self._tables.get(channel) or self._subscribers.get(channel, ())
                targets = list(members)
                if channel == SCREEN:  # participants' screen views: the same snapshot
                    targets.extend(self._subscribers[VIEWERS])
                if channel not in dirty or not targets:
                    continue
                for language, readers in _by_language(targets).items():
                    try:
                        text = await self._render(self.session_id, channel, language)
                    except Exception:
                        # A failed render must not end the session's live updates.
                        log.exception("rendering %s for session %s", channel, self.session_id)
                        continue
                    if text is None:
                        continue
                    if channel == CONSOLE:  # the plan when it changes, then deltas
                        self._send_console(language, text, readers)
                        continue
                    for outbox in readers:
                        outbox.replace(channel, text)

    def _send_console(self, language: str | None, text: str, readers: list[Outbox]) -> None:
        feed = self._feeds.setdefault(language, ConsoleFeed())
        try:
            feed.send(text, readers)
        except Exception:
            log.exception("console frames for session %s", self.session_id)
            self._feeds.pop(language, None)  # a fresh feed: full frames next time
            for outbox in readers:
                outbox.feed = None


def _by_language(targets: list[Outbox]) -> dict[str | None, list[Outbox]]:
    """Subscribers grouped by the language they read: one render for each (at most three)."""
    groups: dict[str | None, list[Outbox]] = {}
    for outbox in targets:
        groups.setdefault(outbox.language, []).append(outbox)
    return groups


class Broadcast(Protocol):
    """Carries "session X changed on these channels" to every process holding its hubs.

    In memory for one process (`LocalBroadcast`); over Redis pub/sub for several processes
    sharing sessions (`workshop.broadcast_redis`): each re-renders from the shared store.
    """

    async def start(self) -> None:
        """Connect (Redis: subscribe before the server answers anything)."""
        ...

    async def stop(self) -> None: ...

    async def publish(self, session_id: int, channels: Iterable[str]) -> None: ...

    async def disconnect(self, session_id: int, channel: str, reason: str) -> None:
        """Close every connection of `channel` (a renewed screen key ends the old screens)."""
        ...

    async def disconnect_participant(
        self, session_id: int, participant_id: int, reason: str
    ) -> None:
        """Close every connection of one participant, with 1008 and `reason`."""
        ...

    async def disconnect_facilitator(
        self, session_id: int, facilitator_id: int, reason: str
    ) -> None:
        """Close the consoles of one account on the session, with 1008 and `reason`."""
        ...

    async def reseat(self, session_id: int, seats: Mapping[int, tuple[int, str | None]]) -> None:
        """Participants changed tables: participant id -> (new table, a frame for each of
        their phones). Their phones hear their new table's channel from now on."""
        ...


class Hubs:
    """This process's hubs, one per live session, created on first use, dropped when empty."""

    def __init__(self, render: Render, tick: float) -> None:
        self._render = render
        self._tick = tick
        self._hubs: dict[int, Hub] = {}

    def get(self, session_id: int) -> Hub:
        hub = self._hubs.get(session_id)
        if hub is None:
            hub = self._hubs[session_id] = Hub(session_id, self._render, self._tick)
        return hub

    async def release(self, session_id: int) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None and hub.empty:
            del self._hubs[session_id]
            await hub.stop()

    def sessions(self) -> list[int]:
        """The sessions with a hub in this process (a copy)."""
        return list(self._hubs)

    def mark(self, session_id: int, channels: Iterable[str]) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None:
            hub.mark(channels)

    def close_all(self, session_id: int, channel: str, reason: str) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None:
            hub.close_all(channel, reason)

    def close_participant(self, session_id: int, participant_id: int, reason: str) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None:
            hub.close_participant(participant_id, reason)

    def close_facilitator(self, session_id: int, facilitator_id: int, reason: str) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None:
            hub.close_facilitator(facilitator_id, reason)

    def reseat(self, session_id: int, seats: Mapping[int, tuple[int, str | None]]) -> None:
        hub = self._hubs.get(session_id)
        if hub is not None:
            hub.reseat(seats)

    async def close(self) -> None:
        for hub in list(self._hubs.values()):
            await hub.stop()
        self._hubs.clear()


class LocalBroadcast:
    """The in-process `Broadcast`: straight to this process's hubs."""

    def __init__(self, hubs: Hubs) -> None:
        self._hubs = hubs

    async def start(self) -> None:
        """Nothing to connect to in one process."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def publish(self, session_id: int, channels: Iterable[str]) -> None:
        self._hubs.mark(session_id, channels)

    async def disconnect(self, session_id: int, channel: str, reason: str) -> None:
        self._hubs.close_all(session_id, channel, reason)

    async def disconnect_participant(
        self, session_id: int, participant_id: int, reason: str
    ) -> None:
        self._hubs.close_participant(session_id, participant_id, reason)

    async def disconnect_facilitator(
        self, session_id: int, facilitator_id: int, reason: str
    ) -> None:
        self._hubs.close_facilitator(session_id, facilitator_id, reason)

    async def reseat(self, session_id: int, seats: Mapping[int, tuple[int, str | None]]) -> None:
        self._hubs.reseat(session_id, seats)
