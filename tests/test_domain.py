"""The rules in workshop/domain.py, as plain function calls: no server, no database."""

from __future__ import annotations

import itertools

import pytest

from workshop.domain import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DEFAULT_TABLES,
    MAX_OPTION,
    MAX_PROMPT,
    MAX_TABLE_NAME,
    MAX_TABLES,
    MAX_TEXT,
    MAX_TITLE,
    Activity,
    ActivityKind,
    ActivityState,
    Table,
    Tally,
    activity_spec,
    check_move,
    check_post,
    check_vote,
    is_well_formed_code,
    new_join_code,
    normalize_code,
    session_tables,
    states_after_move,
)
from workshop.errors import Conflict, Invalid
from workshop.seating import choose_table

DRAFT, OPEN, CLOSED, REVEALED = (
    ActivityState.DRAFT,
    ActivityState.OPEN,
    ActivityState.CLOSED,
    ActivityState.REVEALED,
)


def make_activity(
    kind: ActivityKind = ActivityKind.POLL,
    state: ActivityState = OPEN,
    options: tuple[str, ...] = ("Ja", "Nei", "Vet ikke"),
    allow_why: bool = False,
    id: int = 1,
) -> Activity:
    if kind in (ActivityKind.SCALE, ActivityKind.REFLECTION):
        options = ()
    return Activity(id, 1, id, kind, "Hva mener du?", "", options, allow_why, state)


# --- join codes --------------------------------------------------------------------------


def test_a_code_is_six_characters_of_the_alphabet():
    for _ in range(2000):
        code = new_join_code()
        assert len(code) == CODE_LENGTH == 6
        assert set(code) <= set(CODE_ALPHABET)
        assert is_well_formed_code(code)


def test_look_alikes_never_appear_in_many_codes():
    drawn = "".join(new_join_code() for _ in range(20_000))
    assert not set(drawn) & set("ILOU01")
    # Every letter of the alphabet is used: nothing is left out by mistake.
    assert set(drawn) == set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) == 30


def test_codes_are_drawn_with_the_given_choice():
    assert new_join_code(lambda alphabet: alphabet[-1]) == "999999"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abc-23x", "ABC23X"),
        ("ABC23X", "ABC23X"),
        (" abc 23x ", "ABC23X"),
        ("ab-c2_3x", "ABC23X"),
        ("abc\t23x", "ABC23X"),
    ],
)
def test_typed_codes_are_normalised(typed: str, code: str):
    assert normalize_code(typed) == code
    assert is_well_formed_code(normalize_code(typed))


@pytest.mark.parametrize("code", ["ABC23", "ABC23XY", "ABCO23", "abc23x", "ABC 23", ""])
def test_badly_formed_codes(code: str):
    assert not is_well_formed_code(code)


# --- tables ------------------------------------------------------------------------------


def test_a_number_of_tables_is_named_in_the_sessions_language():
    assert session_tables(3, "nb") == ["Bord 1", "Bord 2", "Bord 3"]
    assert session_tables(3, "nn") == ["Bord 1", "Bord 2", "Bord 3"]
    assert session_tables(2, "en") == ["Table 1", "Table 2"]


def test_table_count_limits():
    assert session_tables(None, "nb") == [f"Bord {n}" for n in range(1, DEFAULT_TABLES + 1)]
    assert len(session_tables(1, "nb")) == 1
    assert len(session_tables(MAX_TABLES, "nb")) == MAX_TABLES == 500
    assert session_tables(500, "en")[-1] == "Table 500"
    for bad in (0, -1, 501, True, False, "3", 2.0, {"n": 3}):
        with pytest.raises(Invalid):
            session_tables(bad, "nb")


def test_a_list_of_table_names_is_kept_as_written():
    names = ["Rådhuset", " Biblioteket ", "x" * MAX_TABLE_NAME]
    assert session_tables(names, "nb") == names
    assert session_tables(["Ett"], "en") == ["Ett"]
    assert len(session_tables(["t"] * 500, "nb")) == 500


@pytest.mark.parametrize(
    "names",
    [[], ["t"] * 501, ["Ett", ""], ["   "], ["x" * (MAX_TABLE_NAME + 1)], ["Ett", 2], [None]],
)
def test_bad_lists_of_table_names(names: list[object]):
    with pytest.raises(Invalid):
        session_tables(names, "nb")


# --- activities --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "low", "high"), [(ActivityKind.DILEMMA, 2, 4), (ActivityKind.POLL, 2, 8)]
)
def test_option_counts(kind: ActivityKind, low: int, high: int):
    for count in range(low, high + 1):
        options = [f"Valg {n}" for n in range(count)]
        assert activity_spec(kind.value, "Tekst", options).options == tuple(options)
    for count in (0, 1, low - 1, high + 1, high + 5):
        if low <= count <= high:
            continue
        with pytest.raises(Invalid):
            activity_spec(kind.value, "Tekst", [f"Valg {n}" for n in range(count)])
    for not_a_list in (None, "ab", {"a": 1}, 3):
        with pytest.raises(Invalid):
            activity_spec(kind.value, "Tekst", not_a_list)


@pytest.mark.parametrize("kind", ["scale", "reflection"])
def test_scale_and_reflection_take_no_options(kind: str):
    assert activity_spec(kind, "Tekst").options == ()
    assert activity_spec(kind, "Tekst", []).options == ()
    with pytest.raises(Invalid):
        activity_spec(kind, "Tekst", ["a", "b"])


def test_option_limits():
    assert activity_spec("poll", "T", ["a", "x" * MAX_OPTION]).options[1] == "x" * MAX_OPTION
    for bad in ("", "   ", "x" * (MAX_OPTION + 1), 3, None):
        with pytest.raises(Invalid):
            activity_spec("poll", "T", ["a", bad])


def test_allow_why_defaults_to_true_for_a_dilemma_only():
    assert activity_spec("dilemma", "T", ["a", "b"]).allow_why is True
    assert activity_spec("dilemma", "T", ["a", "b"], allow_why=True).allow_why is True
    assert activity_spec("dilemma", "T", ["a", "b"], allow_why=False).allow_why is False
    assert activity_spec("poll", "T", ["a", "b"]).allow_why is False
    assert activity_spec("poll", "T", ["a", "b"], allow_why=True).allow_why is False
    assert activity_spec("scale", "T").allow_why is False
    assert activity_spec("reflection", "T").allow_why is False
    for bad in ("yes", 1, 0, "true"):
        with pytest.raises(Invalid):
            activity_spec("dilemma", "T", ["a", "b"], allow_why=bad)


def test_title_and_prompt_limits():
    spec = activity_spec("scale", "p" * MAX_PROMPT, title="t" * MAX_TITLE)
    assert (len(spec.prompt), len(spec.title)) == (4000, 200)
    assert activity_spec("scale", "p").title == ""
    assert activity_spec("scale", "p", title="").title == ""
    with pytest.raises(Invalid):
        activity_spec("scale", "p" * (MAX_PROMPT + 1))
    with pytest.raises(Invalid):
        activity_spec("scale", "p", title="t" * (MAX_TITLE + 1))
    for prompt in ("", "  \n ", None, 42):
        with pytest.raises(Invalid):
            activity_spec("scale", prompt)


def test_the_kind_must_be_known():
    assert activity_spec("reflection", "T").kind is ActivityKind.REFLECTION
    for bad in ("quiz", "", None, "Dilemma"):
        with pytest.raises(Invalid):
            activity_spec(bad, "T", ["a", "b"])


def test_prompt_and_options_are_kept_as_written():
    spec = activity_spec("dilemma", "  Fredrik vil\nlove noe.\n", [" Vente ", "Svare nå"])
    assert spec.prompt == "  Fredrik vil\nlove noe.\n"
    assert spec.options == (" Vente ", "Svare nå")


# --- moves -------------------------------------------------------------------------------

ALLOWED = {
    (DRAFT, OPEN),
    (OPEN, OPEN),
    (CLOSED, OPEN),
    (REVEALED, OPEN),
    (OPEN, CLOSED),
    (REVEALED, CLOSED),
    (OPEN, REVEALED),
    (CLOSED, REVEALED),
}


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(ActivityState, ActivityState))
)
def test_every_move(current: ActivityState, target: ActivityState):
    if (current, target) in ALLOWED:
        assert check_move(current, target.value) is target
    else:
        with pytest.raises(Conflict):
            check_move(current, target.value)


@pytest.mark.parametrize("target", ["opened", "", None, 1, "OPEN"])
def test_unknown_target_states(target: object):
    with pytest.raises(Invalid):
        check_move(DRAFT, target)


def test_opening_one_closes_the_other_open_ones():
    a = make_activity(state=OPEN, id=1)
    b = make_activity(state=OPEN, id=2)
    c = make_activity(state=DRAFT, id=3)
    d = make_activity(state=REVEALED, id=4)
    assert states_after_move([a, b, c, d], c, OPEN) == {3: OPEN, 1: CLOSED, 2: CLOSED}


def test_reopening_the_open_one_changes_only_it():
    a = make_activity(state=OPEN, id=1)
    b = make_activity(state=CLOSED, id=2)
    assert states_after_move([a, b], a, OPEN) == {1: OPEN}


@pytest.mark.parametrize("target", [CLOSED, REVEALED])
def test_closing_or_revealing_touches_no_other(target: ActivityState):
    a = make_activity(state=OPEN, id=1)
    b = make_activity(state=OPEN, id=2)
    assert states_after_move([a, b], a, target) == {1: target}


# --- votes and posts ---------------------------------------------------------------------


def test_a_vote_for_each_option():
    poll = make_activity(ActivityKind.POLL)
    assert [check_vote(poll, n, None) for n in range(3)] == [(0, ""), (1, ""), (2, "")]
    scale = make_activity(ActivityKind.SCALE)
    assert [check_vote(scale, n, None)[0] for n in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(Invalid):
        check_vote(scale, 5, None)


@pytest.mark.parametrize("option", [-1, 3, 99, True, False, "1", 1.0, None, [0]])
def test_a_vote_for_no_option(option: object):
    with pytest.raises(Invalid):
        check_vote(make_activity(ActivityKind.POLL), option, None)


@pytest.mark.parametrize("state", [DRAFT, CLOSED, REVEALED])
def test_what_was_sent_is_judged_not_when(state: ActivityState):
    """Open or not is the store's call, made with the write (see the store contract)."""
    assert check_vote(make_activity(ActivityKind.POLL, state), 0, None) == (0, "")
    assert check_post(make_activity(ActivityKind.REFLECTION, state), "tekst") == "tekst"


def test_no_votes_on_a_reflection():
    with pytest.raises(Invalid):
        check_vote(make_activity(ActivityKind.REFLECTION), 0, None)


def test_a_reason_counts_characters_not_bytes():
    dilemma = make_activity(ActivityKind.DILEMMA, allow_why=True)
    assert check_vote(dilemma, 1, "æ" * MAX_TEXT) == (1, "æ" * 1000)
    assert check_vote(dilemma, 1, "👍" * MAX_TEXT)[1] == "👍" * 1000
    with pytest.raises(Invalid):
        check_vote(dilemma, 1, "æ" * (MAX_TEXT + 1))


def test_a_reason_is_kept_exactly_as_written():
    dilemma = make_activity(ActivityKind.DILEMMA, allow_why=True)
    why = "  fordi\n\n<b>tillit</b> æøå  \n"
    assert check_vote(dilemma, 0, why) == (0, why)
    assert check_vote(dilemma, 0, "") == (0, "")
    with pytest.raises(Invalid):
        check_vote(dilemma, 0, 42)


def test_a_reason_is_refused_where_none_is_asked_for():
    poll = make_activity(ActivityKind.POLL, allow_why=False)
    assert check_vote(poll, 0, "") == (0, "")
    with pytest.raises(Invalid):
        check_vote(poll, 0, "fordi")


def test_a_post_counts_characters_not_bytes():
    reflection = make_activity(ActivityKind.REFLECTION)
    assert check_post(reflection, "æ" * MAX_TEXT) == "æ" * 1000
    assert check_post(reflection, "å" * 999 + "👍") == "å" * 999 + "👍"
    with pytest.raises(Invalid):
        check_post(reflection, "æ" * (MAX_TEXT + 1))


def test_a_post_is_kept_exactly_as_written():
    reflection = make_activity(ActivityKind.REFLECTION)
    text = "   Innrykk\n\nog linjeskift\t<script>alert(1)</script>  \n"
    assert check_post(reflection, text) == text


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", None, 5, ["tekst"]])
def test_empty_or_non_text_posts(text: object):
    with pytest.raises(Invalid):
        check_post(make_activity(ActivityKind.REFLECTION), text)


@pytest.mark.parametrize("kind", [ActivityKind.DILEMMA, ActivityKind.POLL, ActivityKind.SCALE])
def test_no_posts_on_votes(kind: ActivityKind):
    with pytest.raises(Invalid):
        check_post(make_activity(kind), "tekst")


# --- seating -----------------------------------------------------------------------------

TABLES = [Table(1, "Bord 1"), Table(2, "Bord 2"), Table(3, "Bord 3")]


def test_a_picked_table_is_kept_even_when_full():
    assert choose_table(TABLES, {1: 0, 2: 30, 3: 0}, 2) == 2
    assert choose_table(TABLES, {}, 3) == 3


@pytest.mark.parametrize("wanted", [0, 4, -1])
def test_a_picked_table_must_exist(wanted: int):
    with pytest.raises(Invalid):
        choose_table(TABLES, {}, wanted)


def test_fewest_people_then_lowest_number():
    assert choose_table(TABLES, {1: 3, 2: 1, 3: 2}, None) == 2
    assert choose_table(TABLES, {1: 2, 2: 1, 3: 1}, None) == 2
    assert choose_table(TABLES, {}, None) == 1
    assert choose_table(TABLES, {1: 1}, None) == 2  # a table nobody sits at counts as 0


def test_full_tables_never_refuse_anyone():
    full = {t.number: t.capacity for t in TABLES}
    assert full == {1: 7, 2: 7, 3: 7}
    assert choose_table(TABLES, full, None) == 1
    assert choose_table(TABLES, {1: 9, 2: 8, 3: 9}, None) == 2


def test_seating_one_by_one_keeps_tables_balanced():
    seated: dict[int, int] = {}
    for _ in range(100):
        table = choose_table(TABLES, seated, None)
        seated[table] = seated.get(table, 0) + 1
    assert seated == {1: 34, 2: 33, 3: 33}


# --- tallies -----------------------------------------------------------------------------


def test_tally_from_rows():
    tally = Tally.from_rows(3, [(1, 0, 2), (1, 1, 1), (2, 0, 3), (2, 2, 4)])
    assert tally.counts == [5, 1, 4]
    assert tally.tables == {1: [2, 1, 0], 2: [3, 0, 4]}
    assert tally.total == 10
    assert tally.answered_by_table() == {1: 3, 2: 7}


def test_tally_of_nothing():
    tally = Tally.from_rows(5, [])
    assert (tally.counts, tally.tables, tally.total) == ([0] * 5, {}, 0)
    assert tally.answered_by_table() == {}


def test_tally_leaves_out_options_that_do_not_exist():
    tally = Tally.from_rows(2, [(1, -1, 5), (1, 2, 5), (1, 1, 1)])
    assert tally.counts == [0, 1]
    assert tally.tables == {1: [0, 1]}
