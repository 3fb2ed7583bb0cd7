"""In Chromium: two phones at one table type their shared notes at the same moment and both
texts survive on both phones; then the round of the tables shows the table on the screen
while the next table's phone says it is next. Screenshots (phone 390x844, screen 1920x1080)
land in test-artifacts/ for a human to look at."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, new_session, set_state

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


FRAMES: dict[int, list[str]] = {}  # what each phone page's sockets received, by id(page)


async def seated_page(browser: Browser, server: Server, code: str, name: str, table: int) -> Page:
    """A phone already seated at `table` (joined over HTTP, its seat in localStorage)."""
    phone = await Phone.join(server, code, name=name, table=table)
    seat = {"token": phone.token, "participant_id": phone.participant_id, "table": table}
    context: BrowserContext = await browser.new_context(**PHONE)
    key, value = json.dumps(f"workshop.seat.{code}"), json.dumps(json.dumps(seat))
    await context.add_init_script(f"localStorage.setItem({key}, {value})")
    page = await context.new_page()
    received = FRAMES[id(page)] = []

    def heard(payload: str | bytes) -> None:
        received.append(payload if isinstance(payload, str) else payload.decode())

    page.on("websocket", lambda ws: ws.on("framereceived", heard))
    await page.goto(f"{server.url}/j/{code}")
    await expect(page.locator("body")).to_have_attribute("data-connection", "open")
    return page


async def test_two_phones_type_notes_at_once_and_the_round_shows_them(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    created = await new_session(facilitator, title="Bordnotater", tables=2)
    code = created["code"]
    activity = await add_activity(
        facilitator,
        code,
        kind="poll",
        prompt="Hva bør kommunen gjøre først?",
        options=["Bygge skole", "Fikse veiene", "Vente"],
    )
    await set_state(facilitator, code, activity, "open")
    kari = await seated_page(browser, server, code, "Kari", 1)
    ola = await seated_page(browser, server, code, "Ola", 1)
    eva = await seated_page(browser, server, code, "Eva", 2)
    await expect(kari.locator("#speaker-line")).to_have_text(
        re.compile("Du legger fram for bordet")
    )
    await expect(ola.locator("#speaker-line")).to_have_text(
        re.compile("Kari legger fram for bordet")
    )

    kari_text = "Kari: skolen må prioriteres. "
    ola_text = "Ola: veiene er viktigere! "
    await kari.locator("#table-notes").click()
    await ola.locator("#table-notes").click()
    # Both type at once, key by key, neither waiting for the other.
    await asyncio.gather(
        kari.keyboard.type(kari_text, delay=25),
        ola.keyboard.type(ola_text, delay=25),
    )
    # Each phone ends with every character both typed (the last ones may still be on
    # their way when the typing stops), and both hold the same text.
    every_character = re.compile(f"^.{{{len(kari_text + ola_text)}}}$", re.S)
    for page in (kari, ola):
        area = page.locator("#table-notes")
        await expect(area).to_have_value(every_character)
        await expect(area).to_have_value(re.compile(re.escape(kari_text.strip())))
        await expect(area).to_have_value(re.compile(re.escape(ola_text.strip())))
    together = await kari.locator("#table-notes").input_value()
    await expect(ola.locator("#table-notes")).to_have_value(together)
    # Another table's notes stay its own.
    await expect(eva.locator("#table-notes")).to_have_value("")

    # Kari types on after Ola's text arrived: the caret stayed where Kari was typing.
    await kari.keyboard.type("Slutt.")
    await expect(ola.locator("#table-notes")).to_have_value(
        re.compile(
            re.escape(kari_text + "Slutt.") + "|" + re.escape(kari_text.rstrip()) + r".*Slutt\."
        )
    )

    # Ola votes, Kari calls the facilitator; Ola's phone shows the table called.
    await ola.locator("button.option").nth(1).click()
    await kari.get_by_role("button", name="Tilkall kurslederen").click()
    await expect(ola.locator(".hand-line")).to_contain_text("Kurslederen er tilkalt")
    ARTIFACTS.mkdir(exist_ok=True)
    await kari.screenshot(path=str(ARTIFACTS / "phone-table-notes.png"), full_page=True)

    # The round of the tables: the screen shows table 1, table 2's phone is told it is next.
    screen_context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    screen = await screen_context.new_page()
    await screen.goto(created["screen_url"])
    started = await facilitator.post(
        f"/api/sessions/{code}/round", json={"action": "start", "seconds": 120}
    )
    assert started.status_code == 200, started.text
    await expect(screen.locator(".round-table")).to_have_text("Bord 1")
    await expect(screen.locator(".round-speaker")).to_contain_text("Kari")
    await expect(screen.locator(".round-notes-text")).to_contain_text("Ola: veiene er viktigere!")
    await expect(screen.locator(".round-next")).to_contain_text("Bord 2")
    await expect(eva.locator("#table-turn")).to_contain_text("Bordet ditt er neste")
    await expect(kari.locator("#table-turn")).to_contain_text(
        "Nå er det bordet ditt som legger fram"
    )
    await screen.screenshot(path=str(ARTIFACTS / "screen-round.png"))
    await eva.screenshot(path=str(ARTIFACTS / "phone-round-next.png"))
    moved = await facilitator.post(f"/api/sessions/{code}/round", json={"action": "next", "at": 1})
    assert moved.status_code == 200, moved.text
    await expect(screen.locator(".round-table")).to_have_text("Bord 2")
    await expect(eva.locator("#table-turn")).to_contain_text(
        "Nå er det bordet ditt som legger fram"
    )
    await expect(kari.locator("#table-turn")).to_be_hidden()
    await facilitator.post(f"/api/sessions/{code}/round", json={"action": "stop"})
    await expect(screen.locator(".round-view")).to_have_count(0)


async def test_the_caret_stays_put_offline_typing_survives_and_a_fast_typist_is_not_refused(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    created = await new_session(facilitator, title="Markør", tables=1)
    code = created["code"]
    activity = await add_activity(facilitator, code, kind="reflection", prompt="Hva nå?")
    await set_state(facilitator, code, activity, "open")
    kari = await seated_page(browser, server, code, "Kari", 1)
    ola = await seated_page(browser, server, code, "Ola", 1)
    kari_area, ola_area = kari.locator("#table-notes"), ola.locator("#table-notes")
    witness = await Phone.join(server, code, name="Per", table=1)
    await witness.connect()

    # Kari's caret sits in the middle of the text while Ola writes before it.
    await kari_area.click()
    await kari.keyboard.type("AAA BBB")
    await expect(ola_area).to_have_value("AAA BBB")
    await kari_area.evaluate("area => area.setSelectionRange(4, 4)")  # before "BBB"
    await ola_area.click()
    await ola_area.evaluate("area => area.setSelectionRange(0, 0)")
    await ola.keyboard.type("Ola: ")
    await expect(kari_area).to_have_value("Ola: AAA BBB")
    assert await kari_area.evaluate("area => area.selectionStart") == 9  # moved with the text
    await kari.keyboard.type("x")
    await expect(ola_area).to_have_value("Ola: AAA xBBB")

    # Ola goes offline and types on; Kari types meanwhile; both survive once Ola is back.
    await ola.context.set_offline(True)
    await expect(ola.locator("body")).to_have_attribute("data-connection", "closed")
    await ola_area.evaluate("area => area.setSelectionRange(area.value.length, area.value.length)")
    await ola.keyboard.type(" (skrevet uten nett)")
    await kari_area.evaluate("area => area.setSelectionRange(0, 0)")
    # Slowly: Ola's page would have sent its text (at most 250 ms after typing) long before.
    await kari.keyboard.type("Kari: ", delay=100)
    # A third phone at the table sees Kari's change, and nothing yet of what Ola typed offline.
    assert witness.socket is not None
    seen = await witness.socket.wait_for(
        lambda m: m["type"] == "table" and "Kari: " in ((m.get("notes") or {}).get("text") or "")
    )
    assert "uten nett" not in seen["notes"]["text"]
    await ola.context.set_offline(False)
    final = "Kari: Ola: AAA xBBB (skrevet uten nett)"
    await expect(kari_area).to_have_value(final, timeout=20_000)
    await expect(ola_area).to_have_value(final)

    # A fast typist (no pause between keys) is never told to slow down.
    fast = " Veldig rask skriving uten pause, mange tegn etter hverandre." * 3
    await kari_area.evaluate("area => area.setSelectionRange(area.value.length, area.value.length)")
    await kari.keyboard.type(fast, delay=0)
    await expect(ola_area).to_have_value(final + fast)
    await expect(kari.locator(".notes-problem")).to_be_hidden()
    # Not even a "wait a moment": the phone batches its keystrokes under the server's limit.
    notes_frames = [f for f in FRAMES[id(kari)] if '"type":"ack"' in f]
    assert notes_frames, "the phone's notes were never acknowledged"
    assert not [f for f in FRAMES[id(kari)] if '"type":"error"' in f]
    await kari.reload()  # and the notes come back after a reload
    await expect(kari.locator("#table-notes")).to_have_value(final + fast)
    await witness.close()


async def test_the_console_keeps_a_tables_notes_off_the_screen_and_empties_them(
    server: Server, facilitator: httpx.AsyncClient, browser: Browser
) -> None:
    created = await new_session(facilitator, title="Ordstyrer", tables=2, language="en")
    code = created["code"]
    activity = await add_activity(facilitator, code, kind="reflection", prompt="Hva nå?")
    await set_state(facilitator, code, activity, "open")
    kari = await seated_page(browser, server, code, "Kari", 1)
    ola = await seated_page(browser, server, code, "Ola", 1)
    console = await (await browser.new_context(viewport={"width": 1440, "height": 1000})).new_page()
    await console.context.add_cookies(
        [{"name": k, "value": v, "url": server.url} for k, v in facilitator.cookies.items()]
    )
    await console.goto(f"{server.url}/console/{code}")
    screen = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    await screen.goto(created["screen_url"])

    await kari.locator("#table-notes").click()
    await kari.keyboard.type("Ola er dum.")
    row = console.locator('#talk-notes li[data-table="1"]')
    await expect(row.locator(".talk-note-text")).to_have_text("Ola er dum.")  # live
    await expect(row.locator(".talk-note-speaker")).to_contain_text("Kari")
    started = await facilitator.post(f"/api/sessions/{code}/round", json={"action": "start"})
    assert started.status_code == 200, started.text
    await expect(screen.locator(".round-notes-text")).to_have_text("Ola er dum.")

    # Off the screen: the round says so; the phones keep the notes.
    await row.get_by_role("button", name="Keep off the screen").click()
    await expect(screen.locator(".round-notes-hidden")).to_have_text("Notes not shown.")
    await expect(screen.locator(".round-notes-text")).to_have_count(0)
    await expect(row.locator(".talk-note-off")).to_be_visible()
    await expect(ola.locator("#table-notes")).to_have_value("Ola er dum.")

    # Emptied, after the second press (Cancel first changes nothing).
    await row.get_by_role("button", name="Empty the notes…").click()
    await expect(row.locator(".talk-note-ask")).to_contain_text("Table 1")
    await row.get_by_role("button", name="Cancel").click()
    await expect(row.locator(".talk-note-confirm")).to_be_hidden()
    await expect(ola.locator("#table-notes")).to_have_value("Ola er dum.")
    await row.get_by_role("button", name="Empty the notes…").click()
    await row.get_by_role("button", name="Yes, empty them").click()
    await expect(ola.locator("#table-notes")).to_have_value("")
    await expect(kari.locator("#table-notes")).to_have_value("")
    await expect(kari.locator(".notes-problem")).to_contain_text("emptied")
    await expect(row.locator(".talk-note-text")).to_have_text("Nothing written yet.")
    # The table writes again; nothing of the old text comes back, even after a reload.
    await ola.locator("#table-notes").click()
    await ola.keyboard.type("Vi starter på nytt.")
    await expect(kari.locator("#table-notes")).to_have_value("Vi starter på nytt.")
    await expect(row.locator(".talk-note-text")).to_have_text("Vi starter på nytt.")
    await kari.reload()
    await expect(kari.locator("#table-notes")).to_have_value("Vi starter på nytt.")
    await row.get_by_role("button", name="Show on the screen").click()
    await expect(screen.locator(".round-notes-text")).to_have_text("Vi starter på nytt.")
    ARTIFACTS.mkdir(exist_ok=True)
    await console.locator("#talk-panel").screenshot(path=str(ARTIFACTS / "console-table-notes.png"))
