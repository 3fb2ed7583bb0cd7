"""The case library (docs/cases.md): the shipped files load without a problem; broken files
give `file:line: message` on the right line; glossary terms are found in real case texts."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from workshop.library import (
    DEFAULT_ROOT,
    Case,
    Library,
    Problem,
    Term,
    check_path,
    load_library,
)
from workshop.library.glossary import Glossary
from workshop.library.locate import line_of

ROOT = Path(__file__).resolve().parent.parent

TAGS = """\
[elected]
nb = "Å være folkevalgt"
en = "Being elected"

[ethics]
nb = "Etikk"
en = "Ethics"
"""

# Line numbers matter: the tests below name them.
CASE = '''\
id = "test-case"
minutes = 20
tags = ["elected"]

[nb]
title = "Prøvesak"
narrative = """
Kari er nyvalgt i kommunestyret og får en sak om habilitet.
"""
questions = ["Hva bør Kari gjøre?"]
notes = "Bare for fasilitatoren."

[[nb.activities]]
kind = "dilemma"
prompt = "Hva gjør Kari?"
options = ["Si fra", "Tie"]

[[nb.activities]]
kind = "reflection"
prompt = "Hva tar du med deg?"

[en]
title = "Test case"
narrative = "Kari is newly elected to the council."
questions = ["What should Kari do?"]
notes = "For the facilitator only."

[[en.activities]]
kind = "dilemma"
prompt = "What does Kari do?"
options = ["Speak up", "Stay quiet"]

[[en.activities]]
kind = "reflection"
prompt = "What do you take with you?"
'''

AGENDA = """\
id = "test-agenda"
title = { nb = "Prøvedag", en = "Test day" }
description = { nb = "En dag.", en = "A day." }

[[segments]]
start = "09:00"
minutes = 60
title = { nb = "Velkommen", en = "Welcome" }
cases = ["test-case"]

[[segments]]
start = "10:00"
minutes = 30
title = { nb = "Pause", en = "Break" }
cases = [
  "test-case",
]
"""


def changed(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def write_library(
    root: Path, cases: dict[str, str] | None = None, agendas: dict[str, str] | None = None
) -> Path:
    """A folder laid out like cases/: tags.toml, library/<name>.toml, agendas/<name>.toml."""
    (root / "library").mkdir(parents=True)
    (root / "agendas").mkdir()
    (root / "tags.toml").write_text(TAGS, "utf-8")
    for name, text in (cases if cases is not None else {"test-case": CASE}).items():
        (root / "library" / f"{name}.toml").write_text(text, "utf-8")
    for name, text in (agendas or {}).items():
        (root / "agendas" / f"{name}.toml").write_text(text, "utf-8")
    return root


def only_problem(library: Library) -> Problem:
    assert len(library.problems) == 1, [str(p) for p in library.problems]
    return library.problems[0]


def broken_case(tmp_path: Path, text: str) -> Problem:
    """The one problem of a library whose only case is `text`; the case is left out."""
    library = load_library(write_library(tmp_path, {"test-case": text}))
    assert library.cases == {}
    problem = only_problem(library)
    assert problem.path.name == "test-case.toml"
    return problem


def broken_agenda(tmp_path: Path, text: str) -> Problem:
    library = load_library(write_library(tmp_path, agendas={"test-agenda": text}))
    assert library.agendas == {}
    assert "test-case" in library.cases
    problem = only_problem(library)
    assert problem.path.name == "test-agenda.toml"
    return problem


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workshop", "cases", "check", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


# -- the shipped library ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(DEFAULT_ROOT)


def test_shipped_library_has_no_problems(shipped: Library) -> None:
    assert [str(problem) for problem in shipped.problems] == []


def test_shipped_library_is_big_enough(shipped: Library) -> None:
    assert len(shipped.cases) >= 16
    with_nynorsk = [case for case in shipped.cases.values() if "nn" in case.languages]
    assert len(with_nynorsk) * 3 >= len(shipped.cases)
    assert len(shipped.agendas) >= 3
    assert len(shipped.glossaries["nb"]) >= 60
    assert len(shipped.glossaries["en"]) >= 60
    for case in shipped.cases.values():
        assert set(case.tags) <= set(shipped.tags)
        assert {"nb", "en"} <= set(case.languages)


def test_shipped_agendas_name_shipped_cases(shipped: Library) -> None:
    for agenda in shipped.agendas.values():
        assert agenda.title("nb") and agenda.title("en")
        for segment in agenda.segments:
            assert segment.title("nb") and segment.title("en")
            assert set(segment.cases) <= set(shipped.cases)


def test_the_default_root_is_the_repositorys_cases_folder() -> None:
    assert ROOT / "cases" == DEFAULT_ROOT


def test_a_case_in_each_language(shipped: Library, tmp_path: Path) -> None:
    case = shipped.cases["habilitet-svogerens-tomt"]
    assert isinstance(case, Case)
    assert case.languages == ("nb", "nn", "en")
    assert case.text("nn").title == "Svogeren og tomtene"
    assert case.text("nn").notes.startswith("Poenget er at habilitet handlar om tillit")
    assert case.text("en").title == "The brother-in-law and the plots"
    assert case.text("de") == case.text("nb")
    assert [a.kind for a in case.text("nb").activities] == ["dilemma", "poll", "reflection"]
    # Every shipped case has nynorsk; a case of one's own may have only bokmål and English,
    # and a nynorsk session then gets the bokmål.
    library = load_library(write_library(tmp_path))
    assert library.problems == []
    only_bokmal = library.cases["test-case"]
    assert only_bokmal.languages == ("nb", "en")
    assert only_bokmal.text("nn") == only_bokmal.text("nb")
    assert only_bokmal.text("nn").title == "Prøvesak"


def test_search(shipped: Library) -> None:
    found = shipped.search("svoger")
    assert [case.id for case in found] == ["habilitet-svogerens-tomt"]
    assert shipped.search("BROTHER-IN-LAW", language="nn") == found  # English is searched too
    tagged = shipped.search(tag="impartiality")
    assert tagged and all("impartiality" in case.tags for case in tagged)
    assert shipped.search("svoger", tag="press") == []
    everything = shipped.search(language="en")
    assert len(everything) == len(shipped.cases)
    titles = [case.text("en").title.casefold() for case in everything]
    assert titles == sorted(titles)


# -- broken files, each on its line -------------------------------------------------------------


def test_a_toml_syntax_error(tmp_path: Path) -> None:
    problem = broken_case(tmp_path, changed(CASE, 'title = "Prøvesak"', 'title = "Prøvesak'))
    assert problem.line == 6
    assert "TOML syntax error" in problem.message


def test_a_wrong_id(tmp_path: Path) -> None:
    problem = broken_case(tmp_path, changed(CASE, 'id = "test-case"', 'id = "other-case"'))
    assert problem.line == 1
    assert '`id` is "other-case" but the file is test-case.toml' in problem.message


def test_an_id_with_capitals(tmp_path: Path) -> None:
    problem = broken_case(tmp_path, changed(CASE, 'id = "test-case"', 'id = "Test_Case"'))
    assert problem.line == 1
    assert "may only use lower case a-z, 0-9 and '-' — write `id = \"test-case\"`" in str(problem)


def test_an_unknown_tag(tmp_path: Path) -> None:
    problem = broken_case(tmp_path, changed(CASE, '["elected"]', '["elected", "etics"]'))
    assert problem.line == 3
    assert "unknown tag `etics` — did you mean `ethics`?" in problem.message


def test_a_missing_english_block(tmp_path: Path) -> None:
    problem = broken_case(tmp_path, CASE[: CASE.index("[en]")])
    assert problem.line == 1
    assert "no `[en]` block" in problem.message


def test_a_dilemma_with_five_options(tmp_path: Path) -> None:
    five = 'options = ["Si fra", "Tie", "Vent", "Spør", "Gå"]'
    problem = broken_case(tmp_path, changed(CASE, 'options = ["Si fra", "Tie"]', five))
    assert problem.line == 16
    assert problem.message == (
        "`options` has 5 entries; a dilemma takes 2 to 4 — remove some or make it a poll"
    )


def test_activities_that_differ_between_languages(tmp_path: Path) -> None:
    text = changed(CASE, 'kind = "reflection"\nprompt = "What', 'kind = "scale"\nprompt = "What')
    problem = broken_case(tmp_path, text)
    assert problem.line == 34
    assert "activity 2 is a scale here but a reflection in `[nb]`" in problem.message


def test_a_different_number_of_options_between_languages(tmp_path: Path) -> None:
    text = changed(CASE, '["Speak up", "Stay quiet"]', '["Speak up", "Stay quiet", "Wait"]')
    problem = broken_case(tmp_path, text)
    assert problem.line == 31
    assert "activity 1 has 3 options here but 2 in `[nb]`" in problem.message


def test_an_unknown_key_with_a_suggestion(tmp_path: Path) -> None:
    problem = broken_case(tmp_path, changed(CASE, 'options = ["Si fra"', 'optons = ["Si fra"'))
    assert problem.line == 16
    assert problem.message == "unknown key `optons` — did you mean `options`?"


def test_an_unknown_key_without_a_suggestion(tmp_path: Path) -> None:
    problem = broken_case(tmp_path, changed(CASE, "minutes = 20\n", "minutes = 20\ncolour = 3\n"))
    assert problem.line == 3
    assert problem.message.startswith("unknown key `colour` — remove it")


def test_a_scale_with_options_and_an_empty_question(tmp_path: Path) -> None:
    text = changed(CASE, 'questions = ["Hva bør Kari gjøre?"]', 'questions = ["Hva?", " "]')
    text = changed(text, 'kind = "reflection"', 'kind = "scale"\noptions = ["a", "b"]')
    text = changed(text, 'kind = "reflection"', 'kind = "scale"')
    library = load_library(write_library(tmp_path, {"test-case": text}))
    assert [(p.line, p.message.split(" — ")[0]) for p in library.problems] == [
        (10, "question 2 is empty"),
        (20, "a scale takes no `options`"),
    ]


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    text = changed(CASE, "minutes = 20", "minutes = 0")
    text = changed(text, 'title = "Test case"', 'title = ""')
    text = changed(text, 'kind = "dilemma"', 'kind = "dillema"')
    library = load_library(write_library(tmp_path, {"test-case": text}))
    assert [str(problem).split(": ", 1)[0][-4:] for problem in library.problems] == [
        "ml:2",
        "l:14",
        "l:23",
    ]
    assert "did you mean `dilemma`?" in library.problems[1].message


def test_an_agenda_naming_a_case_that_does_not_exist(tmp_path: Path) -> None:
    problem = broken_agenda(tmp_path, changed(AGENDA, '  "test-case",', '  "test-cas",'))
    assert problem.line == 16
    assert "unknown case `test-cas`" in problem.message
    assert "did you mean `test-case`?" in problem.message


def test_overlapping_agenda_segments(tmp_path: Path) -> None:
    problem = broken_agenda(tmp_path, changed(AGENDA, 'start = "10:00"', 'start = "09:30"'))
    assert problem.line == 12
    assert "starts at 09:30 but segment 1 runs until 10:00" in problem.message


def test_agenda_segments_out_of_order(tmp_path: Path) -> None:
    problem = broken_agenda(tmp_path, changed(AGENDA, 'start = "10:00"', 'start = "08:00"'))
    assert problem.line == 12
    assert "put the segments of a day in time order" in problem.message


def test_segments_of_another_day_may_start_earlier(tmp_path: Path) -> None:
    text = changed(AGENDA, 'start = "10:00"', 'day = 2\nstart = "09:00"')
    library = load_library(write_library(tmp_path, agendas={"test-agenda": text}))
    assert library.problems == []
    assert [s.day for s in library.agendas["test-agenda"].segments] == [1, 2]


def test_a_bad_start_time(tmp_path: Path) -> None:
    problem = broken_agenda(tmp_path, changed(AGENDA, 'start = "09:00"', 'start = "9:00"'))
    assert problem.line == 6
    assert '`start` "9:00" is not a time as "HH:MM"' in problem.message
    problem = broken_agenda(tmp_path / "b", changed(AGENDA, '"09:00"', '"24:15"'))
    assert problem.line == 6
    assert "is not a time of day" in problem.message


def test_an_agenda_title_without_english(tmp_path: Path) -> None:
    text = changed(AGENDA, '{ nb = "Pause", en = "Break" }', '{ nb = "Pause", nm = "Pause" }')
    library = load_library(write_library(tmp_path, agendas={"test-agenda": text}))
    assert [(p.line, p.message.split(" — ")[0]) for p in library.problems] == [
        (14, "`title` has `nm`, which is not a language of the library (nb, nn, en)"),
        (14, "`title` has no `en`"),
    ]


def test_a_broken_file_is_left_out_and_the_rest_loads(tmp_path: Path) -> None:
    broken = changed(CASE, 'id = "test-case"', 'id = "broken"')
    broken = changed(broken, "minutes = 20", "minutes = 20\nminutes = 30")  # a syntax error
    good = changed(CASE, 'id = "test-case"', 'id = "good"')
    library = load_library(write_library(tmp_path, {"broken": broken, "good": good}))
    assert list(library.cases) == ["good"]
    problem = only_problem(library)
    assert (problem.path.name, problem.line) == ("broken.toml", 3)
    assert library.cases["good"].text("en").title == "Test case"


def test_a_glossary_file(tmp_path: Path) -> None:
    nb = """\
language = "nb"

[[terms]]
id = "habilitet"
term = "habilitet"
forms = ["inhabil"]
explanation = "Om du kan behandle en sak."
"""
    nn = """\
language = "nb"

[[terms]]
id = "habilitet"
term = "habilitet"
explanation = "Om du kan handsame ei sak."

[[terms]]
id = "ugild"
term = "ugild"
forms = ["Habilitet"]
explanation = ""
"""
    root = write_library(tmp_path)
    (root / "glossary.nb.toml").write_text(nb, "utf-8")
    (root / "glossary.nn.toml").write_text(nn, "utf-8")
    library = load_library(root)
    assert [(p.path.name, p.line, p.message.split(" — ")[0]) for p in library.problems] == [
        ("glossary.nn.toml", 1, '`language` is "nb" but the file is glossary.nn.toml'),
        ("glossary.nn.toml", 12, "`explanation` is empty"),
    ]
    assert list(library.glossaries) == ["nb"]
    (root / "glossary.nn.toml").write_text(
        changed(changed(nn, '"nb"', '"nn"'), 'explanation = ""', 'explanation = "Inhabil."'),
        "utf-8",
    )
    library = load_library(root)
    assert [(p.line, p.message.split(" — ")[0]) for p in library.problems] == [
        (9, "id `ugild` is not in glossary.nb.toml"),
        (11, "`Habilitet` also shows the term `habilitet` (line 3)"),
    ]


def test_the_nynorsk_glossary_falls_back_to_bokmal() -> None:
    library = Library(
        glossaries={
            "nb": Glossary("nb", [Term("vedtak", "vedtak", (), "nb"), Term("ks", "KS", (), "")]),
            "nn": Glossary("nn", [Term("vedtak", "vedtak", (), "nn")]),
        }
    )
    nynorsk = library.glossary("nn")
    assert nynorsk.explain("vedtak").explanation == "nn"
    assert nynorsk.explain("ks").term == "KS"
    assert [m.term_id for m in nynorsk.find("Vedtaka frå KS")] == ["vedtak", "ks"]
    assert library.glossary("xx") is library.glossaries["nb"]


# -- where a key is -----------------------------------------------------------------------------


def test_line_of_keys_headers_inline_tables_and_array_elements() -> None:
    assert line_of(CASE, ("nb",)) == 5
    assert line_of(CASE, ("nb", "activities", 1)) == 18
    assert line_of(CASE, ("nb", "activities", 1, "prompt")) == 20
    assert line_of(CASE, ("nb", "activities", 1, "options")) == 18  # the enclosing header
    assert line_of(CASE, ("en", "activities", 0, "options", 1)) == 31
    assert line_of(CASE, ("nb", "notes")) == 11
    assert line_of(CASE, ("nn",)) == 1
    assert line_of(AGENDA, ("title", "en")) == 2
    assert line_of(AGENDA, ("segments", 1, "title", "en")) == 14
    assert line_of(AGENDA, ("segments", 1, "cases", 0)) == 16
    assert line_of(AGENDA, ("segments", 2, "start")) == 5  # no third: the first [[segments]]
    assert line_of(AGENDA, ("nothing",)) == 1


def test_line_of_survives_strings_that_look_like_toml() -> None:
    source = 'a = """\n[b]\nc = 1\n"""\nd = \'[e]\'\n[f]\ng = "x # \\" y"\nh = 2 # [i]\n'
    assert line_of(source, ("d",)) == 5
    assert line_of(source, ("f", "h")) == 8
    assert line_of(source, ("b",)) == 1


# -- the command ---------------------------------------------------------------------------------


def test_the_command_on_the_shipped_library() -> None:
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(": no problems")
    assert result.stdout.startswith(f"{len(load_library().cases)} cases, ")


def test_the_command_on_a_broken_folder_and_file(tmp_path: Path) -> None:
    text = changed(CASE, '["elected"]', '["elected", "etics"]')
    root = write_library(tmp_path, {"test-case": text})
    result = run_check(str(root))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{root / 'library' / 'test-case.toml'}:3: unknown tag `etics`")
    assert lines[-1] == "0 cases, 0 agendas, 0 glossaries: 1 problem"
    single = run_check(str(root / "library" / "test-case.toml"))  # tags from ../tags.toml
    assert single.returncode == 1
    assert ":3: unknown tag `etics`" in single.stdout


def test_the_command_on_one_good_file() -> None:
    result = run_check("cases/library/habilitet-svogerens-tomt.toml")
    assert result.returncode == 0, result.stdout
    assert result.stdout == "1 case, 0 agendas, 0 glossaries: no problems\n"


def test_a_problem_prints_like_a_compiler_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    inside = Problem(ROOT / "cases" / "library" / "x.toml", 7, "what is wrong — what to do")
    assert str(inside) == "cases/library/x.toml:7: what is wrong — what to do"
    outside = Problem(tmp_path / "x.toml", 2, "what is wrong — what to do")
    assert str(outside) == f"{tmp_path / 'x.toml'}:2: what is wrong — what to do"


# -- glossary terms in real texts ---------------------------------------------------------------


def every_text(case: Case, language: str) -> list[str]:
    text = case.text(language)
    parts = [text.title, text.narrative, text.notes, *text.questions]
    for activity in text.activities:
        parts += [activity.title, activity.prompt, *activity.options]
    for law in text.law:
        parts += [law.ref, law.text]
    return parts


def found_words(glossary: Glossary, text: str) -> dict[str, str]:
    """Each found word (lower case) and its term id."""
    return {text[m.start : m.end].lower(): m.term_id for m in glossary.find(text)}


def test_habilitet_in_its_case(shipped: Library) -> None:
    glossary = shipped.glossary("nb")
    case = shipped.cases["habilitet-svogerens-tomt"]
    narrative = case.text("nb").narrative
    assert found_words(glossary, narrative)["habiliteten"] == "habilitet"
    words: dict[str, str] = {}
    for part in every_text(case, "nb"):
        words |= found_words(glossary, part)
    habilitet = {word for word, term in words.items() if term == "habilitet"}
    assert habilitet == {
        "habil",
        "inhabil",
        "inhabile",
        "inhabilitet",
        "habilitet",
        "habiliteten",
        "habilitetsspørsmål",
    }
    sentence = "Hun var inhabil, men han var habil; habiliteten ble vurdert."
    assert glossary.mark(sentence) == [
        ("Hun var ", None),
        ("inhabil", "habilitet"),
        (", men han var ", None),
        ("habil", "habilitet"),
        ("; ", None),
        ("habiliteten", "habilitet"),
        (" ble vurdert.", None),
    ]
    assert glossary.explain("habilitet").term == "habilitet"


def test_inflected_terms_in_real_texts(shipped: Library) -> None:
    glossary = shipped.glossary("nb")
    seen: dict[str, str] = {}
    for case in shipped.cases.values():
        for part in every_text(case, "nb"):
            seen |= found_words(glossary, part)
    assert seen["formannskapet"] == "formannskap"
    assert seen["kommunedirektørens"] == "kommunedirektor"
    assert seen["kommunestyret"] == "kommunestyre"
    english = shipped.glossary("en")
    case = shipped.cases["kommunedirektorens-arbeidsgiver"]
    assert any(
        found_words(english, part).get("chief executive's") == "kommunedirektor"
        for part in every_text(case, "en")
    )
    typographic = "The Chief  Executive\u2019s office"  # two spaces, a curly apostrophe
    assert found_words(english, typographic) == {"chief  executive\u2019s": "kommunedirektor"}


def test_mark_gives_back_the_text_exactly(shipped: Library) -> None:
    for language in ("nb", "nn", "en"):
        glossary = shipped.glossary(language)
        for case in shipped.cases.values():
            for part in every_text(case, language):
                runs = glossary.mark(part)
                assert "".join(text for text, _ in runs) == part
                assert all(text for text, _ in runs)


def test_only_whole_words_are_found(shipped: Library) -> None:
    glossary = shipped.glossary("nb")
    assert found_words(glossary, "KSB og KS-styret") == {"ks": "ks"}
    assert found_words(glossary, "vedtakelse av vedtaket") == {"vedtaket": "vedtak"}
    assert found_words(glossary, "Kommunestyrets vedtak") == {
        "kommunestyrets": "kommunestyre",
        "vedtak": "vedtak",
    }
    assert glossary.find("ordførerskap") == []
    assert found_words(glossary, "ØKONOMIPLANEN og Økonomiplanens") == {
        "økonomiplanen": "okonomiplan",
        "økonomiplanens": "okonomiplan",
    }


def test_the_longer_term_wins() -> None:
    glossary = Glossary(
        "nb",
        [
            Term("ordforer", "ordfører", (), ""),
            Term("sporsmal", "spørsmål til ordføreren", (), ""),
            Term("frie", "frie inntekter", (), ""),
            Term("inntekt", "inntekter", (), ""),
        ],
    )
    assert [m.term_id for m in glossary.find("Spørsmål til\nordføreren om ordføreren")] == [
        "sporsmal",
        "ordforer",
    ]
    assert [m.term_id for m in glossary.find("de frie inntekter og inntekters")] == [
        "frie",
        "inntekt",
    ]
    assert glossary.mark("") == []


def test_marking_is_fast(shipped: Library) -> None:
    glossary = shipped.glossary("nb")
    case = shipped.cases["habilitet-svogerens-tomt"]
    text = (case.text("nb").narrative + case.text("nb").notes)[:2000]
    glossary.mark(text)
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        glossary.mark(text)
    per_text = (time.perf_counter() - started) / runs
    assert per_text < 0.001, f"{per_text * 1000:.2f} ms for 2,000 characters"


def test_check_path_on_single_files() -> None:
    agenda = check_path(DEFAULT_ROOT / "agendas" / "grunnprogram-to-dager.toml")
    assert agenda.problems == [] and list(agenda.agendas) == ["grunnprogram-to-dager"]
    glossary = check_path(DEFAULT_ROOT / "glossary.nn.toml")
    assert glossary.problems == [] and list(glossary.glossaries) == ["nn"]
    tags = check_path(DEFAULT_ROOT / "tags.toml")
    assert tags.problems == [] and "elected" in tags.tags
