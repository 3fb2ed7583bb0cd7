"""Jinja2 with autoescaping, gettext in the reader's language, and cache-busted static URLs."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.templating import Jinja2Templates

from workshop.i18n import translations


def make_templates(templates_dir: Path, static_dir: Path) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )

    @jinja2.pass_context
    def gettext(context: Any, message: str) -> str:
        return translations(context.get("lang", "nb")).gettext(message)

    @jinja2.pass_context
    def ngettext(context: Any, singular: str, plural: str, n: int) -> str:
        return translations(context.get("lang", "nb")).ngettext(singular, plural, n)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]

    @cache
    def static(path: str) -> str:
        file = static_dir / path
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:10] if file.is_file() else "0"
        return f"/static/{path}?v={digest}"

    env.globals["static"] = static
    return Jinja2Templates(env=env)
