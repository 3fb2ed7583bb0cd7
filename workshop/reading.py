"""How a reader reads the texts of a session: glossary marks in their language, and the
library's cases in the language their phone chose (translated.py). Library only, no I/O."""

from __future__ import annotations

import functools

from workshop.domain import Session
from workshop.i18n import LANGUAGES
from workshop.library import Library
from workshop.marks import Mark, Marks, first_marks_only
from workshop.translated import Translation

MARKED_KEPT = 4_096  # texts kept with their glossary marks


class Reading:
    def __init__(self, library: Library) -> None:
        self.library = library
        self._marked = functools.lru_cache(maxsize=MARKED_KEPT)(self._mark)

    def marks(self, language: str) -> Marks:
        """Glossary marks in `language`, for one snapshot. Texts are marked once and kept:
        the console's snapshot carries the whole day's case texts ten times a second."""
        glossary = self.library.glossary(language)

        def mark_in(text_language: str) -> Mark | None:
            if not len(self.library.glossary(text_language)):
                return None
            return functools.partial(self._marked, text_language)

        def explain(term_id: str) -> tuple[str, str]:
            # In the reader's language; a term found in a text of another language is
            # explained in that one when the reader's glossary lacks it.
            for found in (glossary, *(self.library.glossary(x) for x in LANGUAGES)):
                if term_id in found:
                    term = found.explain(term_id)
                    return term.term, term.explanation
            raise KeyError(term_id)

        return Marks(mark_in(language), explain, mark_in)

    def _mark(self, language: str, text: str) -> list[tuple[str, str | None]]:
        return first_marks_only(self.library.glossary(language).mark(text))

    def translation(self, session: Session, language: str | None) -> Translation:
        """How a phone that chose `language` (None: the session's) reads the session's
        texts, and which language each is in (translated.py)."""
        return Translation(language or session.language, session.language, self.library.cases)
