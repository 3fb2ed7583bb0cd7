"""Plain language in what participants see (docs/cases.md, "Plain language", issue 18):
`workshop cases check` flags words that are neither everyday nor explained by the glossary,
abbreviations the glossary does not explain, and sentences of more than 25 words; compounds
of everyday words, numbers, names and the words of `everyday.toml` pass."""

from __future__ import annotations

import time
from pathlib import Path

from tests.test_library import CASE, changed, run_check, write_library
from workshop.library import DEFAULT_ROOT, check_path, load_library
from workshop.library.everyday import Everyday
from workshop.library.plain_language import MAX_SENTENCE_WORDS, check_library

GLOSSARY_NB = """\
language = "nb"

[[terms]]
id = "habilitet"
term = "habilitet"
forms = ["habil", "inhabil"]
explanation = "At du ikke har bindinger som kan svekke tilliten til at du er upartisk."

[[terms]]
id = "ks"
term = "KS"
explanation = "Kommunenes interesse- og arbeidsgiverorganisasjon."
"""

GLOSSARY_EN = """\
language = "en"

[[terms]]
id = "habilitet"
term = "impartiality"
explanation = "Having no ties that could weaken trust that you are impartial."
"""

ONLY_KS = (
    GLOSSARY_NB[: GLOSSARY_NB.index("[[terms]]")]
    + GLOSSARY_NB[GLOSSARY_NB.index('[[terms]]\nid = "ks"') :]
)

EVERYDAY = """\
names = ["Zorbia"]
nb = ["rullator"]
"""


def narrative(text: str, english: str = "Kari is newly elected to the council.") -> str:
    """CASE with `text` as its bokmål narrative (on line 8) and `english` as its English one."""
    case = changed(CASE, "Kari er nyvalgt i kommunestyret og får en sak om habilitet.", text)
    return changed(
        case, 'narrative = "Kari is newly elected to the council."', f'narrative = "{english}"'
    )


def library_with(
    tmp_path: Path, case: str, *, glossary: bool = True, everyday: str = EVERYDAY
) -> Path:
    """A library with `case`, and with GLOSSARY_NB and GLOSSARY_EN or, without `glossary`,
    glossaries that explain only `KS`."""
    root = write_library(tmp_path, {"test-case": case})
    nb, en = (GLOSSARY_NB, GLOSSARY_EN) if glossary else (ONLY_KS, ONLY_KS.replace("nb", "en"))
    (root / "glossary.nb.toml").write_text(nb, "utf-8")
    (root / "glossary.en.toml").write_text(en, "utf-8")
    if everyday:
        (root / "everyday.toml").write_text(everyday, "utf-8")
    return root


def findings(tmp_path: Path, case: str, **options: object) -> list[str]:
    root = library_with(tmp_path, case, **options)  # type: ignore[arg-type]
    library = check_path(root)
    assert [str(problem) for problem in library.problems] == []
    return [problem.message for problem in check_library(root, library)]


def flagged_words(messages: list[str]) -> list[str]:
    return [message.split("`")[1] for message in messages if "`" in message]


def test_the_test_case_is_plain(tmp_path: Path) -> None:
    assert findings(tmp_path, CASE) == []


def test_a_word_that_is_neither_everyday_nor_explained(tmp_path: Path) -> None:
    messages = findings(tmp_path, narrative("Kari vurderer gjerdesmutt og habilitet."))
    assert messages == [
        "[nb] narrative: `gjerdesmutt` is not an everyday word — explain it in the glossary or "
        "use an everyday word (a plain word the word lists lack goes in everyday.toml)"
    ]


def test_the_glossary_explains_a_word_and_its_forms(tmp_path: Path) -> None:
    case = narrative("Kari er inhabil.", english="Kari asks about impartiality.")
    assert findings(tmp_path / "with", case) == []
    assert flagged_words(findings(tmp_path / "without", case, glossary=False)) == [
        "inhabil",
        "impartiality",
    ]


def test_an_abbreviation_is_flagged_unless_the_glossary_explains_it(tmp_path: Path) -> None:
    messages = findings(
        tmp_path, narrative("Kari eier aksjer i Nordvik Tomter AS og spør KS-styret.")
    )
    assert messages == [
        "[nb] narrative: `AS` is an abbreviation the glossary does not explain — explain it in "
        "the glossary or write it out"
    ]


def test_compounds_of_everyday_words_pass(tmp_path: Path) -> None:
    text = "Boligtomtene, lønnssamtalen og barnefamiliene er tema i budsjettforslaget."
    assert findings(tmp_path, narrative(text)) == []


def test_a_compound_with_a_part_that_is_not_everyday_is_flagged() -> None:
    everyday = Everyday("nb")
    assert "boligtomter" in everyday  # bolig + tomter
    assert "håndballaget" in everyday  # håndball + laget, one l dropped
    assert "gjerdesmuttreir" not in everyday


def test_a_sentence_of_26_words_is_flagged_and_25_pass(tmp_path: Path) -> None:
    words = ["Kari"] + ["tenker"] * (MAX_SENTENCE_WORDS - 1)
    long = " ".join([*words, "lenge"]) + "."
    fine = " ".join(words) + ". " + " ".join(words) + "."
    assert findings(tmp_path / "fine", narrative(fine)) == []
    messages = findings(tmp_path / "long", narrative(long))
    assert messages == [
        "[nb] narrative: a sentence of 26 words, at most 25 — split it or shorten it: "
        "“Kari tenker tenker tenker tenker tenker …”"
    ]


def test_law_texts_are_checked_for_sentence_length_only(tmp_path: Path) -> None:
    long = " ".join(["Gjerdesmutt"] + ["gjelder"] * MAX_SENTENCE_WORDS) + "."
    law = f'\n[[nb.law]]\nref = "kommuneloven § 11-5"\ntext = "{long}"\n\n[[nb.activities]]'
    messages = findings(tmp_path, changed(CASE, "\n[[nb.activities]]", law))
    assert messages == [
        "[nb] law 1 text: a sentence of 26 words, at most 25 — split it or shorten it: "
        "“Gjerdesmutt gjelder gjelder gjelder gjelder gjelder …”"
    ]


def test_names_numbers_and_the_allow_list_pass(tmp_path: Path) -> None:
    text = (
        "Zorbia har 4 200 innbyggere. Kari Zorblax bor der. Zorblax har en rullatoren. "
        "Gjerdesmutt flyr."
    )
    # Zorblax is a name: it stands inside a sentence once. Gjerdesmutt only starts one.
    assert flagged_words(findings(tmp_path / "a", narrative(text))) == ["Gjerdesmutt"]
    # Without everyday.toml, Zorbia (only at the start) and rullator are not known.
    assert flagged_words(findings(tmp_path / "b", narrative(text), everyday="")) == [
        "Zorbia",
        "rullatoren",
        "Gjerdesmutt",
    ]


def test_a_name_that_only_starts_sentences_is_written_the_same_in_english(tmp_path: Path) -> None:
    case = narrative("Kari ringer. Zorbqvist svarer.", english="Kari calls. Zorbqvist answers.")
    assert findings(tmp_path / "name", case) == []
    case = narrative("Kari ringer. Gjerdesmutt svarer.", english="Kari calls. A wren answers.")
    assert flagged_words(findings(tmp_path / "word", case)) == ["Gjerdesmutt"]


def test_notes_are_not_checked_and_every_field_is(tmp_path: Path) -> None:
    case = changed(CASE, 'notes = "Bare for fasilitatoren."', 'notes = "Gjerdesmutt AS."')
    case = changed(case, 'prompt = "Hva gjør Kari?"', 'prompt = "Hva gjør Kari med gjerdesmutt?"')
    case = changed(case, 'options = ["Si fra", "Tie"]', 'options = ["Si fra", "Tie om IKS"]')
    case = changed(
        case, 'questions = ["What should Kari do?"]', 'questions = ["What about zorblax?"]'
    )
    messages = findings(tmp_path, case)
    assert [message.split(":")[0] for message in messages] == [
        "[nb] activity 1 prompt",
        "[nb] activity 1 option 2",
        "[en] question 1",
    ]


def test_the_line_is_the_words_own_line(tmp_path: Path) -> None:
    case = changed(
        CASE,
        "Kari er nyvalgt i kommunestyret",
        "Kari er nyvalgt.\n\nDet gjelder gjerdesmutt i kommunestyret",
    )
    root = library_with(tmp_path, case)
    (problem,) = check_library(root, check_path(root))
    assert problem.line == 10  # the narrative starts on line 8
    assert str(problem).endswith(
        "test-case.toml:10: [nb] narrative: `gjerdesmutt` is not an everyday word — explain it "
        "in the glossary or use an everyday word (a plain word the word lists lack goes in "
        "everyday.toml)"
    )


def test_nynorsk_is_checked_against_bokmal_data_and_its_own_list(tmp_path: Path) -> None:
    nynorsk = """
[nn]
title = "Prøvesak"
narrative = "Korleis kan Kari vite kva som er rett? Ho høyrde det i haust, difor spør ho."
questions = ["Kva bør Kari gjere?"]
notes = "Berre for kursleiaren."

[[nn.activities]]
kind = "dilemma"
prompt = "Kva gjer Kari?"
options = ["Seie frå", "Teie"]

[[nn.activities]]
kind = "reflection"
prompt = "Kva tek du med deg?"

[en]"""
    case = changed(CASE, "\n[en]", nynorsk)
    assert flagged_words(findings(tmp_path / "a", case)) == ["høyrde", "haust", "difor"]
    allowed = 'nn = ["høyre", "høyrde", "haust", "difor"]\n'
    assert findings(tmp_path / "b", case, everyday=allowed) == []


def test_words_are_left_unchecked_without_a_glossary(tmp_path: Path) -> None:
    long = " ".join(["Gjerdesmutt"] + ["gjelder"] * MAX_SENTENCE_WORDS) + "."
    root = write_library(tmp_path, {"test-case": narrative(f"{long} Kari er inhabil.")})
    messages = [problem.message for problem in check_library(root, check_path(root))]
    assert messages == [
        "[nb] narrative: a sentence of 26 words, at most 25 — split it or shorten it: "
        "“Gjerdesmutt gjelder gjelder gjelder gjelder gjelder …”"
    ]


def test_the_command_flags_and_fails(tmp_path: Path) -> None:
    root = library_with(tmp_path, narrative("Kari eier gjerdesmutt AS."))
    result = run_check(str(root))
    assert result.returncode == 1
    assert "[nb] narrative: `gjerdesmutt` is not an everyday word" in result.stdout
    assert "[nb] narrative: `AS` is an abbreviation" in result.stdout
    assert result.stdout.splitlines()[-1].endswith(": 2 problems")
    # One case file is checked with the glossary and everyday.toml of the library around it.
    single = run_check(str(root / "library" / "test-case.toml"))
    assert single.returncode == 1
    assert single.stdout.count(".toml:8: [nb] narrative") == 2


def test_a_broken_everyday_file_is_reported(tmp_path: Path) -> None:
    root = library_with(tmp_path, CASE, everyday='nb = "rullator"\nnames = ["Lillevik"]\nbm = []\n')
    library = check_path(root)
    assert library.problems == []  # everyday.toml belongs at the top of a library
    messages = [str(problem) for problem in check_library(root, library)]
    assert messages == [
        f'{root / "everyday.toml"}:1: `nb` must be a list of texts, e.g. `nb = ["..."]`',
        f"{root / 'everyday.toml'}:3: unknown key `bm` — remove it; everyday.toml takes "
        "`names`, `nb`, `nn` and `en`",
    ]


def test_the_shipped_library_is_checked_quickly() -> None:
    started = time.perf_counter()
    check_library(DEFAULT_ROOT, load_library(DEFAULT_ROOT))
    assert time.perf_counter() - started < 5
