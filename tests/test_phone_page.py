"""The phone page in Chromium at 390x844 (issue 14, point 6 and the phone side of 3 and 5):
with a case, the question and every answer are on the first screen; "Saved" says what was
saved, and only after the server's ack; a participant can change table; the closing step and
a closed session; "Time is up".

The session is in bokmål, the default; expected texts come from the catalog through `nb(...)`.
Where the backend has not landed a field of docs/api.md yet (see /work/notes/contract-14.md),
`Relay` sits between the page and the real server (Playwright's WebSocket routing) and adds
the contract's fields to the server's own frames, or answers a frame as the contract says;
the last tests run against the server alone.
Screenshots land in test-artifacts/phone-<state>.png for a human to look at."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, WebSocketRoute, expect

from tests.chromium import ARTIFACTS
from tests.live import Server, add_activity, new_session, results, set_state
from tests.test_browser import PHONE
from workshop.i18n import gettext_for
from workshop.library import load_library

TIMEOUT = 10_000  # ms, for every wait on the pages
VOTES = ("dilemma", "poll", "scale")


def nb(message: str, **params: Any) -> str:
    return gettext_for("nb", message, **params)


async def shot(page: Page, state: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"phone-{state}.png"), animations="disabled")


def watch_errors(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))


async def session_state(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def add_case(client: httpx.AsyncClient, code: str, case: str) -> list[int]:
    """A segment with this library case in it; the ids of the case's activities."""
    response = await client.post(
        f"/api/sessions/{code}/segments", json={"title": case, "minutes": 40}
    )
    assert response.status_code == 201, response.text
    segment = response.json()["id"]
    response = await client.post(
        f"/api/sessions/{code}/segments/{segment}/cases", json={"case": case}
    )
    assert response.status_code == 201, response.text
    return response.json()["activities"]


async def join(
    browser: Browser,
    url: str,
    errors: list[str],
    relay: Relay | None = None,
    language: str = "nb",
) -> Page:
    phone = await (await browser.new_context(**PHONE, locale=f"{language}-NO")).new_page()
    watch_errors(phone, errors)
    if relay:
        await phone.route_web_socket(re.compile(r"/ws/"), relay.handler)
    await phone.goto(url)
    await phone.get_by_role("button", name=gettext_for(language, "Choose a table for me")).click()
    await expect(phone.locator("body")).to_have_attribute(
        "data-connection", "open", timeout=TIMEOUT
    )
    return phone


async def off_first_screen(page: Page, *locators: Locator) -> list[str]:
    """What of every element of every locator lies not wholly inside the first screen (the
    page scrolled, a locator that finds nothing, an element outside): empty when all fit."""
    problems: list[str] = []
    scrolled = await page.evaluate("window.scrollY")
    if scrolled != 0:
        problems.append(f"the page is scrolled to {scrolled}")
    width, height = await page.evaluate("[window.innerWidth, window.innerHeight]")
    for locator in locators:
        count = await locator.count()
        if not count:
            problems.append(f"nothing found for {locator}")
        for n in range(count):
            box = await locator.nth(n).bounding_box()
            if not box:
                problems.append(f"{locator} {n} is not shown")
                continue
            inside = (
                box["y"] >= 0
                and box["y"] + box["height"] <= height
                and box["x"] >= 0
                and box["x"] + box["width"] <= width
            )
            if not inside:
                text = (await locator.nth(n).inner_text())[:60]
                problems.append(f"{text!r} at {box}, outside the first {width}x{height} screen")
    return problems


async def assert_on_first_screen(page: Page, *locators: Locator) -> None:
    """Every element of every locator lies wholly inside the first screen: no scrolling."""
    problems = await off_first_screen(page, *locators)
    assert not problems, "\n".join(problems)


def excerpt(text: str, most: int = 60) -> str:
    """As static/phone-activity.js quotes an answer: cut at a word, with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= most:
        return flat
    cut = flat[:most]
    space = cut.rfind(" ")
    return (cut[:space] if space > most / 2 else cut).rstrip(" .,;:!?\N{EN DASH}-") + "…"


class Relay:
    """Between the phone page and the real server: adds `extra` fields (the contract's, for
    a backend that does not send them yet) to the server's `welcome` and `activity` frames,
    and, when told to, answers the page's frames itself as docs/api.md says the server will."""

    def __init__(self) -> None:
        self.extra: dict[str, Any] = {}
        self.page: WebSocketRoute | None = None
        self.server: WebSocketRoute | None = None
        self.last: dict[str, Any] | None = None  # the server's latest welcome or activity
        self.hold_acks = False  # keep the server's acks back (a slow network)
        self.held: list[str] = []
        self.refuse = ""  # answer votes and posts with this error instead of passing them on
        self.tables: dict[int, str] = {}  # answer `seat` frames: ack, then the `seat` reply
        self.refuse_seat = ""  # answer `seat` frames with this error
        self.drop_seats = False  # `seat` frames get lost (the network went just then)
        self.from_phone: list[dict[str, Any]] = []

    def handler(self, ws: WebSocketRoute) -> None:
        self.page = ws
        self.server = ws.connect_to_server()
        ws.on_message(self._from_page)
        self.server.on_message(self._from_server)

    def _from_server(self, text: str | bytes) -> None:
        message = json.loads(text)
        if message.get("type") in ("welcome", "activity"):
            self.last = message
            text = json.dumps({**message, **self.extra})
        elif message.get("type") == "ack" and self.hold_acks:
            self.held.append(str(text))
            return
        assert self.page
        self.page.send(text)

    def _from_page(self, text: str | bytes) -> None:
        message = json.loads(text)
        assert self.page and self.server
        if message.get("type") not in ("ping", "pong"):
            self.from_phone.append(message)
        if message.get("type") == "seat" and self.drop_seats:
            return
        if message.get("type") == "seat" and self.refuse_seat:
            error = {"type": "error", "id": message["id"], "message": self.refuse_seat}
            self.page.send(json.dumps(error))
        elif message.get("type") == "seat" and self.tables:
            number = message["table"]
            self.page.send(json.dumps({"type": "ack", "id": message["id"]}))
            table = {"number": number, "name": self.tables[number]}
            self.page.send(json.dumps({"type": "seat", "table": table}))
        elif message.get("type") in ("vote", "post") and self.refuse:
            self.page.send(
                json.dumps({"type": "error", "id": message["id"], "message": self.refuse})
            )
        else:
            self.server.send(text)

    def release(self) -> None:
        assert self.page
        for text in self.held:
            self.page.send(text)
        self.held.clear()

    def update(self, **fields: Any) -> None:
        """Send the page the latest state again, as an `activity`, with these fields."""
        assert self.page and self.last
        self.extra.update(fields)
        message = {k: v for k, v in self.last.items() if k not in ("session", "participant")}
        self.page.send(json.dumps({**message, "type": "activity", **self.extra}))


# ---------- the question and its answers on the first screen ----------


@pytest.mark.parametrize("language", ["nb", "nn"])
async def test_every_case_question_and_its_answers_are_on_the_first_screen(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser, language: str
) -> None:
    """Every vote of every library case, opened in turn, with the table talk's countdown
    running: the question and each answer button are inside the first screen at 390x844,
    with the page at the top. The story is one big button away."""
    errors: list[str] = []
    created = await new_session(
        facilitator, title="Lillevik kommunestyre", tables=6, language=language
    )
    code = created["code"]
    library = load_library()
    for case in sorted(library.cases):
        await add_case(facilitator, code, case)
    state = await session_state(facilitator, code)
    votes = [a for a in state["activities"] if a["case"] and a["kind"] in VOTES]
    assert len(votes) >= len(library.cases)
    phone = await join(browser, created["join_url"], errors, language=language)
    checked = 0
    misfits: list[str] = []  # every vote that does not fit, reported together at the end
    for activity in votes:
        await set_state(facilitator, code, activity["id"], "open")
        # The table talk has its countdown above the card: it must fit too.
        response = await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": 600})
        assert response.status_code == 200, response.text
        await expect(phone.locator("#timer-line")).to_be_visible(timeout=TIMEOUT)
        card = phone.locator("section.activity")
        await expect(card.locator(".prompt")).to_have_text(activity["prompt"], timeout=TIMEOUT)
        await expect(card.locator("button.option")).to_have_count(len(activity["options"]))
        if checked == 0:
            await shot(phone, f"case-first-screen-{language}")
        question = [card.locator(".prompt"), card.locator("button.option")]
        if activity.get("title"):
            question.append(card.locator(".activity-title"))
        # The story is one big button away, folded.
        toggle = card.get_by_role("button", name=gettext_for(language, "Read the whole case"))
        await expect(toggle).to_have_attribute("aria-expanded", "false")
        problems = await off_first_screen(phone, *question, toggle)
        if problems:
            case = state["cases"][str(activity["case"]["id"])]
            where = f"{case['title']!r}, {activity['kind']} {activity['prompt'][:50]!r}"
            misfits.append(f"{where}:\n  " + "\n  ".join(problems))
            await shot(phone, f"case-too-tall-{language}-{len(misfits)}")
        checked += 1
        await set_state(facilitator, code, activity["id"], "closed")
    # The longest answers of the library: the last look a human gets.
    longest = max(votes, key=lambda a: sum(len(o) for o in a["options"]) + len(a["prompt"]))
    await set_state(facilitator, code, longest["id"], "open")
    await expect(phone.locator(".prompt")).to_have_text(longest["prompt"], timeout=TIMEOUT)
    response = await facilitator.post(f"/api/sessions/{code}/timer", json={"seconds": 600})
    assert response.status_code == 200, response.text
    await expect(phone.locator("#timer-line")).to_be_visible(timeout=TIMEOUT)
    await shot(phone, f"case-longest-answers-{language}")
    assert checked == len(votes)
    assert not misfits, f"{len(misfits)} of {len(votes)} votes do not fit:\n" + "\n".join(misfits)
    assert errors == []


async def test_the_case_folds_and_remembers_and_leads_to_the_question(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=4)
    code = created["code"]
    ids = await add_case(facilitator, code, "habilitet-svogerens-tomt")
    state = await session_state(facilitator, code)
    case = state["cases"][
        str(next(a for a in state["activities"] if a["id"] == ids[0])["case"]["id"])
    ]
    await set_state(facilitator, code, ids[0], "open")
    phone = await join(browser, created["join_url"], errors)
    story = phone.locator(".case-story")
    toggle = phone.get_by_role("button", name=nb("Read the whole case"))
    await expect(toggle).to_be_visible(timeout=TIMEOUT)
    await expect(story).to_be_hidden()

    await toggle.tap()
    await expect(story).to_be_visible()
    await expect(story).to_contain_text(case["narrative"].split(".")[0])
    await expect(phone.locator(".case-questions li")).to_have_count(len(case["questions"]))
    hide = phone.get_by_role("button", name=nb("Hide the case"))
    await expect(hide).to_have_attribute("aria-expanded", "true")
    await shot(phone, "case-open")

    # A reload (a phone that slept) keeps the story open; so does a reconnect.
    await phone.reload()
    await expect(phone.locator("body")).to_have_attribute(
        "data-connection", "open", timeout=TIMEOUT
    )
    await expect(story).to_be_visible(timeout=TIMEOUT)
    await expect(hide).to_have_attribute("aria-expanded", "true")

    # At the end of the story: "To the question" folds it and brings the answers up.
    onward = phone.get_by_role("button", name=nb("To the question"))
    await onward.scroll_into_view_if_needed()
    await shot(phone, "case-end-of-story")
    await onward.tap()
    await expect(story).to_be_hidden()
    await expect(phone.locator(".question")).to_be_focused()
    await expect(phone.locator(".question")).to_be_in_viewport(ratio=1, timeout=TIMEOUT)
    options = phone.locator("button.option")
    for n in range(await options.count()):
        await expect(options.nth(n)).to_be_in_viewport(ratio=1)
    # Here the question and its answers fit under the case's title: the page goes to its top.
    await phone.wait_for_function("() => window.scrollY === 0", timeout=TIMEOUT)
    await shot(phone, "case-to-the-question")
    await phone.reload()
    await expect(toggle).to_have_attribute("aria-expanded", "false", timeout=TIMEOUT)

    # The next activity of the same case starts folded again: its question comes first.
    await set_state(facilitator, code, ids[1], "open")
    await expect(phone.locator("button.option")).to_have_count(
        len(next(a for a in state["activities"] if a["id"] == ids[1])["options"]), timeout=TIMEOUT
    )
    await expect(story).to_be_hidden()
    assert errors == []


# ---------- "Saved" says what, and only after the ack ----------


async def test_saved_names_the_answer_only_after_the_ack(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    ids = await add_case(facilitator, code, "habilitet-svogerens-tomt")
    state = await session_state(facilitator, code)
    dilemma = next(a for a in state["activities"] if a["id"] == ids[0])
    await set_state(facilitator, code, dilemma["id"], "open")
    relay = Relay()
    phone = await join(browser, created["join_url"], errors, relay)
    feedback = phone.locator(".feedback")

    relay.hold_acks = True  # the server has it, but the phone has not heard so yet
    await phone.locator("button.option").nth(1).tap()
    await expect(feedback).to_have_text(nb("Waiting to send…"), timeout=TIMEOUT)
    await expect(phone.locator("body")).to_have_attribute("data-pending", "1")
    await shot(phone, "vote-waiting")
    relay.hold_acks = False
    relay.release()
    saved = nb(
        "✓ Saved: your answer %(mark)s “%(label)s”",
        mark="B",
        label=excerpt(dilemma["options"][1]),
    )
    await expect(feedback).to_have_text(saved, timeout=TIMEOUT)
    await expect(phone.locator("body")).to_have_attribute("data-pending", "0")
    await assert_on_first_screen(phone, feedback)
    await shot(phone, "vote-saved")
    assert (await results(facilitator, code))[dilemma["id"]]["counts"][1] == 1

    # After a reload it still says what the server has.
    await phone.reload()
    await expect(feedback).to_have_text(saved, timeout=TIMEOUT)

    # A post says it too.
    post = await add_activity(
        facilitator, code, kind="reflection", prompt="Hva tar du med deg fra i dag?"
    )
    await set_state(facilitator, code, post, "open")
    await expect(phone.locator(".prompt")).to_have_text(
        "Hva tar du med deg fra i dag?", timeout=TIMEOUT
    )
    await phone.locator(".post-box textarea").fill(
        "At habilitet handler om tillit, ikke om ærlighet."
    )
    await phone.get_by_role("button", name=nb("Post"), exact=True).tap()
    await expect(feedback).to_have_text(
        nb(
            "✓ Saved: what you wrote, “%(text)s”",
            text="At habilitet handler om tillit, ikke om ærlighet.",
        ),
        timeout=TIMEOUT,
    )
    await shot(phone, "post-saved")
    assert errors == []


# ---------- the contract's new fields, layered on the real server's frames ----------


async def test_closing_closed_time_up_and_a_table_change_as_the_contract_says(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    """The phone's side of docs/api.md's `closing`, `closed`, `timer.up`, `table_changes` and
    the `seat` exchange, with the server's own frames underneath (see `Relay`)."""
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=3)
    code = created["code"]
    tables = {
        t["number"]: t["name"]
        for t in (await facilitator.get(f"/api/sessions/{code}/tables")).json()["tables"]
    }
    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Er dagsordenen klar?", options=["Ja", "Nei"]
    )
    await set_state(facilitator, code, poll, "open")
    relay = Relay()
    relay.extra = {"table_changes": False, "closing": False, "closed": False}
    phone = await join(browser, created["join_url"], errors, relay)
    await expect(phone.locator("button.option")).to_have_count(2, timeout=TIMEOUT)
    change = phone.get_by_role("button", name=nb("Change table"))
    await expect(change).to_be_hidden()  # the facilitator has turned table changes off

    # Table changes allowed: pick another table; the seat line follows the `seat` reply.
    relay.tables = tables
    relay.update(table_changes=True)
    await expect(change).to_be_visible(timeout=TIMEOUT)
    seat_line = phone.locator("#seat-line")
    here = await seat_line.inner_text()
    await change.tap()
    panel = phone.locator("#seat-panel")
    await expect(panel).to_be_visible()
    await expect(panel.locator(".table-choice")).to_have_count(len(tables))
    await shot(phone, "change-table")
    other = next(n for n, name in tables.items() if name not in here)
    relay.drop_seats = True  # lost on the way: it waits in the outbox, through a reload too
    await panel.get_by_role("button", name=re.compile(f"^{re.escape(tables[other])}")).tap()
    await expect(phone.locator("#seat-note")).to_have_text(
        nb("Moving you to %(table)s…", table=tables[other])
    )
    await expect(phone.locator("body")).to_have_attribute("data-pending", "1")
    await expect(change).to_be_hidden()
    await shot(phone, "table-moving")
    relay.drop_seats = False
    await phone.reload()
    await expect(seat_line).to_have_text(
        nb("You are at %(table)s", table=tables[other]), timeout=TIMEOUT
    )
    await expect(phone.locator("#seat-note")).to_have_text(
        nb("✓ You are now at %(table)s", table=tables[other])
    )
    await expect(panel).to_be_hidden()
    seat = next(m for m in relay.from_phone if m["type"] == "seat")
    assert seat["table"] == other and re.fullmatch(r"[0-9a-f-]{36}", seat["id"])
    await expect(phone.locator("body")).to_have_attribute("data-pending", "0")
    await shot(phone, "table-changed")

    # Refused (turned off meanwhile, or full): said plainly, and nothing left waiting.
    refusal = relay.refuse_seat = "Kurslederen har slått av bytte av bord."
    await change.tap()
    back = next(n for n in tables if n != other)
    await panel.get_by_role("button", name=re.compile(f"^{re.escape(tables[back])}")).tap()
    await expect(phone.locator("#seat-note")).to_have_text(
        f"{nb('Your table was not changed.')} {refusal}", timeout=TIMEOUT
    )
    await expect(seat_line).to_have_text(nb("You are at %(table)s", table=tables[other]))
    await expect(phone.locator("body")).to_have_attribute("data-pending", "0")

    # Time is up: said as long as the state says so, however long ago the timer ended.
    ended = time.time() - 120
    relay.update(timer={"ends_at": ended, "seconds": 300, "up": True})
    timer = phone.locator("#timer-line")
    await expect(timer).to_have_text(nb("Time is up"), timeout=TIMEOUT)
    await expect(timer).to_have_attribute("data-state", "up")
    await shot(phone, "time-up")
    relay.update(timer=None)
    await expect(timer).to_be_hidden(timeout=TIMEOUT)

    # The closing step: a calm thank-you.
    relay.update(activity=None, segment=None, closing=True)
    await expect(phone.locator(".closing-view .page-title")).to_have_text(
        nb("Thank you for taking part today"), timeout=TIMEOUT
    )
    await expect(change).to_be_hidden()  # no moving about at the thank-you
    await expect(phone.locator("#seat-note")).to_be_hidden()
    await shot(phone, "closing")

    # Closed: a goodbye, no answer controls even if an activity still shows, no table change;
    # an answer sent after the end is refused, dropped from the outbox, and said plainly.
    assert relay.last and relay.last["activity"]  # the server's: the poll is still open
    relay.update(activity=relay.last["activity"], closed=True)
    goodbye = phone.locator(".closed-view .page-title")
    await expect(goodbye).to_have_text(nb("The session has ended. Thank you."), timeout=TIMEOUT)
    await expect(phone.locator("button.option")).to_have_count(0)
    await expect(phone.locator("textarea")).to_have_count(0)
    await expect(change).to_be_hidden()
    await shot(phone, "closed")
    assert errors == []


async def test_an_answer_refused_after_the_end_does_not_wait_forever(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    """Offline while the session closes: the phone votes, the network comes back, the server
    refuses it for good. It leaves the outbox, and the phone says which answer did not count."""
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Er dagsordenen klar?", options=["Ja", "Nei"]
    )
    await set_state(facilitator, code, poll, "open")
    relay = Relay()
    phone = await join(browser, created["join_url"], errors, relay)
    body = phone.locator("body")
    await expect(phone.locator("button.option")).to_have_count(2, timeout=TIMEOUT)
    relay.refuse = "Denne samlingen er avsluttet."
    await phone.locator("button.option").nth(0).tap()
    alert = phone.locator("section.activity .alert")
    await expect(alert).to_have_text(
        f"{nb('Your answer %(mark)s “%(label)s” was not saved.', mark='A', label='Ja')}"
        f" {relay.refuse}",
        timeout=TIMEOUT,
    )
    await expect(body).to_have_attribute("data-pending", "0")
    await expect(phone.locator(".feedback")).to_have_text("")
    stored = await phone.evaluate(f"localStorage.getItem('workshop.outbox.{code}')")
    assert json.loads(stored) == []
    # The goodbye keeps the message in sight.
    relay.update(closed=True)
    await expect(phone.locator(".closed-view .alert")).to_contain_text(
        relay.refuse, timeout=TIMEOUT
    )
    await shot(phone, "closed-refused")
    assert sum((await results(facilitator, code))[poll]["counts"]) == 0
    assert errors == []


# ---------- against the server alone ----------


async def test_a_participant_changes_table_on_the_server(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=3)
    code = created["code"]
    tables = (await facilitator.get(f"/api/sessions/{code}/tables")).json()["tables"]
    phone = await join(browser, created["join_url"], errors)
    change = phone.get_by_role("button", name=nb("Change table"))
    response = await facilitator.post(
        f"/api/sessions/{code}/table-changes", json={"allowed": False}
    )
    assert response.status_code == 200, response.text
    await expect(change).to_be_hidden(timeout=TIMEOUT)
    response = await facilitator.post(f"/api/sessions/{code}/table-changes", json={"allowed": True})
    assert response.status_code == 200, response.text
    await expect(change).to_be_visible(timeout=TIMEOUT)
    here = await phone.locator("#seat-line").inner_text()
    target = next(t for t in tables if t["name"] not in here)
    await change.tap()
    await (
        phone.locator("#seat-panel")
        .get_by_role("button", name=re.compile(f"^{re.escape(target['name'])}"))
        .tap()
    )
    await expect(phone.locator("#seat-line")).to_have_text(
        nb("You are at %(table)s", table=target["name"]), timeout=TIMEOUT
    )
    people = (await facilitator.get(f"/api/sessions/{code}/participants")).json()
    items = people.get("participants", people.get("items", []))
    assert [p["table"] for p in items] == [target["number"]]
    # Turned off: the control goes.
    response = await facilitator.post(
        f"/api/sessions/{code}/table-changes", json={"allowed": False}
    )
    assert response.status_code == 200, response.text
    await expect(change).to_be_hidden(timeout=TIMEOUT)
    await phone.reload()
    await expect(phone.locator("#seat-line")).to_have_text(
        nb("You are at %(table)s", table=target["name"]), timeout=TIMEOUT
    )
    assert errors == []


async def test_closing_and_closed_on_the_server(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    errors: list[str] = []
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    code = created["code"]
    response = await facilitator.post(
        f"/api/sessions/{code}/segments", json={"title": "Avstemning", "minutes": 10}
    )
    assert response.status_code == 201, response.text
    segment = response.json()["id"]
    await add_activity(
        facilitator,
        code,
        kind="poll",
        prompt="Er dagsordenen klar?",
        options=["Ja", "Nei"],
        segment=segment,
    )
    phone = await join(browser, created["join_url"], errors)
    for _ in range(2):
        response = await facilitator.post(f"/api/sessions/{code}/next")
        assert response.status_code == 200, response.text
    await expect(phone.locator("button.option")).to_have_count(2, timeout=TIMEOUT)
    response = await facilitator.post(f"/api/sessions/{code}/next")
    assert response.status_code == 200, response.text
    await expect(phone.locator(".closing-view .page-title")).to_have_text(
        nb("Thank you for taking part today"), timeout=TIMEOUT
    )
    response = await facilitator.post(f"/api/sessions/{code}/close")
    assert response.status_code == 200, response.text
    await expect(phone.locator(".closed-view .page-title")).to_have_text(
        nb("The session has ended. Thank you."), timeout=TIMEOUT
    )
    await expect(phone.locator("button.option")).to_have_count(0)
    await phone.reload()
    await expect(phone.locator(".closed-view")).to_be_visible(timeout=TIMEOUT)
    await shot(phone, "closed-server")
    assert errors == []
