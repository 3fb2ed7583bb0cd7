"""An abbreviation in the glossary is found in capitals only: "AS" (aksjeselskap) is
explained in "Nordvik Tomteutvikling AS", and the English word "as" is left alone."""

from __future__ import annotations

from workshop.library.glossary import Glossary
from workshop.library.model import Term

COMPANY = Term("aksjeselskap", "limited company", ("AS",), "A company owned by its shares.")


def test_an_abbreviation_is_found_in_capitals_only() -> None:
    glossary = Glossary("en", [COMPANY])
    text = "Nordvik Tomteutvikling AS is as big as it gets."
    found = glossary.find(text)
    assert [text[m.start : m.end] for m in found] == ["AS"]
    assert glossary.mark("as AS") == [("as ", None), ("AS", "aksjeselskap")]


def test_other_words_are_still_found_in_any_case() -> None:
    glossary = Glossary("en", [COMPANY])
    assert [m.term_id for m in glossary.find("A Limited Company or a limited company")] == [
        "aksjeselskap",
        "aksjeselskap",
    ]
