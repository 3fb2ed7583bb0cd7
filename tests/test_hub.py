"""The hub in-process: marks coalesce into renders at a bounded rate; each connection's
Outbox holds its direct replies in order and only the newest snapshot per channel."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter, defaultdict

import pytest

from tests.live import ConsoleState
from workshop.hub import CHANNELS, CONSOLE, PHONES, SCREEN, Hub, Hubs, LocalBroadcast, Outbox

TICK = 0.01
WAIT = 5.0


class Renders:
    """A fake render: counts its calls per channel, says which mark it saw, and lets a test
    wait until a render has seen a given mark."""

    def __init__(self) -> None:
        self.marks = 0  # how many changes have been marked so far
        self.calls: Counter[str] = Counter()
        self.languages: defaultdict[str, list[str | None]] = defaultdict(list)
        self.times: list[float] = []
        self.failures = 0  # the next calls that raise
        self._rendered = asyncio.Condition()
        self._seen: dict[str, int] = {}

    async def __call__(
        self, session_id: int, channel: str, language: str | None = None
    ) -> str | None:
        async with self._rendered:
            self.calls[channel] += 1
            self.languages[channel].append(language)
            self.times.append(time.monotonic())
            self._rendered.notify_all()
            if self.failures:
                self.failures -= 1
                raise RuntimeError("render failed")
            self._seen[channel] = self.marks
            if channel == CONSOLE:  # a console state: the hub sends it as plan and live
                return json.dumps({"type": "state", "mark": self.marks, "activities": []})
            if language is not None:
                return f"{channel}:{language}:{self.marks}"
            return f"{channel}:{self.marks}"

    async def called(self, channel: str, times: int) -> None:
        """Until `channel` has been rendered (or has failed to render) `times` times."""

        async def wait() -> None:
            async with self._rendered:
                await self._rendered.wait_for(lambda: self.calls[channel] >= times)

        await asyncio.wait_for(wait(), WAIT)

    async def seen(self, channel: str, marks: int) -> None:
        """Until a render of `channel` has seen at least `marks` marks."""

        async def wait() -> None:
            async with self._rendered:
                await self._rendered.wait_for(lambda: self._seen.get(channel, -1) >= marks)

        await asyncio.wait_for(wait(), WAIT)


class CountingOutbox(Outbox):
    def __init__(self, limit: int = 256) -> None:
        super().__init__(limit)
        self.replaced = 0

    def replace(self, channel: str, text: str) -> None:
        self.replaced += 1
        super().replace(channel, text)


async def take(outbox: Outbox) -> list[str]:
    return await asyncio.wait_for(outbox.take(), WAIT)


def assembled(texts: list[str], into: ConsoleState | None = None) -> dict | None:
    """The last console state the frames in `texts` complete (console_feed.py)."""
    into = into or ConsoleState()
    states = [into.take(json.loads(t)) for t in texts]
    assert not into.errors, into.errors
    return [s for s in states if s is not None][-1] if any(states) else None


@pytest.fixture
async def hub():
    renders = Renders()
    hub = Hub(7, renders, TICK)
    hub.renders = renders  # type: ignore[attr-defined]
    yield hub
    await hub.stop()


# --- Outbox ------------------------------------------------------------------------------


async def test_direct_replies_in_order_before_snapshots():
    outbox = Outbox()
    outbox.send("ack 1")
    outbox.replace(SCREEN, "screen v1")
    outbox.send("ack 2")
    outbox.replace(SCREEN, "screen v2")
    outbox.replace(CONSOLE, "console v1")
    outbox.send("error 3")
    assert await take(outbox) == ["ack 1", "ack 2", "error 3", "screen v2", "console v1"]
    outbox.send("ack 4")
    assert await take(outbox) == ["ack 4"]


async def test_take_waits_for_something_to_send():
    outbox = Outbox()
    waiting = asyncio.create_task(outbox.take())
    outbox.replace(PHONES, "activity")
    assert await asyncio.wait_for(waiting, WAIT) == ["activity"]


async def test_overflow_is_flagged_and_bounded():
    outbox = Outbox(limit=3)
    for n in range(3):
        outbox.send(f"ack {n}")
    assert not outbox.overflowed
    outbox.send("one too many")
    outbox.send("and another")
    assert outbox.overflowed
    assert await take(outbox) == ["ack 0", "ack 1", "ack 2"]


async def test_snapshots_never_overflow():
    outbox = Outbox(limit=3)
    for n in range(1000):
        outbox.replace(SCREEN, f"screen v{n}")
    assert not outbox.overflowed
    assert await take(outbox) == ["screen v999"]


async def test_close_wakes_the_sender_with_a_reason():
    outbox = Outbox()
    assert outbox.closing is None
    waiting = asyncio.create_task(outbox.take())
    outbox.close("new screen link")
    assert await asyncio.wait_for(waiting, WAIT) == []
    assert outbox.closing == "new screen link"


# --- Hub ---------------------------------------------------------------------------------


async def test_a_thousand_marks_coalesce(hub: Hub):
    renders: Renders = hub.renders  # type: ignore[attr-defined]
    screens = [CountingOutbox() for _ in range(100)]
    consoles = [CountingOutbox() for _ in range(10)]
    for outbox in screens:
        hub.subscribe(SCREEN, outbox)
    for outbox in consoles:
        hub.subscribe(CONSOLE, outbox)

    started = time.monotonic()
    for _ in range(1000):
        renders.marks += 1
        hub.mark([SCREEN, CONSOLE])
        await asyncio.sleep(0)  # yield to the ticker, so marks and ticks interleave
    await renders.seen(SCREEN, 1000)
    await renders.seen(CONSOLE, 1000)
    ticks = (time.monotonic() - started) / TICK + 2

    assert renders.calls[SCREEN] <= ticks and renders.calls[CONSOLE] <= ticks
    assert renders.calls[SCREEN] < 50, renders.calls
    assert renders.calls[PHONES] == 0
    # Out: one text per subscriber per render, never one per mark; consoles also get the
    # plan, once.
    assert sum(o.replaced for o in screens) == 100 * renders.calls[SCREEN]
    assert sum(o.replaced for o in consoles) == 10 * (renders.calls[CONSOLE] + 1)
    # Only the newest snapshot waits in each outbox: the console's, as plan and live.
    for outbox in screens:
        assert await take(outbox) == ["screen:1000"]
    for outbox in consoles:
        texts = await take(outbox)
        assert [json.loads(t)["type"] for t in texts] == ["plan", "live"]
        assert assembled(texts) == {"type": "state", "mark": 1000, "activities": []}


async def test_renders_are_at_least_a_tick_apart():
    renders = Renders()
    tick = 0.05
    hub = Hub(1, renders, tick)
    hub.subscribe(SCREEN, Outbox())
    try:
        for mark in range(1, 6):
            renders.marks = mark
            hub.mark([SCREEN])
            await renders.seen(SCREEN, mark)
    finally:
        await hub.stop()
    assert renders.calls[SCREEN] == 5
    gaps = [b - a for a, b in zip(renders.times, renders.times[1:], strict=False)]
    assert min(gaps) >= tick * 0.9, gaps


async def test_only_dirty_channels_are_rendered_and_sent(hub: Hub):
    renders: Renders = hub.renders  # type: ignore[attr-defined]
    screen, console, phone = CountingOutbox(), CountingOutbox(), CountingOutbox()
    hub.subscribe(SCREEN, screen)
    hub.subscribe(CONSOLE, console)
    hub.subscribe(PHONES, phone)
    renders.marks = 1
    hub.mark([SCREEN])
    assert await take(screen) == ["screen:1"]
    await renders.seen(SCREEN, 1)
    assert renders.calls == {SCREEN: 1}
    assert (console.replaced, phone.replaced) == (0, 0)

    renders.marks = 2
    hub.mark([CONSOLE])
    # The console's first delivery holds its own snapshot only: it got nothing before.
    assert assembled(await take(console)) == {"type": "state", "mark": 2, "activities": []}
    assert renders.calls == {SCREEN: 1, CONSOLE: 1}
    assert (screen.replaced, phone.replaced) == (1, 0)


async def test_phones_are_rendered_once_per_language_they_read(hub: Hub):
    """A phone that chose English gets the English render, the rest the session's: one
    render per language read, not one per phone, and a table's channel the same."""
    renders: Renders = hub.renders  # type: ignore[attr-defined]
    own = [Outbox() for _ in range(5)]
    english = [Outbox(language="en") for _ in range(3)]
    for outbox in own + english:
        hub.subscribe(PHONES, outbox)
        hub.seat(outbox, 1)
    renders.marks = 1
    hub.mark([PHONES])
    for outbox in own:
        assert await take(outbox) == ["phones:1", "table:1:1"]
    for outbox in english:
        assert await take(outbox) == ["phones:en:1", "table:1:en:1"]
    for channel in (PHONES, "table:1"):
        assert sorted(renders.languages[channel], key=lambda x: x or "") == [None, "en"]


async def test_a_channel_without_subscribers_is_not_rendered(hub: Hub):
    renders: Renders = hub.renders  # type: ignore[attr-defined]
    screen = Outbox()
    hub.subscribe(SCREEN, screen)
    renders.marks = 1
    hub.mark(CHANNELS)
    assert await take(screen) == ["screen:1"]
    assert renders.calls == {SCREEN: 1}


async def test_an_unsubscribed_outbox_gets_nothing_more(hub: Hub):
    renders: Renders = hub.renders  # type: ignore[attr-defined]
    gone, staying = CountingOutbox(), CountingOutbox()
    hub.subscribe(SCREEN, gone)
    hub.subscribe(SCREEN, staying)
    hub.unsubscribe(SCREEN, gone)
    renders.marks = 1
    hub.mark([SCREEN])
    assert await take(staying) == ["screen:1"]
    assert gone.replaced == 0


async def test_a_failing_render_does_not_stop_later_ones(hub: Hub, caplog):
    renders: Renders = hub.renders  # type: ignore[attr-defined]
    screen = Outbox()
    hub.subscribe(SCREEN, screen)
    renders.failures = 1
    with caplog.at_level(logging.ERROR, logger="workshop.hub"):
        renders.marks = 1
        hub.mark([SCREEN])
        renders.marks = 2
        hub.mark([SCREEN])  # may join the failing tick; then the next mark is the test
        await renders.called(SCREEN, 1)
        renders.marks = 3
        hub.mark([SCREEN])
        assert await take(screen) == ["screen:3"]
    assert renders.failures == 0
    assert any("rendering screen" in r.getMessage() for r in caplog.records)


async def test_a_render_of_none_sends_nothing():
    calls = Counter()

    async def render(session_id: int, channel: str, language: str | None) -> str | None:
        calls[channel] += 1
        return None if channel == SCREEN else json.dumps({"type": "state", "n": 1})

    hub = Hub(1, render, TICK)
    screen, console = CountingOutbox(), Outbox()
    hub.subscribe(SCREEN, screen)
    hub.subscribe(CONSOLE, console)
    try:
        hub.mark([SCREEN, CONSOLE])
        assert assembled(await take(console)) == {"type": "state", "n": 1}
    finally:
        await hub.stop()
    assert calls == {SCREEN: 1, CONSOLE: 1}
    assert screen.replaced == 0


async def test_close_all_closes_one_channel(hub: Hub):
    screens = [Outbox(), Outbox()]
    console = Outbox()
    for outbox in screens:
        hub.subscribe(SCREEN, outbox)
    hub.subscribe(CONSOLE, console)
    hub.close_all(SCREEN, "renewed")
    assert [o.closing for o in screens] == ["renewed", "renewed"]
    assert console.closing is None


# --- Hubs --------------------------------------------------------------------------------


async def test_hubs_are_made_on_first_use_and_dropped_when_empty():
    renders = Renders()
    hubs = Hubs(renders, TICK)
    hub = hubs.get(1)
    assert hubs.get(1) is hub
    assert hubs.get(2) is not hub
    outbox = Outbox()
    hub.subscribe(SCREEN, outbox)
    task = hub._task
    assert task is not None and not task.done()

    await hubs.release(1)  # not empty: kept
    assert hubs.get(1) is hub
    hub.unsubscribe(SCREEN, outbox)
    assert hub.empty
    await hubs.release(1)
    assert hubs.get(1) is not hub
    assert task.done()  # its ticker is stopped
    await hubs.close()


async def test_marks_for_a_session_without_a_hub_do_nothing():
    renders = Renders()
    hubs = Hubs(renders, TICK)
    hubs.mark(99, [SCREEN])
    hubs.close_all(99, SCREEN, "nobody")
    broadcast = LocalBroadcast(hubs)
    await broadcast.publish(99, [SCREEN])
    await broadcast.disconnect(99, SCREEN, "nobody")
    assert renders.calls == {}
    await hubs.close()


async def test_broadcast_reaches_the_sessions_hub_only():
    renders = Renders()
    hubs = Hubs(renders, TICK)
    broadcast = LocalBroadcast(hubs)
    mine, theirs = Outbox(), CountingOutbox()
    hubs.get(1).subscribe(SCREEN, mine)
    hubs.get(2).subscribe(SCREEN, theirs)
    try:
        renders.marks = 1
        await broadcast.publish(1, [SCREEN])
        assert await take(mine) == ["screen:1"]
        await broadcast.disconnect(1, SCREEN, "renewed")
        assert mine.closing == "renewed"
        assert theirs.closing is None and theirs.replaced == 0
    finally:
        await hubs.close()


# --- the console's frames (console_feed.py) ------------------------------------------------


class DayRender:
    """A console state with a long plan text and live counts that `votes` changes."""

    def __init__(self) -> None:
        self.votes = [0, 0]
        self.calls = 0
        self._called = asyncio.Event()

    async def __call__(self, session_id: int, channel: str, language: str | None = None) -> str:
        self.calls += 1
        self._called.set()  # its waiter runs after the hub has handed the frames out
        activity = {"id": 1, "title": "Bru eller ferje?", "prompt": "x" * 5000, "state": "open"}
        live = {"answered": sum(self.votes), "results": {"counts": list(self.votes)}}
        state = {
            "type": "state",
            "cases": {"1": {"narrative": "Fortellingen " * 500}},
            "activities": [{**activity, **live}],
            "tables": [{"number": n, "seated": 7} for n in (1, 2, 3)],
        }
        return json.dumps(state)

    async def next_call(self) -> None:
        self._called.clear()
        await asyncio.wait_for(self._called.wait(), WAIT)


async def test_consoles_get_the_plan_once_then_deltas_rendered_once_per_tick():
    render = DayRender()
    hub = Hub(3, render, TICK)
    early, late = Outbox(), Outbox()
    seen_early, seen_late = ConsoleState(), ConsoleState()
    try:
        hub.subscribe(CONSOLE, early)
        hub.mark([CONSOLE])
        first = await take(early)
        assert [json.loads(t)["type"] for t in first] == ["plan", "live"]
        assert assembled(first, seen_early)["activities"][0]["answered"] == 0
        hub.subscribe(CONSOLE, late)  # connects later: full frames first
        for vote in range(1, 6):
            render.votes[vote % 2] += 1
            hub.mark([CONSOLE])
            texts = await take(early)
            (delta,) = [json.loads(t) for t in texts]
            assert delta["type"] == "delta", delta
            assert "Fortellingen" not in texts[0] and "xxxx" not in texts[0]
            assert delta["patch"] == {
                "activities": {"1": {"answered": vote, "results": {"counts": render.votes}}}
            }
            state = assembled(texts, seen_early)
            assert state == json.loads(await render(3, CONSOLE))
            late_texts = await take(late)
            kinds = [json.loads(t)["type"] for t in late_texts]
            assert kinds == (["plan", "live"] if vote == 1 else ["delta"]), kinds
            assert assembled(late_texts, seen_late) == state
        # One render a tick, whatever the number of consoles (the two `render` calls above
        # made by the test itself aside).
        assert render.calls == 6 + 5
    finally:
        await hub.stop()


async def test_a_console_that_has_not_sent_its_last_delta_gets_the_full_live_part():
    render = DayRender()
    hub = Hub(3, render, TICK)
    console, seen = Outbox(), ConsoleState()
    try:
        hub.subscribe(CONSOLE, console)
        hub.mark([CONSOLE])
        assembled(await take(console), seen)
        render.votes[0] += 1
        hub.mark([CONSOLE])
        await render.next_call()
        assert console.pending(CONSOLE)  # a delta, not taken
        render.votes[1] += 1
        hub.mark([CONSOLE])
        await render.next_call()
        texts = await take(console)
        assert [json.loads(t)["type"] for t in texts] == ["live"]  # no delta on a lost one
        assert assembled(texts, seen)["activities"][0]["results"]["counts"] == [1, 1]
    finally:
        await hub.stop()
