"""The report of the day (issue 15): `/report/{code}` and its PDF, from a real server and real
phones, read back as a person would (the page's text, `pdftotext`), and the view model
(`workshop/report.py`) on its own, evaluation included."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import Markup
from playwright.async_api import Browser

from tests.chromium import ARTIFACTS
from tests.live import Phone, Server, add_activity, login, new_id, new_session, results
from workshop import report
from workshop.resources import STATIC, TEMPLATES
from workshop.web.report_pages import make_pdf
from workshop.web.templating import make_templates

TITLE = "Nordre Land kommunestyre"
POLL = "Hvor lenge har du vært folkevalgt?"
POLL_OPTIONS = ["Under ett år", "Ett til fire år", "Mer enn fire år"]
DILEMMA = "Ordføreren får en gave fra en lokal entreprenør. Skal hun ta imot den?"
REFLECTION = "Hva tar du med deg fra i dag?"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/","klikk")'
HOSTILE_WHY = "<img src=x onerror=alert(2)> fordi gaver binder"
HIDDEN = "Dette innlegget skjulte kurslederen"
NAMED = "Kari Nordmann"
EVALUATION_TEXTS = ["Mer tid til <b>dilemmaene</b>, takk", "Kortere pauser og mer gruppearbeid"]
PDFTOTEXT = shutil.which("pdftotext")

needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="make test installs poppler-utils")


def words(text: str) -> str:
    return " ".join(text.split())


async def _next(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.post(f"/api/sessions/{code}/next", json={})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
async def day(server: Server) -> AsyncIterator[dict[str, Any]]:
    """One day run through the plan with Next: a poll, a dilemma with whys, a wall with a
    hostile post and a hidden one, and the poll again at the end. Tables 1-3 have three or
    four people; table 4 has one, so it (and the next smallest) stays out of per-table
    figures."""
    client = await login(server, "anna")
    created = await new_session(client, title=TITLE, tables=4)
    code = created["code"]
    segments = []
    for title, body in (
        ("Velkommen og roller", {"start": "09:00", "minutes": 15}),
        ("Habilitet i praksis", {"minutes": 45}),
        ("Avslutning", {"minutes": 15}),
    ):
        response = await client.post(
            f"/api/sessions/{code}/segments", json={"title": title, **body}
        )
        assert response.status_code == 201, response.text
        segments.append(response.json()["id"])
    poll = await add_activity(
        client, code, kind="poll", prompt=POLL, options=POLL_OPTIONS, segment=segments[0]
    )
    dilemma = await add_activity(
        client, code, kind="dilemma", prompt=DILEMMA, options=["Ja", "Nei"], segment=segments[1]
    )
    wall = await add_activity(
        client, code, kind="reflection", prompt=REFLECTION, segment=segments[1]
    )
    again = await add_activity(
        client, code, kind="poll", prompt=POLL, options=POLL_OPTIONS, segment=segments[2]
    )
    evaluation = await add_activity(client, code, kind="evaluation")
    seats = [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4]
    phones = []
    for i, table in enumerate(seats):
        name = NAMED if i == 0 else ""
        phone = await Phone.join(server, code, name=name, table=table)
        await phone.connect()
        phones.append(phone)
    try:
        await _next(client, code)  # the first segment's title
        assert (await _next(client, code))["activity"] == poll
        for i, phone in enumerate(phones):
            assert (await phone.vote(poll, i % 3))["type"] == "ack"
        await _next(client, code)
        assert (await _next(client, code))["activity"] == dilemma
        for i, phone in enumerate(phones):
            why = HOSTILE_WHY if i == 1 else ("Vi må tenke habilitet" if i % 4 == 0 else "")
            assert (await phone.vote(dilemma, i % 2, why=why))["type"] == "ack"
        assert (await _next(client, code))["activity"] == wall
        for phone, text in zip(
            phones, [SCRIPT, FORMULA, HIDDEN, "Mer åpenhet om gaver og reiser."], strict=False
        ):
            assert (await phone.post(wall, text))["type"] == "ack"
        hidden = next(
            p for p in (await results(client, code))[wall]["posts"] if p["text"] == HIDDEN
        )
        response = await client.post(
            f"/api/sessions/{code}/posts/{hidden['id']}/hidden", json={"hidden": True}
        )
        assert response.status_code == 200, response.text
        await _next(client, code)
        assert (await _next(client, code))["activity"] == again
        for i, phone in enumerate(phones):
            assert (await phone.vote(again, (i + 1) % 3))["type"] == "ack"
        closing = await _next(client, code)
        assert closing == {"segment": None, "activity": evaluation, "closing": True}
        for i, phone in enumerate(phones):
            answers: dict[str, Any] = {
                "topics": segments[: 1 + i % 3],
                "useful": 3 + i % 3,
                "engaged": 5 - i % 2,
                "again": "yes" if i % 4 else "unsure",
            }
            if i < 2:
                answers["comment"] = EVALUATION_TEXTS[i]
            assert phone.socket is not None
            client_id = new_id()
            since = len(phone.socket.received)
            await phone.socket.send(
                {"type": "evaluation", "id": client_id, "activity": evaluation, "answers": answers}
            )
            assert (await phone.socket.reply_to(client_id, since=since))["type"] == "ack"
        yield {"client": client, "code": code, "prompts": [POLL, DILEMMA, REFLECTION]}
    finally:
        for phone in phones:
            await phone.close()
        await client.aclose()


async def test_the_report_page_shows_the_day_and_escapes_what_people_wrote(day):
    response = await day["client"].get(f"/report/{day['code']}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert TITLE in html
    assert "Rapport fra dagen" in html  # the session's language: bokmål
    for prompt in day["prompts"]:
        assert str(Markup.escape(prompt)) in html
    # the plan as it ran: planned times, and every segment
    for text in ("09:00", "09:15", "10:00", "Velkommen og roller", "Avslutning"):
        assert text in html
    # hostile text is text: no tag of it, and the page has no script at all
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert str(Markup.escape(FORMULA)) in html
    # left out: the hidden post, and names by default
    assert HIDDEN not in html
    assert NAMED not in html
    # per table: table 4 (one person) and the next smallest only together
    assert "Andre bord" in html
    assert "Bord 4" not in html
    assert "<svg" in html
    assert "Før og etter" in html  # the poll was asked twice
    # the evaluation: 11 responses, its free texts (as text), a mean
    assert "Evaluering" in html
    assert "11 svar" in html
    assert "Mer tid til &lt;b&gt;dilemmaene&lt;/b&gt;, takk" in html
    assert "Snitt" in html


async def test_names_only_when_the_facilitator_asks(day):
    response = await day["client"].get(f"/report/{day['code']}?names=1")
    assert response.status_code == 200
    assert NAMED in response.text
    assert HIDDEN not in response.text


async def test_the_report_is_for_its_own_facilitator_only(server: Server, day):
    other = await login(server, "bjorn")
    try:
        for path in (f"/report/{day['code']}", f"/report/{day['code']}.pdf"):
            response = await other.get(path)
            assert response.status_code == 404, path
            assert TITLE not in response.text
    finally:
        await other.aclose()
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        response = await anonymous.get(f"/report/{day['code']}.pdf")
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next=/report/{day['code']}.pdf"
        assert (await anonymous.get("/report/NOSUCH")).status_code == 303


@needs_pdftotext
async def test_the_pdf_reads_back_with_everything_and_without_the_hidden_post(day):
    response = await day["client"].get(f"/report/{day['code']}.pdf")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline; filename=")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = words(text)
    assert TITLE in flat
    for prompt in day["prompts"]:
        assert prompt in flat, prompt
    assert SCRIPT in flat
    assert FORMULA in flat
    assert HOSTILE_WHY in flat
    for text in EVALUATION_TEXTS:
        assert text in flat
    assert HIDDEN not in flat
    assert NAMED not in flat
    # page numbers in the footer, and the contents give pages
    pages = int(re.search(r"Side 1 av (\d+)", flat).group(1))  # type: ignore[union-attr]
    assert pages >= 3
    assert f"Side {pages} av {pages}" in flat
    assert re.search(r"Programmet slik det gikk \.{3,} ?\d", flat), flat[:800]
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "4",
            str(path),
            str(ARTIFACTS / "report-pdf"),
        ],
        check=True,
        timeout=60,
    )
    assert (ARTIFACTS / "report-pdf-1.png").is_file()


async def test_a_screenshot_of_the_report_page(server: Server, day, browser: Browser):
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    cookies = [
        {"name": c.name, "value": c.value or "", "url": server.url}
        for c in day["client"].cookies.jar
    ]
    await context.add_cookies(cookies)  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(f"{server.url}/report/{day['code']}")
    await page.get_by_role("link", name="Last ned PDF").wait_for(timeout=10_000)
    assert await page.locator("svg.chart").count() >= 4
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    await context.close()


# --- the view model and the template, without a server -------------------------------------


def _state(evaluation: dict[str, Any] | None = None) -> dict[str, Any]:
    activities = [
        {
            "id": 1,
            "kind": "scale",
            "title": "",
            "prompt": "Kommunestyret samarbeider godt",
            "options": ["Helt uenig", "Uenig", "Verken eller", "Enig", "Helt enig"],
            "state": "revealed",
            "segment": 10,
            "answered": 9,
        },
        {
            "id": 2,
            "kind": "poll",
            "title": "",
            "prompt": "Aldri kjørt",
            "options": ["A", "B"],
            "state": "draft",
            "segment": 10,
            "answered": 0,
        },
    ]
    if evaluation:
        activities.append(evaluation)
    return {
        "min_group": 3,
        "participants": 9,
        "tables": [{"number": n, "name": f"Bord {n}"} for n in (1, 2, 3)],
        "activities": activities,
        "segments": [
            {
                "id": 10,
                "title": "Kultur i kommunestyret",
                "day": 1,
                "start": "09:00",
                "minutes": 60,
                "started_at": 1_796_200_000.0,
                "activities": [1, 2],
            },
            {
                "id": 11,
                "title": "Lunsj",
                "day": 1,
                "start": "10:00",
                "minutes": 30,
                "started_at": 1_796_200_000.0 + 70 * 60,
                "activities": [],
            },
        ],
        "days": [{"day": 1, "start": "09:00", "started_at": 1_796_200_000.0}],
    }


EVALUATION = {
    "id": 3,
    "kind": "evaluation",
    "title": "",
    "prompt": "Hva syntes du om dagen?",
    "options": [],
    "state": "closed",
    "segment": None,
    "answered": 4,
    "questions": [
        {
            "key": "topics",
            "kind": "topics",
            "prompt": "Hvilke temaer var mest nyttige?",
            "choices": [
                {"id": 10, "label": "Kultur i kommunestyret"},
                {"id": 11, "label": "Lunsj"},
            ],
        },
        {
            "key": "useful",
            "kind": "scale",
            "prompt": "Hvor nyttig var dagen?",
        },
        {
            "key": "again",
            "kind": "choice",
            "prompt": "Vil du ha samme kursleder igjen?",
            "choices": [
                {"id": "yes", "label": "Ja"},
                {"id": "no", "label": "Nei"},
                {"id": "unsure", "label": "Usikker"},
            ],
        },
        {"key": "comment", "kind": "text", "prompt": "Hva bør gjøres annerledes?"},
    ],
}

EVALUATION_RESULTS = {
    "id": 3,
    "kind": "evaluation",
    "responses": 4,
    "questions": EVALUATION["questions"],
    "summary": {
        "topics": {"counts": {"10": 3, "11": 2}},
        "useful": {"counts": [0, 0, 1, 1, 2], "mean": 4.25},
        "again": {"counts": {"yes": 3, "unsure": 1}},
        "comment": {"texts": ["Mer tid til <b>dilemmaer</b>", "Kortere pauser"]},
    },
}


def _results(evaluation: bool = False) -> dict[str, Any]:
    scale = {
        "id": 1,
        "kind": "scale",
        "counts": [0, 1, 2, 4, 2],
        # table 3 has two answers: it and the next smallest (table 1) only as "Other tables"
        "tables": {"1": [0, 1, 1, 1, 0], "2": [0, 0, 1, 2, 1], "3": [0, 0, 0, 1, 1]},
        "posts": [],
        "whys": [],
    }
    draft = {"id": 2, "kind": "poll", "counts": [0, 0], "tables": {}, "posts": [], "whys": []}
    return {"activities": [scale, draft, *([EVALUATION_RESULTS] if evaluation else [])]}


def _build(evaluation: bool = False, lang: str = "nb") -> dict[str, Any]:
    session = {"title": "Vestby kommunestyre", "code": "ABCDEF", "created_at": 1_796_100_000.0}
    state = _state(EVALUATION if evaluation else None)
    return report.build(session, state, _results(evaluation), lang=lang, tz=UTC)


def test_the_plan_has_planned_and_actual_times():
    model = _build()
    (day_1,) = model["days"]
    first, lunch = day_1["segments"]
    assert (first["planned"], first["minutes"], first["took"]) == ("09:00", 60, 70)
    assert first["actual"] and lunch["actual"]
    assert lunch["took"] is None  # nothing started after it
    assert [a["number"] for a in first["activities"]] == [1, None]  # the draft never ran
    assert model["facts"]["activities"] == 1


def test_small_tables_only_together_and_a_mean_as_the_reader_writes_it():
    (section,) = _build()["sections"]
    (scale,) = section["activities"]
    assert scale["mean"] == "3,8"  # (2 + 6 + 16 + 10) / 9, in Norwegian
    labels = [row.label[0] for row in scale["tables_chart"].stacked]
    assert labels == ["Bord 2", "Andre bord"]
    assert scale["tables_left_out"] == 2
    assert [r.bars[0].value for r in scale["chart"].rows][3] == "4 (44 %)"
    assert "Enig: 4 (44 %)" in scale["chart"].summary  # what a screen reader is given


@needs_pdftotext
def test_the_evaluation_summary_is_rendered_from_the_contract_shape():
    model = _build(evaluation=True, lang="nb")
    (evaluation,) = model["evaluations"]
    topics, useful, again, comment = evaluation["questions"]
    assert [row.label[0] for row in topics["chart"].rows] == ["Kultur i kommunestyret", "Lunsj"]
    # a topic's share is of the 4 who answered, not of the 5 topics chosen in all
    assert [row.bars[0].value for row in topics["chart"].rows] == ["3 (75 %)", "2 (50 %)"]
    assert (useful["mean"], useful["high"]) == ("4,2", 75)
    assert [row.bars[0].value for row in again["chart"].rows] == ["3 (75 %)", "0 (0 %)", "1 (25 %)"]
    assert comment["texts"] == ["Mer tid til <b>dilemmaer</b>", "Kortere pauser"]

    templates = make_templates(TEMPLATES, STATIC)
    html = templates.get_template("report.html").render(lang="nb", report=model, links={}, pdf=True)
    assert "Mer tid til &lt;b&gt;dilemmaer&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "Evaluering" in html
    pdf = make_pdf(html, STATIC / "report.css")
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        [PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = words(text)
    assert "Hvor nyttig var dagen?" in flat
    assert "Mer tid til <b>dilemmaer</b>" in flat
    assert "Snitt 4,2 av 5" in flat


def test_a_report_fetches_nothing_from_outside(tmp_path: Path):
    """Only escaped text reaches the HTML, but even markup that names an address is drawn
    without fetching it: a listening port gets no connection."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        html = (
            f'<html><body><p>x</p><img src="http://127.0.0.1:{port}/leak.png">'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/leak.css"></body></html>'
        )
        css = tmp_path / "empty.css"
        css.write_text("")
        assert make_pdf(html, css).startswith(b"%PDF")
        with pytest.raises(BlockingIOError):
            listener.accept()
