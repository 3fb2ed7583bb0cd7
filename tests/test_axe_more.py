"""axe-core on the states tests/test_axe.py leaves out (issue 18, point 1): WCAG 2.1 A/AA.

With the real server and Chromium, in nb, nn and en: a question the table answers together
(the phone proposing, and confirming someone else's proposal; the screen's answers by table,
the tables view and the comparison with the round before); table talk on the phone (the
notes, the spokesperson and choosing another, calling the facilitator), and the console
showing the table's notes and raised hand; the round of the tables on screen and phones; a
running timer and "time is up" on phone, screen and console; stations (the phone's station
card, the screen's map); the join questions on the phone and the seating on the screen; a
phone at a digital table (joining from home, the meeting button) and the participant's own
view of the screen (and a browser without a seat asked to join); the login page, the
dashboard, the coordinator's page and a session's report; the page to enter a code and a
phone showing a text not in its language. The screen states here are checked twice, as they
are and in high contrast (`?contrast=high`), and the screen states of tests/test_axe.py once
more in high contrast. Every violation of every state is collected and reported together
(tests/axe.py)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.axe import check
from tests.live import PASSWORD, Phone, Server, add_activity, login, new_session, set_state
from tests.test_browser import PHONE
from tests.test_evaluation import TEMPLATE, _evaluate, _to_the_closing
from tests.test_phone_page import TIMEOUT, session_state
from workshop.i18n import gettext_for

LANGUAGES = ["nb", "nn", "en"]
WIDE = {"viewport": {"width": 1920, "height": 1080}}


def locale_of(language: str) -> str:
    return "en-GB" if language == "en" else f"{language}-NO"


async def ok(client: httpx.AsyncClient, path: str, body: dict[str, Any] | None = None) -> Any:
    response = await client.post(path, json=body or {})
    assert response.status_code in (200, 201), response.text
    return response.json()


class Run:
    """The pages of one test in one language, and what axe found on them."""

    def __init__(self, browser: Browser, server: Server, language: str) -> None:
        self.browser, self.server, self.language = browser, server, language
        self.found: dict[str, str] = {}
        self.errors: list[str] = []
        self.contexts: list[BrowserContext] = []
        self.sockets: list[Phone] = []
        self.screens: list[Page] = []

    def _(self, message: str, **params: Any) -> str:
        return gettext_for(self.language, message, **params)

    async def page(self, seat: Phone | None = None, **options: Any) -> Page:
        context = await self.browser.new_context(locale=locale_of(self.language), **options)
        self.contexts.append(context)
        if seat is not None:  # as after joining in this browser: the seat in localStorage
            value = {
                "token": seat.token,
                "participant_id": seat.participant_id,
                "table": seat.table,
            }
            key, kept = json.dumps(f"workshop.seat.{seat.code}"), json.dumps(json.dumps(value))
            await context.add_init_script(f"localStorage.setItem({key}, {kept})")
        made = await context.new_page()
        made.on("pageerror", lambda error: self.errors.append(f"{made.url}: {error}"))
        return made

    async def phone(self, code: str, name: str, table: int, **join: Any) -> Page:
        """A phone page already seated at `table`, its socket open."""
        seat = await Phone.join(self.server, code, name=name, table=table, **join)
        page = await self.page(seat, **PHONE)
        await page.goto(f"{self.server.url}/j/{code}")
        await expect(page.locator("body")).to_have_attribute(
            "data-connection", "open", timeout=TIMEOUT
        )
        await expect(page.locator("html")).to_have_attribute("lang", self.language)
        return page

    async def voter(self, code: str, table: int, **join: Any) -> Phone:
        phone = await Phone.join(self.server, code, table=table, **join)
        await phone.connect()
        self.sockets.append(phone)
        return phone

    async def open_screens(self, created: dict[str, Any]) -> tuple[Page, Page]:
        """The screen as it is, and a second one in high contrast."""
        plain = await self.page(**WIDE)
        await plain.goto(created["screen_url"])
        high = await self.page(**WIDE)
        await high.goto(created["screen_url"] + "&contrast=high")
        await expect(high.locator("body")).to_have_class(re.compile(r"\bcontrast-high\b"))
        for screen in (plain, high):
            await expect(screen.locator("html")).to_have_attribute("lang", self.language)
        self.screens = [plain, high]
        return plain, high

    async def check(self, page: Page, where: str) -> None:
        await check(page, f"{where} ({self.language})", self.found)

    async def check_screens(self, where: str, selector: str) -> None:
        """Both screens once `selector` shows on each."""
        for screen, how in zip(self.screens, ("", ", high contrast"), strict=True):
            await expect(screen.locator(selector).first).to_be_visible(timeout=TIMEOUT)
            await self.check(screen, f"screen: {where}{how}")

    async def close(self) -> None:
        for phone in self.sockets:
            await phone.close()
        for context in self.contexts:
            await context.close()

    def verdict(self) -> None:
        assert not self.found, "\n\n".join(self.found.values())
        assert self.errors == []


@pytest.fixture
async def run(
    server: Server, browser: Browser, request: pytest.FixtureRequest
) -> AsyncIterator[Run]:
    made = Run(browser, server, request.node.callspec.params["language"])
    yield made
    await made.close()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_table_answers_talks_and_presents_with_a_timer(
    run: Run, facilitator: httpx.AsyncClient, language: str
) -> None:
    created = await new_session(facilitator, title="Bordet svarer", tables=3, language=language)
    code = created["code"]
    api = f"/api/sessions/{code}"
    activity = await add_activity(
        facilitator,
        code,
        kind="dilemma",
        prompt="Fredrik har lovet en ny idrettshall. Hva bør kommunestyret gjøre?",
        options=["Vente på budsjettet", "Ta det opp nå", "Spørre administrasjonen først"],
        by="table",
    )
    await set_state(facilitator, code, activity, "open")
    kari = await run.phone(code, "Kari", 1)
    ola = await run.phone(code, "Ola", 1)
    eva = await run.phone(code, "Eva", 2)
    await run.open_screens(created)
    await run.check_screens("a question the tables answer together", ".answered-total")

    # The table answers together: Kari proposes, Ola sees it and confirms.
    await expect(kari.locator(".table-together")).to_be_visible(timeout=TIMEOUT)
    await run.check(kari, "phone: a question the table answers together")
    await kari.locator("button.option").nth(1).click()
    await expect(kari.locator(".table-proposal .proposal-text")).to_be_visible(timeout=TIMEOUT)
    confirm = ola.locator(".confirm-proposal")
    await expect(confirm).to_be_visible(timeout=TIMEOUT)
    await run.check(kari, "phone: the table's answer proposed")
    await run.check(ola, "phone: confirm someone else's proposal")
    await confirm.click()
    await expect(kari.locator(".table-answer-line")).not_to_be_empty(timeout=TIMEOUT)
    await expect(kari.locator(".confirm-proposal")).to_have_count(0)
    await run.check(kari, "phone: the table's answer confirmed")
    for screen in run.screens:
        await expect(screen.locator(".answered-total strong")).to_have_text("1", timeout=TIMEOUT)
    await run.check_screens("one table has answered", ".answered-total")

    # Table talk: the notes, the spokesperson (and choosing another), calling the facilitator.
    await kari.locator("#table-notes").click()
    await kari.keyboard.type("Vi vil vente på budsjettet.")
    await expect(ola.locator("#table-notes")).to_have_value(
        "Vi vil vente på budsjettet.", timeout=TIMEOUT
    )
    await expect(ola.locator("#speaker-line")).to_be_visible()
    await run.check(ola, "phone: the table's notes and spokesperson")
    await ola.locator(".speaker button[aria-expanded]").click()
    await expect(ola.locator(".speaker-choice")).to_have_count(2, timeout=TIMEOUT)
    await run.check(ola, "phone: choosing the spokesperson")
    await kari.locator(".hand-button").click()
    await expect(ola.locator(".hand-line")).to_be_visible(timeout=TIMEOUT)
    await expect(kari.locator(".hand-button")).to_have_attribute("aria-pressed", "true")
    await run.check(ola, "phone: the facilitator called")
    console = await run.page(viewport={"width": 1440, "height": 900})
    await console.context.add_cookies(
        [{"name": k, "value": v, "url": run.server.url} for k, v in facilitator.cookies.items()]
    )
    await console.goto(f"{run.server.url}/console/{code}")
    await expect(console.locator('#talk-notes li[data-table="1"] .talk-note-text')).to_have_text(
        "Vi vil vente på budsjettet.", timeout=TIMEOUT
    )
    await run.check(console, "console: a table's notes and its raised hand")

    # The round of the tables: table 1 speaks, table 2 is next; its speaking time runs.
    await ok(facilitator, f"{api}/round", {"action": "start", "seconds": 120})
    await expect(eva.locator("#table-turn")).to_be_visible(timeout=TIMEOUT)
    await expect(kari.locator("#table-turn")).to_have_attribute("data-kind", "speaking")
    await run.check(eva, "phone: your table is next")
    await run.check(kari, "phone: your table presents now")
    await run.check_screens("the round of the tables", ".round-view .round-table")
    await ok(facilitator, f"{api}/round", {"action": "next", "at": 1})
    for screen in run.screens:
        await expect(screen.locator(".round-table")).to_contain_text("2", timeout=TIMEOUT)
    await run.check_screens("the round, the last table", ".round-view .round-table")
    await ok(facilitator, f"{api}/round", {"action": "stop"})
    for screen in run.screens:
        await expect(screen.locator(".round-view")).to_have_count(0, timeout=TIMEOUT)

    # A running timer, then "time is up", on phone and screen.
    await ok(facilitator, f"{api}/timer", {"seconds": 300})
    timer_line = kari.locator("#timer-line")
    await expect(timer_line).to_be_visible(timeout=TIMEOUT)
    await run.check(kari, "phone: a running timer")
    await run.check_screens("a running timer", "#timer[data-state='running']")
    await expect(console.locator("#timer-left")).to_be_visible(timeout=TIMEOUT)
    await run.check(console, "console: a running timer")
    await ok(facilitator, f"{api}/timer", {"add": -600})
    await expect(timer_line).to_have_attribute("data-state", "up", timeout=TIMEOUT)
    await run.check(kari, "phone: time is up")
    await run.check_screens("time is up", "#timer[data-state='up']")
    await expect(console.locator("#timer-left")).to_have_text(run._("Time is up"))
    await run.check(console, "console: time is up")
    await ok(facilitator, f"{api}/timer", {"seconds": 0})

    # Revealed by table; the tables view; the same question again, compared by table.
    await set_state(facilitator, code, activity, "revealed")
    await run.check_screens("the tables' answers revealed", ".results-view .results-total")
    await ok(facilitator, f"{api}/screen-view", {"view": "tables"})
    await run.check_screens("each table's answer", ".results-view.per-table")
    await ok(facilitator, f"{api}/screen-view", {"view": "options"})
    again = (await ok(facilitator, f"{api}/activities/{activity}/again"))["id"]
    await set_state(facilitator, code, again, "open")
    await expect(ola.locator(".table-together")).to_be_visible(timeout=TIMEOUT)
    await ola.locator("button.option").nth(0).click()
    await kari.locator(".confirm-proposal").click()
    await expect(ola.locator(".table-answer-line")).not_to_be_empty(timeout=TIMEOUT)
    await set_state(facilitator, code, again, "revealed")
    await run.check_screens("before and after, by table", ".compare-view")
    await run.check(kari, "phone: the table's answer revealed")
    run.verdict()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_stations_on_phone_and_screen(
    run: Run, facilitator: httpx.AsyncClient, language: str
) -> None:
    created = await new_session(facilitator, title="Kommunetorget", tables=6, language=language)
    code = created["code"]
    api = f"/api/sessions/{code}"
    names = ["Helse og omsorg", "Teknisk drift", "Skole og barnehage"]
    activity = (
        await ok(
            facilitator,
            f"{api}/stations",
            {
                "title": "Kommunetorg",
                "stations": [
                    {"name": n, "prompt": f"Hva bør {n.lower()} gjøre først?"} for n in names
                ],
                "minutes": 10,
            },
        )
    )["id"]
    await set_state(facilitator, code, activity, "open")
    phone = await run.phone(code, "Kari", 2)
    await run.open_screens(created)
    card = phone.locator("#station")
    await expect(card.locator(".station-go")).to_have_text(names[1], timeout=TIMEOUT)
    await run.check(phone, "phone: the station card, before the start")
    await run.check_screens("the stations, before the start", ".stations-view .station-box")

    await ok(facilitator, f"{api}/stations/{activity}/start")
    await expect(card.locator(".station-left")).not_to_be_empty(timeout=TIMEOUT)
    await run.check(phone, "phone: the station card, round 1")
    await run.check_screens("the stations, round 1", ".stations-countdown")
    box = phone.locator("form.post-box")
    await box.locator("textarea").fill("Veien til skolen før vinteren")
    await box.locator("button[type=submit]").click()
    await expect(phone.locator(".post-text")).to_contain_text(["Veien"], timeout=TIMEOUT)
    await expect(phone.locator("body")).to_have_attribute("data-pending", "0", timeout=TIMEOUT)
    await run.check(phone, "phone: the station card, posted")
    for _ in range(len(names)):
        await ok(facilitator, f"{api}/stations/{activity}/next")
    await expect(phone.locator("body")).to_have_attribute("data-station", "over", timeout=TIMEOUT)
    await run.check(phone, "phone: the station card, the rotation over")
    run.verdict()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_join_questions_on_the_phone_and_the_seating_on_the_screen(
    run: Run, facilitator: httpx.AsyncClient, language: str
) -> None:
    created = await new_session(facilitator, title="Opplæring", tables=4, language=language)
    code = created["code"]
    api = f"/api/sessions/{code}"
    await ok(
        facilitator,
        f"{api}/join-questions",
        {"prompt": "Første periode eller gjenvalgt?", "options": ["Første periode", "Gjenvalgt"]},
    )
    await ok(
        facilitator,
        f"{api}/join-questions",
        {"prompt": "Folkevalgt eller administrasjon?", "options": ["Folkevalgt", "Administrasjon"]},
    )
    phone = await run.page(**PHONE)
    await phone.goto(created["join_url"])
    await phone.get_by_role("button", name=run._("Choose a table for me")).click()
    await expect(phone.locator(".join-question-prompt")).to_be_visible(timeout=TIMEOUT)
    await run.check(phone, "phone: the first join question")
    await phone.locator(".join-question-option").nth(1).click()
    await expect(phone.locator(".join-question-prompt")).to_have_text(
        "Folkevalgt eller administrasjon?"
    )
    await run.check(phone, "phone: the second join question")
    await phone.locator(".join-question-skip").click()
    await expect(phone.locator("body")).to_have_attribute(
        "data-connection", "open", timeout=TIMEOUT
    )
    for n in range(7):
        await run.voter(code, 1, name=f"Deltaker {n}")
    await run.voter(code, 2)  # no name: "Participant 9"
    await run.open_screens(created)
    await ok(facilitator, f"{api}/reseat")
    await run.check_screens("the seating after a reseat", ".seating-view .seating-table")
    note = phone.locator("#seat-note")
    await expect(note).not_to_be_empty(timeout=TIMEOUT)
    await run.check(phone, "phone: the table after a reseat")
    run.verdict()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_digital_table_and_the_participant_s_own_screen(
    run: Run, facilitator: httpx.AsyncClient, language: str
) -> None:
    created = await new_session(
        facilitator, title="Hybrid dag", tables=2, digital_tables=2, language=language
    )
    code = created["code"]
    api = f"/api/sessions/{code}"
    phone = await run.page(**PHONE)
    await phone.goto(f"{created['join_url']}?from=home")
    await expect(phone.locator("#join-home")).to_be_visible(timeout=TIMEOUT)
    await run.check(phone, "phone: the join page, from home")
    await phone.get_by_role("button", name=run._("Choose a table for me")).click()
    await expect(phone.locator("body")).to_have_attribute(
        "data-connection", "open", timeout=TIMEOUT
    )
    await expect(phone.locator("#meeting-missing")).to_be_visible(timeout=TIMEOUT)
    await expect(phone.locator("#show-screen")).to_be_visible()
    await run.check(phone, "phone: a digital table, no meeting link yet")
    await ok(
        facilitator,
        f"{api}/meetings",
        {"pattern": "https://meet.example/x-{table}", "plenary": "https://meet.example/plenum"},
    )
    link = phone.locator("#meeting-link")
    await expect(link).to_have_attribute("href", "https://meet.example/plenum", timeout=TIMEOUT)
    await run.check(phone, "phone: a digital table, the plenary's meeting button")
    await ok(facilitator, f"{api}/timer", {"seconds": 300})
    await expect(link).to_have_attribute("href", "https://meet.example/x-1", timeout=TIMEOUT)
    await run.check(phone, "phone: a digital table, the table's meeting button and timer")
    await ok(facilitator, f"{api}/timer", {"seconds": 0})

    # The participant's own view of the screen, following the facilitator.
    await phone.locator("#show-screen").click()
    await phone.wait_for_url(f"**/j/{code}/screen", timeout=TIMEOUT)
    await expect(phone.locator(".viewer-joining")).to_be_visible(timeout=TIMEOUT)
    await run.check(phone, "participant's screen: joining")
    dilemma = await add_activity(
        facilitator,
        code,
        kind="dilemma",
        prompt="Lokalavisen ringer om saken fra det lukkede møtet. Hva gjør du?",
        options=["Forklarer hvorfor møtet var lukket", "Henviser til ordføreren", "Ringer tilbake"],
    )
    await set_state(facilitator, code, dilemma, "open")
    await expect(phone.locator(".question-view .prompt")).to_be_visible(timeout=TIMEOUT)
    await run.check(phone, "participant's screen: an open question")
    for n in range(6):
        voter = await run.voter(code, 3 + n % 2, remote=True)
        assert (await voter.vote(dilemma, n % 3))["type"] == "ack"
    await set_state(facilitator, code, dilemma, "revealed")
    await expect(phone.locator(".results-view .bar-row")).to_have_count(3, timeout=TIMEOUT)
    await run.check(phone, "participant's screen: revealed")
    await ok(facilitator, f"{api}/screen-view", {"view": "tables"})
    await expect(phone.locator(".table-card").first).to_be_visible(timeout=TIMEOUT)
    await run.check(phone, "participant's screen: each table's answers")

    # A browser with no seat is asked to join first.
    stranger = await run.page(**PHONE)
    await stranger.goto(f"{run.server.url}/j/{code}/screen")
    await expect(stranger.locator(".viewer-message")).to_be_visible(timeout=TIMEOUT)
    await run.check(stranger, "participant's screen: not joined")
    run.verdict()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_login_dashboard_coordinator_and_report(
    run: Run, server: Server, language: str
) -> None:
    client = await login(server, "anna")
    try:
        created = await new_session(client, title="Lillevik kommunestyre", language=language)
        code = created["code"]
        poll = await add_activity(
            client, code, kind="poll", prompt="Er saken godt nok opplyst?", options=["Ja", "Nei"]
        )
        reflection = await add_activity(client, code, kind="reflection", prompt="Hva tar du med?")
        voters = [await run.voter(code, 1 + n % 2) for n in range(6)]
        await set_state(client, code, poll, "open")
        for n, voter in enumerate(voters):
            assert (await voter.vote(poll, n % 2))["type"] == "ack"
        await set_state(client, code, poll, "revealed")
        await set_state(client, code, reflection, "open")
        for n, voter in enumerate(voters):
            assert (await voter.post(reflection, f"Habilitet er tillit, del {n}."))["type"] == "ack"
        await set_state(client, code, reflection, "revealed")
    finally:
        await client.aclose()

    page = await run.page(viewport={"width": 1440, "height": 900})
    await page.goto(f"{server.url}/login")
    await expect(page.locator("html")).to_have_attribute("lang", language)
    await run.check(page, "the login page")
    await page.locator("input[name=username]").fill("anna")
    await page.locator("input[name=password]").fill("not the password")
    await page.locator("form button[type=submit]").first.click()
    await expect(page.get_by_role("alert").first).to_be_visible(timeout=TIMEOUT)
    await run.check(page, "the login page, a wrong password")
    await page.locator("input[name=username]").fill("anna")
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.locator("form button[type=submit]").first.click()
    await page.wait_for_url(re.compile(r"/$"), timeout=TIMEOUT)
    await expect(page.locator(f'a[href$="/console/{code}"]').first).to_be_visible()
    await run.check(page, "the dashboard")
    await page.goto(f"{server.url}/coordinator")
    await expect(page.locator("html")).to_have_attribute("lang", language)
    await run.check(page, "the coordinator's page")
    await page.goto(f"{server.url}/report/{code}")
    await expect(page.locator("html")).to_have_attribute("lang", language)
    await expect(page.locator("body")).to_contain_text("Er saken godt nok opplyst?")
    await run.check(page, "the report")
    run.verdict()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_phone_shows_a_text_not_in_its_language(
    run: Run, facilitator: httpx.AsyncClient, language: str
) -> None:
    written_in = "en" if language == "nb" else "nb"
    created = await new_session(facilitator, title="Lillevik", tables=2, language=written_in)
    code = created["code"]
    poll = await add_activity(
        facilitator,
        code,
        kind="poll",
        prompt="Hvilken dag passer best?" if written_in == "nb" else "Which day suits best?",
        options=["Mandag", "Tirsdag"] if written_in == "nb" else ["Monday", "Tuesday"],
    )
    await set_state(facilitator, code, poll, "open")
    phone = await run.page(**PHONE)
    await phone.goto(f"{run.server.url}/j?lang={language}")
    await expect(phone.locator("html")).to_have_attribute("lang", language)
    await run.check(phone, "phone: the page to enter a code")
    await phone.goto(f"{created['join_url']}?lang={language}")
    await expect(phone.locator("html")).to_have_attribute("lang", language)
    await phone.get_by_role("button", name=run._("Choose a table for me")).click()
    await expect(phone.locator(".language-note")).to_be_visible(timeout=TIMEOUT)
    await expect(phone.locator(".prompt")).to_have_attribute("lang", written_in)
    await run.check(phone, "phone: a poll not in the phone's language")
    run.verdict()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_screen_in_high_contrast_through_the_day(
    run: Run, facilitator: httpx.AsyncClient, language: str
) -> None:
    """The states tests/test_axe.py checks on the screen as it is, in high contrast."""
    created = await new_session(facilitator, title="Kommunestyret", tables=3, language=language)
    code = created["code"]
    api = f"/api/sessions/{code}"
    assert (await facilitator.post(f"{api}/agenda", json={"template": TEMPLATE})).status_code == 201
    first: dict[str, Any] = {}
    for activity in (await session_state(facilitator, code))["activities"]:
        first.setdefault(activity["kind"], activity)
    dilemma, scale, reflection = first["dilemma"], first["scale"], first["reflection"]
    screen = await run.page(**WIDE)
    await screen.goto(created["screen_url"] + "&contrast=high")
    await expect(screen.locator("body")).to_have_class(re.compile(r"\bcontrast-high\b"))
    voters = [await run.voter(code, 1 + n % 3) for n in range(6)]

    async def at(name: str, also: str = "true") -> None:
        await screen.wait_for_function(
            f"() => document.body.dataset.view === {name!r} && ({also})", timeout=TIMEOUT
        )
        await run.check(screen, f"screen: {name}, high contrast")

    await at("join")
    for activity, answer in ((dilemma, lambda n: n % 2), (scale, lambda n: n % 5)):
        await set_state(facilitator, code, activity["id"], "open")
        await ok(facilitator, f"{api}/current", {"activity": activity["id"]})
        await at("open")
        for n, voter in enumerate(voters):
            assert (await voter.vote(activity["id"], answer(n)))["type"] == "ack"
        await set_state(facilitator, code, activity["id"], "revealed")
        shape = ".bars" if activity is dilemma else ".scale-cols"
        await at("revealed", f"document.querySelector('{shape}')")
    await ok(facilitator, f"{api}/screen-view", {"view": "tables"})
    await at("revealed", "document.querySelector('.per-table')")
    await ok(facilitator, f"{api}/screen-view", {"view": "options"})
    await set_state(facilitator, code, reflection["id"], "open")
    await ok(facilitator, f"{api}/current", {"activity": reflection["id"]})
    for voter in voters[:3]:
        assert (await voter.post(reflection["id"], "Habilitet handler om tillit."))["type"] == "ack"
    await set_state(facilitator, code, reflection["id"], "revealed")
    await at("revealed", "document.querySelector('.wall-post')")
    evaluation = (await _to_the_closing(facilitator, code))["activity"]
    await at("closing")
    for n, voter in enumerate(voters):
        answers = {"useful": 1 + n % 5, "engaged": 5 - n % 5}
        assert (await _evaluate(voter, evaluation, answers))["type"] == "ack"
    await set_state(facilitator, code, evaluation, "revealed")
    await at("evaluation")
    await ok(facilitator, f"{api}/screen-view", {"view": "agenda"})
    await at("agenda", "document.querySelector('.agenda-item.is-done')")
    await ok(facilitator, f"{api}/screen-view", {"view": "options"})
    await ok(facilitator, f"{api}/close")
    await at("ended")
    run.verdict()
