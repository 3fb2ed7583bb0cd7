"""What the plain phone pages (`plain_pages.py`) need beside their routes: form fields, the
seat's cookie, the join forms already answered, and the current activity as a template
reads it.

The seat's token lives in an HttpOnly, SameSite=Lax cookie scoped to `/j/{code}`, the
plain page's twin of the token the JavaScript page keeps in localStorage."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from workshop.domain import Session
from workshop.errors import N_, Invalid
from workshop.i18n import translations
from workshop.web.language import asked, choices
from workshop.web.logins import secure

SEAT_COOKIE = "workshop-seat"
SECURE_SEAT_COOKIE = "__Secure-workshop-seat"  # over HTTPS: only a secure page may set it
SEAT_SECONDS = 14 * 24 * 3600  # a two-day programme, and the weekend between
REFRESH_SECONDS = 10
QUOTE = 60  # characters of an answer or a post quoted back in "Saved"
LETTERS = "ABCDEFGH"
STALE_FORM = N_("This form is out of date. Open the page again and send it once more.")


def new_action() -> str:
    """The id a form carries: the answer's client id, so a resent form counts once."""
    return str(uuid.uuid4())


def is_action(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def action_field(form: FormData) -> str:
    action = form.get("action")
    if not is_action(action):
        raise Invalid(STALE_FORM)
    assert isinstance(action, str)
    return action


def number_field(value: object, message: str) -> int | None:
    """A form's number field: None when empty, Invalid when it is not a whole number."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    raise Invalid(message)


def text_field(value: object) -> str:
    """A text field as the JavaScript page sends it: browsers send a form's newlines as CRLF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""


def evaluation_answers(questions: Sequence[Any], form: FormData) -> dict[str, Any]:
    """The evaluation form's fields (`e_<key>`) as an `evaluation` frame's answers: only the
    answered keys, numbers as numbers; `evaluation.check_answers` judges them."""
    out: dict[str, Any] = {}
    for question in questions:
        name = f"e_{question.key}"
        values = [v for v in form.getlist(name) if isinstance(v, str) and v != ""]
        numbers: list[Any] = [
            int(v) if v.isascii() and v.isdigit() and len(v) < 10 else v for v in values
        ]
        if question.kind == "topics" and numbers:
            out[question.key] = numbers
        elif question.kind == "scale" and numbers:
            out[question.key] = numbers[0]
        elif question.kind == "choice" and values:
            out[question.key] = values[0]
        elif question.kind == "text" and text_field(form.get(name)).strip():
            out[question.key] = text_field(form.get(name))
    return out


def page_url(request: Request, session: Session, path: str = "", **query: str) -> str:
    """A plain page of this session, keeping the language the phone asked for."""
    lang = asked(request)
    if lang is not None:
        query = {"lang": lang, **query}
    url = f"/j/{session.code}/plain{path}"
    return f"{url}?{urlencode(query)}" if query else url


def languages(request: Request, session: Session, lang: str) -> list[dict[str, object]]:
    """Links to this page in each language; a refused POST's page links to the GET one."""
    links = choices(request, lang)
    if request.method == "POST":
        for link in links:
            link["href"] = f"/j/{session.code}/plain?lang={link['lang']}"
    return links


def seat_cookie_name(conn: HTTPConnection) -> str:
    return SECURE_SEAT_COOKIE if secure(conn) else SEAT_COOKIE


def seat_token(conn: HTTPConnection) -> str | None:
    token = conn.cookies.get(seat_cookie_name(conn))
    return token if token and len(token) <= 200 else None


def remember_seat(conn: HTTPConnection, response: Response, code: str, token: str) -> None:
    response.set_cookie(
        seat_cookie_name(conn),
        token,
        max_age=SEAT_SECONDS if token else 0,
        path=f"/j/{code}",
        secure=secure(conn),
        httponly=True,
        samesite="lax",
    )


def forget_seat(conn: HTTPConnection, response: Response, code: str) -> None:
    remember_seat(conn, response, code, "")


def excerpt(text: str, limit: int = QUOTE) -> str:
    """The beginning of a text on one line, cut at a word with "…" (as phone-activity.js)."""
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit / 2 else cut).rstrip(" .,;:!?\u2013-") + "…"


def filled(lang: str, message: str, **params: str) -> str:
    """`message` translated, with people's own words put in as they are (never looked up
    in the catalog, as `gettext_for` does with its text params)."""
    return translations(lang).gettext(message) % params


def mark_of(kind: str, option: int) -> str:
    return str(option + 1) if kind == "scale" else LETTERS[option % len(LETTERS)]


def activity_view(welcome: dict[str, Any], lang: str, saved_post: bool = False) -> dict[str, Any]:
    """The current activity as the plain template draws it, with this seat's answers."""
    activity = welcome.get("activity")
    if welcome.get("closed"):
        return {"step": "closed", "refresh": True}
    if activity is None or (
        activity["kind"] == "evaluation" and activity["state"] == "draft" and welcome["closing"]
    ):
        step = "closing" if welcome.get("closing") else "waiting"
        return {"step": step, "refresh": True, "segment": welcome.get("segment")}
    kind = activity["kind"]
    mine = welcome["answers"].get(str(activity["id"])) or {"vote": None, "posts": []}
    is_open = activity["state"] == "open"
    view: dict[str, Any] = {
        "step": "activity",
        "activity": activity,
        "case": activity.get("case"),
        "is_open": is_open,
        "is_vote": kind not in ("reflection", "evaluation"),
        "by_table": activity.get("by") == "table",
        "asks_why": kind == "dilemma" and bool(activity.get("allow_why")) and is_open,
        "options": [
            {"index": i, "mark": mark_of(kind, i), "label": label}
            for i, label in enumerate(activity["options"])
        ],
        "vote": mine["vote"],
        "posts": mine["posts"],
        # a page with a text field never refreshes by itself: it would lose what is typed
        "refresh": not (is_open and kind in ("reflection", "evaluation")),
        "evaluation": mine.get("evaluation") or {},
    }
    view["saved"] = _saved(view, lang, saved_post)
    return view


def _saved(view: dict[str, Any], lang: str, saved_post: bool) -> str:
    """ "✓ Saved: …" for the answer stored last (as the JavaScript page says it); marks the
    chosen option."""
    vote, options = view["vote"], view["options"]
    if vote is not None and 0 <= vote["option"] < len(options):
        chosen = view["chosen"] = options[vote["option"]]
        chosen["chosen"] = True
        if view["is_open"]:
            said = N_("✓ Saved: your answer %(mark)s “%(label)s”")
            if vote.get("why"):
                said = N_("✓ Saved: your answer %(mark)s “%(label)s” and why you chose it")
            return filled(lang, said, mark=chosen["mark"], label=excerpt(chosen["label"]))
    if saved_post and view["posts"] and view["is_open"]:
        newest = excerpt(view["posts"][-1]["text"])
        return filled(lang, N_("✓ Saved: what you wrote, “%(text)s”"), text=newest)
    return ""
