"""The case library: cases, agenda templates, the glossary and the topic tags, read from the
TOML files in `cases/` (schema: docs/cases.md).

    library = load_library(DEFAULT_ROOT)
    library.problems          # every problem, as `path:line: message`; broken files are left out
    library.search("habil", tag="impartiality", language="nn")
    library.glossary("nn").mark(case.text("nn").narrative)
    case.text("nb").law       # "what the law says": LawRef(ref, text), each ref with its §
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workshop.library.glossary import Glossary, Match
from workshop.library.load import Loaded, load_file, load_folder
from workshop.library.model import (
    FALLBACK,
    LANGUAGES,
    ActivityText,
    Agenda,
    Case,
    CaseText,
    LawRef,
    TemplateSegment,
    Term,
)
from workshop.library.problems import Problem
from workshop.resources import CASES

__all__ = [
    "DEFAULT_ROOT",
    "LANGUAGES",
    "ActivityText",
    "Agenda",
    "Case",
    "CaseText",
    "Glossary",
    "LawRef",
    "Library",
    "Match",
    "Problem",
    "TemplateSegment",
    "Term",
    "check_path",
    "load_library",
]

DEFAULT_ROOT = CASES

# Norwegian alphabetical order puts æ, ø, å after z, in that order.
_NORWEGIAN_ORDER = str.maketrans({"æ": "z\x01", "ø": "z\x02", "å": "z\x03"})


def _sort_key(text: str) -> str:
    return text.casefold().translate(_NORWEGIAN_ORDER)


@dataclass
class Library:
    """Everything loaded from one library folder, and every problem found on the way."""

    cases: dict[str, Case] = field(default_factory=dict)
    agendas: dict[str, Agenda] = field(default_factory=dict)
    glossaries: dict[str, Glossary] = field(default_factory=dict)  # as written, per language
    tags: dict[str, dict[str, str]] = field(default_factory=dict)  # tag -> language -> name
    problems: list[Problem] = field(default_factory=list)
    _merged: dict[str, Glossary] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def glossary(self, language: str) -> Glossary:
        """The glossary to use for a text in `language`. Nynorsk has its own terms and, for
        the ids it lacks, bokmål's; an unknown language gets bokmål's."""
        if language not in LANGUAGES:
            language = FALLBACK
        if language not in self._merged:
            own = self.glossaries.get(language)
            terms = list(own.terms.values()) if own else []
            if language == "nn" and FALLBACK in self.glossaries:
                terms += self.glossaries[FALLBACK].terms.values()  # Glossary keeps the first
            self._merged[language] = own if own and language != "nn" else Glossary(language, terms)
        return self._merged[language]

    def tag_name(self, tag: str, language: str) -> str:
        """A tag's name in `language`, else in bokmål, else its id."""
        names = self.tags.get(tag, {})
        return names.get(language) or names.get(FALLBACK) or tag

    def search(self, text: str = "", tag: str = "", language: str = FALLBACK) -> list[Case]:
        """Cases whose title, narrative or questions contain `text` (ignoring case), in
        `language`, bokmål or English, with `tag` if given; sorted by title in `language`."""
        needle = text.strip().casefold()
        found = []
        for case in self.cases.values():
            if tag and tag not in case.tags:
                continue
            if needle and not any(
                needle in part.casefold()
                for lang in dict.fromkeys((language, FALLBACK, "en"))
                for part in _searchable(case, lang)
            ):
                continue
            found.append(case)
        return sorted(found, key=lambda case: (_sort_key(case.text(language).title), case.id))


def _searchable(case: Case, language: str) -> list[str]:
    text = case.text(language)
    return [text.title, text.narrative, *text.questions]


def _library(loaded: Loaded) -> Library:
    return Library(
        cases=loaded.cases,
        agendas=loaded.agendas,
        glossaries={
            language: Glossary(language, terms) for language, terms in loaded.terms.items()
        },
        tags=loaded.tags,
        problems=loaded.problems,
    )


def load_library(root: Path = DEFAULT_ROOT) -> Library:
    """Every file of a folder laid out like `cases/`; broken files are left out and their
    problems are in `problems`."""
    return _library(load_folder(root))


def check_path(path: Path) -> Library:
    """A folder laid out like `cases/`, or a single file checked as what its name and place
    say it is (see `load.load_file`)."""
    return _library(load_folder(path) if path.is_dir() else load_file(path))
