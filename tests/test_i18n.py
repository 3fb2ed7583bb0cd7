"""Every string a person sees has bokmål and nynorsk, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from workshop.i18n import gettext_for, negotiate

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
METHODS = [("workshop/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"trim_blocks": "True", "lstrip_blocks": "True"}}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, options_map=OPTIONS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_message_is_translated(language: str) -> None:
    path = ROOT / "workshop" / "locale" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    missing = []
    for message in sorted(source_messages()):
        entry = catalog.get(message)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(message)
            continue
        translated = entry.string if isinstance(entry.string, str) else entry.string[0]
        assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(message)), message
    assert missing == [], f"untranslated in {language}: {missing}"


def test_messages_are_found() -> None:
    messages = source_messages()
    assert "Voting is closed for this activity." in messages  # Python, N_()
    assert "Create session" in messages  # a template


def test_translation_fills_and_translates_parameters() -> None:
    text = gettext_for(
        "nb",
        "An activity that is %(current)s cannot be %(target)s.",
        current="draft",
        target="closed",
    )
    assert "utkast" in text and "lukket" in text
    assert gettext_for("en", "Voting is closed for this activity.") == (
        "Voting is closed for this activity."
    )


def test_language_negotiation() -> None:
    assert negotiate("nn-NO,nn;q=0.9,en;q=0.5") == "nn"
    assert negotiate("no,en;q=0.5") == "nb"
    assert negotiate("de-DE") == "nb"
    assert negotiate("en-GB,nb;q=0.3") == "en"
    assert negotiate(None) == "nb"
