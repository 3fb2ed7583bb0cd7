"""The report of the day: `/report/{code}` (a page to read and print) and
`/report/{code}.pdf` (the same, made into an A4 PDF on the server by WeasyPrint).

Only the session's own facilitator gets either, like the console. The data comes from the
service layer (`Workshop.console_state`, `Workshop.results`); `workshop/report.py` makes the
view model and `templates/report.html` draws it, so user text is only ever escaped text.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import multiprocessing
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from workshop import report
from workshop.domain import MAX_PAGE, Session
from workshop.i18n import LANGUAGES
from workshop.web.guard import workshop
from workshop.web.pages import _owned_page, page_language

log = logging.getLogger("workshop")

try:  # the councils are Norwegian: their clock, whatever the server's is
    TIMEZONE: Any = ZoneInfo("Europe/Oslo")
except ZoneInfoNotFoundError:  # pragma: no cover - a system without tzdata
    from datetime import UTC as TIMEZONE

# A PDF of a long day takes seconds of CPU in WeasyPrint (pure Python layout). Made in a
# worker thread it would hold the GIL against the live room's event loop (measured: answers
# stalled up to 0.8 s while a 110-page PDF was made), so it is made in a worker process,
# started on the first PDF and kept; at most two at once, so a row of downloads cannot take
# every core from the room. The same report asked again (nothing changed since) is answered
# from memory: the key is the HTML itself, so any new answer makes a new PDF.
PDF_SLOTS = asyncio.Semaphore(2)
PDF_KEPT = 8
PDFS_PER_WORKER = 50  # then a fresh process: a long-running server does not grow
_made: OrderedDict[str, bytes] = OrderedDict()
_making: dict[str, asyncio.Future[bytes]] = {}
_preparing: set[asyncio.Task[None]] = set()
_workers: ProcessPoolExecutor | None = None


def _pool() -> ProcessPoolExecutor:
    global _workers
    if _workers is None:
        _workers = ProcessPoolExecutor(
            max_workers=2,
            mp_context=multiprocessing.get_context("spawn"),  # never fork a running loop
            max_tasks_per_child=PDFS_PER_WORKER,
            initializer=_worker_starts,
        )
    return _workers


def _worker_starts() -> None:
    """A PDF worker collects garbage less often: WeasyPrint makes millions of small objects,
    and the default thresholds cost a tenth of a long report's time (measured: 5.7 s to
    5.1 s for 110 pages, 60 MB more at the peak)."""
    gc.set_threshold(50_000, 20, 100)


async def _in_worker(html: str, stylesheet: Path) -> bytes:
    global _workers
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_pool(), make_pdf, html, stylesheet)
    except BrokenProcessPool:  # a worker died (killed, out of memory): start anew once
        _workers = None
        return await loop.run_in_executor(_pool(), make_pdf, html, stylesheet)


async def _html(request: Request, session: Session, *, pdf: bool) -> str:
    """The report as HTML: the data read on the event loop, the view model and the
    template (a 150-person day is 0.5 MB of HTML) made in a worker thread."""
    service = workshop(request)
    lang = page_language(request, session)
    state = await service.console_state(session.id)
    results = await service.results(session)
    authors = await _authors(request, session, state) if _with_names(request) else None
    notes = await service.talking.report_notes(session.id)  # the tables' notes (talking.py)
    info = {
        "title": session.title,
        "code": session.code,
        "created_at": session.created_at,
        "organisation": getattr(session, "organisation", "") or "",
    }
    template = request.app.state.templates.get_template("report.html")
    links = _links(request, session)

    def draw() -> str:
        model = report.build(
            info, state, results, lang=lang, tz=TIMEZONE, authors=authors, table_notes=notes
        )
        return template.render(lang=lang, report=model, links=links, pdf=pdf)

    return await asyncio.to_thread(draw)


def _with_names(request: Request) -> bool:
    return request.query_params.get("names") == "1"


async def _authors(request: Request, session: Session, state: dict[str, Any]) -> dict[str, str]:
    """post id → the name its writer gave, for a report the facilitator asked names in."""
    service = workshop(request)
    names: dict[int, str] = {}
    offset, total = 0, 1
    while offset < total:
        page, total = await service.participants(session, offset, MAX_PAGE)
        names.update({p.id: p.name for p in page if p.name})
        offset += MAX_PAGE
    authors: dict[str, str] = {}
    for activity in state["activities"]:
        if activity["kind"] != "reflection" or not activity.get("posts_total"):
            continue
        posts, _, _ = await service.store.posts_page(activity["id"], 0, activity["posts_total"])
        authors.update({p.id: names[p.participant_id] for p in posts if p.participant_id in names})
    return authors


def _links(request: Request, session: Session) -> dict[str, str]:
    lang = request.query_params.get("lang")
    keep = {"lang": lang} if lang in LANGUAGES else {}
    names = {**keep, "names": "1"}

    def to(path: str, query: dict[str, str]) -> str:
        return f"{path}?{urlencode(query)}" if query else path

    page, pdf = f"/report/{session.code}", f"/report/{session.code}.pdf"
    return {
        "pdf": to(pdf, names if _with_names(request) else keep),
        "with_names": to(page, names),
        "without_names": to(page, keep),
        "console": f"/console/{session.code}",
    }


async def report_page(request: Request) -> Response:
    session = await _owned_page(request)
    if isinstance(session, Response):
        return session
    html = await _html(request, session, pdf=False)
    if (session.closing or session.closed_at is not None) and not PDF_SLOTS.locked():
        # The day is over and its figures stay: make the PDF while the facilitator reads,
        # so "Download PDF" answers at once.
        task = asyncio.create_task(_prepare(request, session))
        _preparing.add(task)
        task.add_done_callback(_preparing.discard)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


async def report_pdf(request: Request) -> Response:
    session = await _owned_page(request)
    if isinstance(session, Response):
        return session
    pdf = await _pdf(
        request.app.state.settings.static_dir / "report.css",
        await _html(request, session, pdf=True),
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": _disposition(session),
            "Cache-Control": "no-store",
        },
    )


async def _prepare(request: Request, session: Session) -> None:
    try:
        html = await _html(request, session, pdf=True)
        await _pdf(request.app.state.settings.static_dir / "report.css", html)
    except Exception:  # only a head start: the download makes it again and says what failed
        log.exception("preparing the report's PDF")


async def _pdf(stylesheet: Path, html: str) -> bytes:
    """The PDF of this HTML: kept from before, being made for another request (a double
    click, the page's head start), or made now."""
    key = hashlib.sha256(html.encode() + stylesheet.read_bytes()).hexdigest()
    made = _made.get(key)
    if made is not None:
        _made.move_to_end(key)
        return made
    making = _making.get(key)
    if making is None:
        making = _making[key] = asyncio.ensure_future(_make(key, html, stylesheet))
    return await asyncio.shield(making)  # a download given up does not stop the others'


async def _make(key: str, html: str, stylesheet: Path) -> bytes:
    try:
        async with PDF_SLOTS:
            pdf = await _in_worker(html, stylesheet)
        _made[key] = pdf
        while len(_made) > PDF_KEPT:
            _made.popitem(last=False)
        return pdf
    finally:
        _making.pop(key, None)


def make_pdf(html: str, stylesheet: Path) -> bytes:
    """The report's HTML as a tagged A4 PDF. Nothing is fetched: the style sheet is read from
    disk, the charts are inline SVG, and any other address is refused."""
    import weasyprint  # a heavy import: only once a PDF is asked for

    _remember_page_references()
    refuse = _refusing_fetcher()
    document = weasyprint.HTML(string=html, url_fetcher=refuse)
    return document.write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(stylesheet), url_fetcher=refuse)],
        pdf_tags=True,  # headings, lists and tables readable by a screen reader
    )


def _remember_page_references() -> None:
    """pydyf's `PDF.page_references` builds the tuple of every page's reference each time it
    is read, and WeasyPrint's tagging reads it once per tagged element: for a 110-page day
    with 9,500 elements, a million references made (measured: 0.3-0.4 s of the PDF's 5). The
    same tuple, kept until a page is added, is the same PDF byte for byte."""
    import pydyf

    made = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(made, property) or getattr(made.fget, "remembered", False):
        return
    build = made.fget

    def page_references(pdf: Any) -> Any:
        kept = pdf.__dict__.get("_page_references")
        pages = len(pdf.pages["Kids"])
        if kept is None or kept[0] != pages:
            kept = pdf.__dict__["_page_references"] = (pages, build(pdf))
        return kept[1]

    page_references.remembered = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign]


def _refusing_fetcher() -> Any:
    """A URL fetcher that fetches nothing: a `URLFetcher` in newer WeasyPrint, a function
    in older ones."""
    from weasyprint import urls

    def refuse(url: str, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"a report fetches nothing: {url[:80]}")

    base = getattr(urls, "URLFetcher", None)
    if base is None:
        return refuse

    class Refuse(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            return refuse(url)

    return Refuse()


def _file_name(title: str, code: str, keep: Any) -> str:
    safe = "".join(c if keep(c) else "-" for c in title.lower())
    safe = "-".join(part for part in safe.split("-") if part)
    return f"rapport-{safe[:40] or code.lower()}.pdf"


def _disposition(session: Session) -> str:
    """`inline` (the browser shows it, and can save it) with an ASCII `filename` and the
    title itself in an RFC 5987 `filename*`, like the plan file."""
    fallback = _file_name(session.title, session.code, lambda c: c.isascii() and c.isalnum())
    full = _file_name(session.title, session.code, str.isalnum)
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(full, safe='')}"


routes = [
    # before `/report/{code}`, which would take "ABC234.pdf" for a code
    Route("/report/{code}.pdf", report_pdf),
    Route("/report/{code}", report_page),
]
