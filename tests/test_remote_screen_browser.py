"""The screen away from the projector, in Chromium (issue 17, hybrid days).

A participant at a digital table taps "Show the screen" on the phone page and sees what the
projector shows, following the facilitator: the open question, then the revealed results,
at 390x844 (a phone) and 1280x800 (a laptop), with no sideways scrolling and no small type.
The real screen at 1280x720 (shared into a video call) has nothing outside the viewport and
nothing under the minimum size; at 1280x720 and 1920x1080 a digital table carries its tag.

Screenshots, for a human to look at: test-artifacts/remote-viewer-390x844.png (and its
open question), remote-viewer-1280x800.png, remote-phone-digital-390x844.png,
remote-screen-1280x720.png and remote-screen-1920x1080.png."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, new_session, set_state

TIMEOUT = 15_000  # ms, for every wait on the pages
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "nb-NO",
}
# The page's words in bokmål once `make messages` has brought in the translations; the
# English msgids until then.
SHOW_SCREEN = re.compile(r"^\s*(Vis skjermen|Show the screen)\s*$")
SHOW_SCREEN_SMALL = re.compile(r"^(Vis skjermen på telefonen min|Show the screen on my phone)$")
DIGITAL = re.compile(r"^(Digitalt|Digital)$")
MIN_PHONE_PX = 15.5  # the smallest type on the phone's view of the screen
MIN_CALL_PX = 14  # the smallest type on the screen at 1280x720 (in a video call)
PROMPT = (
    "Lokalavisen ringer og spør hva du mener om saken som ble behandlet i lukket møte i går. "
    "Hva gjør du?"
)
OPTIONS = [
    "Jeg svarer at møtet var lukket, og forklarer hvorfor",
    "Jeg henviser til ordføreren",
    "Jeg ber om å få ringe tilbake når jeg har tenkt meg om",
]

# Every visible element that holds text of its own: its font size and how far it reaches.
MEASURE_JS = """() => {
  const W = window.innerWidth;
  const shown = (el) => {
    if (el.closest("[hidden]")) return false;
    for (let a = el; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.display === "none" || cs.visibility === "hidden") return false;
    }
    return true;
  };
  const texts = [], wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "NOSCRIPT"].includes(el.tagName) || !shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const label = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
    if (r.right > W + 1 || r.left < -1) wide.push(`${label} ${r.left}..${r.right}`);
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (own) texts.push({ label, px: parseFloat(getComputedStyle(el).fontSize),
      text: el.textContent.trim().slice(0, 40) });
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: W, texts, wide };
}"""


async def measure(page: Page) -> dict[str, Any]:
    return await page.evaluate(MEASURE_JS)


def small_type(found: dict[str, Any], minimum: float) -> list[str]:
    return [f"{t['label']} {t['px']}px “{t['text']}”" for t in found["texts"] if t["px"] < minimum]


async def seated(browser: Browser, server: Server, phone: Phone, **context: Any) -> BrowserContext:
    """A browser context whose storage holds the phone's seat (as after joining there)."""
    seat = {"token": phone.token, "participant_id": phone.participant_id, "table": phone.table}
    made = await browser.new_context(**context)
    key, value = json.dumps(f"workshop.seat.{phone.code}"), json.dumps(json.dumps(seat))
    await made.add_init_script(f"localStorage.setItem({key}, {value})")
    return made


def watch_errors(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda error: errors.append(str(error)))


async def test_a_remote_participant_follows_the_screen_on_phone_and_laptop(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    created = await new_session(facilitator, title="Hybrid dag", tables=3, digital_tables=2)
    code = created["code"]
    home = await Phone.join(server, code, name="Kari", remote=True)
    room = [await Phone.join(server, code, table=t) for t in (1, 1, 1, 2, 2, 2)]
    neighbours = [await Phone.join(server, code, table=home.table, remote=True) for _ in range(2)]
    dilemma = await add_activity(facilitator, code, kind="dilemma", prompt=PROMPT, options=OPTIONS)
    errors: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)

    # The phone page at a digital table: a big "Show the screen" that opens the view.
    phone_context = await seated(browser, server, home, **PHONE)
    phone = await phone_context.new_page()
    watch_errors(phone, errors)
    await phone.goto(f"{server.url}/j/{code}")
    button = phone.locator("#show-screen")
    await expect(button).to_be_visible(timeout=TIMEOUT)
    await expect(button).to_have_text(SHOW_SCREEN)
    assert "button" in (await button.get_attribute("class") or "")
    box = await button.bounding_box()
    assert box is not None and box["height"] >= 56 and box["width"] >= 300, box
    await phone.screenshot(path=str(ARTIFACTS / "remote-phone-digital-390x844.png"))
    await button.click()
    await phone.wait_for_url(f"**/j/{code}/screen", timeout=TIMEOUT)
    viewer = phone
    await expect(viewer.locator(".viewer-joining")).to_be_visible(timeout=TIMEOUT)
    # Joining is pointless for someone who is in: no QR code, no corner.
    assert await viewer.locator("img[src*='/qr/']").count() == 0
    await expect(viewer.locator("#corner")).to_be_hidden()
    back = viewer.locator(".viewer-back")
    await expect(back).to_be_visible()
    assert await back.get_attribute("href") == f"/j/{code}"

    # A laptop at home, on the same seat.
    laptop_context = await seated(
        browser, server, home, viewport={"width": 1280, "height": 800}, locale="nb-NO"
    )
    laptop = await laptop_context.new_page()
    watch_errors(laptop, errors)
    await laptop.goto(f"{server.url}/j/{code}/screen")
    await expect(laptop.locator(".viewer-joining")).to_be_visible(timeout=TIMEOUT)

    # The facilitator opens the question: both follow.
    await set_state(facilitator, code, dilemma, "open")
    for page in (viewer, laptop):
        await expect(page.locator(".question-view .prompt")).to_have_text(PROMPT, timeout=TIMEOUT)
        await expect(page.locator(".screen-options li")).to_have_count(3)
    await viewer.screenshot(
        path=str(ARTIFACTS / "remote-viewer-390x844-question.png"), full_page=True
    )
    found = await measure(viewer)
    assert found["scrollWidth"] <= found["innerWidth"], found["wide"]
    assert not found["wide"], found["wide"]
    assert not small_type(found, MIN_PHONE_PX), small_type(found, MIN_PHONE_PX)

    # Votes from the room and from home; the facilitator reveals.
    voters = [*room, *neighbours, home]
    for p in voters:
        await p.connect()
    for i, p in enumerate(voters):
        assert (await p.vote(dilemma, [0, 0, 1, 2, 0, 1, 2, 2, 0][i]))["type"] == "ack"
    await set_state(facilitator, code, dilemma, "revealed")
    for page in (viewer, laptop):
        await expect(page.locator(".results-view .bar-row")).to_have_count(3, timeout=TIMEOUT)
        await expect(page.locator(".results-view .bar-count")).to_have_text(["4", "2", "3"])
    await viewer.screenshot(path=str(ARTIFACTS / "remote-viewer-390x844.png"), full_page=True)
    await laptop.screenshot(path=str(ARTIFACTS / "remote-viewer-1280x800.png"))
    for page, minimum in ((viewer, MIN_PHONE_PX), (laptop, MIN_CALL_PX)):
        found = await measure(page)
        assert found["scrollWidth"] <= found["innerWidth"], found["wide"]
        assert not found["wide"], found["wide"]
        assert not small_type(found, minimum), small_type(found, minimum)

    # Per table, the digital tables carry their tag on the view too.
    response = await facilitator.post(f"/api/sessions/{code}/screen-view", json={"view": "tables"})
    assert response.status_code == 200, response.text
    await expect(viewer.locator(".table-card")).to_have_count(3, timeout=TIMEOUT)
    tagged = viewer.locator(".table-card", has=viewer.locator(".kind-tag"))
    await expect(tagged).to_have_count(1)
    await expect(tagged.locator(".table-card-name")).to_contain_text("Digitalt bord")
    await viewer.screenshot(
        path=str(ARTIFACTS / "remote-viewer-390x844-tables.png"), full_page=True
    )
    found = await measure(viewer)
    assert found["scrollWidth"] <= found["innerWidth"], found["wide"]

    # Back to the table: the phone page again, with its seat.
    await viewer.locator(".viewer-back").click()
    await viewer.wait_for_url(f"**/j/{code}", timeout=TIMEOUT)
    await expect(viewer.locator("#show-screen")).to_be_visible(timeout=TIMEOUT)

    assert not errors, errors
    for p in voters:
        await p.close()
    await phone_context.close()
    await laptop_context.close()


async def test_a_room_phone_gets_a_small_link_and_no_seat_gets_no_screen(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    created = await new_session(facilitator, title="Rom", tables=2, digital_tables=1)
    code = created["code"]
    there = await Phone.join(server, code, table=1)
    context = await seated(browser, server, there, **PHONE)
    page = await context.new_page()
    await page.goto(f"{server.url}/j/{code}")
    link = page.locator("#show-screen")
    await expect(link).to_have_text(SHOW_SCREEN_SMALL, timeout=TIMEOUT)
    assert "button" not in (await link.get_attribute("class") or "")
    await context.close()

    # A browser with no seat is not shown the screen: it is asked to join first.
    stranger = await browser.new_context(**PHONE)
    page = await stranger.new_page()
    await page.goto(f"{server.url}/j/{code}/screen")
    await expect(page.locator(".viewer-message")).to_be_visible(timeout=TIMEOUT)
    await expect(page.locator(".viewer-message .viewer-back-big")).to_have_attribute(
        "href", f"/j/{code}"
    )
    assert await page.locator(".question-view, .results-view").count() == 0
    await stranger.close()


async def test_the_screen_in_a_video_call_and_on_the_projector(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    created = await new_session(facilitator, title="Hybrid dag", tables=4, digital_tables=2)
    code = created["code"]
    seated_phones = [
        *[await Phone.join(server, code, table=t) for t in (1, 1, 1, 2, 2, 2, 3, 3, 3)],
        *[await Phone.join(server, code, table=t, remote=True) for t in (5, 5, 5, 6, 6, 6)],
    ]
    dilemma = await add_activity(facilitator, code, kind="dilemma", prompt=PROMPT, options=OPTIONS)
    await set_state(facilitator, code, dilemma, "open")
    errors: list[str] = []
    pages: dict[str, Page] = {}
    contexts = []
    for name, (width, height) in {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}.items():
        context = await browser.new_context(
            viewport={"width": width, "height": height}, locale="nb-NO"
        )
        contexts.append(context)
        page = pages[name] = await context.new_page()
        watch_errors(page, errors)
        await page.goto(created["screen_url"])
        await expect(page.locator(".question-view .prompt")).to_have_text(PROMPT, timeout=TIMEOUT)

    # The open question: each table's counter, the digital ones tagged.
    for page in pages.values():
        chips = page.locator(".answered-tables li")
        await expect(chips).to_have_count(5, timeout=TIMEOUT)  # the tables with people
        await expect(page.locator(".answered-tables li .kind-tag")).to_have_count(2)
    call = pages["1280x720"]
    found = await measure(call)
    assert found["scrollWidth"] <= found["innerWidth"], found["wide"]
    assert not found["wide"], found["wide"]
    assert not small_type(found, MIN_CALL_PX), small_type(found, MIN_CALL_PX)
    await call.screenshot(path=str(ARTIFACTS / "remote-screen-1280x720-question.png"))

    for i, p in enumerate(seated_phones):
        await p.connect()
        assert (await p.vote(dilemma, i % 3))["type"] == "ack"
    await set_state(facilitator, code, dilemma, "revealed")
    response = await facilitator.post(f"/api/sessions/{code}/screen-view", json={"view": "tables"})
    assert response.status_code == 200, response.text
    for page in pages.values():
        await expect(page.locator(".table-card")).to_have_count(5, timeout=TIMEOUT)
        tagged = page.locator(".table-card", has=page.locator(".kind-tag"))
        await expect(tagged).to_have_count(2)
        await expect(tagged.first.locator(".kind-word")).to_have_text(DIGITAL)
    found = await measure(call)
    assert found["scrollWidth"] <= found["innerWidth"], found["wide"]
    assert not found["wide"], found["wide"]
    assert not small_type(found, MIN_CALL_PX), small_type(found, MIN_CALL_PX)
    await call.screenshot(path=str(ARTIFACTS / "remote-screen-1280x720.png"))
    await pages["1920x1080"].screenshot(path=str(ARTIFACTS / "remote-screen-1920x1080.png"))

    assert not errors, errors
    for p in seated_phones:
        await p.close()
    for context in contexts:
        await context.close()
