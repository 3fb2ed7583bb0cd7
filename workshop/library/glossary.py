"""Finding glossary terms in running text, by the rule in docs/cases.md.

A word shows a term when it is the term or one of its forms, alone or followed by one of the
language's regular endings; case is ignored and only whole words count, except for an
abbreviation (a form written in capitals, "AS", "IKS"), which is found only in capitals: the
English "as" is no company. A term of several
words is found as the phrase, with any amount of white space between its words and the
ending on its last word. Where two finds overlap, the longer wins.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from workshop.library.model import Term

ENDINGS: dict[str, tuple[str, ...]] = {
    "nb": ("e", "en", "et", "a", "er", "ene", "s", "ens", "ets", "enes", "ernes"),
    "nn": ("e", "en", "et", "a", "ar", "er", "ane", "ene", "s", "ens", "ets"),
    "en": ("s", "es", "'s", "\u2019s"),  # the typographic apostrophe counts as well
}


@dataclass(frozen=True)
class Match:
    """A term found in a text: `text[start:end]` shows the term `term_id`."""

    start: int
    end: int
    term_id: str


def _is_abbreviation(word: str) -> bool:
    """A short word in capitals, such as "AS", "IKS" or "ØP"."""
    word = word.strip()
    return 2 <= len(word) <= 6 and " " not in word and word.isupper()


def _key(word: str) -> str:
    """How a written word or phrase is looked up: lower case, single spaces."""
    return " ".join(word.lower().split())


_END = ""  # marks the end of a word in the trie
_SPACE = " "  # the space between the words of a phrase: any white space in the text


def _trie_pattern(node: dict[str, dict]) -> str:
    """A trie as a regular expression; longer continuations come before stopping."""
    branches = [
        (r"\s+" if token == _SPACE else re.escape(token)) + _trie_pattern(child)
        for token, child in sorted(node.items())
        if token != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return "(?:" + body + ")?"
    return body


class Glossary:
    """The terms of one language, with one compiled pattern that finds all of them."""

    def __init__(self, language: str, terms: Iterable[Term]) -> None:
        self.language = language
        self.terms: dict[str, Term] = {}
        self._owner: dict[str, str] = {}  # written word (see _key) -> term id
        self._capitals: set[str] = set()  # the keys of abbreviations: found in capitals only
        endings = ENDINGS.get(language, ENDINGS["nb"])
        self._endings = ("", *sorted((e.lower() for e in endings), key=len))
        for term in terms:
            if term.id in self.terms:
                continue
            self.terms[term.id] = term
            for word in (term.term, *term.forms):
                if word.strip():
                    self._owner.setdefault(_key(word), term.id)
                    if _is_abbreviation(word):
                        self._capitals.add(_key(word))
        self._pattern = self._compile()

    def _compile(self) -> re.Pattern[str] | None:
        """One pattern for every word of the glossary. The words are merged into a trie (a
        plain alternation of some 250 words took 0.6 ms on 2,000 characters; the trie, a
        tenth of that); at each branch a longer word is tried before a shorter one."""
        if not self._owner:
            return None
        trie: dict[str, dict] = {}
        for word in self._owner:
            node = trie
            for char in word:
                node = node.setdefault(char, {})
            node[_END] = {}
        endings = sorted(self._endings[1:], key=len, reverse=True)
        # A lookahead, so that every word start yields its longest candidate, also inside
        # a longer find; `find` then keeps the longest of overlapping candidates.
        return re.compile(
            r"(?<!\w)(?=("
            + _trie_pattern(trie)
            + r"(?:"
            + "|".join(re.escape(ending) for ending in endings)
            + r")?)(?!\w))",
            re.IGNORECASE,
        )

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.terms

    def explain(self, term_id: str) -> Term:
        """The term with this id (KeyError if the glossary has none)."""
        return self.terms[term_id]

    def find(self, text: str) -> list[Match]:
        """Every term in `text`, in order, without overlaps; the longest find wins."""
        if self._pattern is None:
            return []
        candidates = []
        for found in self._pattern.finditer(text):
            start, end = found.span(1)
            candidates.append((start, end))
        if not candidates:
            return []
        chosen: list[tuple[int, int]] = []
        if all(a[1] <= b[0] for a, b in itertools.pairwise(candidates)):
            chosen = candidates  # the usual case: nothing overlaps
        else:
            taken: list[tuple[int, int]] = []
            for start, end in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
                if all(end <= s or start >= e for s, e in taken):
                    taken.append((start, end))
            chosen = sorted(taken)
        matches = []
        for start, end in chosen:
            term_id = self._term_of(text[start:end])
            if term_id is not None:
                matches.append(Match(start, end, term_id))
        return matches

    def _term_of(self, found: str) -> str | None:
        """The id of the term a found word shows: the longest known word it starts with."""
        key = _key(found)
        for ending in self._endings:
            if not ending:
                base = key
            elif key.endswith(ending):
                base = key[: -len(ending)]
            else:
                continue
            if base in self._owner:
                if base in self._capitals and not found[: len(base)].isupper():
                    return None  # "as", not "AS"
                return self._owner[base]
        return None

    def mark(self, text: str) -> list[tuple[str, str | None]]:
        """`text` in runs: (plain text, None) and (found text, term id); they join to `text`."""
        runs: list[tuple[str, str | None]] = []
        position = 0
        for match in self.find(text):
            if match.start > position:
                runs.append((text[position : match.start], None))
            runs.append((text[match.start : match.end], match.term_id))
            position = match.end
        if position < len(text):
            runs.append((text[position:], None))
        return runs
