"""The console through a workshop day (issue 14), in Chromium at the facilitator's 1440x900:
the "why" texts readable and put on the screen, "Show the join page" that never moves the run
of show, the timer's ±1 min and "Time is up", "Start now" and the plan's times after a
reorder, a segment over its time, the closing and a closed session, and who sits where.

Against the real server. Screenshots land in test-artifacts/console-<state>.png."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, Socket, add_activity, new_session, set_state
from tests.test_browser_agenda import TEMPLATE, TIMEOUT, console_page, nb, watch_errors

LONG_WHY = (
    "Fordi interkommunaleselskapsavtalen og kommuneplanens arealdel må leses sammen før "
    "formannskapet tar stilling, og fordi innbyggerne fortjener en begrunnelse de forstår."
)


async def shot(page: Page, state: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(
        path=str(ARTIFACTS / f"console-{state}.png"), full_page=full_page, animations="disabled"
    )


async def state_of(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def wait_state(
    client: httpx.AsyncClient, code: str, check: Any, timeout: float = TIMEOUT / 1000
) -> dict[str, Any]:
    """The console's state once `check(state)` holds, from the console socket the page also
    listens to: the first state, then each change, until one matches or the timeout."""
    url = str(client.base_url).replace("http", "ws", 1) + f"/ws/{code}/console"
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    sock = await Socket.open(url, {"Cookie": cookie})
    try:
        return await sock.wait_for(
            lambda m: m["type"] == "state" and bool(check(m)), timeout=timeout
        )
    finally:
        await sock.close()


def clock(epoch: float) -> str:
    """Epoch seconds → "HH:MM" in local time, as the page (same machine, same zone) shows it."""
    t = time.localtime(epoch)
    return f"{t.tm_hour:02d}:{t.tm_min:02d}"


def add_minutes(hhmm: str, minutes: int) -> str:
    h, m = map(int, hhmm.split(":"))
    total = (h * 60 + m + minutes) % 1440
    return f"{total // 60:02d}:{total % 60:02d}"


def span(start: str, minutes: int) -> str:
    return f"{start}\N{EN DASH}{add_minutes(start, minutes)}" if minutes else start


async def dilemma_with_whys(
    server: Server, client: httpx.AsyncClient, tables: int = 3
) -> tuple[str, int, list[Phone]]:
    created = await new_session(client, title="Nordvik formannskap", tables=tables)
    code = created["code"]
    activity = await add_activity(
        client,
        code,
        kind="dilemma",
        prompt="Skal ordføreren svare avisa før formannskapet har møttes?",
        options=["Vente", "Svare nå", "Be kommunedirektøren svare"],
        allow_why=True,
    )
    await set_state(client, code, activity, "open")
    whys = [
        LONG_WHY,
        "Åpenhet først.",
        "Det er best å vente til saken er opplyst, så ingen blir tatt på senga i møtet.",
        "Kommunedirektøren kjenner saken best og kan svare uten å ta stilling.",
    ]
    phones = []
    for n, why in enumerate(whys):
        phone = await Phone.join(server, code, name=f"Deltaker med navn {n}")
        await phone.connect()
        assert (await phone.vote(activity, n % 3, why=why))["type"] == "ack"
        phones.append(phone)
    await set_state(client, code, activity, "revealed")
    return code, activity, phones


async def open_whys(console: Page) -> Any:
    card = console.locator(".activity-card").first
    await card.locator(
        "summary", has_text=re.compile(re.escape(nb("Reasons given (%(n)s)", n=4)))
    ).click()
    rows = card.locator(".whys li")
    await expect(rows).to_have_count(4, timeout=TIMEOUT)
    return rows


# --- the whys ------------------------------------------------------------------------------------


async def test_whys_are_readable_at_1440(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    phones: list[Phone] = []
    try:
        code, _, phones = await dilemma_with_whys(server, facilitator)
        _, console = await console_page(browser, server, code)
        watch_errors(console, errors)
        await open_whys(console)
        texts = console.locator(".activity-card .why-text")
        await expect(texts.first).to_be_visible()
        measured = await texts.evaluate_all(
            """els => els.map(e => {
              const s = getComputedStyle(e);
              return { text: e.textContent, width: e.getBoundingClientRect().width,
                       wrap: s.overflowWrap, brk: s.wordBreak,
                       scroll: e.scrollWidth, client: e.clientWidth,
                       lines: Math.round(e.getBoundingClientRect().height
                                         / parseFloat(s.lineHeight || "20")) };
            })"""
        )
        assert len(measured) == 4
        for why in measured:
            assert why["width"] >= 300, why
            assert why["wrap"] in ("normal", "break-word"), why  # never "anywhere"
            assert why["brk"] in ("normal", "keep-all"), why  # never "break-all"
            assert why["scroll"] <= why["client"], why
        # The long one reads on a line or two, not a column of word fragments.
        longest = next(w for w in measured if w["text"] == LONG_WHY)
        assert longest["lines"] <= 3, longest
        await console.locator(".activity-card .whys").scroll_into_view_if_needed()
        await shot(console, "whys")
        assert errors == []
    finally:
        for phone in phones:
            await phone.close()


async def test_a_why_goes_on_the_screen_and_off(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    phones: list[Phone] = []
    try:
        code, activity, phones = await dilemma_with_whys(server, facilitator)
        state = await state_of(facilitator, code)
        whys = next(a for a in state["activities"] if a["id"] == activity)["whys"]
        assert whys and {"id", "quoted"} <= whys[0].keys(), whys
        _, console = await console_page(browser, server, code)
        watch_errors(console, errors)
        rows = await open_whys(console)
        row = rows.filter(has_text="Åpenhet først.")
        toggle = row.get_by_role("button", name=nb("Show on screen"))
        await toggle.click()
        await expect(toggle).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
        await expect(toggle).to_be_enabled()
        state = await state_of(facilitator, code)
        quoted = [
            w
            for w in next(a for a in state["activities"] if a["id"] == activity)["whys"]
            if w["quoted"]
        ]
        assert [w["text"] for w in quoted] == ["Åpenhet først."]
        await shot(console, "whys-quoted")
        await toggle.click()
        await expect(toggle).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT)
        assert errors == []
    finally:
        for phone in phones:
            await phone.close()


# --- the screen's switches -----------------------------------------------------------------------


async def test_show_join_page_does_not_move_the_run_of_show(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    first = await add_activity(
        facilitator, code, kind="poll", prompt="Første", options=["Ja", "Nei"]
    )
    second = await add_activity(
        facilitator, code, kind="poll", prompt="Andre", options=["Ja", "Nei"]
    )
    assert (await facilitator.post(f"/api/sessions/{code}/next", json={})).status_code == 200
    await set_state(facilitator, code, first, "revealed")
    before = await state_of(facilitator, code)
    assert before["current"] == first
    assert "screen" in before

    _, console = await console_page(browser, server, code)
    watch_errors(console, errors)
    join = console.locator("#show-join")
    await expect(join).to_have_text(nb("Show the join screen"))
    await join.click()
    await expect(join).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    await expect(join).to_have_text(nb("Take the join page off the screen"))
    await expect(console.locator("#screen-now")).to_have_text(nb("The join screen"))
    await expect(join).to_be_enabled()
    during = await state_of(facilitator, code)
    assert during["screen"]["join_page"] is True
    assert during["current"] == first  # the run of show stays where it was
    assert during["current_segment"] == before["current_segment"]
    await shot(console, "join-page")

    await join.click()
    await expect(join).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT)
    after = await state_of(facilitator, code)
    assert after["screen"]["join_page"] is False and after["current"] == first

    # The QR code in the corner: on by default, off with its switch.
    corner = console.get_by_label(nb("QR code in the corner"))
    await expect(corner).to_be_checked()
    await corner.uncheck()
    await wait_state(facilitator, code, lambda s: s["screen"]["join_corner"] is False)

    # And a right Next after it: on to the second poll; the revealed one stays revealed.
    await join.click()
    await expect(join).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    await console.get_by_role("button", name=nb("Next"), exact=True).click()
    moved = await wait_state(facilitator, code, lambda s: s["current"] == second)
    assert next(a for a in moved["activities"] if a["id"] == first)["state"] == "revealed"
    assert moved["screen"]["join_page"] is False  # Next takes the join page down
    await expect(join).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT)
    assert errors == []


async def test_the_wall_steps_a_page_from_the_console(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    wall = await add_activity(facilitator, code, kind="reflection", prompt="Hva tar du med deg?")
    assert (await facilitator.post(f"/api/sessions/{code}/next", json={})).status_code == 200
    phone = await Phone.join(server, code)
    try:
        await phone.connect()
        assert (await phone.post(wall, "Å spørre før jeg svarer."))["type"] == "ack"
        await set_state(facilitator, code, wall, "revealed")
        assert "wall_page" in (await state_of(facilitator, code))["screen"]

        _, console = await console_page(browser, server, code)
        watch_errors(console, errors)
        step = console.get_by_role("button", name=nb("Next page of the posts"))
        await expect(step).to_be_visible(timeout=TIMEOUT)
        await step.click()
        await wait_state(facilitator, code, lambda s: s["screen"]["wall_page"] == 1)
        await step.click()
        await wait_state(facilitator, code, lambda s: s["screen"]["wall_page"] == 2)
        assert (await state_of(facilitator, code))["current"] == wall
        assert errors == []
    finally:
        await phone.close()


# --- the timer -----------------------------------------------------------------------------------


async def test_timer_one_minute_more_and_less_and_time_up(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    assert (
        await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": 300})
    ).status_code == 200
    probe = await facilitator.post(f"/api/sessions/{code}/timer", json={"add": 60})
    assert probe.status_code == 200, probe.text
    assert (
        await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": 0})
    ).status_code == 200

    _, console = await console_page(browser, server, code)
    watch_errors(console, errors)
    left = console.locator("#timer-left")
    more = console.get_by_role("button", name=nb("One minute more"))
    less = console.get_by_role("button", name=nb("One minute less"))
    await expect(more).to_be_hidden()
    await console.get_by_role("button", name=nb("%(n)s min", n=5), exact=True).click()
    await expect(left).to_have_text(re.compile(r"^0[45]:[0-5]\d$"), timeout=TIMEOUT)
    await more.click()
    await expect(left).to_have_text(re.compile(r"^0[56]:[0-5]\d$"), timeout=TIMEOUT)
    state = await wait_state(
        facilitator, code, lambda s: s["timer"] and s["timer"]["seconds"] == 360
    )
    ends = state["timer"]["ends_at"]
    await shot(console, "timer-plus")
    await less.click()
    state = await wait_state(
        facilitator, code, lambda s: s["timer"] and s["timer"]["seconds"] == 300
    )
    assert abs(state["timer"]["ends_at"] - (ends - 60)) < 2
    await expect(left).to_have_text(re.compile(r"^0[45]:[0-5]\d$"), timeout=TIMEOUT)

    # A short one runs out: "Time is up" stays, as the state's own `up`, until Stop.
    assert (
        await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": 10})
    ).status_code == 200
    await expect(left).to_have_text(nb("Time is up"), timeout=20_000)
    up = await wait_state(facilitator, code, lambda s: s["timer"] and s["timer"]["up"] is True)
    assert up["timer"]["up"] is True
    await expect(more).to_be_visible()
    await shot(console, "timer-up")
    await console.get_by_role("button", name=nb("Stop"), exact=True).click()
    await expect(left).to_be_hidden(timeout=TIMEOUT)
    assert errors == []


# --- the plan's times ----------------------------------------------------------------------------


async def segment_times(console: Page) -> list[str]:
    return await console.locator("#agenda .segment .segment-time").all_inner_texts()


async def test_start_now_and_times_after_a_reorder(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=4)
    code = created["code"]
    response = await facilitator.post(f"/api/sessions/{code}/agenda", json={"template": TEMPLATE})
    assert response.status_code == 201, response.text
    state = await state_of(facilitator, code)
    assert state["days"] and "offset" in state["segments"][0], state["segments"][0]
    segments = state["segments"]

    _, console = await console_page(browser, server, code)
    watch_errors(console, errors)
    await expect(console.locator("#agenda .segment")).to_have_count(len(segments), timeout=TIMEOUT)
    planned = [span(s["start"], s["minutes"]) for s in segments]
    assert await segment_times(console) == planned
    await expect(console.locator("#plan-status")).to_be_hidden()  # not started: not late

    # The day's planned start moves every time with it.
    start = console.get_by_label(nb("Planned start")).first
    await start.fill("09:00")
    state = await wait_state(facilitator, code, lambda s: s["days"][0]["start"] == "09:00")
    expect_times = [
        span(add_minutes("09:00", s["offset"]), s["minutes"]) for s in state["segments"]
    ]
    await expect(console.locator("#agenda .segment .segment-time")).to_have_text(expect_times)

    # Start now: the times follow the clock from the real start.
    await console.get_by_role("button", name=nb("Start now")).click()
    state = await wait_state(facilitator, code, lambda s: s["days"][0]["started_at"] is not None)
    began = state["days"][0]["started_at"]
    clocked = [span(clock(began + s["offset"] * 60), s["minutes"]) for s in state["segments"]]
    await expect(console.locator("#agenda .segment .segment-time")).to_have_text(clocked)
    await expect(console.locator(".day-status")).to_have_text(
        nb("Started at %(time)s", time=clock(began))
    )
    await shot(console, "started")

    # Move the second segment down: the times are recomputed by the server, in the new order.
    second = state["segments"][1]
    await console.get_by_role(
        "button", name=nb("Move “%(title)s” down", title=second["title"])
    ).click()
    moved = await wait_state(facilitator, code, lambda s: s["segments"][2]["id"] == second["id"])
    times = [span(clock(began + s["offset"] * 60), s["minutes"]) for s in moved["segments"]]
    await expect(console.locator("#agenda .segment .segment-time")).to_have_text(times)
    offsets = [s["offset"] for s in moved["segments"]]
    lengths = [s["minutes"] for s in moved["segments"]]
    assert offsets == [sum(lengths[:i]) for i in range(len(lengths))]
    await expect(console.locator("#agenda .segment").nth(2).locator(".segment-title")).to_have_text(
        second["title"]
    )
    await shot(console, "reordered", full_page=True)
    assert errors == []


async def test_a_segment_over_its_time_warns(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    response = await facilitator.post(
        f"/api/sessions/{code}/segments",
        json={"title": "Habilitet", "start": "10:00", "minutes": 5},
    )
    assert response.status_code == 201, response.text
    segment = response.json()["id"]
    cases = (await facilitator.get("/api/library/cases?language=nb")).json()["cases"]
    response = await facilitator.post(
        f"/api/sessions/{code}/segments/{segment}/cases", json={"case": cases[0]["id"]}
    )
    assert response.status_code == 201, response.text
    seg = (await state_of(facilitator, code))["segments"][0]
    assert seg["over"] is True, seg

    _, console = await console_page(browser, server, code)
    watch_errors(console, errors)
    warning = console.locator("#agenda .segment .segment-over")
    await expect(warning).to_have_text(
        nb(
            "The cases take %(needs)s min; the segment has %(minutes)s",
            needs=seg["needs"],
            minutes=5,
        ),
        timeout=TIMEOUT,
    )
    await shot(console, "over-time")
    assert errors == []


# --- the closing ---------------------------------------------------------------------------------


async def test_closing_close_and_reopen(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Var dagen nyttig?", options=["Ja", "Nei"]
    )
    assert (await facilitator.post(f"/api/sessions/{code}/next", json={})).status_code == 200
    await set_state(facilitator, code, poll, "revealed")
    state = await state_of(facilitator, code)
    assert state["next"]["closing"] is True, state["next"]

    _, console = await console_page(browser, server, code)
    watch_errors(console, errors)
    next_button = console.locator("#next-button")
    await expect(next_button).to_have_text(re.compile(re.escape(nb("Finish: thank-you slide"))))
    await expect(console.locator("#run-next")).to_have_text(
        nb("The closing: a thank-you slide with how many took part")
    )
    await shot(console, "before-closing")
    await next_button.click()
    await wait_state(facilitator, code, lambda s: s.get("closing") is True)

    close = console.get_by_role("button", name=nb("Close the session"))
    await expect(close).to_be_visible(timeout=TIMEOUT)
    await expect(next_button).to_be_hidden()
    await expect(console.locator("#run-now")).to_have_text(nb("The closing: thank-you slide"))
    await shot(console, "closing")
    dialogs: list[str] = []

    async def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        await dialog.accept()

    console.once("dialog", accept)
    await close.click()
    await wait_state(facilitator, code, lambda s: s["session"].get("closed") is True)
    assert dialogs and "?" in dialogs[0]
    reopen = console.get_by_role("button", name=nb("Reopen the session"))
    await expect(reopen).to_be_visible(timeout=TIMEOUT)
    await expect(close).to_be_hidden()
    await expect(console.locator("#closed-banner")).to_be_visible()
    await expect(console.locator("#run-now")).to_have_text(nb("The session is closed"))
    # The results stay readable.
    card = console.locator(".activity-card").first
    await expect(card).to_contain_text("Var dagen nyttig?")
    await expect(card.locator(".bars")).to_be_visible()
    await shot(console, "closed")

    await reopen.click()
    await wait_state(facilitator, code, lambda s: s["session"].get("closed") is False)
    await expect(reopen).to_be_hidden(timeout=TIMEOUT)
    await expect(console.locator("#closed-banner")).to_be_hidden()
    assert errors == []


# --- the room ------------------------------------------------------------------------------------


async def test_names_and_tables_in_the_room_list(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    phones: list[Phone] = []
    try:
        created = await new_session(facilitator, title="Lillevik kommunestyre", tables=3)
        code = created["code"]
        kari = await Phone.join(server, code, name="Kari Nordmann", table=2)
        anonymous = await Phone.join(server, code, table=3)
        phones = [kari, anonymous]
        listing = (await facilitator.get(f"/api/sessions/{code}/participants")).json()[
            "participants"
        ]
        number = next(p["number"] for p in listing if not p["name"])
        tables = {t["number"]: t["name"] for t in (await state_of(facilitator, code))["tables"]}

        _, console = await console_page(browser, server, code)
        watch_errors(console, errors)
        await console.get_by_text(nb("Participants"), exact=True).click()
        rows = console.locator("#room-people-list li")
        await expect(rows).to_have_count(2, timeout=TIMEOUT)
        named = rows.filter(has_text="Kari Nordmann")
        await expect(named.locator(".person-table")).to_have_text(tables[2])
        nameless = rows.filter(has_text=nb("Participant %(n)s", n=number))
        await expect(nameless.locator(".person-table")).to_have_text(tables[3])
        await console.locator("#room-panel").scroll_into_view_if_needed()
        await shot(console, "room")

        # Changing tables: on by the state, off with the switch.
        state = await state_of(facilitator, code)
        assert "table_changes" in state
        switch = console.get_by_label(nb("Participants may change table"))
        await expect(switch).to_be_checked(checked=state["table_changes"])
        await switch.set_checked(not state["table_changes"])
        await wait_state(
            facilitator, code, lambda s: s["table_changes"] is (not state["table_changes"])
        )
        assert errors == []
    finally:
        for phone in phones:
            await phone.close()


# --- the law -------------------------------------------------------------------------------------


async def test_the_law_in_the_case_panel_and_on_the_screen(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    response = await facilitator.post(
        f"/api/sessions/{code}/segments", json={"title": "Åpne møter", "minutes": 40}
    )
    segment = response.json()["id"]
    cases = (await facilitator.get("/api/library/cases?language=nb")).json()["cases"]
    source = next((c for c in cases if c["id"] == "lokalavisen-ringer"), cases[0])
    response = await facilitator.post(
        f"/api/sessions/{code}/segments/{segment}/cases", json={"case": source["id"]}
    )
    assert response.status_code == 201, response.text
    state = await state_of(facilitator, code)
    case = next(iter(state["cases"].values()))
    assert case["law"], case  # the library's case has its "what the law says"

    _, console = await console_page(browser, server, code)
    watch_errors(console, errors)
    block = console.locator(".case-block .case-law")
    await expect(block).to_be_visible(timeout=TIMEOUT)
    await expect(block.locator(".case-law-title")).to_have_text(nb("What the law says"))
    refs = block.locator("strong.law-ref")
    await expect(refs).to_have_text([item["ref"] for item in case["law"]])
    await block.scroll_into_view_if_needed()
    await shot(console, "law")

    await console.get_by_role("button", name=nb("Next"), exact=True).click()
    await console.get_by_role("button", name=nb("Next"), exact=True).click()
    await wait_state(facilitator, code, lambda s: s["current"] is not None)
    law_switch = console.get_by_label(nb("Show what the law says on the screen after reveal"))
    await expect(console.locator("#screen-law-hint")).to_be_hidden()
    await law_switch.check()
    await wait_state(facilitator, code, lambda s: s["screen"]["law"] is True)
    assert errors == []
