"""Which language a page or socket speaks: the one the reader chose, else the session's.

A phone chooses its language with one tap (`?lang=nn` on any page). The choice is kept in a
cookie, so it sticks across reloads, reconnects and rejoins on that device: the join page
shows it, the phone's socket renders the live state in it, and errors come back in it. A
screen or console that is not asked follows its session.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

from workshop.domain import Session
from workshop.i18n import DEFAULT_LANGUAGE, LANGUAGES, negotiate

COOKIE = "workshop_lang"
KEPT_SECONDS = 365 * 24 * 3600
NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}  # each in its own language


def asked(connection: HTTPConnection) -> str | None:
    """The language asked for in the address (`?lang=`), if it is one of ours."""
    wanted = connection.query_params.get("lang")
    return wanted if wanted in LANGUAGES else None


def chosen(connection: HTTPConnection) -> str | None:
    """The reader's own choice: in the address, else kept from an earlier visit."""
    kept = connection.cookies.get(COOKIE)
    return asked(connection) or (kept if kept in LANGUAGES else None)


def page_language(connection: HTTPConnection, session: Session | None = None) -> str:
    """The reader's choice, else the session's language, else the browser's."""
    found = chosen(connection)
    if found is not None:
        return found
    if session is not None:
        return session.language
    return negotiate(connection.headers.get("accept-language"), DEFAULT_LANGUAGE)


def error_language(connection: HTTPConnection) -> str:
    """An error's language: the reader's choice, else what their browser asks for."""
    return chosen(connection) or negotiate(connection.headers.get("accept-language"))


def remember(connection: HTTPConnection, response: Response) -> None:
    """Keep a language asked for in the address on this device (not HttpOnly: it is no
    secret, and SameSite=Lax like every cookie here)."""
    wanted = asked(connection)
    if wanted is not None:
        response.set_cookie(COOKIE, wanted, max_age=KEPT_SECONDS, path="/", samesite="lax")


def choices(connection: HTTPConnection, current: str) -> list[dict[str, object]]:
    """Links that switch this page to each language, keeping the rest of its address."""
    links = []
    for language in LANGUAGES:
        query = {k: v for k, v in connection.query_params.items() if k != "lang"}
        query["lang"] = language
        address = connection.url.replace_query_params(**query)
        links.append(
            {
                "lang": language,
                "name": NAMES[language],
                "href": f"{address.path}?{address.query}",
                "current": language == current,
            }
        )
    return links
