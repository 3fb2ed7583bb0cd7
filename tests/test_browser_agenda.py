"""The day's plan in Chromium: a facilitator applies an agenda template, runs the day from the
console with the big Next button, starts a countdown and shows the plan on the screen; a phone
follows along, reads a case and opens a glossary word without voting. A second test builds a
plan by hand in the console. Screenshots land in test-artifacts/ for a human to look at.

The session is in bokmål, the default; expected texts come from the catalog through
`nb(...)`, so the test reads in English."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import PASSWORD, Server, login, new_session, results
from tests.test_browser import PHONE, decode_qr
from workshop.i18n import gettext_for

TEMPLATE = "for-kommunestyremotet-2-timer"
TIMEOUT = 10_000  # ms, for every wait on the pages
SCREEN = {"viewport": {"width": 1920, "height": 1080}, "locale": "nb-NO"}
CONSOLE = {"viewport": {"width": 1440, "height": 900}, "locale": "nb-NO"}


def nb(message: str, **params: Any) -> str:
    return gettext_for("nb", message, **params)


def clock(epoch: float) -> str:
    """Epoch seconds as "HH:MM" in local time, as the pages on this machine write it."""
    t = time.localtime(epoch)
    return f"{t.tm_hour:02d}:{t.tm_min:02d}"


def span(start: str, end: str) -> str:
    """A planned time as the pages write it: span("16:00", "16:10"), with an en dash."""
    return f"{start}\N{EN DASH}{end}"


async def shot(page: Page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(
        path=str(ARTIFACTS / f"{name}.png"), full_page=full_page, animations="disabled"
    )


def watch_errors(page: Page, errors: list[str]) -> None:
    """Script errors on a page fail the test at the end, with the page they came from."""
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))


async def console_page(browser: Browser, server: Server, code: str) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(**CONSOLE)
    page = await context.new_page()
    await page.goto(f"{server.url}/login")
    await page.locator("#username").fill("anna")
    await page.locator("#password").fill(PASSWORD)
    await page.get_by_role("button", name=nb("Log in")).click()
    await page.wait_for_url(re.compile(r"/$"))
    await page.goto(f"{server.url}/console/{code}")
    await expect(page.locator("#live")).to_have_attribute("data-status", "open", timeout=TIMEOUT)
    return context, page


async def plan(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_day_run_from_the_plan(server: Server, browser: Browser) -> None:
    errors: list[str] = []
    facilitator = await login(server, "anna")
    try:
        created = await new_session(facilitator, title="Lillevik kommunestyre", tables=4)
        code = created["code"]
        response = await facilitator.post(
            f"/api/sessions/{code}/agenda", json={"template": TEMPLATE}
        )
        assert response.status_code == 201, response.text
        state = await plan(facilitator, code)
        segments = state["segments"]
        assert len(segments) == 5
        first_case = next(a for a in state["activities"] if a["case"])
        case = state["cases"][str(first_case["case"]["id"])]

        _, console = await console_page(browser, server, code)
        watch_errors(console, errors)
        agenda = console.locator("#agenda .segment")
        await expect(agenda).to_have_count(5, timeout=TIMEOUT)
        await expect(agenda.nth(1).locator(".case-title")).to_have_text(case["title"])
        await expect(agenda.nth(0).locator(".segment-time")).to_have_text(span("16:00", "16:10"))
        await expect(console.locator("#run-next")).to_have_text(segments[0]["title"])

        screen = await (await browser.new_context(**SCREEN)).new_page()
        watch_errors(screen, errors)
        await screen.goto(created["screen_url"])
        await expect(screen.locator(".join-view")).to_be_visible(timeout=TIMEOUT)

        phone = await (await browser.new_context(**PHONE, locale="nb-NO")).new_page()
        watch_errors(phone, errors)
        await phone.goto(created["join_url"])
        await phone.get_by_role("button", name=nb("Choose a table for me")).click()
        body = phone.locator("body")
        await expect(body).to_have_attribute("data-connection", "open", timeout=TIMEOUT)

        # Next: the first segment, a talk with no activity, on the screen and the phones.
        next_button = console.get_by_role("button", name=nb("Next"), exact=True)
        await next_button.click()
        first = segments[0]["title"]
        await expect(screen.locator(".segment-big")).to_have_text(first, timeout=TIMEOUT)
        # The first Next started the day: times follow the clock from then, not "16:00".
        day = (await facilitator.get(f"/api/sessions/{code}")).json()["days"][0]
        started = day["started_at"]
        first_time = span(clock(started), clock(started + 600))
        await expect(screen.locator(".segment-when")).to_have_text(first_time)
        await expect(phone.locator(".segment-now .page-title")).to_have_text(
            nb("Now: %(title)s", title=first), timeout=TIMEOUT
        )
        await expect(console.locator("#run-now")).to_have_text(first)
        # People still arriving can join: the QR code stays beside the segment's title.
        qr = screen.locator(".segment-join img")
        await screen.wait_for_function(
            "() => { const i = document.querySelector('.segment-join img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        assert decode_qr(await qr.screenshot()) == created["join_url"]
        await shot(screen, "agenda-screen-segment")
        await shot(phone, "agenda-phone-segment")

        # Next again: the case's segment opens with its title, and then its first activity.
        await next_button.click()
        await expect(screen.locator(".segment-big")).to_have_text(segments[1]["title"])
        await expect(console.locator("#run-next")).to_have_text(
            f"{segments[1]['title']} · {first_case['title']}"
        )
        await next_button.click()
        await expect(phone.locator(".case-title")).to_have_text(case["title"], timeout=TIMEOUT)
        # The story folds so the question and answers are on the first screen; open it.
        await phone.get_by_role("button", name=nb("Read the whole case")).tap()
        story = phone.locator(".case-story")
        await expect(story).to_contain_text(case["narrative"].split(".")[0])
        await expect(phone.locator(".case-questions li")).to_have_count(len(case["questions"]))
        await expect(phone.locator("button.option")).to_have_count(len(first_case["options"]))
        await expect(screen.locator(".case-column .case-name")).to_have_text(case["title"])

        # A glossary word in the story: its explanation, and no vote.
        term = story.locator("button.term").first
        term_id = await term.get_attribute("data-term")
        explanation = state["terms"][term_id]["explanation"]
        await term.tap()
        sheet = phone.locator(".term-sheet")
        await expect(sheet).to_be_visible()
        await expect(sheet.locator(".term-explanation")).to_have_text(explanation)
        await sheet.get_by_role("button", name=nb("Close the explanation")).tap()
        await expect(sheet).to_have_count(0)
        await expect(term).to_be_focused()

        # A word from the answers sits above them, apart: a tap explains and never votes.
        chip = phone.locator(".answer-terms button.term").first
        await chip.scroll_into_view_if_needed()
        await chip.tap()
        await expect(sheet).to_be_visible()
        await expect(sheet.locator(".term-explanation")).not_to_be_empty()
        await shot(phone, "agenda-phone-case-glossary")
        await phone.keyboard.press("Escape")
        await expect(sheet).to_have_count(0)
        assert await phone.locator("button.option[aria-pressed=true]").count() == 0
        await expect(body).to_have_attribute("data-pending", "0")
        assert sum((await results(facilitator, code))[first_case["id"]]["counts"]) == 0
        await phone.locator(".case-title").scroll_into_view_if_needed()
        await shot(phone, "agenda-phone-case")

        # A five-minute countdown for the table talk, on the screen and on the phone.
        await console.get_by_role("button", name=nb("%(n)s min", n=5), exact=True).click()
        await expect(screen.locator(".screen-timer .timer-digits")).to_have_text(
            re.compile(r"^0[45]:[0-5]\d$"), timeout=TIMEOUT
        )
        await expect(phone.locator("#timer-line")).to_have_text(
            re.compile(
                re.escape(nb("Time left: %(time)s", time="{t}")).replace(r"\{t\}", r"0[45]:[0-5]\d")
            )
        )
        await expect(console.locator("#timer-left")).to_have_text(re.compile(r"^0[45]:[0-5]\d$"))
        await shot(screen, "agenda-screen-timer-case")
        await phone.evaluate("window.scrollTo(0, 0)")
        await shot(phone, "agenda-phone-timer")

        # The phone votes; the run bar's reveal shows the bars beside the case.
        await phone.locator("button.option").nth(1).tap()
        saved = nb("✓ Saved: your answer %(mark)s “%(label)s”", mark="B", label="\0")
        await expect(phone.locator(".feedback")).to_contain_text(
            saved.split("\0")[0], timeout=TIMEOUT
        )
        await console.locator("#reveal-button").click()
        bars = screen.locator(".case-layout .bars .bar-row")
        await expect(bars).to_have_count(len(first_case["options"]), timeout=TIMEOUT)
        await expect(bars.nth(1).locator(".bar-count")).to_have_text("1")
        await expect(phone.locator(".state-banner")).to_be_visible(timeout=TIMEOUT)
        await shot(screen, "agenda-screen-results-case")

        # Lateness is measured in the browser, from the segment's plan and the server's clock.
        behind = await console.evaluate(
            """async () => {
              const { behindPlan } = await import("/static/schedule.js");
              const at = (h, m, s = 0) => new Date(2026, 10, 25, h, m, s).getTime() / 1000;
              const seg = (start, minutes, started_at) => ({ start, minutes, started_at });
              return [
                behindPlan(seg("10:30", 60, at(10, 30)), at(10, 45)),  // started on time
                behindPlan(seg("10:30", 60, at(10, 42)), at(10, 50)),  // started 12 min late
                behindPlan(seg("10:30", 60, at(10, 31)), at(11, 35)),  // ran 5 min over the end
                behindPlan(seg("10:30", 60, at(10, 33, 30)), at(10, 40)), // 3.5 min late start
                behindPlan(seg("10:30", 30, at(10, 20)), at(10, 25)),  // early is on time
                behindPlan(seg("", 60, at(10, 30)), at(12, 0)),        // no planned start
                behindPlan(seg("10:30", 0, null), at(11, 0)),          // neither started nor timed
              ];
            }"""
        )
        assert behind == [
            {"minutes": 0, "level": "on-time"},
            {"minutes": 12, "level": "late"},
            {"minutes": 5, "level": "behind"},
            {"minutes": 3, "level": "behind"},
            {"minutes": 0, "level": "on-time"},
            None,
            {"minutes": 0, "level": "on-time"},
        ]
        # With the days (state.days), times follow the day's real start, "Start now": a
        # "16:00" plan started at 17:33 is not behind, and not started is not late at all.
        clocked = await console.evaluate(
            """async () => {
              const { behindPlan, planRange } = await import("/static/schedule.js");
              const at = (h, m, s = 0) => new Date(2026, 10, 25, h, m, s).getTime() / 1000;
              const days = (started) => [{ day: 1, start: "16:00", started_at: started }];
              const seg = (offset, minutes, started_at, day = 1) =>
                ({ start: "16:10", offset, minutes, started_at, day });
              return {
                behind: [
                  behindPlan(seg(10, 30, at(17, 43)), at(17, 50), days(at(17, 33))), // on time
                  behindPlan(seg(10, 30, at(17, 48)), at(17, 50), days(at(17, 33))), // 5 late
                  behindPlan(seg(10, 30, at(17, 44)), at(18, 25), days(at(17, 33))), // 12 over
                  behindPlan(seg(10, 30, null), at(17, 50), days(null)),             // not started
                  behindPlan(seg(10, 30, null), at(17, 50), []),                     // no such day
                  behindPlan(seg(10, 30, at(17, 43), 2), at(17, 50), days(at(17, 33))), // day 2
                ],
                range: [
                  planRange(seg(10, 30, null), days(at(17, 33))),        // from the real start
                  planRange(seg(10, 30, null), days(null)),              // the planned start
                  planRange(seg(10, 30, null)),                          // without days
                  planRange(seg(10, 0, null), days(at(23, 55))),         // past midnight, no end
                  planRange({ start: "", minutes: 20, offset: 0 }, days(null)), // no start
                ],
              };
            }"""
        )
        assert clocked == {
            "behind": [
                {"minutes": 0, "level": "on-time"},
                {"minutes": 5, "level": "behind"},
                {"minutes": 12, "level": "late"},
                None,
                None,
                None,
            ],
            "range": [
                span("17:43", "18:13"),
                span("16:10", "16:40"),
                span("16:10", "16:40"),
                "00:05",
                "",
            ],
        }
        status = console.locator("#plan-status")
        await expect(status).to_be_visible()  # the template's 16:10 start is in the past or future
        assert await status.get_attribute("data-level") in ("on-time", "behind", "late")
        await shot(console, "agenda-console-run")

        # The plan on the screen: every segment, the current one marked, and back.
        show = console.get_by_role("button", name=nb("Show the plan on the screen"))
        await show.click()
        items = screen.locator(".agenda-item")
        await expect(items).to_have_count(5, timeout=TIMEOUT)
        for n, segment in enumerate(segments):
            await expect(items.nth(n).locator(".agenda-name")).to_have_text(segment["title"])
        await expect(items.nth(1)).to_have_class(re.compile(r"\bis-current\b"))
        await expect(items.nth(0)).to_have_class(re.compile(r"\bis-done\b"))
        await expect(items.nth(0).locator(".agenda-time")).to_have_text(first_time)
        await shot(screen, "agenda-screen-agenda")
        await console.get_by_role("button", name=nb("Take the plan off the screen")).click()
        await expect(screen.locator(".case-column")).to_be_visible(timeout=TIMEOUT)

        await console.get_by_role("button", name=nb("Stop"), exact=True).click()
        await expect(screen.locator(".screen-timer")).to_be_hidden(timeout=TIMEOUT)
        await expect(phone.locator("#timer-line")).to_be_hidden(timeout=TIMEOUT)
        await shot(console, "agenda-console-plan", full_page=True)
        assert errors == []
    finally:
        await facilitator.aclose()


async def test_console_builds_a_plan(server: Server, browser: Browser) -> None:
    """By hand: a segment, a case from the library into it, its text edited for this session,
    a glossary word explained, an activity of one's own, a move, a deletion."""
    errors: list[str] = []
    facilitator = await login(server, "anna")
    try:
        created = await new_session(facilitator, title="Nordvik formannskap", tables=3)
        code = created["code"]
        _, console = await console_page(browser, server, code)
        watch_errors(console, errors)
        await expect(console.locator("#agenda-empty")).to_be_visible()

        # The templates are there to start from (this test builds its own plan instead).
        await console.get_by_text(nb("Start from a template")).click()
        templates = console.locator("#template-list .template-item")
        await expect(templates.first).to_be_visible(timeout=TIMEOUT)
        assert await templates.count() >= 3
        await expect(console.locator("#template-list")).to_contain_text(
            "Før kommunestyremøtet, to timer"
        )
        await shot(console, "agenda-console-templates")
        await console.get_by_text(nb("Start from a template")).click()

        # A segment of one's own.
        await console.get_by_role("button", name=nb("Add segment")).click()
        editor = console.locator("#new-segment-slot form")
        await editor.get_by_label(nb("Title")).fill("Habilitet i praksis")
        await editor.get_by_label(nb("Planned start")).fill("10:30")
        await editor.get_by_label(nb("Minutes")).fill("60")
        await editor.get_by_role("button", name=nb("Add segment")).click()
        segment = console.locator("#agenda .segment")
        await expect(segment).to_have_count(1, timeout=TIMEOUT)
        await expect(segment.locator(".segment-time")).to_have_text(span("10:30", "11:30"))

        # A case from the library, found by a word and a topic.
        await segment.get_by_role("button", name=re.compile(re.escape(nb("Add a case")))).click()
        picker = console.locator(".picker")
        await picker.get_by_label(nb("Topic")).select_option("impartiality")
        await picker.get_by_label(nb("Search")).fill("svoger")
        found = picker.locator(".picker-case")
        await expect(found).to_have_count(1, timeout=TIMEOUT)
        # Its languages; a bokmål session needs no warning (tests/test_case_languages.py).
        await expect(found.locator(".picker-langs .badge")).to_have_text(["nb", "nn", "en"])
        await expect(found.locator(".picker-fallback")).to_have_count(0)
        await shot(console, "agenda-console-picker")
        await found.get_by_role("button").click()
        await expect(picker).to_have_count(0)
        block = segment.locator(".case-block")
        await expect(block).to_have_count(1, timeout=TIMEOUT)
        activities = block.locator(".plan-activity")
        count = await activities.count()
        assert count >= 2

        # The story with its glossary words, in a popover that Escape closes.
        await block.locator("summary").first.click()
        term = block.locator(".case-narrative button.term").first
        await term.click()
        popover = console.locator(".term-pop")
        await expect(popover).to_be_visible()
        await expect(popover.locator(".term-explanation")).not_to_be_empty()
        await shot(console, "agenda-console-glossary")
        await console.keyboard.press("Escape")
        await expect(popover).to_have_count(0)

        # The case's text, edited for this session only.
        await block.get_by_role("button", name=nb("Edit text for this session")).click()
        case_editor = block.locator("form.case-editor")
        await case_editor.get_by_label(nb("Title")).fill("Svogerens tomt i Nordvik")
        await case_editor.get_by_label(nb("Questions for the tables")).fill(
            "Hva gjør du?\nHvem spør du?"
        )
        await case_editor.get_by_role("button", name=nb("Save")).click()
        await expect(block.locator(".case-title")).to_have_text(
            "Svogerens tomt i Nordvik", timeout=TIMEOUT
        )
        case_id = (await plan(facilitator, code))["activities"][0]["case"]["id"]
        state = await plan(facilitator, code)
        edited = next(iter(state["cases"].values()))
        assert edited["questions"] == ["Hva gjør du?", "Hvem spør du?"]
        assert edited["id"] == case_id

        # Move the second activity up.
        second_title = await activities.nth(1).locator(".card-title").inner_text()
        await activities.nth(1).locator(".move-button").first.click()
        await expect(activities.nth(0).locator(".card-title")).to_have_text(
            second_title, timeout=TIMEOUT
        )

        # A draft's text, changed for this session.
        first = activities.nth(0)
        await first.get_by_role("button", name=nb("Edit text")).click()
        text_editor = first.locator("form.activity-editor")
        new_prompt = "Hva ville du gjort i Ingrids sted?"
        await text_editor.get_by_label(nb("Text people see")).fill(new_prompt)
        await text_editor.get_by_role("button", name=nb("Save")).click()
        await expect(text_editor).to_have_count(0, timeout=TIMEOUT)
        await expect(first).to_contain_text("Hva ville du gjort i Ingrids sted?")
        prompts = [a["prompt"] for a in (await plan(facilitator, code))["activities"]]
        assert "Hva ville du gjort i Ingrids sted?" in prompts

        # Remove the last one (a draft): after a confirmation it leaves the plan.
        last_title = await activities.nth(count - 1).locator(".card-title").inner_text()
        console.once("dialog", lambda dialog: dialog.accept())
        await activities.nth(count - 1).locator(".remove-button").click()
        await expect(activities).to_have_count(count - 1, timeout=TIMEOUT)
        titles = [a["title"] or a["prompt"] for a in (await plan(facilitator, code))["activities"]]
        assert last_title not in titles
        count -= 1

        # An activity of one's own, written in the segment.
        await segment.get_by_role(
            "button", name=re.compile(re.escape(nb("Write your own")))
        ).click()
        form = segment.locator("form#new-activity")
        await expect(form).to_be_visible()
        await form.get_by_label(nb("Kind")).select_option("poll")
        await form.get_by_label(nb("Text people see")).fill("Har dere rutiner for habilitet?")
        await form.get_by_label(nb("Choice %(n)s", n="A")).fill("Ja")
        await form.get_by_label(nb("Choice %(n)s", n="B")).fill("Nei")
        await form.get_by_role("button", name=nb("Add activity")).click()
        await expect(segment.locator(".plan-activity")).to_have_count(count + 1, timeout=TIMEOUT)
        await expect(console.locator("#form-home form#new-activity")).to_have_count(1)
        await shot(console, "agenda-console-built", full_page=True)

        # A segment not yet run can go; one that has been run stays.
        await console.get_by_role("button", name=nb("Add segment")).click()
        await editor.get_by_label(nb("Title")).fill("Lunsj")
        await editor.get_by_label(nb("Planned start")).fill("11:30")
        await editor.get_by_label(nb("Minutes")).fill("45")
        await editor.get_by_role("button", name=nb("Add segment")).click()
        await expect(segment).to_have_count(2, timeout=TIMEOUT)
        await expect(segment.nth(1).locator(".segment-empty")).to_be_visible()
        console.once("dialog", lambda dialog: dialog.accept())
        await segment.nth(1).get_by_role("button", name=nb("Delete")).click()
        await expect(segment).to_have_count(1, timeout=TIMEOUT)
        await (
            segment.locator(".activity-card")
            .first.get_by_role("button", name=nb("Open"), exact=True)
            .click()
        )
        await expect(segment.get_by_role("button", name=nb("Delete"))).to_be_disabled(
            timeout=TIMEOUT
        )
        await expect(segment).to_have_class(re.compile(r"\bis-current\b"))

        # The plan as a file, and back in: the same segment once more.
        async with console.expect_download() as download_info:
            await console.get_by_role("link", name=nb("Export plan")).click()
        download = await download_info.value
        saved = await download.path()
        await console.locator("#import-plan").set_input_files(saved)
        await expect(segment).to_have_count(2, timeout=TIMEOUT)
        await expect(segment.nth(1).locator(".case-title")).to_have_text("Svogerens tomt i Nordvik")
        await expect(segment.nth(1).locator(".plan-activity")).to_have_count(count + 1)
        assert errors == []
    finally:
        await facilitator.aclose()
