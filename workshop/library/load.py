"""Reading library files: one file at a time, or a folder laid out like `cases/`.

A file with any problem is left out of the result; its problems are returned, and every
other file still loads. The one exception: a case whose notes name a law without a paragraph
is reported but still loads (docs/cases.md, "What the law says").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.library.everyday import EVERYDAY_NAME, load_allowed
from workshop.library.locate import syntax_error_position, syntax_error_reason
from workshop.library.model import LANGUAGES, Agenda, Case, Term
from workshop.library.problems import Problem
from workshop.library.validate import (
    FileCheck,
    check_agenda,
    check_case,
    check_glossary,
    check_tags,
)

GLOSSARY_NAME = re.compile(r"glossary\.([^.]+)\.toml")
TAGS_NAME = "tags.toml"
CASES_FOLDER = "library"
AGENDAS_FOLDER = "agendas"


@dataclass
class Loaded:
    """What a folder or a file held: every valid item, and every problem found."""

    cases: dict[str, Case] = field(default_factory=dict)
    agendas: dict[str, Agenda] = field(default_factory=dict)
    terms: dict[str, list[Term]] = field(default_factory=dict)  # language -> terms
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_toml(path: Path) -> tuple[FileCheck | None, dict[str, Any] | None, list[Problem]]:
    """The file parsed, with a `FileCheck` for its rules; a syntax error is a problem."""
    try:
        source = path.read_text("utf-8")
    except UnicodeDecodeError:
        return None, None, [Problem(path, 1, "the file is not UTF-8 — save it as UTF-8")]
    except OSError as error:
        return None, None, [Problem(path, 1, f"cannot read the file: {error.strerror}")]
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        line, column = syntax_error_position(error, source)
        reason = syntax_error_reason(error)
        message = (
            f"TOML syntax error at column {column}: {reason} — check this line and the one "
            "before it for a missing quote, comma, bracket or `=`"
        )
        return None, None, [Problem(path, line, message)]
    return FileCheck(path, source), data, []


def _in_order(check: FileCheck) -> list[Problem]:
    """A file's problems from its top to its bottom."""
    return sorted(check.problems, key=lambda problem: problem.line)


def load_case(path: Path, tags: Collection[str] | None) -> tuple[Case | None, list[Problem]]:
    """A case file; its tags are checked against `tags` unless it is None."""
    check, data, problems = read_toml(path)
    if check is None or data is None:
        return None, problems
    case = check_case(check, data, tags)
    return case, _in_order(check)


def load_agenda(
    path: Path, case_ids: Collection[str] | None
) -> tuple[Agenda | None, list[Problem]]:
    """An agenda template; its cases are checked against `case_ids` unless it is None."""
    check, data, problems = read_toml(path)
    if check is None or data is None:
        return None, problems
    agenda = check_agenda(check, data, case_ids)
    return agenda, _in_order(check)


def glossary_language(path: Path) -> str | None:
    """`nb` for glossary.nb.toml; None when the name is not a glossary's."""
    found = GLOSSARY_NAME.fullmatch(path.name)
    return found.group(1) if found else None


def load_glossary(
    path: Path, nb_ids: Collection[str] | None
) -> tuple[list[Term] | None, list[Problem]]:
    """`glossary.<language>.toml`; ids of nn and en are checked against `nb_ids` if given."""
    language = glossary_language(path) or ""
    if language not in LANGUAGES:
        message = (
            f"`{language}` in the file name is not a language of the library — name it "
            "glossary.nb.toml, glossary.nn.toml or glossary.en.toml"
        )
        return None, [Problem(path, 1, message)]
    check, data, problems = read_toml(path)
    if check is None or data is None:
        return None, problems
    terms = check_glossary(check, data, language, nb_ids)
    return terms, _in_order(check)


def load_tags(path: Path) -> tuple[dict[str, dict[str, str]] | None, list[Problem]]:
    """tags.toml."""
    check, data, problems = read_toml(path)
    if check is None or data is None:
        return None, problems
    tags = check_tags(check, data)
    return tags, _in_order(check)


def case_ids_in(folder: Path) -> set[str]:
    """The ids of the case files in `folder` (their names), valid or not."""
    return {path.stem for path in folder.glob("*.toml")} if folder.is_dir() else set()


def load_folder(root: Path) -> Loaded:
    """Every file of a folder laid out like `cases/`."""
    loaded = Loaded()
    tags_path = root / TAGS_NAME
    known_tags: Collection[str] | None = None
    if tags_path.is_file():
        tags, problems = load_tags(tags_path)
        loaded.problems += problems
        loaded.tags = tags or {}
        known_tags = loaded.tags if tags is not None else None
    for path in sorted((root / CASES_FOLDER).glob("*.toml")):
        case, problems = load_case(path, known_tags)
        loaded.problems += problems
        if case is not None:
            loaded.cases[case.id] = case
    case_ids = case_ids_in(root / CASES_FOLDER)
    for path in sorted((root / AGENDAS_FOLDER).glob("*.toml")):
        agenda, problems = load_agenda(path, case_ids)
        loaded.problems += problems
        if agenda is not None:
            loaded.agendas[agenda.id] = agenda
    glossaries = sorted(
        (path for path in root.glob("*.toml") if glossary_language(path) is not None),
        key=lambda path: (glossary_language(path) != "nb", path.name),  # bokmål first
    )
    nb_ids: Collection[str] | None = None
    for path in glossaries:
        terms, problems = load_glossary(path, nb_ids)
        loaded.problems += problems
        language = glossary_language(path)
        if language == "nb":
            nb_ids = _term_ids(path) if terms is None else {term.id for term in terms}
        if terms is not None and language is not None:
            loaded.terms[language] = terms
    for path in sorted(root.glob("*.toml")):
        if path.name not in (TAGS_NAME, EVERYDAY_NAME) and glossary_language(path) is None:
            loaded.problems.append(
                Problem(
                    path,
                    1,
                    "not a file of the library layout — put a case in library/, an agenda in "
                    "agendas/; only glossary.<language>.toml, tags.toml and everyday.toml live "
                    "at the top",
                )
            )
    return loaded


def load_file(path: Path) -> Loaded:
    """One file, checked as what its name and place say it is: tags.toml, a glossary, an
    agenda (in an `agendas` folder) or else a case. Tags, case ids and bokmål term ids are
    checked when the library around the file has them."""
    loaded = Loaded()
    root = path.parent.parent
    if path.name == TAGS_NAME:
        tags, loaded.problems = load_tags(path)
        loaded.tags = tags or {}
    elif path.name == EVERYDAY_NAME:
        loaded.problems = load_allowed(path)[1]
    elif (language := glossary_language(path)) is not None:
        nb_path = path.with_name("glossary.nb.toml")
        nb_ids = _term_ids(nb_path) if language != "nb" and nb_path.is_file() else None
        terms, loaded.problems = load_glossary(path, nb_ids)
        if terms is not None:
            loaded.terms[language] = terms
    elif path.parent.name == AGENDAS_FOLDER:
        library = root / CASES_FOLDER
        case_ids = case_ids_in(library) if library.is_dir() else None
        agenda, loaded.problems = load_agenda(path, case_ids)
        if agenda is not None:
            loaded.agendas[agenda.id] = agenda
    else:
        known_tags = _tag_ids(root / TAGS_NAME)
        case, loaded.problems = load_case(path, known_tags)
        if case is not None:
            loaded.cases[case.id] = case
    return loaded


def _tag_ids(path: Path) -> set[str] | None:
    """The tag ids in a tags.toml, or None when there is none that parses."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return set(data)


def _term_ids(path: Path) -> set[str] | None:
    """The term ids written in a glossary file, even if it has problems of its own."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    terms = data.get("terms")
    if not isinstance(terms, list):
        return None
    return {
        term["id"] for term in terms if isinstance(term, dict) and isinstance(term.get("id"), str)
    }
