"""Translations: English source strings, bokmål and nynorsk catalogs read from .po files.

Babel reads the catalogs at start-up, so there is no compile step; gettext does the lookups
(plural forms included).
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("nb", "nn", "en")
DEFAULT_LANGUAGE = "nb"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog for `language`; nynorsk falls back to bokmål, English is the source."""
    if language not in LANGUAGES or language == "en":
        return gettext.NullTranslations()
    path = resources.files("workshop") / "locale" / language / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    result = gettext.GNUTranslations(buffer)
    if language == "nn":
        result.add_fallback(translations("nb"))
    return result


def gettext_for(language: str, message: str, **params: object) -> str:
    """`message` in `language`, with `params` filled in (text params are translated too)."""
    catalog = translations(language)
    text = catalog.gettext(message)
    if not params:
        return text
    # An empty msgid would give the catalog's header, so "" stays "".
    filled = {k: catalog.gettext(v) if isinstance(v, str) and v else v for k, v in params.items()}
    return text % filled


def negotiate(accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The best of our languages for an Accept-Language header."""
    if not accept_language:
        return default
    weighted = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        base = tag.strip().lower().split("-")[0]
        base = {"no": "nb"}.get(base, base)
        if base in LANGUAGES:
            weighted.append((weight, base))
    return max(weighted)[1] if weighted else default
