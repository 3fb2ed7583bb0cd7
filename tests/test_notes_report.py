"""The tables' notes in the report of the day, from a real server: each activity carries
its tables' notes (table, text), those kept off the screen too but marked, who spoke for the
table only in a report with names; and the PDF still builds with them."""

from __future__ import annotations

import subprocess
from datetime import UTC

import httpx

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, new_session, set_state
from tests.test_notes import Pad
from tests.test_report import PDFTOTEXT, needs_pdftotext, words
from workshop import report


async def _day(server: Server, facilitator: httpx.AsyncClient) -> str:
    created = await new_session(facilitator, title="Notatdagen", tables=2, language="en")
    code = created["code"]
    first = await add_activity(facilitator, code, kind="reflection", prompt="Hva er viktigst?")
    second = await add_activity(
        facilitator, code, kind="poll", prompt="Hva først?", options=["Skole", "Vei"]
    )
    kari = await Phone.join(server, code, name="Kari", table=1)
    per = await Phone.join(server, code, name="Per", table=2)
    for phone in (kari, per):
        await phone.connect()
    await set_state(facilitator, code, first, "open")
    for phone, words_ in ((kari, "Skolen <b>må</b> prioriteres."), (per, "Per sier noe dumt.")):
        pad = Pad(phone, first)
        pad.type(words_)
        assert (await pad.send())["type"] == "ack"
    hidden = await facilitator.put(
        f"/api/sessions/{code}/tables/2/notes/screen", json={"activity": first, "shown": False}
    )
    assert hidden.status_code == 200
    await set_state(facilitator, code, second, "open")
    pad = Pad(kari, second)
    pad.type("Veiene etterpå.")
    assert (await pad.send())["type"] == "ack"
    for phone in (kari, per):
        await phone.close()
    return code


async def test_the_report_carries_every_tables_notes(
    server: Server, facilitator: httpx.AsyncClient
):
    code = await _day(server, facilitator)
    page = await facilitator.get(f"/report/{code}")
    assert page.status_code == 200, page.text[:300]
    html = page.text
    assert "The tables&#39; notes" in html or "The tables' notes" in html
    assert "Skolen &lt;b&gt;må&lt;/b&gt; prioriteres." in html  # what people wrote is escaped
    assert "Per sier noe dumt." in html  # kept off the screen, still in the report ...
    assert html.count("kept off the screen") == 1  # ... and marked, only that one
    assert "Veiene etterpå." in html
    articles = html.split('<article class="activity"')[1:]  # under the activity they are on
    assert "Per sier noe dumt." in articles[0] and "Veiene" not in articles[0]
    assert "Hva først?" in articles[1] and "Veiene etterpå." in articles[1]
    assert "spoke for the table" not in html  # no names in a report without names
    named = await facilitator.get(f"/report/{code}?names=1")
    assert "Kari spoke for the table" in named.text
    assert "Per spoke for the table" in named.text


@needs_pdftotext
async def test_the_pdf_builds_with_the_tables_notes(server: Server, facilitator: httpx.AsyncClient):
    code = await _day(server, facilitator)
    response = await facilitator.get(f"/report/{code}.pdf")
    assert response.status_code == 200, response.text[:300]
    assert response.content.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report-table-notes.pdf"
    path.write_bytes(response.content)
    assert PDFTOTEXT is not None
    text = words(subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True).stdout)
    assert "Skolen <b>må</b> prioriteres." in text
    assert "Per sier noe dumt." in text and "(kept off the screen)" in text
    assert "Veiene etterpå." in text


def test_notes_without_text_and_of_unknown_tables_are_handled():
    state = {
        "tables": [{"number": 1, "name": "Bord 1"}],
        "activities": [{"id": 7, "kind": "reflection", "prompt": "Hva?", "state": "closed"}],
    }
    notes = [
        {"activity": 7, "table": 3, "text": " Tekst. ", "hidden": False, "spokesperson": None},
        {"activity": 7, "table": 1, "text": "  ", "hidden": True, "spokesperson": None},
        {"activity": 7, "table": 1, "text": "B", "hidden": True, "spokesperson": {"name": "Ola"}},
    ]
    model = report.build({}, state, {}, lang="en", tz=UTC, authors={}, table_notes=notes)
    got = model["sections"][0]["activities"][0]["table_notes"]
    assert got == [
        {"table": "Bord 1", "text": "B", "hidden": True, "spokesperson": "Ola"},
        {"table": "3", "text": "Tekst.", "hidden": False, "spokesperson": ""},
    ]
