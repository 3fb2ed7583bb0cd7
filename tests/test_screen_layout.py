"""The plenary screen holds a real room (issue 14): every state it can show is measured in
Chromium at 1920x1080 and 1280x720, with 6, 12 and 30 tables and 150 participants joined.

For each state the test reads the bounding boxes of what the room must be able to read
(every table counter, every option label, every post, the corner with the QR code, the
countdown …) and fails when one is missing, outside the viewport, clipped by a box around it,
cut off inside itself or overlapping another. A wall that does not fit pages by itself; the
test steps its pages with the arrow key (as a facilitator can at the screen laptop) and
checks that every post appears on some page, in text of at least 24 px at 1080p.

Screenshots of each state land in test-artifacts/screen-<state>-<tables>.png (1080p) and
screen-<state>-<tables>-720.png, for a human to look at."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.chromium import ARTIFACTS, chromium
from tests.live import WAIT, Phone, Server, add_activity, login, new_session, set_state

PARTICIPANTS = 150
VOTERS_PER_TABLE = 4  # enough for every table to pass the small-group rule (3)
TIMEOUT = 15_000  # ms, for every wait on the pages
CASE = "lokalavisen-ringer"
SIZES = {"1080": (1920, 1080), "720": (1280, 720)}

POLL_OPTIONS = [
    "Vi bør bruke mer tid på saker som gjelder barn og unge i kommunen",
    "Vi bør bruke mer tid på økonomi, budsjett og langsiktig planlegging",
    "Vi bør bruke mer tid på å lytte til innbyggerne før vi vedtar noe",
    "Vi bør bruke mer tid på å samarbeide på tvers av partiene",
]
POSTS = [
    "Åpenhet er hovedregelen.",
    "Vi må vite hva vi kan si og ikke si før journalisten ringer.",
    "Taushetsplikten gjelder også etter at vervet er over, og det bør alle nye folkevalgte "
    "få høre tidlig, gjerne med et par eksempler fra vår egen kommune.",
    "Si at møtet var lukket, og hvorfor.",
    "Henvis til ordføreren når det gjelder en ansatt.",
    "Jeg ville sagt at jeg ikke kan svare på akkurat det, men at jeg gjerne snakker om "
    "eldreomsorgen generelt.",
    "Ingen kommentar høres ut som hemmelighold.",
    "Ring tilbake når du har tenkt deg om. Fristen er journalistens, ikke din.",
]

LONG_POST = " ".join(
    [
        "Jeg ville ha sagt at møtet var lukket fordi saken gjaldt en ansatt, og at jeg har "
        "taushetsplikt om det som ble sagt der."
    ]
    * 8
)[:1000]
SPREAD = [0, 1, 0, 2, 1, 0, 3, 1, 0, 2, 2]  # how the phones vote on the dilemma: tables differ

# What the room must read, by kind. Each visible match is measured; `count` checks below make
# sure none is missing.
MEASURED = {
    "corner": "#corner",
    "timer": "#timer",
    "eyebrow": ".stage .eyebrow",
    "prompt": ".stage .prompt",
    "option": ".screen-options li",
    "step": ".screen-steps li",
    "answered": ".answered-total",
    "counter": ".answered-tables li",
    "note": ".state-note, .few-note, .wall-more, .results-total",
    "bar": ".bars .bar-row",
    "legend": ".legend li",
    "table-card": ".table-card",
    "scale": ".scale-col",
    "case": ".case-column",
    "quote": ".quote",
    "law": ".law-item",
    "wall-table": ".wall-table",
    "post": ".wall-post",
    "pager": ".wall-pager",
    "seat": ".seat-grid li",
    "join-qr": ".join-qr",
    "join-text": ".join-title, .join-step, .join-view .code, .joined",
    "segment": ".segment-big, .segment-when, .segment-join",
    "agenda": ".agenda-heading, .agenda-item",
    "closing": ".closing-title, .closing-count, .closing-text",
    "qr": "img[src*='/qr/']",
}

MEASURE_JS = """(measured) => {
  const W = window.innerWidth, H = window.innerHeight, slack = 1;
  const shown = (el) => {
    if (el.closest("[hidden]")) return false;
    for (let a = el; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.display === "none" || cs.visibility === "hidden") return false;
    }
    return true;
  };
  const items = [];
  for (const [kind, selector] of Object.entries(measured)) {
    for (const el of document.querySelectorAll(selector)) {
      if (!shown(el)) continue;
      items.push({ kind, el, r: el.getBoundingClientRect(),
        text: (el.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 50) });
    }
  }
  const problems = [];
  const say = (item, what) => problems.push(`${item.kind} "${item.text}": ${what}`);
  for (const item of items) {
    const { el, r } = item;
    if (r.width < 2 || r.height < 2) { say(item, "has no size"); continue; }
    if (r.left < -slack || r.top < -slack || r.right > W + slack || r.bottom > H + slack) {
      say(item, `outside the ${W}x${H} viewport at ${Math.round(r.left)},${Math.round(r.top)} to ` +
        `${Math.round(r.right)},${Math.round(r.bottom)}`);
    }
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
      const ar = a.getBoundingClientRect();
      if (r.left < ar.left - slack || r.top < ar.top - slack || r.right > ar.right + slack ||
          r.bottom > ar.bottom + slack) {
        say(item, `clipped by .${[...a.classList].join(".") || a.tagName}`);
        break;
      }
    }
    if (el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2) {
      say(item, `cut off inside itself (${el.scrollWidth}x${el.scrollHeight} in ` +
        `${el.clientWidth}x${el.clientHeight})`);
    }
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 1 && h > 1) problems.push(`${a.kind} "${a.text}" overlaps ${b.kind} "${b.text}"`);
    }
  }
  const counts = {};
  for (const item of items) counts[item.kind] = (counts[item.kind] || 0) + 1;
  const posts = [...document.querySelectorAll(".wall-post")].filter(shown);
  return {
    problems,
    counts,
    postIds: posts.map((p) => p.dataset.id || p.textContent.trim()),
    postFont: Math.min(...posts.map((p) => parseFloat(getComputedStyle(p).fontSize))),
    page: document.querySelector(".wall")?.dataset.page || null,
    pages: Number(document.querySelector(".wall")?.dataset.pages || 1),
  };
}"""

SETTLED_JS = (
    """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"""
)


@dataclass
class Room:
    """One session with its tables, 150 participants, and two screen pages on it."""

    tables: int
    client: httpx.AsyncClient
    created: dict[str, Any]
    screens: dict[str, Page]
    phones: list[Phone] = field(default_factory=list)
    seated: list[Phone] = field(default_factory=list)  # every participant, sockets or not
    problems: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.created["code"]

    async def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(f"/api/sessions/{self.code}{path}", json=body or {})

    async def ok(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.post(path, body)
        assert response.status_code in (200, 201), (path, response.status_code, response.text)
        return response.json()

    async def console_state(self) -> dict[str, Any]:
        response = await self.client.get(f"/api/sessions/{self.code}")
        assert response.status_code == 200, response.text
        return response.json()

    async def wait(self, predicate: str, arg: Any = None, state: str = "") -> bool:
        """Until `predicate` (JS, given `arg`) holds on both screens; False (and a problem)
        when it does not within the timeout."""
        for size, page in self.screens.items():
            try:
                await page.wait_for_function(predicate, arg=arg, timeout=TIMEOUT)
            except PlaywrightTimeout:
                where = f"{state or predicate[:80]} · {self.tables} tables · {size}p"
                self.problems.append(f"{where}: the screen never showed this state")
                return False
            await page.evaluate(SETTLED_JS)
        return True

    async def measure(
        self, state: str, expect: dict[str, int] | None = None, min_post_px: float = 0
    ) -> dict[str, dict[str, Any]]:
        """Measure `state` on both screens: problems are collected, screenshots saved."""
        found: dict[str, dict[str, Any]] = {}
        for size, page in self.screens.items():
            result = await page.evaluate(MEASURE_JS, MEASURED)
            found[size] = result
            where = f"{state} · {self.tables} tables · {size}p"
            self.problems += [f"{where}: {p}" for p in result["problems"]]
            for kind, count in (expect or {}).items():
                seen = result["counts"].get(kind, 0)
                if seen != count:
                    self.problems.append(f"{where}: {count} {kind} expected, {seen} shown")
            small = result["postIds"] and result["postFont"] < min_post_px
            if size == "1080" and min_post_px and small:
                self.problems.append(
                    f"{where}: wall text is {result['postFont']} px, under {min_post_px} px"
                )
            suffix = "" if size == "1080" else "-720"
            await page.screenshot(
                path=str(ARTIFACTS / f"screen-{state}-{self.tables}{suffix}.png"),
                animations="disabled",
            )
        return found


async def join_all(server: Server, code: str, tables: int) -> list[Phone]:
    """150 participants over HTTP, spread round the tables (table 1, 2, … N, 1, 2, …)."""
    gate = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:

        async def one(i: int) -> Phone:
            async with gate:
                name = f"Deltaker {i + 1}" if i % 3 else ""
                response = await client.post(
                    f"/api/sessions/{code}/join", json={"name": name, "table": i % tables + 1}
                )
            assert response.status_code == 201, response.text
            data = response.json()
            return Phone(server, code, data["token"], data["table"], data["participant_id"])

        return list(await asyncio.gather(*(one(i) for i in range(PARTICIPANTS))))


def voters(seated: list[Phone], tables: int) -> list[Phone]:
    """Four phones a table, but only two at the last table (too few to be shown on its own)."""
    chosen: list[Phone] = []
    for number in range(1, tables + 1):
        at = [p for p in seated if p.table == number]
        chosen += at[: 2 if number == tables else VOTERS_PER_TABLE]
    return chosen


async def everyone(jobs: list[Any]) -> None:
    gate = asyncio.Semaphore(24)

    async def one(job: Any) -> None:
        async with gate:
            reply = await job
            assert reply["type"] == "ack", reply

    await asyncio.gather(*(one(j) for j in jobs))


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One browser for the module: its rooms are built once per table count."""
    async with chromium() as launched:
        yield launched


async def open_room(server: Server, browser: Browser, tables: int) -> Room:
    client = await login(server, "anna")
    created = await new_session(
        client, title="Lillevik kommunestyre", tables=tables, max_participants=400
    )
    room = Room(tables, client, created, {})
    code = created["code"]
    welcome = await room.ok(
        "/segments", {"title": "Velkommen og innledning", "start": "16:00", "minutes": 15}
    )
    talk = await room.ok(
        "/segments", {"title": "Åpenhet og taushetsplikt", "start": "16:15", "minutes": 45}
    )
    await room.ok("/segments", {"title": "Pause", "start": "17:00", "minutes": 15})
    await room.ok(
        "/segments", {"title": "Oppsummering og veien videre", "start": "17:15", "minutes": 30}
    )
    assert welcome["id"] and talk["id"]
    await room.ok(f"/segments/{talk['id']}/cases", {"case": CASE})
    room.seated = await join_all(server, code, tables)
    room.phones = voters(room.seated, tables)
    await asyncio.gather(*(p.connect() for p in room.phones))
    ARTIFACTS.mkdir(exist_ok=True)
    for size, (width, height) in SIZES.items():
        context = await browser.new_context(
            viewport={"width": width, "height": height}, locale="nb-NO"
        )
        page = await context.new_page()
        page.on(
            "pageerror",
            lambda error, size=size: room.problems.append(f"script error at {size}p: {error}"),
        )
        room.screens[size] = page
        await page.goto(created["screen_url"])
    return room


def summary(problems: list[str]) -> str:
    shown = problems[:60]
    more = f"\n… and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return f"{len(problems)} layout problems:\n" + "\n".join(shown) + more


async def wall_pages(room: Room, state: str, expected_ids: set[str]) -> None:
    """Step every page of the wall on both screens; every post must appear on some page."""
    for size, page in room.screens.items():
        seen: set[str] = set()
        first = await page.evaluate(MEASURE_JS, MEASURED)
        pages = first["pages"]
        where = f"{state} · {room.tables} tables · {size}p"
        if pages > 1:
            indicator = page.locator(".wall-pager")
            if not await indicator.is_visible():
                room.problems.append(f"{where}: {pages} pages but no page indicator")
        for step in range(pages):
            result = await page.evaluate(MEASURE_JS, MEASURED)
            seen |= set(result["postIds"])
            if step:  # the first page was measured (and photographed) by `measure`
                room.problems += [f"{where} page {step + 1}: {p}" for p in result["problems"]]
                if size == "1080" and result["postFont"] < 24:
                    room.problems.append(f"{where} page {step + 1}: text {result['postFont']} px")
                if size == "1080" and step in (1, pages - 1):
                    which = "page2" if step == 1 else "last"
                    await page.screenshot(
                        path=str(ARTIFACTS / f"screen-{state}-{which}-{room.tables}.png"),
                        animations="disabled",
                    )
            if step + 1 < pages:
                before = result["page"]
                await page.keyboard.press("ArrowRight")
                await page.wait_for_function(
                    "(before) => document.querySelector('.wall')?.dataset.page !== before",
                    arg=before,
                    timeout=TIMEOUT,
                )
                await page.evaluate(SETTLED_JS)
        missing = expected_ids - seen
        if missing:
            room.problems.append(
                f"{where}: {len(missing)} of {len(expected_ids)} posts on no page of {pages}"
            )


async def run_states(
    server: Server, browser: Browser, tables: int, until: str | None = None
) -> Room:
    """Move one room through every state, measuring each; `until` stops after that state
    (for working on one screen by hand)."""
    room = await open_room(server, browser, tables)
    code = room.code
    counters = {"counter": tables} if tables <= 40 else {}

    # join: the big QR code, the code, and how many sit at each table
    if await room.wait(
        "(n) => (document.querySelector('.joined')?.textContent || '').includes(String(n))",
        PARTICIPANTS,
        "join",
    ):
        await room.measure("join", {"seat": tables} if tables <= 40 else None)

    # segment: between activities
    await room.ok("/next")
    if await room.wait("() => document.body.dataset.view === 'segment'", None, "segment"):
        await room.measure("segment")

    # agenda
    await room.ok("/screen-view", {"view": "agenda"})
    if await room.wait("() => document.body.dataset.view === 'agenda'", None, "agenda"):
        await room.measure("agenda", {"agenda": 5})
    await room.ok("/screen-view", {"view": "options"})

    state = await room.console_state()
    case_activities = [a for a in state["activities"] if a["case"]]
    dilemma = next(a for a in case_activities if a["kind"] == "dilemma")
    reflection = next(a for a in case_activities if a["kind"] == "reflection")
    scale = next(a for a in case_activities if a["kind"] == "scale")
    poll = await add_activity(
        room.client,
        code,
        kind="poll",
        title="Tid i kommunestyret",
        prompt="Hva bør kommunestyret bruke mer tid på i året som kommer?",
        options=POLL_OPTIONS,
        segment=dilemma["segment"],
    )

    # an open activity without a case, answered by four phones a table
    await set_state(room.client, code, poll, "open")
    await everyone([p.vote(poll, (i + p.table) % 4) for i, p in enumerate(room.phones)])
    answered = len(room.phones)
    count_is = "document.querySelector('.answered-total strong')?.textContent === String(n)"
    if await room.wait(
        f"(n) => document.body.dataset.view === 'open' && {count_is}", answered, "open"
    ):
        await room.measure("open", {"option": 4, **counters})

    # an open dilemma with its case beside it, and a countdown running
    await set_state(room.client, code, dilemma["id"], "open")
    await room.ok("/timer", {"seconds": 600})
    await everyone(
        [
            p.vote(
                dilemma["id"], SPREAD[(i + 3 * p.table) % len(SPREAD)], why=POSTS[i % len(POSTS)]
            )
            for i, p in enumerate(room.phones)
        ]
    )
    if await room.wait(
        "(n) => document.querySelector('.case-column') && !document.getElementById('timer').hidden"
        f" && {count_is}",
        answered,
        "open-case-timer",
    ):
        await room.measure("open-case-timer", {"option": 4, "timer": 1, **counters})
    await room.ok("/timer", {"seconds": 0})
    if await room.wait("() => document.getElementById('timer').hidden", None, "open-case"):
        await room.measure("open-case", {"option": 4, **counters})

    # closed, then revealed per option (with the case) and per table
    await set_state(room.client, code, dilemma["id"], "closed")
    if await room.wait("() => document.body.dataset.view === 'closed'", None, "closed"):
        await room.measure("closed", {"option": 4, **counters})
    await set_state(room.client, code, dilemma["id"], "revealed")
    if await room.wait("() => document.body.dataset.view === 'revealed'", None, "revealed-case"):
        await room.measure("revealed-case", {"bar": 4})
    await room.ok("/screen-view", {"view": "tables"})
    if await room.wait("() => document.querySelector('.per-table')", None, "revealed-tables"):
        # the last table has two answers: too few to be shown on its own (and so one more)
        console = await room.console_state()
        hidden = next(a for a in console["activities"] if a["id"] == dilemma["id"])
        shown = tables - len(hidden["hidden_on_screen"])
        await room.measure("revealed-tables", {"legend": 4, "table-card": shown})
    await room.ok("/screen-view", {"view": "options"})

    # the poll revealed, without a case
    await set_state(room.client, code, poll, "revealed")
    await room.ok("/current", {"activity": poll})
    if await room.wait(
        "() => document.body.dataset.view === 'revealed'"
        " && !document.querySelector('.case-column')",
        None,
        "revealed",
    ):
        await room.measure("revealed", {"bar": 4})

    # a scale with its case, revealed
    await set_state(room.client, code, scale["id"], "open")
    await everyone([p.vote(scale["id"], (i * 7 + p.table) % 5) for i, p in enumerate(room.phones)])
    await set_state(room.client, code, scale["id"], "revealed")
    await room.ok("/current", {"activity": scale["id"]})
    if await room.wait(
        "() => document.body.dataset.view === 'revealed' && document.querySelector('.scale-cols')",
        None,
        "revealed-scale",
    ):
        await room.measure("revealed-scale", {"scale": 5})

    # the reflection wall: posts of every length, many more than one screen holds, and one
    # as long as a post may be
    await set_state(room.client, code, reflection["id"], "open")
    reply = await room.phones[0].post(reflection["id"], LONG_POST)
    assert reply["type"] == "ack", reply
    per_phone = max(1, round({6: 60, 12: 100}.get(tables, 130) / len(room.phones)))
    await everyone(
        [
            p.post(reflection["id"], f"{POSTS[(i + k) % len(POSTS)]} ({p.table}.{i}.{k})")
            for i, p in enumerate(room.phones)
            for k in range(per_phone)
        ]
    )
    await set_state(room.client, code, reflection["id"], "revealed")
    if await room.wait("() => document.querySelector('.wall-post')", None, "wall"):
        console = await room.console_state()
        posts = next(a for a in console["activities"] if a["id"] == reflection["id"])["posts"]
        await room.measure("wall", min_post_px=24)
        await wall_pages(room, "wall", {str(p["id"]) for p in posts})
        # the facilitator steps the wall from the console: page 2 (from 0) is the third
        pages = int(
            await room.screens["1080"].evaluate("document.querySelector('.wall').dataset.pages")
        )
        if pages > 2:
            assert (await room.ok("/screen", {"wall_page": 2}))["wall_page"] == 2
            await room.wait(
                "() => document.querySelector('.wall').dataset.page === '3'", None, "wall-step"
            )
    if until == "wall":
        return room

    # the closing step and the closed session (new in issue 14)
    await closing_states(room)
    return room


async def closing_states(room: Room) -> None:
    for _ in range(20):
        response = await room.post("/next")
        if response.status_code != 200 or response.json().get("closing"):
            break
    assert (await room.console_state())["closing"] is True
    if await room.wait("() => document.body.dataset.view === 'closing'", None, "closing"):
        await room.measure("closing", {"closing": 3})
    await room.ok("/close")
    assert (await room.console_state())["session"]["closed"] is True
    if await room.wait("() => document.body.dataset.view === 'ended'", None, "ended"):
        await room.measure("ended", {"closing": 3})


async def close_room(room: Room) -> None:
    await asyncio.gather(*(p.close() for p in room.phones))
    for page in room.screens.values():
        await page.context.close()
    await room.client.aclose()


@pytest.mark.parametrize("tables", [6, 12, 30])
async def test_every_screen_state_fits(server: Server, browser: Browser, tables: int) -> None:
    room = await run_states(server, browser, tables)
    try:
        assert not room.problems, summary(room.problems)
    finally:
        await close_room(room)


async def test_time_is_up_the_join_page_and_the_corner(server: Server, browser: Browser) -> None:
    """30 tables: a countdown running and then "Time is up" beside a case, the big join page
    over it when the facilitator asks, and the corner hidden and back."""
    room = await open_room(server, browser, 30)
    try:
        state = await room.console_state()
        dilemma = next(a for a in state["activities"] if a["case"] and a["kind"] == "dilemma")
        await set_state(room.client, room.code, dilemma["id"], "open")
        await room.ok("/timer", {"seconds": 10})
        running = "() => document.getElementById('timer').dataset.state === 'running'"
        if await room.wait(
            f"() => document.querySelector('.case-column') && ({running})()", None, "timer"
        ):
            await room.measure("timer", {"timer": 1, "option": 4, "counter": 30, "qr": 1})

        # "Show the join page": over anything, without moving the room
        await room.ok("/screen", {"join_page": True})
        if await room.wait(
            "() => document.querySelector('.join-view .join-qr')", None, "join-page"
        ):
            await room.measure("join-page", {"seat": 30})
        await room.ok("/screen", {"join_page": False, "join_corner": False})
        if await room.wait(
            "() => document.querySelector('.case-column') && "
            "document.getElementById('corner').hidden",
            None,
            "no-corner",
        ):
            await room.measure("no-corner", {"qr": 0, "option": 4, "counter": 30})
        await room.ok("/screen", {"join_corner": True})
        await room.wait("() => !document.getElementById('corner').hidden", None, "corner")

        # the countdown runs out: "Time is up" stays until the step changes
        up = "() => document.getElementById('timer').dataset.state === 'up'"
        for page in room.screens.values():
            await page.wait_for_function(up, timeout=TIMEOUT)
        await room.measure("time-up", {"timer": 1, "option": 4, "counter": 30, "qr": 1})
        timer = (await room.console_state())["timer"]
        assert not room.problems, summary(room.problems)
        assert timer and timer["up"] is True, timer
    finally:
        await close_room(room)


async def test_quotes_and_the_law_beside_the_results(server: Server, browser: Browser) -> None:
    """12 tables: a revealed dilemma with its case, three chosen "why" texts quoted beside the
    bars, and what the law says in the case's column when the facilitator shows it."""
    room = await open_room(server, browser, 12)
    try:
        state = await room.console_state()
        dilemma = next(a for a in state["activities"] if a["case"] and a["kind"] == "dilemma")
        await set_state(room.client, room.code, dilemma["id"], "open")
        await everyone(
            [
                p.vote(
                    dilemma["id"],
                    SPREAD[(i + 3 * p.table) % len(SPREAD)],
                    why=POSTS[i % len(POSTS)],
                )
                for i, p in enumerate(room.phones)
            ]
        )
        await set_state(room.client, room.code, dilemma["id"], "revealed")
        console = await room.console_state()
        whys = next(a for a in console["activities"] if a["id"] == dilemma["id"])["whys"]
        chosen = [whys[0], whys[2], whys[5]]
        for why in chosen:
            await room.ok(f"/activities/{dilemma['id']}/quotes", {"why": why["id"]})
        case = console["cases"][str(dilemma["case"]["id"])]
        law = case["law"]
        assert law, case
        await room.ok("/screen", {"law": True})
        expect = {"bar": 4, "quote": 3, "qr": 1, "law": len(law)}
        if await room.wait("(n) => document.querySelectorAll('.quote').length === n", 3, "quotes"):
            await room.measure("quotes-law", expect)
            texts = await room.screens["1080"].locator(".quote").all_inner_texts()
            assert all(any(w["text"] in t for t in texts) for w in chosen), texts
        refs = await room.screens["1080"].locator(".law-ref").all_inner_texts()
        assert refs == [item["ref"] for item in law]
        await room.ok("/screen", {"law": False})
        # a dilemma of the facilitator's own, without a case: the quotes beside the bars
        own = await add_activity(
            room.client,
            room.code,
            kind="dilemma",
            prompt="Bør kommunestyret strømme alle møtene sine?",
            options=POLL_OPTIONS[:3],
        )
        await set_state(room.client, room.code, own, "open")
        await everyone(
            [p.vote(own, i % 3, why=POSTS[(i + 2) % len(POSTS)]) for i, p in enumerate(room.phones)]
        )
        await set_state(room.client, room.code, own, "revealed")
        console = await room.console_state()
        whys = next(a for a in console["activities"] if a["id"] == own)["whys"]
        for why in whys[:4]:
            await room.ok(f"/activities/{own}/quotes", {"why": why["id"]})
        if await room.wait(
            "(n) => document.querySelectorAll('.quote').length === n && "
            "!document.querySelector('.case-column')",
            4,
            "quotes-own",
        ):
            await room.measure("quotes-own", {"bar": 3, "quote": 4, "qr": 1})
        await room.ok("/current", {"activity": dilemma["id"]})
        if await room.wait(
            "() => !document.querySelector('.law') && document.querySelector('.case-story')",
            None,
            "quotes",
        ):
            await room.measure("quotes", {"bar": 4, "quote": 3, "qr": 1})
        assert not room.problems, summary(room.problems)
    finally:
        await close_room(room)
