"""The rules of docs/cases.md, checked on parsed TOML. Each check reports every problem it
finds in a file (it does not stop at the first) and returns the object only when there was
none."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from workshop.domain import MAX_OPTION, MAX_PROMPT, MAX_TITLE
from workshop.library.law import check_citations, check_law
from workshop.library.locate import KeyPath, Locator
from workshop.library.model import (
    LANGUAGES,
    ActivityText,
    Agenda,
    Case,
    CaseText,
    TemplateSegment,
    Term,
)
from workshop.library.problems import Problem

ID_PATTERN = re.compile(r"[a-z0-9-]+")
TIME_PATTERN = re.compile(r"(\d\d):(\d\d)")
MAX_MINUTES = 600
MAX_QUESTIONS = 5
MAX_ACTIVITIES = 4
MAX_EXPLANATION = 400
REQUIRED_LANGUAGES = ("nb", "en")
OPTION_COUNTS = {"dilemma": (2, 4), "poll": (2, 8), "scale": (0, 0), "reflection": (0, 0)}
KINDS = tuple(OPTION_COUNTS)

CASE_KEYS = ("id", "minutes", "tags", *LANGUAGES)
CASE_TEXT_KEYS = ("title", "narrative", "questions", "notes", "activities", "law")
ACTIVITY_KEYS = ("kind", "title", "prompt", "options")
AGENDA_KEYS = ("id", "title", "description", "segments")
SEGMENT_KEYS = ("day", "start", "minutes", "title", "cases")
GLOSSARY_KEYS = ("language", "terms")
TERM_KEYS = ("id", "term", "forms", "explanation")


ITEM_NAMES = {
    "activities": "activity",
    "segments": "segment",
    "terms": "term",
    "law": "law reference",
}


def _place(where: KeyPath) -> str:
    """Where a key lives, as a reader would say it: `[nb]`, activity 2 of `[en]`, segment 3."""
    if not where:
        return "the file"
    if isinstance(where[-1], int) and len(where) >= 2:
        name = ITEM_NAMES.get(str(where[-2]), "entry")
        owner = f" of `[{where[0]}]`" if len(where) > 2 else ""
        return f"{name} {where[-1] + 1}{owner}"
    return "`[" + ".".join(str(part) for part in where) + "]`"


def _count(count: int, one: str, many: str) -> str:
    """`1 entry`, `5 entries`."""
    return f"{count} {one if count == 1 else many}"


def _listed(words: Sequence[str]) -> str:
    """`a`, `b` and `c`."""
    quoted = [f"`{word}`" for word in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def suggestion(word: str, choices: Collection[str]) -> str:
    """The closest of `choices` to `word`, or ""."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else ""


class FileCheck:
    """The problems of one file, each placed on the line of the key it is about."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.locator = Locator(source)
        self.problems: list[Problem] = []
        self.suggested: set[KeyPath] = set()  # keys offered as "did you mean"
        self.reported: list[KeyPath] = []  # what each problem is about

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self, where: KeyPath) -> int:
        return self.locator.line(where)

    def report(self, where: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.path, self.line(where), message))
        self.reported.append(where)

    def reported_under(self, where: KeyPath) -> bool:
        """Whether a problem was reported about `where` or anything inside it."""
        return any(path[: len(where)] == where for path in self.reported)

    # -- shared field checks ------------------------------------------------------------------

    def unknown_keys(
        self, table: Mapping[str, Any], allowed: Sequence[str], where: KeyPath, what: str
    ) -> None:
        """Report each key of `table` that is not in `allowed`, with the nearest allowed one."""
        for key in table:
            if key in allowed:
                continue
            close = suggestion(key, allowed)
            if close:
                hint = f"did you mean `{close}`?"
                self.suggested.add((*where, close))
            else:
                hint = f"remove it; {what} takes {_listed(allowed)}"
            self.report((*where, key), f"unknown key `{key}` — {hint}")

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        where: KeyPath,
        *,
        limit: int | None,
        required: bool = True,
        label: str = "",
    ) -> str:
        """A string field: present when required, not blank, at most `limit` characters."""
        name = label or f"`{key}`"
        path = (*where, key)
        if key not in table:
            if required and path not in self.suggested:
                self.report(path, f'no {name} in {_place(where)} — add `{key} = "..."`')
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.report(path, f'{name} must be text in quotes, like `{key} = "..."`')
            return ""
        if required and not value.strip():
            self.report(path, f"{name} is empty — write it")
        if limit is not None and len(value) > limit:
            self.report(
                path,
                f"{name} has {len(value)} characters; at most {limit} — shorten it",
            )
        return value

    def whole_number(
        self,
        table: Mapping[str, Any],
        key: str,
        where: KeyPath,
        *,
        low: int,
        high: int,
        example: str,
        default: int | None = None,
    ) -> int:
        """An integer field from `low` to `high` (a missing one is `default`, else reported)."""
        path = (*where, key)
        if key not in table:
            if default is not None or path in self.suggested:
                return default or 0
            self.report(path, f"no `{key}` in {_place(where)} — add it, e.g. `{example}`")
            return 0
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(path, f"`{key}` must be a whole number without quotes, e.g. `{example}`")
            return 0
        if not low <= value <= high:
            self.report(path, f"`{key}` is {value}; it must be from {low} to {high}")
        return value

    def string_list(
        self, table: Mapping[str, Any], key: str, where: KeyPath, *, example: str
    ) -> list[str] | None:
        """A list of strings (None, reported, if it is something else)."""
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.report((*where, key), f"`{key}` must be a list of texts, e.g. `{example}`")
            return None
        return value

    def languages(
        self, table: Mapping[str, Any], key: str, where: KeyPath, *, required: bool
    ) -> dict[str, str]:
        """An inline table of texts by language: `title = { nb = "...", en = "..." }`."""
        path = (*where, key)
        example = f'`{key} = {{ nb = "...", nn = "...", en = "..." }}`'
        if key not in table:
            if required:
                self.report(path, f"no `{key}` — add it in each language: {example}")
            return {}
        value = table[key]
        if not isinstance(value, dict):
            self.report(path, f"`{key}` must give each language: {example}")
            return {}
        texts: dict[str, str] = {}
        for language in value:
            if language not in LANGUAGES:
                self.report(
                    (*path, language),
                    f"`{key}` has `{language}`, which is not a language of the library "
                    "(nb, nn, en) — remove it or correct it",
                )
        for language in LANGUAGES:
            if language not in value and language in REQUIRED_LANGUAGES:
                self.report(path, f'`{key}` has no `{language}` — add `{language} = "..."`')
                continue
            if language in value:
                limit = MAX_TITLE if key == "title" else None
                label = f"`{key}.{language}`"
                texts[language] = self.text(value, language, path, limit=limit, label=label)
        return texts

    def file_id(self, data: Mapping[str, Any]) -> str:
        """`id`: present, a-z 0-9 '-', and the same as the file name."""
        stem = self.path.stem
        if "id" not in data:
            self.report(("id",), f'no `id` — add `id = "{stem}"`: the file name is the id')
            return ""
        value = data["id"]
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            shown = f'"{value}"' if isinstance(value, str) else str(value)
            check_name = ID_PATTERN.fullmatch(stem)
            fix = f'`id = "{stem}"`' if check_name else "a new id, and name the file after it"
            self.report(
                ("id",),
                f"`id` {shown} may only use lower case a-z, 0-9 and '-' — write {fix}",
            )
            return ""
        if value != stem:
            self.report(
                ("id",),
                f'`id` is "{value}" but the file is {self.path.name} — make them the same: '
                f'rename the file to {value}.toml or set `id = "{stem}"`',
            )
        return value


# -- cases --------------------------------------------------------------------------------------


def check_case(check: FileCheck, data: dict[str, Any], tags: Collection[str] | None) -> Case | None:
    """A case file; `tags` the known tag ids (None: not checked)."""
    for key in data:
        if key in CASE_KEYS:
            continue
        if isinstance(data[key], dict) and re.fullmatch(r"[a-z]{2,3}(-[a-z]+)?", key):
            close = suggestion(key, LANGUAGES)
            if close:
                hint = f"did you mean `[{close}]`?"
            else:
                hint = "a case has `[nb]`, `[en]` and, if you like, `[nn]`; remove it"
            check.report((key,), f"`[{key}]` is not a language of the library — {hint}")
        else:
            check.unknown_keys({key: None}, CASE_KEYS, (), "a case")
    case_id = check.file_id(data)
    minutes = check.whole_number(
        data, "minutes", (), low=1, high=MAX_MINUTES, example="minutes = 25"
    )
    case_tags = _case_tags(check, data, tags)
    texts: dict[str, CaseText] = {}
    for language in LANGUAGES:
        if language not in data:
            if language in REQUIRED_LANGUAGES and (language,) not in check.suggested:
                check.report(
                    (language,),
                    f"no `[{language}]` block — every case needs `[nb]` and `[en]`; add "
                    f"`[{language}]` with the same fields as the other languages",
                )
            continue
        text = _case_text(check, data[language], language)
        if text is not None:
            texts[language] = text
    if "nb" in texts:
        for language in ("nn", "en"):
            if language in texts:
                _same_activities(check, texts["nb"], texts[language], language)
    broken = not check.ok
    check_citations(check, texts)  # reported, but a case that is right otherwise still loads
    if broken:
        return None
    return Case(case_id, minutes, tuple(case_tags), texts, check.path)


def _case_tags(
    check: FileCheck, data: Mapping[str, Any], known: Collection[str] | None
) -> list[str]:
    example = 'tags = ["elected"]'
    if "tags" not in data:
        check.report(("tags",), f"no `tags` — add at least one id from tags.toml: `{example}`")
        return []
    tags = check.string_list(data, "tags", (), example=example)
    if tags is None:
        return []
    if not tags:
        check.report(
            ("tags",), f"`tags` is empty — add at least one id from tags.toml: `{example}`"
        )
    for index, tag in enumerate(tags):
        if not tag.strip():
            check.report(("tags", index), f"tag {index + 1} is empty — write a tag id or remove it")
        elif tag in tags[:index]:
            check.report(("tags", index), f"tag `{tag}` is listed twice — remove one")
        elif known is not None and tag not in known:
            close = suggestion(tag, known)
            hint = f"did you mean `{close}`?" if close else "use one of the ids in tags.toml"
            check.report(
                ("tags", index), f"unknown tag `{tag}` — {hint} (or add the tag to tags.toml)"
            )
    return tags


def _case_text(check: FileCheck, block: object, language: str) -> CaseText | None:
    where: KeyPath = (language,)
    if not isinstance(block, dict):
        check.report(
            where,
            f"`{language}` must be a table: `[{language}]` on a line of its own, "
            "with the fields below it",
        )
        return None
    check.unknown_keys(block, CASE_TEXT_KEYS, where, f"`[{language}]`")
    title = check.text(block, "title", where, limit=MAX_TITLE)
    narrative = check.text(block, "narrative", where, limit=None)
    notes = check.text(block, "notes", where, limit=None, required=False)
    questions = _questions(check, block, where)
    activities = _activities(check, block, language)
    law = check_law(check, block, language)
    return CaseText(title, narrative, tuple(questions), notes, tuple(activities), law)


def _questions(check: FileCheck, block: Mapping[str, Any], where: KeyPath) -> list[str]:
    example = 'questions = ["...", "..."]'
    if "questions" not in block:
        check.report(
            (*where, "questions"),
            f"no `questions` in {_place(where)} — add 1 to {MAX_QUESTIONS} for the table "
            f"talk: `{example}`",
        )
        return []
    questions = check.string_list(block, "questions", where, example=example)
    if questions is None:
        return []
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        do = "remove some" if questions else "add at least one"
        check.report(
            (*where, "questions"),
            f"`questions` has {_count(len(questions), 'entry', 'entries')}; "
            f"a case takes 1 to {MAX_QUESTIONS} — {do}",
        )
    for index, question in enumerate(questions):
        if not question.strip():
            check.report(
                (*where, "questions", index),
                f"question {index + 1} is empty — write it or remove it",
            )
    return questions


def _activities(check: FileCheck, block: Mapping[str, Any], language: str) -> list[ActivityText]:
    where: KeyPath = (language, "activities")
    header = f"[[{language}.activities]]"
    items = block.get("activities")
    if items is None:
        check.report(where, f"`[{language}]` has no activities — add 1 to 4 `{header}`")
        return []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        check.report(where, f"`activities` must be tables, each under its own `{header}` header")
        return []
    if not 1 <= len(items) <= MAX_ACTIVITIES:
        do = "remove some" if items else "add one"
        check.report(
            where,
            f"`[{language}]` has {_count(len(items), 'activity', 'activities')}; "
            f"a case takes 1 to {MAX_ACTIVITIES} — {do}",
        )
    return [_activity(check, item, (*where, index)) for index, item in enumerate(items)]


def _activity(check: FileCheck, item: Mapping[str, Any], where: KeyPath) -> ActivityText:
    check.unknown_keys(item, ACTIVITY_KEYS, where, "an activity")
    kind = item.get("kind")
    if kind is None:
        if (*where, "kind") not in check.suggested:
            check.report(where, f"{_place(where)} has no `kind` — add one: {_kinds()}")
        kind = ""
    elif kind not in KINDS:
        close = suggestion(str(kind), KINDS)
        hint = f"did you mean `{close}`?" if close else f"use {_kinds()}"
        check.report((*where, "kind"), f'`kind` "{kind}" is not a kind of activity — {hint}')
        kind = ""
    prompt = check.text(item, "prompt", where, limit=MAX_PROMPT)
    title = check.text(item, "title", where, limit=MAX_TITLE, required=False)
    options = _options(check, item, where, kind)
    return ActivityText(kind, prompt, title, tuple(options))


def _kinds() -> str:
    return ", ".join(KINDS[:-1]) + " or " + KINDS[-1]


def _options(check: FileCheck, item: Mapping[str, Any], where: KeyPath, kind: str) -> list[str]:
    path = (*where, "options")
    example = 'options = ["...", "..."]'
    if "options" in item:
        options = check.string_list(item, "options", where, example=example)
        if options is None:
            return []
    else:
        options = []
    if not kind:
        return options
    low, high = OPTION_COUNTS[kind]
    count = len(options)
    if high == 0:
        if options:
            other = "a poll" if kind == "reflection" else "a dilemma or a poll"
            check.report(path, f"a {kind} takes no `options` — remove them, or make it {other}")
        return []
    if "options" not in item:
        if path in check.suggested:
            return []
        check.report(path, f"a {kind} needs `options`, {low} to {high} — add them: `{example}`")
        return []
    if not low <= count <= high:
        if count > high:
            do = "remove some or make it a poll" if kind == "dilemma" else "remove some"
        else:
            do = "add more"
        check.report(
            path,
            f"`options` has {_count(count, 'entry', 'entries')}; a {kind} takes {low} to {high} "
            f"— {do}",
        )
    for index, option in enumerate(options):
        if not option.strip():
            check.report((*path, index), f"option {index + 1} is empty — write it or remove it")
        elif len(option) > MAX_OPTION:
            check.report(
                (*path, index),
                f"option {index + 1} has {len(option)} characters; at most {MAX_OPTION} — "
                "shorten it",
            )
    return options


def _same_activities(check: FileCheck, nb: CaseText, other: CaseText, language: str) -> None:
    """The activities of `other` match bokmål's one for one: kinds and numbers of options."""
    where: KeyPath = (language, "activities")
    if len(other.activities) != len(nb.activities):
        check.report(
            where,
            f"`[{language}]` has {len(other.activities)} activities but `[nb]` has "
            f"{len(nb.activities)} — they must match one for one; add or remove activities",
        )
    for index, (first, second) in enumerate(zip(nb.activities, other.activities, strict=False)):
        if check.reported_under(("nb", "activities", index)) or check.reported_under(
            (*where, index)
        ):
            continue  # compare only activities that are right in themselves
        if first.kind != second.kind:
            check.report(
                (*where, index, "kind"),
                f"activity {index + 1} is a {second.kind} here but a {first.kind} in `[nb]` — "
                "every language has the same activities in the same order",
            )
        elif len(first.options) != len(second.options):
            check.report(
                (*where, index, "options"),
                f"activity {index + 1} has {len(second.options)} options here but "
                f"{len(first.options)} in `[nb]` — give every language the same options in "
                "the same order",
            )


# -- agendas ------------------------------------------------------------------------------------


def check_agenda(
    check: FileCheck, data: dict[str, Any], case_ids: Collection[str] | None
) -> Agenda | None:
    """An agenda template; `case_ids` the cases in the library (None: not checked)."""
    check.unknown_keys(data, AGENDA_KEYS, (), "an agenda")
    agenda_id = check.file_id(data)
    titles = check.languages(data, "title", (), required=True)
    descriptions = check.languages(data, "description", (), required=False)
    segments = _segments(check, data, case_ids)
    if not check.ok:
        return None
    return Agenda(agenda_id, titles, descriptions, tuple(segments), check.path)


def _segments(
    check: FileCheck, data: Mapping[str, Any], case_ids: Collection[str] | None
) -> list[TemplateSegment]:
    items = data.get("segments")
    if not items:
        check.report(("segments",), "no segments — add at least one `[[segments]]`")
        return []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        check.report(("segments",), "`segments` must be tables, each under `[[segments]]`")
        return []
    segments = [_segment(check, item, index, case_ids) for index, item in enumerate(items)]
    _in_time_order(check, segments)
    return [segment for segment in segments if segment is not None]


def _segment(
    check: FileCheck, item: Mapping[str, Any], index: int, case_ids: Collection[str] | None
) -> TemplateSegment | None:
    where: KeyPath = ("segments", index)
    check.unknown_keys(item, SEGMENT_KEYS, where, "a segment")
    day = check.whole_number(item, "day", where, low=1, high=99, example="day = 1", default=1)
    minutes = check.whole_number(
        item, "minutes", where, low=1, high=MAX_MINUTES, example="minutes = 45"
    )
    start = item.get("start")
    start_ok = False
    if start is None:
        if (*where, "start") not in check.suggested:
            check.report(where, f'segment {index + 1} has no `start` — add it: `start = "09:00"`')
    elif not isinstance(start, str) or not TIME_PATTERN.fullmatch(start):
        shown = f'"{start}"' if isinstance(start, str) else str(start)
        check.report(
            (*where, "start"),
            f'`start` {shown} is not a time as "HH:MM" — write it like `start = "09:00"`',
        )
    elif _minute_of_day(start) is None:
        check.report(
            (*where, "start"),
            f'`start` "{start}" is not a time of day — hours go from 00 to 23 and minutes '
            "from 00 to 59",
        )
    else:
        start_ok = True
    titles = check.languages(item, "title", where, required=True)
    cases = _segment_cases(check, item, where, case_ids)
    if not start_ok or not isinstance(start, str):
        return None
    return TemplateSegment(day, start, minutes, titles, tuple(cases))


def _minute_of_day(start: str) -> int | None:
    found = TIME_PATTERN.fullmatch(start)
    if not found:
        return None
    hours, minutes = int(found.group(1)), int(found.group(2))
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _segment_cases(
    check: FileCheck, item: Mapping[str, Any], where: KeyPath, case_ids: Collection[str] | None
) -> list[str]:
    if "cases" not in item:
        return []
    cases = check.string_list(item, "cases", where, example='cases = ["habilitet-svogerens-tomt"]')
    if cases is None:
        return []
    for index, case_id in enumerate(cases):
        if case_ids is not None and case_id not in case_ids:
            close = suggestion(case_id, case_ids)
            hint = f"did you mean `{close}`?" if close else "correct the id or add the case"
            check.report(
                (*where, "cases", index),
                f"unknown case `{case_id}`: there is no library/{case_id}.toml — {hint}",
            )
    return cases


def _in_time_order(check: FileCheck, segments: Sequence[TemplateSegment | None]) -> None:
    """Within a day, each segment starts when or after the one before it ends."""
    last: dict[int, tuple[int, int, int]] = {}  # day -> (index, start, end) of the latest
    for index, segment in enumerate(segments):
        if segment is None:
            continue
        start = _minute_of_day(segment.start)
        if start is None:
            continue
        end = start + segment.minutes
        where: KeyPath = ("segments", index, "start")
        if end > 24 * 60:
            check.report(
                where, f"segment {index + 1} runs past midnight — start it earlier or shorten it"
            )
        before = last.get(segment.day)
        if before is not None:
            other, other_start, other_end = before
            if start < other_start:
                check.report(
                    where,
                    f"segment {index + 1} starts at {segment.start}, before segment {other + 1} "
                    f"({_clock(other_start)}) on day {segment.day} — put the segments of a "
                    "day in time order",
                )
            elif start < other_end:
                check.report(
                    where,
                    f"segment {index + 1} starts at {segment.start} but segment {other + 1} runs "
                    f"until {_clock(other_end)} on day {segment.day} — start it at "
                    f"{_clock(other_end)} or later, or shorten segment {other + 1}",
                )
        last[segment.day] = (index, start, end)


# -- glossary and tags --------------------------------------------------------------------------


def check_glossary(
    check: FileCheck, data: dict[str, Any], language: str, nb_ids: Collection[str] | None
) -> list[Term] | None:
    """`glossary.<language>.toml`; `nb_ids` the bokmål term ids (None: not checked)."""
    check.unknown_keys(data, GLOSSARY_KEYS, (), "a glossary")
    stated = data.get("language")
    if stated is None:
        check.report(("language",), f'no `language` — add `language = "{language}"`')
    elif stated != language:
        check.report(
            ("language",),
            f'`language` is "{stated}" but the file is {check.path.name} — make them the same',
        )
    items = data.get("terms")
    if not items:
        check.report(("terms",), "no terms — add at least one `[[terms]]`")
        return None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        check.report(("terms",), "`terms` must be tables, each under `[[terms]]`")
        return None
    terms: list[Term] = []
    first_of_id: dict[str, int] = {}
    owner_of_word: dict[str, tuple[str, int]] = {}
    for index, item in enumerate(items):
        term = _term(check, item, index)
        if term is None:
            continue
        where: KeyPath = ("terms", index, "id")
        if term.id in first_of_id:
            check.report(
                where,
                f"id `{term.id}` is already used by the term on line "
                f"{check.line(('terms', first_of_id[term.id]))} — give each term its own id",
            )
            continue
        first_of_id[term.id] = index
        if nb_ids is not None and language != "nb" and term.id not in nb_ids:
            check.report(
                where,
                f"id `{term.id}` is not in glossary.nb.toml — every term is in bokmål too: "
                "add it there or correct the id",
            )
        for position, word in enumerate((term.term, *term.forms)):
            key = " ".join(word.lower().split())
            place: KeyPath = ("terms", index, "term" if position == 0 else "forms")
            if key in owner_of_word and owner_of_word[key][0] != term.id:
                other, line = owner_of_word[key]
                check.report(
                    place,
                    f"`{word}` also shows the term `{other}` (line {line}) — a word may show "
                    "one term only; remove it from one of them",
                )
            owner_of_word.setdefault(key, (term.id, check.line(("terms", index))))
        terms.append(term)
    return terms if check.ok else None


def _term(check: FileCheck, item: Mapping[str, Any], index: int) -> Term | None:
    where: KeyPath = ("terms", index)
    check.unknown_keys(item, TERM_KEYS, where, "a term")
    term_id = item.get("id")
    if not isinstance(term_id, str) or not ID_PATTERN.fullmatch(term_id):
        check.report(
            (*where, "id"),
            "each term needs an `id` of lower case a-z, 0-9 and '-', the same in every "
            'language, e.g. `id = "habilitet"`',
        )
        term_id = None
    term = check.text(item, "term", where, limit=MAX_TITLE)
    explanation = check.text(item, "explanation", where, limit=MAX_EXPLANATION)
    forms: list[str] = []
    if "forms" in item:
        listed = check.string_list(item, "forms", where, example='forms = ["inhabil"]')
        for position, form in enumerate(listed or []):
            if not form.strip():
                check.report(
                    (*where, "forms", position),
                    f"form {position + 1} is empty — write it or remove it",
                )
            else:
                forms.append(form)
    if term_id is None or not term.strip() or not explanation.strip():
        return None
    return Term(term_id, term, tuple(forms), explanation)


def check_tags(check: FileCheck, data: dict[str, Any]) -> dict[str, dict[str, str]] | None:
    """tags.toml: `[tag-id]` tables with a name in nb, en and, if you like, nn."""
    if not data:
        check.report((), 'no tags — add at least one: `[elected]` with `nb = "..."`, `en = "..."`')
    tags: dict[str, dict[str, str]] = {}
    for tag, names in data.items():
        where: KeyPath = (tag,)
        if not ID_PATTERN.fullmatch(tag):
            check.report(where, f"tag id `{tag}` may only use lower case a-z, 0-9 and '-'")
        if not isinstance(names, dict):
            check.report(
                where, f'`{tag}` must be a table: `[{tag}]` with `nb = "..."` and `en = "..."`'
            )
            continue
        check.unknown_keys(names, LANGUAGES, where, "a tag")
        tags[tag] = {
            language: check.text(names, language, where, limit=MAX_TITLE)
            for language in LANGUAGES
            if language in names or language in REQUIRED_LANGUAGES
        }
    return tags if check.ok else None
