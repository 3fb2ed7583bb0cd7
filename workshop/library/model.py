"""What the library holds, as read from its files: cases, agenda templates, glossary terms."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("nb", "nn", "en")
FALLBACK = "nb"


def _in_language(texts: dict[str, str], language: str) -> str:
    """The text in `language`, else in bokmål."""
    return texts.get(language) or texts.get(FALLBACK, "")


@dataclass(frozen=True)
class ActivityText:
    """One activity of a case in one language; `kind` is dilemma, poll, scale or reflection."""

    kind: str
    prompt: str
    title: str = ""
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class LawRef:
    """One entry of a case's "what the law says": a reference with its paragraph
    (`kommuneloven § 11-5 (2)`) and one or two plain sentences on what it says."""

    ref: str
    text: str

    def __iter__(self) -> Iterator[str]:
        """`ref, text = law_ref`, so a case's law converts to plain pairs."""
        return iter((self.ref, self.text))


@dataclass(frozen=True)
class CaseText:
    """A case in one language; `law` is its "what the law says", in the file's order."""

    title: str
    narrative: str
    questions: tuple[str, ...]
    notes: str
    activities: tuple[ActivityText, ...]
    law: tuple[LawRef, ...] = ()


@dataclass(frozen=True)
class Case:
    """A case from `cases/library/<id>.toml`, with its text in each language it has."""

    id: str
    minutes: int
    tags: tuple[str, ...]
    texts: dict[str, CaseText] = field(hash=False)
    path: Path

    def text(self, language: str) -> CaseText:
        """The text in `language`; nynorsk and unknown languages fall back to bokmål."""
        return self.texts.get(language) or self.texts[FALLBACK]

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the case is written in, in the order nb, nn, en."""
        return tuple(language for language in LANGUAGES if language in self.texts)


@dataclass(frozen=True)
class TemplateSegment:
    """One block of an agenda template: when, how long, its title and its cases."""

    day: int
    start: str  # "HH:MM"
    minutes: int
    titles: dict[str, str] = field(hash=False)
    cases: tuple[str, ...] = ()

    def title(self, language: str) -> str:
        """The title in `language`, else in bokmål."""
        return _in_language(self.titles, language)


@dataclass(frozen=True)
class Agenda:
    """An agenda template from `cases/agendas/<id>.toml`."""

    id: str
    titles: dict[str, str] = field(hash=False)
    descriptions: dict[str, str] = field(hash=False)
    segments: tuple[TemplateSegment, ...]
    path: Path

    def title(self, language: str) -> str:
        """The title in `language`, else in bokmål."""
        return _in_language(self.titles, language)

    def description(self, language: str) -> str:
        """The description in `language`, else in bokmål ("" when there is none)."""
        return _in_language(self.descriptions, language)


@dataclass(frozen=True)
class Term:
    """A glossary entry in one language; `forms` are other words that should show it."""

    id: str
    term: str
    forms: tuple[str, ...]
    explanation: str
