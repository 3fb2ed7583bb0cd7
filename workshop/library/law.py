"""A case's "what the law says" (`[[nb.law]]` with `ref` and `text`), and the rule that notes
which name a law also give its paragraph (docs/cases.md). Checked on parsed TOML, like the
rest of validate.py."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from workshop.domain import MAX_TITLE
from workshop.library.locate import KeyPath
from workshop.library.model import CaseText, LawRef

if TYPE_CHECKING:
    from workshop.library.validate import FileCheck

LAW_KEYS = ("ref", "text")
MAX_LAW = 8  # references in one language; the session copy takes as many
MAX_LAW_TEXT = 400  # characters: one or two plain sentences, read on the screen
PARAGRAPH = "§"
EXAMPLE_REF = 'ref = "kommuneloven § 11-5 (2)"'

# A word that names a law. Norwegian: a compound ending in -loven/-lova (kommuneloven,
# opplæringslova, plan- og bygningsloven), or the bare law itself (loven, lovverket; the
# nynorsk "lova" only where it cannot be the verb "lova", promised). English: "the law",
# "by law", "the Act" and named acts ("the Local Government Act").
_COMPOUND = re.compile(r"\b[a-zæøå][a-zæøå-]+?lov(?:en|ens|a|as)\b", re.IGNORECASE)
_NOT_A_LAW = frozenset({"forlova", "forloven", "utlova", "belova", "tillova"})  # engaged, promised
_BARE = re.compile(r"\b(?:loven|lovens|lovene|lovverket|lovteksten)\b", re.IGNORECASE)
_BARE_NYNORSK = re.compile(
    r"(?:^|[.!?:]\s+|\b(?:i|etter|ifølgje|ifylgje|jf\.|seier|krev|gir|gjev|kva)\s+)(lovas?)\b",
    re.IGNORECASE | re.MULTILINE,
)
_ENGLISH = re.compile(r"\b(?:the|by|under) law\b", re.IGNORECASE)
_ACT = re.compile(r"\b(?:[Tt]he Act|[A-Z][a-z]+(?: (?:[A-Z][a-z]+|and|of))* Act)\b")


def named_law(text: str) -> str:
    """The first word or phrase in `text` that names a law ("" when none does)."""
    found: list[tuple[int, str]] = []
    for match in _COMPOUND.finditer(text):
        if match.group().casefold() not in _NOT_A_LAW:
            found.append((match.start(), match.group()))
            break
    for pattern in (_BARE, _ENGLISH, _ACT):
        match = pattern.search(text)
        if match:
            found.append((match.start(), match.group()))
    match = _BARE_NYNORSK.search(text)
    if match:
        found.append((match.start(1), match.group(1)))
    return min(found)[1] if found else ""


def check_law(check: FileCheck, block: Mapping[str, Any], language: str) -> tuple[LawRef, ...]:
    """`[[<language>.law]]`: tables of `ref` (with its §) and `text`; none when it is missing."""
    if "law" not in block:
        return ()
    where: KeyPath = (language, "law")
    header = f"[[{language}.law]]"
    items = block["law"]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        check.report(
            where,
            f"`law` must be tables with `ref` and `text`, each under its own `{header}` header",
        )
        return ()
    if len(items) > MAX_LAW:
        check.report(
            where,
            f"`[{language}]` has {len(items)} law references; a case takes at most {MAX_LAW} "
            "— keep the ones the case turns on",
        )
    law: list[LawRef] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(items):
        at: KeyPath = (*where, index)
        check.unknown_keys(item, LAW_KEYS, at, "a law reference")
        ref = check.text(item, "ref", at, limit=MAX_TITLE).strip()
        text = check.text(item, "text", at, limit=MAX_LAW_TEXT).strip()
        if ref and PARAGRAPH not in ref:
            check.report(
                (*at, "ref"),
                f'`ref` "{ref}" gives no paragraph — write the law and its §, e.g. `{EXAMPLE_REF}`',
            )
        key = " ".join(ref.split()).casefold()
        if key in first_line:
            check.report(
                (*at, "ref"),
                f'`ref` "{ref}" is already given on line {first_line[key]} — say it once, '
                "or name the subsection each is about",
            )
        elif key:
            first_line[key] = check.line((*at, "ref"))
        law.append(LawRef(ref, text))
    return tuple(law)


def check_citations(check: FileCheck, texts: Mapping[str, CaseText]) -> None:
    """Notes that name a law give a paragraph, in the notes or in the language's law block."""
    for language, text in texts.items():
        if PARAGRAPH in text.notes or any(PARAGRAPH in law.ref for law in text.law):
            continue
        word = named_law(text.notes)
        if word:
            check.report(
                (language, "notes"),
                f"the notes in `[{language}]` name a law (“{word}”) but give no paragraph — "
                f"write the § in the notes, or add a `[[{language}.law]]` with `ref` and `text`",
            )
