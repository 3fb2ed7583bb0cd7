"""Glossary marks on the texts a reader sees: a text as runs of (text, term id), each term
marked where it first appears, and the terms a snapshot uses (docs/api.md, "Glossary
marks"). Used by `snapshots` and the console's state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Mark = Callable[[str], list[tuple[str, str | None]]]
"""A glossary's `mark`: a text as runs of (text, term id or None)."""


def first_marks_only(runs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Each term marked where it first appears in a text: a story with "kommunestyret" in
    every paragraph gets one underline, not six."""
    out: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for text, term_id in runs:
        if term_id is not None and term_id in seen:
            term_id = None
        if term_id is not None:
            seen.add(term_id)
        if term_id is None and out and out[-1][1] is None:
            out[-1] = (out[-1][0] + text, None)
        else:
            out.append((text, term_id))
    return out


class Marks:
    """Glossary marks for the texts a reader sees, and the terms they use (docs/api.md)."""

    def __init__(
        self,
        mark: Mark | None,
        explain: Callable[[str], tuple[str, str]],
        mark_in: Callable[[str], Mark | None] | None = None,
    ) -> None:
        self._mark = mark
        self._explain = explain
        # A text in another language than the reader's (a case not written in nynorsk, say)
        # is marked with that language's glossary; the terms are still explained in the
        # reader's own where it has them.
        self._mark_in = mark_in
        self.terms: dict[str, dict[str, str]] = {}

    def __call__(self, text: str, language: str | None = None) -> list[list[Any]]:
        mark = self._mark
        if language is not None and self._mark_in is not None:
            mark = self._mark_in(language)
        if mark is None or not text:
            return [[text, None]]
        runs = mark(text)
        for _, term_id in runs:
            if term_id is not None and term_id not in self.terms:
                term, explanation = self._explain(term_id)
                self.terms[term_id] = {"term": term, "explanation": explanation}
        return [[run, term_id] for run, term_id in runs]
