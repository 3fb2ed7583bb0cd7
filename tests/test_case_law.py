"""The law in the cases (docs/cases.md, issue 14): a case's "what the law says" block loads
and is checked on its lines; notes that name a law must give a paragraph; and the legal facts
a review found wrong in the shipped library stay right."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.test_library import CASE, changed, only_problem, run_check, write_library
from workshop.library import DEFAULT_ROOT, LawRef, Library, load_library
from workshop.library.law import MAX_LAW, MAX_LAW_TEXT, named_law

LAW = '''
[[nb.law]]
ref = "kommuneloven § 11-5 (2)"
text = "Et møte om en ansatts tjenstlige forhold skal lukkes."

[[nb.law]]
ref = "forvaltningsloven § 13"
text = """
Taushetsplikten følger opplysningene, ikke det at møtet var lukket.
"""

[[nb.activities]]'''


def with_law(text: str = LAW) -> str:
    """CASE with `text` in place of its first `[[nb.activities]]` header: with LAW, the two
    references start on lines 13 and 17, and `[en]` notes are on line 36."""
    return changed(CASE, "\n[[nb.activities]]", text)


def case_problem(tmp_path: Path, text: str) -> tuple[int, str]:
    library = load_library(write_library(tmp_path, {"test-case": text}))
    problem = only_problem(library)
    return problem.line, problem.message


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(DEFAULT_ROOT)


# -- the block ----------------------------------------------------------------------------------


def test_the_law_block_loads(tmp_path: Path) -> None:
    library = load_library(write_library(tmp_path, {"test-case": with_law()}))
    assert library.problems == []
    law = library.cases["test-case"].text("nb").law
    assert law == (
        LawRef("kommuneloven § 11-5 (2)", "Et møte om en ansatts tjenstlige forhold skal lukkes."),
        LawRef(
            "forvaltningsloven § 13",
            "Taushetsplikten følger opplysningene, ikke det at møtet var lukket.",
        ),
    )
    ref, text = law[0]  # unpacks like the session's (ref, text) pairs
    assert ref == "kommuneloven § 11-5 (2)" and text.endswith("skal lukkes.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        law[0].ref = "x"  # type: ignore[misc]
    assert library.cases["test-case"].text("en").law == ()  # no block: no law


def test_the_law_block_as_inline_tables(tmp_path: Path) -> None:
    inline = changed(
        CASE,
        'notes = "Bare for fasilitatoren."',
        'notes = "Bare for fasilitatoren."\n'
        'law = [{ ref = "aksjeloven § 6-3", text = "Generalforsamlingen velger styret." }]',
    )
    library = load_library(write_library(tmp_path, {"test-case": inline}))
    assert library.problems == []
    assert library.cases["test-case"].text("nb").law == (
        LawRef("aksjeloven § 6-3", "Generalforsamlingen velger styret."),
    )


def test_a_reference_without_a_paragraph(tmp_path: Path) -> None:
    line, message = case_problem(
        tmp_path, with_law().replace('"kommuneloven § 11-5 (2)"', '"kommuneloven"')
    )
    assert line == 14
    assert message.startswith('`ref` "kommuneloven" gives no paragraph — write the law and its §')


def test_an_empty_text_and_a_missing_ref(tmp_path: Path) -> None:
    text = with_law().replace(
        'text = "Et møte om en ansatts tjenstlige forhold skal lukkes."', 'text = "  "'
    )
    assert case_problem(tmp_path / "a", text) == (15, "`text` is empty — write it")
    text = with_law().replace('ref = "forvaltningsloven § 13"\n', "")
    line, message = case_problem(tmp_path / "b", text)
    assert line == 17
    assert message.startswith("no `ref` in law reference 2 of `[nb]` — add `ref = ")


def test_a_text_too_long_for_the_screen(tmp_path: Path) -> None:
    long = "Lang tekst. " * 40
    assert len(long) > MAX_LAW_TEXT
    text = with_law().replace("Et møte om en ansatts tjenstlige forhold skal lukkes.", long)
    line, message = case_problem(tmp_path, text)
    assert line == 15
    assert message == f"`text` has {len(long)} characters; at most {MAX_LAW_TEXT} — shorten it"


def test_an_unknown_key_in_a_reference(tmp_path: Path) -> None:
    text = with_law().replace('ref = "forvaltningsloven § 13"', 'reff = "forvaltningsloven § 13"')
    assert case_problem(tmp_path, text) == (18, "unknown key `reff` — did you mean `ref`?")


def test_law_that_is_not_tables(tmp_path: Path) -> None:
    text = changed(CASE, 'notes = "Bare for fasilitatoren."', 'law = "kommuneloven § 11-5"')
    line, message = case_problem(tmp_path, text)
    assert line == 11
    assert message == (
        "`law` must be tables with `ref` and `text`, each under its own `[[nb.law]]` header"
    )


def test_too_many_references_and_one_given_twice(tmp_path: Path) -> None:
    entry = '\n[[nb.law]]\nref = "kommuneloven § {n}"\ntext = "Tekst."\n'
    many = "".join(entry.format(n=n) for n in range(MAX_LAW + 1))
    library = load_library(
        write_library(tmp_path / "a", {"test-case": with_law(many + "\n[[nb.activities]]")})
    )
    assert [p.message for p in library.problems] == [
        f"`[nb]` has {MAX_LAW + 1} law references; a case takes at most {MAX_LAW} — keep the "
        "ones the case turns on"
    ]
    assert library.problems[0].line == 13
    twice = with_law().replace('"forvaltningsloven § 13"', '"Kommuneloven  § 11-5 (2)"')
    line, message = case_problem(tmp_path / "b", twice)
    assert (line, message.split(" — ")[0]) == (
        18,
        '`ref` "Kommuneloven  § 11-5 (2)" is already given on line 14',
    )


def test_every_problem_of_the_block_is_reported_with_the_rest(tmp_path: Path) -> None:
    text = with_law().replace('"kommuneloven § 11-5 (2)"', '"kommuneloven"')
    text = changed(text, '["elected"]', '["etics"]')
    library = load_library(write_library(tmp_path, {"test-case": text}))
    assert library.cases == {}
    assert [p.line for p in library.problems] == [3, 14]


# -- notes that name a law give its paragraph ---------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "word"),
    [
        ("Reglene står i kommuneloven.", "kommuneloven"),
        ("Loven krever balanse.", "Loven"),
        ("Det følgjer av forvaltningslova.", "forvaltningslova"),
        ("Etter lova skal rådet høyrast.", "lova"),
        ("Jf. plan- og bygningsloven.", "bygningsloven"),
        ("This is set out in the Local Government Act.", "Local Government Act"),
        ("The law requires a balanced budget.", "The law"),
        ("Offentleglova og aksjeloven gjelder.", "Offentleglova"),
    ],
)
def test_words_that_name_a_law(notes: str, word: str) -> None:
    assert named_law(notes) == word


@pytest.mark.parametrize(
    "notes",
    [
        "Fredrik lova meir openheit i valkampen.",  # nynorsk "lova": promised
        "Ho er forlova med ein av partane.",
        "Det er lovlig og vanlig å samarbeide.",
        "The act of closing a meeting must be decided openly.",
        "Bare for fasilitatoren.",
    ],
)
def test_words_that_do_not_name_a_law(notes: str) -> None:
    assert named_law(notes) == ""


def test_notes_naming_a_law_without_a_paragraph(tmp_path: Path) -> None:
    text = changed(
        CASE, 'notes = "Bare for fasilitatoren."', 'notes = "Reglene står i forvaltningsloven."'
    )
    library = load_library(write_library(tmp_path, {"test-case": text}))
    problem = only_problem(library)
    assert problem.line == 11
    assert problem.message == (
        "the notes in `[nb]` name a law (“forvaltningsloven”) but give no paragraph — write "
        "the § in the notes, or add a `[[nb.law]]` with `ref` and `text`"
    )
    assert "test-case" in library.cases  # reported, but the case still loads
    result = run_check(str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 case, 0 agendas, 0 glossaries: 1 problem"


def test_a_paragraph_in_the_notes_or_the_block_is_enough(tmp_path: Path) -> None:
    in_notes = changed(
        CASE, 'notes = "Bare for fasilitatoren."', 'notes = "Se forvaltningsloven § 6."'
    )
    assert load_library(write_library(tmp_path / "a", {"test-case": in_notes})).problems == []
    in_block = changed(
        with_law(), 'notes = "Bare for fasilitatoren."', 'notes = "Se forvaltningsloven."'
    )
    assert load_library(write_library(tmp_path / "b", {"test-case": in_block})).problems == []


def test_each_language_gives_its_own_paragraph(tmp_path: Path) -> None:
    text = changed(
        with_law(),
        'notes = "For the facilitator only."',
        'notes = "See the Public Administration Act."',
    )
    problem = only_problem(load_library(write_library(tmp_path, {"test-case": text})))
    assert (problem.line, problem.message.split(" — ")[0]) == (
        36,
        "the notes in `[en]` name a law (“Public Administration Act”) but give no paragraph",
    )


# -- the shipped library ------------------------------------------------------------------------


def test_the_shipped_library_passes_the_law_check(shipped: Library) -> None:
    assert [str(problem) for problem in shipped.problems] == []
    result = run_check()
    assert result.returncode == 0 and result.stdout.endswith(": no problems\n")


def test_shipped_cases_that_name_a_law_say_what_it_says(shipped: Library) -> None:
    with_law = 0
    for case in shipped.cases.values():
        for language in case.languages:
            text = case.text(language)
            if named_law(text.notes):
                assert text.law, (case.id, language)
            for law in text.law:
                assert "§" in law.ref and law.text and len(law.text) <= MAX_LAW_TEXT
        if case.text("nb").law:
            with_law += 1
            assert all(case.text(lang).law for lang in case.languages), case.id
    assert with_law >= 12


def notes(shipped: Library, case_id: str, language: str) -> str:
    return " ".join(shipped.cases[case_id].text(language).notes.split())


def refs(shipped: Library, case_id: str, language: str) -> list[str]:
    return [law.ref for law in shipped.cases[case_id].text(language).law]


def test_a_personnel_matter_must_be_closed(shipped: Library) -> None:
    nb = notes(shipped, "lokalavisen-ringer", "nb")
    assert "skal møtet lukkes (kommuneloven § 11-5 (2))" in nb
    assert "bare adgang til å lukke (§ 11-5 (3))" in nb
    assert "Loven åpner for å lukke" not in nb
    en = notes(shipped, "lokalavisen-ringer", "en")
    assert "the meeting must be closed (Local Government Act § 11-5 (2))" in en
    assert "allows a meeting to be closed when it concerns an employee" not in en
    law = shipped.cases["lokalavisen-ringer"].text("nb").law
    assert law[0].ref == "kommuneloven § 11-5 (2)" and "skal lukke" in law[0].text
    assert law[1].ref == "kommuneloven § 11-5 (3)" and "kan organet" in law[1].text


def test_a_closed_meeting_alone_gives_no_duty_of_confidentiality(shipped: Library) -> None:
    for case_id in ("lokalavisen-ringer", "kommunedirektorens-arbeidsgiver"):
        assert "forvaltningsloven § 13" in refs(shipped, case_id, "nb")
    nb = notes(shipped, "kommunedirektorens-arbeidsgiver", "nb")
    assert "skal bli der" not in nb
    assert "lukkingen gir ikke i seg selv taushetsplikt" in nb
    assert "(kommuneloven § 11-5 (2))" in nb
    en = notes(shipped, "kommunedirektorens-arbeidsgiver", "en")
    assert "stays there" not in en
    assert "does not by itself create a duty of confidentiality" in en


def test_the_control_committee_chair_is_not_from_the_mayors_party(shipped: Library) -> None:
    case = shipped.cases["kontrollutvalget-og-sykehjemsbygget"]
    for language, story, rule in (
        ("nb", "samarbeider med ordførerens parti", "kommuneloven § 23-1 (2)"),
        ("en", "works with the mayor's party", "Local Government Act § 23-1 (2)"),
    ):
        narrative = " ".join(case.text(language).narrative.split())
        assert story in narrative
        assert "største" not in narrative and "largest party" not in narrative
        assert rule in notes(shipped, case.id, language)
        assert refs(shipped, case.id, language)[0].endswith("§ 23-1 (2)")
    assert "kan ikke være medlem av samme parti eller gruppe som ordføreren" in (
        case.text("nb").law[0].text
    )
    for language in ("nb", "en"):
        assert "§ 23-1 (2)" in notes(shipped, "ordforer-og-opposisjonen", language)


def test_the_brother_in_law_is_no_party_so_the_council_must_judge(shipped: Library) -> None:
    case = shipped.cases["habilitet-svogerens-tomt"]
    for language in case.languages:
        assert "Nordvik Tomteutvikling AS" in case.text(language).narrative
        assert [law.ref.split(" § ")[1] for law in case.text(language).law] == [
            "6 (1) b",
            "6 (2)",
            "8",
            "8-1",
        ]
    assert "ikke gyldig forfall" in notes(shipped, case.id, "nb")
    assert "ikkje gyldig forfall" in notes(shipped, case.id, "nn")
    assert "not a valid reason for absence" in notes(shipped, case.id, "en")
    assert "§ 6 andre ledd" in notes(shipped, case.id, "nb")
    assert "ingen god løsning" not in notes(shipped, case.id, "nb")


def test_the_general_meeting_elects_the_board(shipped: Library) -> None:
    case_id = "lillevik-energi-utbyttet"
    assert "Kommunestyret velger styret" not in notes(shipped, case_id, "nb")
    assert "Kommunestyret vel styret" not in notes(shipped, case_id, "nn")
    assert "The council elects the board" not in notes(shipped, case_id, "en")
    assert "generalforsamlingen som velger styret (aksjeloven § 6-3)" in notes(
        shipped, case_id, "nb"
    )
    assert "aksjelova § 6-3" in refs(shipped, case_id, "nn")
    assert "Limited Liability Companies Act (aksjeloven) § 6-3" in refs(shipped, case_id, "en")


def test_the_yearly_school_report_is_no_longer_required(shipped: Library) -> None:
    nb = notes(shipped, "skoleeier-mobbesaken", "nb")
    assert "(opplæringslova § 17-12)" in nb and "1. august 2024" in nb
    assert "ved å drøfte tilstandsrapporten for skolene hvert år" not in nb
    assert refs(shipped, "skoleeier-mobbesaken", "en") == ["Education Act (opplæringslova) § 17-12"]


def test_the_glossary_uses_the_2018_act(shipped: Library) -> None:
    nb, nn, en = (shipped.glossaries[language] for language in ("nb", "nn", "en"))
    term = nb.explain("eierskapskontroll")
    assert term.term == "eierskapskontroll" and "§ 23-4" in term.explanation
    assert nb.find("selskapskontroll")[0].term_id == "eierskapskontroll"  # the old word
    assert nn.explain("eierskapskontroll").term == "eigarskapskontroll"
    assert en.explain("eierskapskontroll").term == "ownership control"
    for glossary, work in ((nb, "eller jobb"), (nn, "eller jobb"), (en, "or work")):
        absence = glossary.explain("forfall").explanation
        assert work not in absence and "§ 8-2" in absence
        report = glossary.explain("tilstandsrapport").explanation
        assert "§ 17-12" in report and "2024" in report
        assert "§ 11-5" in glossary.explain("lukket-mote").explanation
