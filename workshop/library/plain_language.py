"""Plain language in what participants see (docs/cases.md, "Plain language").

`workshop cases check` reports, in each language of each case, every word shown to
participants that is neither an everyday word (`everyday.Everyday`) nor explained by the
glossary, every abbreviation in capitals the glossary does not explain, and every sentence
of more than 25 words. Participants see a case's title, narrative and questions and its
activities' titles, prompts and options; the law texts, shown on the screen when revealed,
are checked for sentence length only. The facilitator's notes are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workshop.library import Library
from workshop.library.everyday import EVERYDAY_NAME, Everyday, load_allowed
from workshop.library.glossary import Glossary
from workshop.library.load import glossary_language, load_glossary
from workshop.library.locate import KeyPath, Locator
from workshop.library.model import LANGUAGES, Case, CaseText
from workshop.library.problems import Problem

MAX_SENTENCE_WORDS = 25
WORD_HINT = (
    "explain it in the glossary or use an everyday word (a plain word the word lists lack "
    f"goes in {EVERYDAY_NAME})"
)
# A word: letters and digits, with an apostrophe inside (English `don't`); a hyphen ends it.
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W\d_]+)*")
SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'»\u201d\u2019)]*\s+|\n\s*\n")
# What may stand between a sentence's end and its next word: space, quotes, brackets, a dash
# or a bullet (`«Nei.» Hun går.`, `(Se under.) Hun går.`).
_OPENING = set(" \t\r\n«»\"\u201c\u201d\u201e\u2018\u2019'()\u2013\u2014-*\u2022")
_SENTENCE_MARKS = set(".!?:\u2026")


@dataclass(frozen=True)
class Shown:
    """One text participants see: where it is in the file, and whether its words count."""

    where: KeyPath
    text: str
    words: bool = True  # False: checked for sentence length only


def shown(language: str, text: CaseText) -> Iterator[Shown]:
    """The texts of a case in one language that participants see, in the file's order."""
    yield Shown((language, "title"), text.title)
    yield Shown((language, "narrative"), text.narrative)
    for index, question in enumerate(text.questions):
        yield Shown((language, "questions", index), question)
    for index, law in enumerate(text.law):
        yield Shown((language, "law", index, "text"), law.text, words=False)
    for index, activity in enumerate(text.activities):
        where = (language, "activities", index)
        if activity.title:
            yield Shown((*where, "title"), activity.title)
        yield Shown((*where, "prompt"), activity.prompt)
        for number, option in enumerate(activity.options):
            yield Shown((*where, "options", number), option)


def field_name(where: KeyPath) -> str:
    """`narrative`, `question 2`, `activity 1 option 3`, `law 2 text`."""
    parts: list[str] = []
    names = {"questions": "question", "activities": "activity", "options": "option"}
    for part in where[1:]:
        if isinstance(part, int):
            parts[-1] += f" {part + 1}"
        else:
            parts.append(names.get(part, part))
    return " ".join(parts)


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """Each sentence of `text` with where it starts; a blank line also ends a sentence."""
    start = 0
    for end in SENTENCE_END.finditer(text):
        yield start, text[start : end.start()]
        start = end.end()
    yield start, text[start:]


def at_sentence_start(text: str, start: int) -> bool:
    """Whether the word at `start` begins a sentence, a line or the text."""
    position = start - 1
    while position >= 0 and text[position] in _OPENING:
        if text[position] == "\n":
            return True
        position -= 1
    return position < 0 or text[position] in _SENTENCE_MARKS


def names_in(case: Case) -> set[str]:
    """The case's names: capitalised words not at the start of a sentence anywhere in it, and
    capitalised words written the same in its English and a Norwegian text (a name is not
    translated: `Vigdis` starting a sentence in every language)."""
    inside: set[str] = set()
    capitalised: dict[str, set[str]] = {}  # language -> its capitalised words
    for language, text in case.texts.items():
        texts = [item.text for item in shown(language, text)] + [text.notes]
        for value in texts:
            for word in WORD.finditer(value):
                token = word.group()
                if not _capitalised(token):
                    continue
                capitalised.setdefault(language, set()).add(token)
                if not at_sentence_start(value, word.start()):
                    inside.add(token)
    english = capitalised.get("en", set())
    norwegian = capitalised.get("nb", set()) | capitalised.get("nn", set())
    return inside | (english & norwegian)


def _capitalised(token: str) -> bool:
    return token[0].isupper() and not token.isupper()


def _abbreviation(token: str) -> bool:
    return len(token) >= 2 and token.isupper()


class CaseCheck:
    """The plain-language problems of one case file."""

    def __init__(
        self,
        case: Case,
        glossaries: dict[str, Glossary],
        everyday: dict[str, Everyday],
        names: set[str],
    ) -> None:
        self.case = case
        self.glossaries = glossaries
        self.everyday = everyday
        self.names: set[str] = names | names_in(case)
        self.source = _read(case.path)
        self.locator = Locator(self.source)
        self.lines = self.source.split("\n")
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        for language in LANGUAGES:
            text = self.case.texts.get(language)
            if text is None:
                continue
            reported: set[tuple[KeyPath, str]] = set()
            for item in shown(language, text):
                self._sentences(item)
                if item.words:
                    self._words(language, item, reported)
        return sorted(self.problems, key=lambda problem: problem.line)

    def _report(self, item: Shown, offset: int, message: str) -> None:
        where = f"[{item.where[0]}] {field_name(item.where)}"
        line = self._line(item, offset)
        self.problems.append(Problem(self.case.path, line, f"{where}: {message}"))

    def _sentences(self, item: Shown) -> None:
        for start, sentence in sentences(item.text):
            words = WORD.findall(sentence)
            if len(words) > MAX_SENTENCE_WORDS:
                opening = " ".join(words[:6])
                self._report(
                    item,
                    start,
                    f"a sentence of {len(words)} words, at most {MAX_SENTENCE_WORDS} — split it "
                    f"or shorten it: “{opening} …”",
                )

    def _words(self, language: str, item: Shown, reported: set[tuple[KeyPath, str]]) -> None:
        glossary = self.glossaries.get(language)
        if glossary is None:
            return  # as tags without a tags.toml: which words are explained is not known
        spans = [(match.start, match.end) for match in glossary.find(item.text)]
        for word in WORD.finditer(item.text):
            token = word.group()
            if any(start <= word.start() < end for start, end in spans):
                continue
            message = self._unplain(language, item.text, word.start(), token)
            key = (item.where, token.lower())
            if message and key not in reported:
                reported.add(key)
                self._report(item, word.start(), message)

    def _unplain(self, language: str, text: str, start: int, token: str) -> str:
        """What is wrong with a word, or "" when it is plain or explained."""
        if len(token) < 2 or any(char.isdigit() for char in token):
            return ""
        if _abbreviation(token):
            return (
                f"`{token}` is an abbreviation the glossary does not explain — explain it in "
                "the glossary or write it out"
            )
        if _capitalised(token) and (not at_sentence_start(text, start) or self._name(token)):
            return ""
        if token in self.everyday[language]:
            return ""
        return f"`{token}` is not an everyday word — {WORD_HINT}"

    def _name(self, token: str) -> bool:
        """A known name, also in the genitive (`Lilleviks`, `Rune's`)."""
        if token in self.names:
            return True
        return any(
            token.endswith(ending) and token[: -len(ending)] in self.names
            for ending in ("s", "'s", "\u2019s")
        )

    def _line(self, item: Shown, offset: int) -> int:
        """The line of the word at `offset`: in a text over several lines, its own line."""
        line = self.locator.line(item.where)
        if line > len(self.lines):
            return line
        below = item.text.count("\n", 0, offset)
        first = line + 1 if self.lines[line - 1].rstrip().endswith(('"""', "'''")) else line
        candidate = first + below
        own = item.text.split("\n")[below].strip()
        if candidate <= len(self.lines) and own and own in self.lines[candidate - 1]:
            return candidate
        return line


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def check_cases(cases: list[Case], glossaries: dict[str, Glossary], root: Path) -> list[Problem]:
    """The plain-language problems of `cases`, with the glossaries (by language, nynorsk
    already merged with bokmål) and the `everyday.toml` of the library at `root`."""
    allowed, problems = load_allowed(root / EVERYDAY_NAME)
    everyday = {language: Everyday(language, allowed.words(language)) for language in LANGUAGES}
    for case in cases:
        problems += CaseCheck(case, glossaries, everyday, allowed.names).run()
    return problems


def check_library(path: Path, library: Library) -> list[Problem]:
    """The plain-language problems of what `check_path(path)` loaded. A single case file is
    checked with the glossaries and `everyday.toml` of the library around it."""
    root = path if path.is_dir() else path.parent.parent
    if not path.is_dir():
        if not library.cases:
            return []  # an agenda, a glossary, tags.toml or everyday.toml: no texts to read
        library = _glossaries_of(root, library)
    glossaries = {
        language: library.glossary(language)
        for language in LANGUAGES
        if language in library.glossaries or (language == "nn" and "nb" in library.glossaries)
    }
    return check_cases(list(library.cases.values()), glossaries, root)


def _glossaries_of(root: Path, library: Library) -> Library:
    """`library` with the glossaries of the folder `root`, when it has any."""
    found = Library(cases=library.cases)
    for path in sorted(root.glob("glossary.*.toml")):
        language = glossary_language(path)
        terms, _ = load_glossary(path, None)
        if language is not None and terms is not None:
            found.glossaries[language] = Glossary(language, terms)
    return found
