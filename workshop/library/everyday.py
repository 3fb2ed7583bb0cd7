"""Everyday words, for the plain-language check (docs/cases.md, "Plain language").

A word is everyday in a language when wordfreq's word list has it at least once in a million
words (Zipf 3), or it is a regular inflection of such a word, or it is in the library's
`everyday.toml`, or it is a Norwegian compound whose parts are everyday.

wordfreq has no nynorsk list. Its bokmål list (`nb`, built from several sources of Norwegian
text) holds nynorsk too, but far less of it: nynorsk is about a tenth of written
Norwegian, so a nynorsk word is about one Zipf point rarer there than it is in nynorsk text.
A nynorsk word is therefore everyday when the bokmål list has it at Zipf 2 or more, or when,
with its nynorsk ending written the bokmål way (`-leg` as `-lig`, `-ar` as `-er`), it is
everyday in bokmål, or when it is in `everyday.toml`'s `nn` list (common nynorsk words the
bokmål list has too rarely).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workshop.library.glossary import ENDINGS
from workshop.library.model import LANGUAGES
from workshop.library.problems import Problem

EVERYDAY_NAME = "everyday.toml"
EVERYDAY_KEYS = ("names", *LANGUAGES)
EVERYDAY_ZIPF = {"nb": 3.0, "nn": 2.0, "en": 3.0}
WORD_LIST = {"nb": "nb", "nn": "nb", "en": "en"}  # wordfreq has no nynorsk: bokmål's list
COMPOUND_LINKS = {"nb": ("", "s", "e"), "nn": ("", "s", "e")}  # English: no compounds
MIN_PART = 3  # the shortest part of a compound, but for the first parts in SHORT_HEADS
SHORT_HEADS = frozenset({"av", "ny", "nå", "om", "på", "ut"})
# Regular endings, each with what the bare word ends in instead: (ending, replacement).
INFLECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    # `ferjen`, `ferjene`: the ending of a word that ends in -e takes the place of its e.
    **{
        language: (
            *((ending, "") for ending in ENDINGS[language]),
            *((ending, "e") for ending in ENDINGS[language] if ending.startswith("e")),
            ("a", "e"),  # `ferja`, `leiga`
        )
        for language in ("nb", "nn")
    },
    "en": (
        *((ending, "") for ending in ENDINGS["en"]),
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("er", ""),
        ("ly", ""),
    ),
}
# Nynorsk endings and their bokmål counterparts, tried when a nynorsk word is not known.
NN_AS_NB = (
    ("lege", "lige"),
    ("legt", "lig"),
    ("leg", "lig"),
    ("jande", "ende"),
    ("jast", "es"),
    ("arane", "erne"),
    ("aren", "eren"),
    ("ane", "ene"),
    ("ar", "er"),
    ("ast", "es"),
    ("je", "e"),
)
# Stress marks (`éin`, `lèt`, `òg`) are looked up without them in Norwegian.
_STRESS = str.maketrans("éèêóòôáà", "eeeoooaa")


@functools.cache
def _frequencies(word_list: str) -> dict[str, float]:
    import wordfreq  # ~0.15 s a list: only when the check runs, never at server start

    return wordfreq.get_frequency_dict(word_list, wordlist="large")


def zipf(word: str, language: str) -> float:
    """How common `word` is in `language`'s word list: log10 of its uses per billion words,
    0 when the list does not have it."""
    frequency = _frequencies(WORD_LIST[language]).get(word.lower(), 0.0)
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


class Everyday:
    """The everyday words of one language: the word list and the library's own list."""

    def __init__(self, language: str, allowed: Iterable[str] = ()) -> None:
        self.language = language
        self.allowed = {self._key(word) for word in allowed}
        self._threshold = EVERYDAY_ZIPF[language]
        self._inflections = INFLECTIONS[language]
        self._known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        key = self._key(word)
        if key not in self._known:
            self._known[key] = self._simple(key) or self._compound(key)
        return self._known[key]

    def _key(self, word: str) -> str:
        """How a word is looked up: lower case, a straight apostrophe, no stress marks."""
        key = word.lower().replace("\u2019", "'")
        return key if self.language == "en" else key.translate(_STRESS)

    def _simple(self, word: str) -> bool:
        """A known word or a regular inflection of one, without splitting it."""
        if self._listed(word):
            return True
        for ending, replacement in self._inflections:
            stem = word[: -len(ending)]
            if not word.endswith(ending) or len(stem) < MIN_PART:
                continue
            if self._listed(stem + replacement):
                return True
            if self.language == "en" and stem[-1] == stem[-2] and self._listed(stem[:-1]):
                return True  # stopping, stopped
        return False

    def _listed(self, word: str) -> bool:
        if word in self.allowed or zipf(word, self.language) >= self._threshold:
            return True
        if self.language != "nn":
            return False
        return any(
            word.endswith(nn) and zipf(word[: -len(nn)] + nb, "nb") >= EVERYDAY_ZIPF["nb"]
            for nn, nb in NN_AS_NB
        )

    def _compound(self, word: str) -> bool:
        """A compound of everyday parts, the first joined to the rest by nothing, s or e:
        `boligtomter` (bolig + tomter), `kommunestyret`, `innbyggermøtet`; where three equal
        consonants meet one is dropped (`håndballaget`: håndball + laget)."""
        links = COMPOUND_LINKS.get(self.language, ())
        if not links or len(word) < 2 + MIN_PART:
            return False
        for cut in range(len(word) - MIN_PART, 1, -1):
            head, rest = word[:cut], word[cut:]
            if not self._head(head, links):
                continue
            rests = [rest]
            if len(head) >= 2 and head[-1] == head[-2] and head[-1] not in "aeiouyæøå":
                rests.append(head[-1] + rest)
            for part in rests:
                if self._simple(part) or (len(part) >= 2 + MIN_PART and part in self):
                    return True
        return False

    def _head(self, head: str, links: tuple[str, ...]) -> bool:
        """The first part of a compound, with its link letter: `bolig`, `tomte`, `planlegging`."""
        for link in links:
            if link and not head.endswith(link):
                continue
            bare = head[: len(head) - len(link)]
            if bare in SHORT_HEADS or (len(bare) >= MIN_PART and self._listed(bare)):
                return True
        return False


@dataclass
class Allowed:
    """A library's `everyday.toml`: plain words the word lists lack, by language, and names
    of the fictional places and people, in any language."""

    names: set[str] = field(default_factory=set)
    by_language: dict[str, list[str]] = field(default_factory=dict)

    def words(self, language: str) -> list[str]:
        return self.by_language.get(language, [])


def load_allowed(path: Path) -> tuple[Allowed, list[Problem]]:
    """`everyday.toml`, when there is one (an empty list when there is none)."""
    from workshop.library.load import read_toml  # load imports the checks: import it late

    allowed = Allowed()
    if not path.is_file():
        return allowed, []
    check, data, problems = read_toml(path)
    if check is None or data is None:
        return allowed, problems
    check.unknown_keys(data, EVERYDAY_KEYS, (), "everyday.toml")
    for key in EVERYDAY_KEYS:
        if key not in data:
            continue
        listed = check.string_list(data, key, (), example=f'{key} = ["..."]') or []
        if key == "names":
            allowed.names.update(listed)
        else:
            allowed.by_language[key] = listed
    return allowed, sorted(check.problems, key=lambda problem: problem.line)
