"""The phone page with large text (issue 18, point 2): at 200 % text and 390 or 320 CSS px
wide, no state of the phone scrolls sideways and no text is cut off or sticks out of its box;
every button, link and field is at least 44x44 CSS px, at normal text too.

Large text is the browser's default font size doubled, 16 px to 32 px, through the DevTools
protocol (`Page.setFontSizes`, what Chromium's "Font size" setting changes), with the window
kept at 390 or 320 CSS px. As every size on the phone is in rem or em, all its text doubles
while its px minimums (44 px targets, borders) stay, as a phone's large-text setting does to
such a page (Android Chrome's "Text scaling", iOS's larger text). It is stricter than page
zoom (Android Chrome's "Page zoom", Safari's "aA"): 200 % zoom makes a 390 px phone a 195 px
one with normal text, the same text per width as 390 px here, and 320 px here is narrower
still. Unlike an injected `html {font-size: 200%}` it leaves the page's CSS as it is (and em
media queries see it). `Emulation.setPageScaleFactor` and a device scale factor magnify
pixels, not text: no test of this.

One session in bokmål, with a long word in its title
("Folkevalgtopplæringskommunestyreseminaret"), a table called "Formannskapssalen", a join
question and a library case whose answers have glossary chips, driven by the real server
through its states: typing the code (after a wrong one), the join page, the join question,
waiting, the case's dilemma (folded, unfolded, a word's explanation open) with the table's
notes, answered, revealed, a poll with the countdown, changing tables, a scale, a reflection
with a post, a station rotation, a question the table answers together (proposed, answered),
the evaluation (before and after sending) and closed. Each state is measured at 390 and
320 px, with normal text and with 200 % text; every problem of every state is reported
together. Screenshots at 200 % (the first screen, and the whole page) land in
test-artifacts/large-text-<state>-<width>[-whole].png for a human to look at."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.async_api import Browser, CDPSession, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, login, new_id, new_session, set_state
from tests.test_browser import PHONE
from tests.test_evaluation import TEMPLATE, _to_the_closing
from tests.test_phone_page import TIMEOUT, add_case, nb, session_state, watch_errors

TITLE = "Folkevalgtopplæringskommunestyreseminaret i Lillevik"
LONG_TABLE = "Formannskapssalen"
CASE = "kontrollutvalget-og-sykehjemsbygget"  # its answers hold "forvaltningsrevisjon" & co.
NORMAL, LARGE = 16, 32  # the browser's default font size in px: 100 % and 200 % text
LOOKS = ((390, NORMAL), (320, NORMAL), (390, LARGE), (320, LARGE))
SMALLEST = 44  # CSS px, each way (WCAG 2.5.5)

# Everything that is wrong with the page as it stands, one line each; its argument is the
# smallest target (`SMALLEST`).
MEASURE = r"""
(smallest) => {
  const out = [];
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const name = (el) => {
    const cls = el.classList.length ? `.${[...el.classList].join(".")}` : "";
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    const id = el.id ? `#${el.id}` : "";
    return `<${el.tagName.toLowerCase()}${id}${cls}> ${JSON.stringify(text.slice(0, 40))}`;
  };
  const shown = (el) => el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true });
  const px = (n) => Math.round(n * 10) / 10;
  const span = (a, b) => `${px(a)} to ${px(b)}`;
  // Not seen: for screen readers only, or a skip link waiting off the page for its focus.
  const unseen = ".sr-only, .skip-link:not(:focus), script, style, noscript, template";

  if (doc.scrollWidth > width) {
    out.push(`the page scrolls sideways: ${doc.scrollWidth}px wide in ${width}px`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    const scrolls = ["auto", "scroll"].includes(style.overflowX);
    const field = el.matches("input, textarea") && el.value; // its text scrolls inside
    if ((scrolls || field) && el.clientWidth && el.scrollWidth > el.clientWidth + 1 && shown(el)) {
      out.push(`${name(el)} scrolls sideways: ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  }

  // Each word lies inside the window and inside every box around it (up to a box placed on
  // its own, position absolute or fixed); a box that clips (overflow not visible) cuts
  // nothing off, up and down either. Word by word, as the spaces at the end of a line of
  // pre-wrap text hang outside their box unseen.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const reported = new Set();
  const words = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest(unseen) || !shown(el)) continue;
    for (const word of node.textContent.matchAll(/\S+/g)) words.push([node, el, word]);
  }
  for (const [node, el, word] of words) {
    range.setStart(node, word.index);
    range.setEnd(node, word.index + word[0].length);
    for (const line of range.getClientRects()) {
      if (!line.width) continue;
      const problems = [];
      if (line.left < -0.5 || line.right > width + 0.5) {
        problems.push(`outside the ${width}px window (${span(line.left, line.right)})`);
      }
      for (let box = el; box && box !== document.body; box = box.parentElement) {
        const style = getComputedStyle(box);
        if (style.display === "contents") continue;
        const r = box.getBoundingClientRect();
        const clips = style.overflowX !== "visible" || style.overflowY !== "visible";
        const left = clips ? r.left + box.clientLeft : r.left;
        const right = clips ? left + box.clientWidth : r.right;
        if (line.left < left - 1 || line.right > right + 1) {
          const how = clips ? "cut off by" : "sticks out of";
          const where = `${span(line.left, line.right)} in ${span(left, right)}`;
          problems.push(`${how} ${name(box)} (${where})`);
          break;
        }
        if (["hidden", "clip"].includes(style.overflowY)) {
          const top = r.top + box.clientTop;
          if (line.top < top - 1 || line.bottom > top + box.clientHeight + 1) {
            problems.push(`cut off (top or bottom) by ${name(box)}`);
            break;
          }
        }
        if (["absolute", "fixed"].includes(style.position)) break;
      }
      for (const problem of problems) {
        const text = `${JSON.stringify(word[0].slice(0, 30))} in ${name(el)}: ${problem}`;
        if (!reported.has(text)) { reported.add(text); out.push(text); }
      }
    }
  }

  // Everything to tap: at least `smallest` each way, and inside the window. A checkbox or
  // radio button counts with its label. A glossary word inside a sentence is exempt (WCAG
  // 2.5.5's inline targets); its chip under the answers is not.
  const targets = [
    "button", "a[href]", 'input:not([type="hidden"])', "select", "textarea", "summary",
    '[role="button"]', '[tabindex="0"]',
  ].join(", ");
  for (let el of document.body.querySelectorAll(targets)) {
    if (el.closest(unseen) || !shown(el)) continue;
    if (el.matches(".term:not(.chip)")) continue;
    if (el.matches('input[type="checkbox"], input[type="radio"]') && el.labels.length) {
      el = el.labels[0];
    }
    const r = el.getBoundingClientRect();
    if (r.width < smallest - 0.01 || r.height < smallest - 0.01) {
      const size = `${px(r.width)}x${px(r.height)}`;
      out.push(`${name(el)} is ${size}, smaller than ${smallest}x${smallest}`);
    }
    if (r.left < -0.5 || r.right > width + 0.5) {
      out.push(`${name(el)} reaches outside the ${width}px window`);
    }
  }
  return out;
}
"""

NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


class Looker:
    """Measures the phone page in each of `LOOKS` and files what is wrong, by state."""

    def __init__(self, page: Page, cdp: CDPSession) -> None:
        self.page = page
        self.cdp = cdp
        self.found: dict[str, list[str]] = {}
        self.states: list[str] = []

    async def text_size(self, pixels: int) -> None:
        await self.cdp.send("Page.setFontSizes", {"fontSizes": {"standard": pixels}})
        await self.page.wait_for_function(
            f"getComputedStyle(document.documentElement).fontSize === '{pixels}px'",
            timeout=TIMEOUT,
        )

    async def resize(self, width: int, pixels: int) -> None:
        await self.page.set_viewport_size({"width": width, "height": 844})
        await self.text_size(pixels)
        # A phone zooms out to show a page wider than its window, and stays zoomed after a
        # resize: back to 1, so that measures and taps see the page as laid out.
        await self.cdp.send("Emulation.setPageScaleFactor", {"pageScaleFactor": 1})

    async def look(self, state: str) -> None:
        self.states.append(state)
        for width, pixels in LOOKS:
            await self.resize(width, pixels)
            # Two frames: the new size is laid out (and any resize handler has run).
            await self.page.evaluate(NEXT_FRAME)
            problems = await self.page.evaluate(MEASURE, SMALLEST)
            if problems:
                look = f"{state} at {width}px, {pixels * 100 // NORMAL} % text"
                self.found[look] = problems
            if pixels == LARGE:
                await self.shoot(f"large-text-{state}-{width}")
        await self.resize(390, NORMAL)

    async def shoot(self, name: str) -> None:
        """The first screen as the phone shows it, and the whole page: in a window as tall as
        the page (Playwright's `full_page` would reset the text size)."""
        ARTIFACTS.mkdir(exist_ok=True)
        await self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), animations="disabled")
        size = self.page.viewport_size
        assert size
        height = await self.page.evaluate("document.documentElement.scrollHeight")
        await self.page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
        await self.page.screenshot(path=str(ARTIFACTS / f"{name}-whole.png"), animations="disabled")
        await self.page.set_viewport_size(size)

    def report(self) -> str:
        return "\n\n".join(f"{look}:\n  " + "\n  ".join(p) for look, p in self.found.items())


async def ok(client: httpx.AsyncClient, path: str, body: dict[str, Any] | None = None) -> None:
    response = await client.post(path, json=body or {})
    assert response.status_code == 200, response.text


async def current(client: httpx.AsyncClient, code: str, activity: int) -> None:
    await set_state(client, code, activity, "open")
    await ok(client, f"/api/sessions/{code}/current", {"activity": activity})


async def test_every_phone_state_fits_with_large_text(server: Server, browser: Browser) -> None:
    errors: list[str] = []
    client = await login(server, "anna")
    kari: Phone | None = None
    try:
        created = await new_session(client, title=TITLE, tables=3)
        code = created["code"]
        api = f"/api/sessions/{code}"
        response = await client.post(f"{api}/tables", json={"name": LONG_TABLE})
        assert response.status_code == 201, response.text
        table = response.json()["number"]
        response = await client.post(
            f"{api}/join-questions",
            json={
                "prompt": "Er dette din første periode i kommunestyret?",
                "options": ["Ja, første periode", "Nei, jeg er gjenvalgt"],
            },
        )
        assert response.status_code == 201, response.text
        response = await client.post(f"{api}/agenda", json={"template": TEMPLATE})
        assert response.status_code == 201, response.text
        case_ids = await add_case(client, code, CASE)
        state = await session_state(client, code)
        first: dict[str, dict[str, Any]] = {}
        for activity in state["activities"]:
            if activity["id"] not in case_ids:
                first.setdefault(activity["kind"], activity)
        case_dilemma = next(
            a for a in state["activities"] if a["id"] in case_ids and a["kind"] == "dilemma"
        )
        poll = await add_activity(
            client,
            code,
            kind="poll",
            prompt="Er dagsordenen klar?",
            options=["Ja", "Nei, vi trenger mer tid til saksforberedelsene"],
        )
        together = await add_activity(
            client,
            code,
            kind="dilemma",
            title="Idrettshallen",
            prompt="Fredrik har lovet en ny idrettshall. Hva bør bordet anbefale?",
            options=["Vente på budsjettbehandlingen", "Ta det opp nå", "Spørre administrasjonen"],
            by="table",
        )

        context = await browser.new_context(**PHONE, locale="nb-NO")
        phone = await context.new_page()
        watch_errors(phone, errors)
        looker = Looker(phone, await context.new_cdp_session(phone))
        body = phone.locator("body")

        # Typing the code (after a wrong one); the join page, its question, then waiting at
        # the long-named table.
        await phone.goto(f"{server.url}/j?code=ZZZZZZ")
        await expect(phone.locator(".alert")).to_be_visible(timeout=TIMEOUT)
        await looker.look("enter-code")
        await phone.goto(created["join_url"])
        tables = phone.locator(".table-grid .table-choice")
        await expect(tables).to_have_count(4, timeout=TIMEOUT)
        await looker.look("join")
        await phone.get_by_role("button", name=re.compile(f"^{LONG_TABLE}")).click()
        await expect(phone.locator(".join-question-option")).to_have_count(2, timeout=TIMEOUT)
        await looker.look("join-question")
        await phone.locator(".join-question-option").first.click()
        await expect(body).to_have_attribute("data-connection", "open", timeout=TIMEOUT)
        await expect(phone.locator("#seat-line")).to_contain_text(LONG_TABLE, timeout=TIMEOUT)
        await looker.look("waiting")

        kari = await Phone.join(server, code, name="Kari", table=table)
        await kari.connect()

        # The case's dilemma: folded, with the table's notes; unfolded; a word explained.
        await current(client, code, case_dilemma["id"])
        card = phone.locator("section.activity")
        await expect(card.locator(".prompt")).to_have_text(case_dilemma["prompt"], timeout=TIMEOUT)
        await expect(card.locator(".answer-terms .term.chip").first).to_be_visible()
        await expect(phone.locator("#table-notes")).to_be_visible(timeout=TIMEOUT)
        await phone.locator("#table-notes").fill(
            "Vi mener forvaltningsrevisjonsrapporten må behandles før budsjettvedtaket."
        )
        await looker.look("case-dilemma")
        await phone.get_by_role("button", name=nb("Read the whole case")).click()
        await expect(card.locator(".case-story")).to_be_visible()
        await looker.look("case-open")
        await phone.get_by_role("button", name=nb("Hide the case")).click()
        await card.locator(".answer-terms .term.chip").last.click()
        sheet = phone.locator(".term-sheet")
        await expect(sheet).to_be_visible()
        await looker.look("term-sheet")
        await expect(sheet.get_by_role("button", name=nb("Close the explanation"))).to_be_focused()
        await phone.keyboard.press("Escape")
        await expect(sheet).to_have_count(0)

        # Answered (the why box opens), then revealed.
        await card.locator("button.option").first.click()
        await expect(body).to_have_attribute("data-pending", "0", timeout=TIMEOUT)
        await expect(card.locator(".feedback")).not_to_be_empty(timeout=TIMEOUT)
        await looker.look("answered")
        await set_state(client, code, case_dilemma["id"], "revealed")
        await expect(card.locator(".state-banner")).to_be_visible(timeout=TIMEOUT)
        await looker.look("revealed")

        # A poll with the countdown running; changing tables.
        await current(client, code, poll)
        await expect(phone.locator(".prompt")).to_have_text("Er dagsordenen klar?", timeout=TIMEOUT)
        await ok(client, f"{api}/timer", {"seconds": 600})
        await expect(phone.locator("#timer-line")).to_be_visible(timeout=TIMEOUT)
        await looker.look("poll")
        await ok(client, f"{api}/timer", {"seconds": 0})
        await expect(phone.locator("#timer-line")).to_be_hidden(timeout=TIMEOUT)
        await ok(client, f"{api}/table-changes", {"allowed": True})
        change = phone.get_by_role("button", name=nb("Change table"))
        await expect(change).to_be_visible(timeout=TIMEOUT)
        await looker.look("poll-change-allowed")
        await change.click()
        await expect(phone.locator("#seat-panel .table-choice")).to_have_count(4)
        await looker.look("change-table")
        await phone.locator("#seat-panel").get_by_role("button", name=nb("Cancel")).click()
        await expect(phone.locator("#seat-panel")).to_be_hidden()

        # A scale; a reflection with a post.
        scale, reflection = first["scale"], first["reflection"]
        await current(client, code, scale["id"])
        await expect(phone.locator(".prompt")).to_have_text(scale["prompt"], timeout=TIMEOUT)
        await looker.look("scale")
        await current(client, code, reflection["id"])
        await expect(phone.locator(".prompt")).to_have_text(reflection["prompt"], timeout=TIMEOUT)
        await phone.locator(".post-box textarea").fill(
            "Habilitetsvurderingene og kommunestyrebehandlingen tar tid."
        )
        await phone.get_by_role("button", name=nb("Post"), exact=True).click()
        await expect(phone.locator(".own-posts li:not(.empty)")).to_have_count(1, timeout=TIMEOUT)
        await expect(body).to_have_attribute("data-pending", "0", timeout=TIMEOUT)
        await looker.look("reflection")

        # A station rotation, started: the card says where to go.
        response = await client.post(
            f"{api}/stations",
            json={
                "stations": [
                    {"name": "Helse og omsorg", "prompt": "Hva trenger eldre mest?"},
                    {"name": "Plan- og bygningsforvaltningen", "prompt": "Hvor skal vi bygge?"},
                ],
                "minutes": 10,
            },
        )
        assert response.status_code == 201, response.text
        rotation = response.json()["id"]
        await current(client, code, rotation)
        await ok(client, f"{api}/stations/{rotation}/start")
        await expect(phone.locator("#station .station-go")).to_be_visible(timeout=TIMEOUT)
        await looker.look("station")

        # The table answers together: Kari proposes, this phone sees it; then confirmed.
        await current(client, code, together)
        await expect(phone.locator(".table-together")).to_be_visible(timeout=TIMEOUT)
        assert kari.socket is not None
        proposal = new_id()
        since = len(kari.socket.received)
        await kari.socket.send(
            {"type": "propose", "id": proposal, "activity": together, "option": 1}
        )
        assert (await kari.socket.reply_to(proposal, since=since))["type"] == "ack"
        confirm = phone.locator(".confirm-proposal")
        await expect(confirm).to_be_visible(timeout=TIMEOUT)
        await looker.look("table-proposal")
        await confirm.click()
        await expect(phone.locator(".table-answer-line")).to_be_visible(timeout=TIMEOUT)
        await looker.look("table-answered")

        # The closing's evaluation, before and after sending; then closed.
        await _to_the_closing(client, code)
        evaluation = phone.locator(".kind-evaluation")
        await expect(evaluation).to_be_visible(timeout=TIMEOUT)
        await looker.look("evaluation")
        await evaluation.locator('.eval-question[data-key="useful"] .eval-step').nth(3).click()
        await evaluation.locator(".eval-send").click()
        await expect(evaluation.locator(".eval-foot .feedback")).not_to_be_empty(timeout=TIMEOUT)
        await expect(body).to_have_attribute("data-pending", "0", timeout=TIMEOUT)
        await looker.look("evaluation-sent")
        await ok(client, f"{api}/close")
        await expect(phone.locator(".closed-view")).to_be_visible(timeout=TIMEOUT)
        await looker.look("closed")
    finally:
        if kari:
            await kari.close()
        await client.aclose()
    assert len(looker.states) == 20
    assert not looker.found, looker.report()
    assert errors == []


BROKEN = """
<p id="wide" style="overflow-wrap: normal">Folkevalgtopplæringskommunestyreseminaret</p>
<div id="clipping" style="overflow: hidden; white-space: nowrap; width: 6rem">
  Budsjettbehandlingen</div>
<div id="narrow" style="width: 6rem">
  <span style="display: inline-block; white-space: nowrap">Formannskapet</span></div>
<button id="tiny" type="button" style="all: unset; font-size: 10px">OK</button>
<label id="check"><input type="checkbox" style="all: unset; width: 1rem; height: 1rem">Ja</label>
<div id="sideways" style="overflow-x: auto"><p style="width: 200vw">Bred tekst</p></div>
"""


async def test_the_measure_sees_what_is_wrong(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    """The measure above finds each kind of fault when it is there: a long word that pushes
    the page sideways, text cut off by a box or sticking out of one, a small button and a
    small checkbox label, a box that scrolls sideways."""
    created = await new_session(facilitator, title="Lillevik kommunestyre", tables=2)
    context = await browser.new_context(**PHONE, locale="nb-NO")
    phone = await context.new_page()
    looker = Looker(phone, await context.new_cdp_session(phone))
    await phone.goto(created["join_url"])
    await expect(phone.locator(".table-choice")).to_have_count(2, timeout=TIMEOUT)
    await looker.text_size(LARGE)
    await phone.evaluate(
        f"document.querySelector('.join').insertAdjacentHTML('beforeend', {BROKEN!r})"
    )
    found = "\n".join(await phone.evaluate(MEASURE, SMALLEST))
    assert re.search(r"the page scrolls sideways", found), found
    assert re.search(r'"Folkevalgtopplæringskommunest.*<p#wide>.*outside the 390px window', found)
    assert re.search(r'"Budsjettbehandlingen" in <div#clipping> .*cut off by <div#clipping>', found)
    assert re.search(r'"Formannskapet" in <span> .*sticks out of <div#narrow>', found), found
    assert re.search(r'<button#tiny> "OK" is .* smaller than 44x44', found), found
    assert re.search(r'<label#check> "Ja" is .* smaller than 44x44', found), found
    assert re.search(r"<div#sideways> .*scrolls sideways", found), found
