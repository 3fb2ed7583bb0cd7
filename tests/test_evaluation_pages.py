"""The day's evaluation on the three pages (issue 15), in Chromium against the real server:
a phone at 390x844 answers every question on one page and sends it as one frame; the server's
results match; after a reload the answers are there, and a change is sent again; the console's
card shows the count and the summary with the written answers; the screen shows only the count
at the closing, then the figures once revealed, and never a written answer.

The session is in bokmål; expected texts come from the catalog through `nb(...)`.
Screenshots land in test-artifacts/evaluation-<state>.png for a human to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, login, new_session, results, set_state
from tests.test_browser_agenda import SCREEN, TEMPLATE, TIMEOUT, console_page
from tests.test_evaluation import _evaluate, _to_the_closing
from tests.test_phone_page import join, nb, session_state, watch_errors

OWN_TEXT = "Mer tid til bordene, takk."
OTHER_TEXT = "Bra dag, men for lite pause."


async def shot(page: Page, state: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(
        path=str(ARTIFACTS / f"evaluation-{state}.png"), full_page=full_page, animations="disabled"
    )


def mean_nb(value: float) -> str:
    """As the pages write an average in bokmål: one decimal, with a comma."""
    return f"{value:.1f}".replace(".", ",")


async def evaluation_of(client: httpx.AsyncClient, code: str, activity: int) -> dict[str, Any]:
    return (await results(client, code))[activity]


async def test_the_evaluation_on_phone_console_and_screen(server: Server, browser: Browser) -> None:
    errors: list[str] = []
    facilitator = await login(server, "anna")
    phones: list[Phone] = []
    try:
        created = await new_session(facilitator, title="Lillevik kommunestyre", tables=3)
        code = created["code"]
        response = await facilitator.post(
            f"/api/sessions/{code}/agenda", json={"template": TEMPLATE}
        )
        assert response.status_code == 201, response.text
        state = await session_state(facilitator, code)
        evaluation = next(a for a in state["activities"] if a["kind"] == "evaluation")
        activity = evaluation["id"]
        # Two topics with titles of their own, to tap by name.
        # The topics are the segments that had something to do (not a break or the welcome).
        busy = [s for s in state["segments"] if s["activities"]]
        titles = [s["title"] for s in busy]
        unique = [s for s in busy if titles.count(s["title"]) == 1]
        first, second = unique[0], unique[1]

        phone = await join(browser, created["join_url"], errors)
        for n in range(2):
            other = await Phone.join(server, code, table=n + 2)
            await other.connect()
            phones.append(other)
        assert (await _to_the_closing(facilitator, code))["activity"] == activity

        # The phone: the thank-you, then every question on one page.
        card = phone.locator(".kind-evaluation")
        await expect(card).to_be_visible(timeout=TIMEOUT)
        await expect(card.locator(".eval-thanks")).to_contain_text(
            nb("Thank you for taking part today")
        )
        await expect(card.locator(".eval-anonymous")).to_have_text(nb("The answers are anonymous."))
        await expect(card.locator(".eval-question")).to_have_count(5)
        await shot(phone, "phone-empty")
        send = card.locator(".eval-send")
        await expect(send).to_be_disabled()  # nothing answered yet

        topics = card.locator(".eval-q-topics .eval-topic")
        await expect(topics).to_have_count(len(busy))
        for segment in (first, second):
            button = topics.filter(has_text=segment["title"])
            await button.click()
            await expect(button).to_have_attribute("aria-pressed", "true")
        useful = card.locator('.eval-question[data-key="useful"] .eval-step')
        engaged = card.locator('.eval-question[data-key="engaged"] .eval-step')
        await expect(useful).to_have_count(5)
        await expect(card.locator('.eval-question[data-key="useful"] .eval-ends')).to_contain_text(
            nb("Very little")
        )
        await useful.nth(4).click()
        await engaged.nth(3).click()
        await card.locator(".eval-pick", has_text=nb("Yes")).click()
        await card.locator('.eval-question[data-key="comment"] textarea').fill(OWN_TEXT)
        # Every step of a scale is a big target, side by side on a 390 px screen.
        for n in range(5):
            box = await useful.nth(n).bounding_box()
            assert box and box["height"] >= 56 and box["width"] >= 56, box
        await send.click()
        feedback = card.locator(".eval-foot .feedback")
        await expect(feedback).to_have_text(
            nb("Thank you! Your evaluation is saved."), timeout=TIMEOUT
        )
        await expect(phone.locator("body")).to_have_attribute("data-pending", "0")
        await shot(phone, "phone", full_page=True)

        # The server has exactly what was tapped.
        mine = await evaluation_of(facilitator, code, activity)
        assert mine["responses"] == 1, mine
        summary = mine["summary"]
        assert summary["useful"] == {"counts": [0, 0, 0, 0, 1], "mean": 5.0}
        assert summary["engaged"]["counts"] == [0, 0, 0, 1, 0]
        assert summary["again"]["counts"] == {"yes": 1, "no": 0, "unsure": 0}
        assert summary["topics"]["counts"] == {str(first["id"]): 1, str(second["id"]): 1}
        assert summary["comment"]["texts"] == [OWN_TEXT]

        answers = [
            {
                "topics": [first["id"]],
                "useful": 4,
                "engaged": 5,
                "again": "unsure",
                "comment": OTHER_TEXT,
            },
            {"useful": 3, "again": "no"},
        ]
        for other, given in zip(phones, answers, strict=True):
            assert (await _evaluate(other, activity, given))["type"] == "ack"

        # A reload: the answers are there, and "saved" with them.
        await phone.reload()
        await expect(phone.locator("body")).to_have_attribute(
            "data-connection", "open", timeout=TIMEOUT
        )
        await expect(feedback).to_have_text(nb("Thank you! Your evaluation is saved."))
        for segment in (first, second):
            await expect(topics.filter(has_text=segment["title"])).to_have_attribute(
                "aria-pressed", "true"
            )
        await expect(card.locator('.eval-topic[aria-pressed="true"]')).to_have_count(2)
        await expect(useful.nth(4)).to_have_attribute("aria-pressed", "true")
        await expect(engaged.nth(3)).to_have_attribute("aria-pressed", "true")
        await expect(card.locator(".eval-pick", has_text=nb("Yes"))).to_have_attribute(
            "aria-pressed", "true"
        )
        await expect(card.locator('.eval-question[data-key="comment"] textarea')).to_have_value(
            OWN_TEXT
        )
        # A change says it is not sent yet, until it is.
        await useful.nth(3).click()
        await expect(feedback).to_have_text(
            nb("You have changed your answers. Tap “Send” to save the changes.")
        )
        await send.click()
        await expect(feedback).to_have_text(
            nb("Thank you! Your evaluation is saved."), timeout=TIMEOUT
        )
        mine = await evaluation_of(facilitator, code, activity)
        assert mine["responses"] == 3, mine
        useful_counts = [0, 0, 1, 2, 0]
        assert mine["summary"]["useful"] == {"counts": useful_counts, "mean": 3.67}
        assert mine["summary"]["again"]["counts"] == {"yes": 1, "no": 1, "unsure": 1}
        assert mine["summary"]["topics"]["counts"] == {
            str(first["id"]): 2,
            str(second["id"]): 1,
        }
        assert sorted(mine["summary"]["comment"]["texts"]) == sorted([OWN_TEXT, OTHER_TEXT])

        # The console: the count, and the summary with the written answers.
        _, console = await console_page(browser, server, code)
        watch_errors(console, errors)
        eval_card = console.locator(f'.activity-card[data-id="{activity}"]')
        await expect(eval_card.locator(".answered-line")).to_have_text(
            nb("%(n)s of %(total)s have answered", n=3, total=3), timeout=TIMEOUT
        )
        useful_box = eval_card.locator('.eval-result[data-key="useful"]')
        await expect(useful_box.locator(".eval-mean")).to_contain_text(
            nb("Average %(mean)s of 5", mean=mean_nb(3.67))
        )
        await expect(useful_box.locator(".eval-bar-count")).to_have_text(
            [str(n) for n in useful_counts]
        )
        again_box = eval_card.locator('.eval-result[data-key="again"]')
        await expect(again_box.locator(".eval-bar-label")).to_have_text(
            [nb("Yes"), nb("No"), nb("Unsure")]
        )
        await expect(again_box.locator(".eval-bar-count")).to_have_text(["1", "1", "1"])
        topics_box = eval_card.locator('.eval-result[data-key="topics"]')
        await expect(topics_box.locator(".eval-bar-label").first).to_have_text(first["title"])
        await expect(topics_box.locator(".eval-bar-count").first).to_have_text("2")
        await expect(topics_box.locator(".eval-bar").nth(1)).to_contain_text(second["title"])
        texts = eval_card.locator('.eval-result[data-key="comment"] .eval-texts li')
        await expect(texts).to_have_count(2)
        assert sorted(await texts.all_inner_texts()) == sorted([OWN_TEXT, OTHER_TEXT])
        # Its top just under the sticky run bar.
        await console.evaluate(
            """(card) => window.scrollTo(0, card.getBoundingClientRect().top + scrollY
                - document.getElementById("run-bar").offsetHeight - 16)""",
            await eval_card.element_handle(),
        )
        await shot(console, "console")

        # The form adds another evaluation with the programme's questions; no choices to fill.
        form = console.locator("#form-home form#new-activity")
        await form.locator("#new-kind").select_option("evaluation")
        await expect(form.locator("[data-options-box]")).to_be_hidden()
        await form.get_by_role("button", name=nb("Add activity")).click()
        cards = console.locator(
            ".activity-card", has=console.locator(".kind-badge", has_text=nb("Evaluation"))
        )
        await expect(cards).to_have_count(2, timeout=TIMEOUT)
        added = console.locator(
            f'.activity-card:not([data-id="{activity}"])',
            has=console.locator(".kind-badge", has_text=nb("Evaluation")),
        )
        await expect(added.locator(".eval-draft li")).to_have_count(5)

        # The screen: at the closing, the count only.
        screen = await (await browser.new_context(**SCREEN)).new_page()
        watch_errors(screen, errors)
        await screen.goto(created["screen_url"])
        await expect(screen.locator("body")).to_have_attribute("data-view", "closing")
        await expect(screen.locator(".closing-view .eval-count")).to_have_text(
            nb("%(n)s have answered the evaluation", n=3), timeout=TIMEOUT
        )
        content = await screen.content()
        assert OWN_TEXT not in content and OTHER_TEXT not in content
        assert "eval-cols" not in content  # no figures before the reveal
        await shot(screen, "screen-closing")

        # Revealed: the figures, calmly, and still never a written answer.
        await set_state(facilitator, code, activity, "revealed")
        await expect(screen.locator("body")).to_have_attribute(
            "data-view", "evaluation", timeout=TIMEOUT
        )
        view = screen.locator(".eval-summary-view")
        await expect(view.locator(".eval-title")).to_contain_text(
            nb("%(n)s have answered the evaluation", n=3)
        )
        scales = view.locator(".eval-scale")
        await expect(scales).to_have_count(2)
        await expect(scales.first.locator(".eval-mean strong")).to_have_text(mean_nb(3.67))
        await expect(scales.first.locator(".eval-col-value")).to_have_text(
            [str(n) for n in useful_counts]
        )
        await expect(view.locator(".eval-choice .eval-row-count")).to_have_text(["1", "1", "1"])
        top = view.locator(".eval-topics .eval-row-label")
        await expect(top).to_have_text([first["title"], second["title"]])
        content = await screen.content()
        assert OWN_TEXT not in content and OTHER_TEXT not in content
        # Nothing sticks out of the 1920x1080 screen.
        overflow = await screen.evaluate(
            """() => [...document.querySelectorAll('.eval-summary-view *')].filter((el) => {
                const r = el.getBoundingClientRect();
                return r.width && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1);
            }).map((el) => el.className)"""
        )
        assert overflow == [], overflow
        await shot(screen, "screen")
        # The phone: answers are no longer taken, and it still says its own were saved.
        await expect(card.locator(".state-banner")).to_have_text(
            nb("See the results on the screen")
        )
        await expect(card.locator(".eval-send")).to_have_count(0)
        await expect(feedback).to_have_count(0)
        await expect(card.locator(".feedback")).to_have_text(
            nb("Thank you! Your evaluation is saved.")
        )

        # Closed: the phone says goodbye as before.
        assert (await facilitator.post(f"/api/sessions/{code}/close")).status_code == 200
        await expect(phone.locator(".closed-view")).to_be_visible(timeout=TIMEOUT)
        assert errors == [], errors
    finally:
        for other in phones:
            await other.close()
        await facilitator.aclose()


async def test_an_evaluation_sent_while_the_server_is_down_arrives_once(
    fresh_db: Path, browser: Browser
) -> None:
    """The server dies (kill -9); the phone sends its evaluation anyway and says it waits;
    the server comes back on the same address; the outbox sends it, and it counts once."""
    errors: list[str] = []
    server = Server(fresh_db).start()
    facilitator = await login(server, "anna")
    try:
        created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
        code = created["code"]
        response = await facilitator.post(
            f"/api/sessions/{code}/agenda", json={"template": TEMPLATE}
        )
        assert response.status_code == 201, response.text
        phone = await join(browser, created["join_url"], errors)
        activity = (await _to_the_closing(facilitator, code))["activity"]
        card = phone.locator(".kind-evaluation")
        await expect(card).to_be_visible(timeout=TIMEOUT)
        body = phone.locator("body")

        server.kill()
        await expect(body).to_have_attribute("data-connection", "closed", timeout=TIMEOUT)
        await card.locator('.eval-question[data-key="useful"] .eval-step').nth(3).click()
        await card.locator(".eval-pick", has_text=nb("Unsure")).click()
        await card.locator(".eval-send").click()
        feedback = card.locator(".eval-foot .feedback")
        await expect(feedback).to_have_text(nb("Waiting to send…"))
        await expect(body).to_have_attribute("data-pending", "1")
        await shot(phone, "phone-waiting")

        server = Server(fresh_db, port=server.port).start()
        await expect(body).to_have_attribute("data-pending", "0", timeout=30_000)
        await expect(feedback).to_have_text(nb("Thank you! Your evaluation is saved."))
        await facilitator.aclose()
        facilitator = await login(server, "anna")
        mine = await evaluation_of(facilitator, code, activity)
        assert mine["responses"] == 1, mine
        assert mine["summary"]["useful"]["counts"] == [0, 0, 0, 1, 0]
        assert mine["summary"]["again"]["counts"] == {"yes": 0, "no": 0, "unsure": 1}
        assert errors == [], errors
    finally:
        await facilitator.aclose()
        server.stop()
