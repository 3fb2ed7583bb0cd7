"""The folders the server reads besides its code: `templates`, `static` and `cases`.

The repository keeps them at its top level, beside the package; a wheel carries them inside
it (`workshop/templates` …, mapped by pyproject.toml's package-dir). The package's own copy
wins when there is one, so an installed server never reads a stray folder next to it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def folder(name: str) -> Path:
    """`name` inside the installed package, else at the repository's top level (an editable
    install, `make run`)."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES = folder("templates")
STATIC = folder("static")
CASES = folder("cases")  # the case library (docs/cases.md)
