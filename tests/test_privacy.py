"""The small-group rule (workshop/privacy.py): which tables' figures the screen leaves out."""

from __future__ import annotations

import itertools

from workshop.privacy import hidden_tables


def test_a_table_of_one_is_hidden_with_the_next_smallest():
    # Table 2 alone hidden: the room's total minus tables 1 and 3 would give its answer.
    assert hidden_tables({1: 5, 2: 1, 3: 4}) == {2, 3}


def test_two_tables_of_one_hide_a_third_until_the_hidden_hold_three():
    assert hidden_tables({1: 1, 2: 1, 3: 6, 4: 4}) == {1, 2, 4}


def test_tables_of_three_or_more_are_all_shown():
    assert hidden_tables({1: 3, 2: 7, 3: 3}) == set()


def test_a_table_with_no_answers_is_shown_as_zero_and_is_never_the_complement():
    assert hidden_tables({1: 0, 2: 5}) == set()
    assert hidden_tables({1: 0, 2: 2, 3: 3, 4: 8}) == {2, 3}


def test_a_tie_hides_the_lowest_table_number():
    assert hidden_tables({1: 4, 2: 4, 3: 2}) == {1, 3}


def test_hidden_tables_already_holding_enough_need_no_complement():
    assert hidden_tables({1: 2, 2: 2, 3: 9}) == {1, 2}


def test_when_every_table_is_small_all_are_hidden():
    assert hidden_tables({1: 1, 2: 1}) == {1, 2}


def test_the_minimum_is_a_setting():
    assert hidden_tables({1: 4, 2: 5, 3: 9}, min_group=5) == {1, 2}
    assert hidden_tables({1: 1, 2: 1}, min_group=1) == set()


def test_no_shown_table_can_be_subtracted_to_reveal_a_small_group():
    """For every room of up to four tables with up to five answers each: no shown table is
    small, and the hidden tables together (what total minus shown gives) are either none
    or at least three answers, unless no table with answers is left to hide."""
    for counts in itertools.product(range(6), repeat=4):
        answers = dict(enumerate(counts, start=1))
        hidden = hidden_tables(answers)
        shown = {t: n for t, n in answers.items() if t not in hidden}
        assert all(n == 0 or n >= 3 for n in shown.values()), answers
        together = sum(answers[t] for t in hidden)
        everything_hidden = all(n == 0 for n in shown.values())
        assert not hidden or together >= 3 or everything_hidden, answers
