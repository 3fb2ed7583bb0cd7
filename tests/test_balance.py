"""Properties of balanced seating (workshop/balance.py, docs/seating.md) on generated rooms
of 20-300 people with 1-3 join questions: sizes 5-7 whenever the room allows it, answers
spread within one of even, reseating avoids pairs who sat together, a newcomer never
overfills a table, and the join answers are checked."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop import balance
from workshop.balance import JoinQuestion, Person
from workshop.errors import Invalid

# Rooms of up to 300 people are big examples on purpose.
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


ONE_TO_THREE = st.integers(1, 3)


@st.composite
def rooms(draw: st.DrawFn, questions: st.SearchStrategy[int] = ONE_TO_THREE):
    """(people, table numbers, question ids): 20-300 people, each answering (or skipping)
    1-3 questions of 2-4 options; some answers far more common than others."""
    n = draw(st.integers(20, 300))
    tables = draw(st.integers(1, 70))
    q = draw(questions)
    options = [draw(st.integers(2, 4)) for _ in range(q)]
    weights = [[draw(st.integers(1, 6)) for _ in range(o)] for o in options]
    seed = draw(st.integers(0, 2**32))
    import random

    rng = random.Random(seed)
    people = []
    for i in range(n):
        answers = {}
        for qid in range(q):
            if rng.random() < 0.92:  # some leave a question out
                answers[qid + 1] = rng.choices(range(options[qid]), weights[qid])[0]
        people.append(Person(1000 + i, answers))
    return people, list(range(1, tables + 1)), list(range(1, q + 1))


def check_sizes(seating: dict[int, list[int]], people: list[Person], tables: list[int]) -> None:
    n = len(people)
    sizes = [len(ids) for ids in seating.values()]
    assert sorted(i for ids in seating.values() for i in ids) == sorted(p.id for p in people)
    assert set(seating) <= set(tables)
    assert max(sizes) - min(sizes) <= 1  # always within one of each other
    if balance.allows(n, len(tables)):
        assert all(5 <= s <= 7 for s in sizes), sizes
    elif n > 7 * len(tables):
        assert len(seating) == len(tables)  # every table in use, as evenly as can be
    else:
        assert max(sizes) <= 7 or len(seating) == len(tables)


@SETTINGS
@given(rooms())
def test_reseating_keeps_sizes_and_spreads_the_first_answer_within_one(room):
    people, tables, questions = room
    seating = balance.reseat(people, tables, {}, questions, seed=1)
    check_sizes(seating, people, tables)
    first = Counter(p.answers.get(questions[0]) for p in people)
    of = {p.id: p.answers.get(questions[0]) for p in people}
    k = len(seating)
    for option, total in first.items():
        if option is None:
            continue
        at = [sum(of[i] == option for i in ids) for ids in seating.values()]
        assert max(at) - min(at) <= 1, (option, at)  # within one of even
        assert all(total // k <= a <= -(-total // k) for a in at)
    assert balance.uneven(seating, people).get(questions[0], 0) == 0


@SETTINGS
@given(rooms(questions=st.just(2)))
def test_later_questions_are_spread_close_to_even(room):
    """Within one for every question at once is not always possible (docs/seating.md has a
    room where it is not); the later questions are kept within a few people of even."""
    people, tables, questions = room
    seating = balance.reseat(people, tables, {}, questions, seed=2)
    off = balance.uneven(seating, people)
    assert off.get(questions[0], 0) == 0
    assert off.get(questions[1], 0) <= max(2, len(people) // 10), off


@SETTINGS
@given(rooms(questions=st.integers(1, 3)), st.integers(0, 1000))
def test_reseating_avoids_pairs_who_sat_together(room, seed):
    people, tables, questions = room
    first = balance.reseat(people, tables, {}, questions, seed=seed)
    together = balance.partners(first.values())
    second = balance.reseat(people, tables, together, questions, seed=seed + 1)
    check_sizes(second, people, tables)
    assert balance.uneven(second, people).get(questions[0], 0) == 0  # balance comes first
    if len(second) >= 8:  # (with fewer tables, old tablemates must often meet again)
        pairs = sum(len(ids) * (len(ids) - 1) // 2 for ids in second.values())
        assert balance.repeats(second, together) <= pairs // 10


@SETTINGS
@given(st.integers(20, 300), st.integers(8, 70), st.integers(0, 1000))
def test_without_questions_a_reseat_meets_nobody_again_when_the_room_allows(n, tables, seed):
    people = [Person(i) for i in range(n)]
    first = balance.reseat(people, range(1, tables + 1), {}, [], seed=seed)
    if len(first) < max(len(ids) for ids in first.values()) + 2:
        return  # too few tables: someone must meet an old tablemate again
    together = balance.partners(first.values())
    second = balance.reseat(people, range(1, tables + 1), together, [], seed=seed + 1)
    pairs = sum(len(ids) * (len(ids) - 1) // 2 for ids in second.values())
    assert balance.repeats(second, together) <= pairs // 20


@SETTINGS
@given(rooms(questions=st.integers(0, 3)), st.integers(1, 12))
def test_newcomers_never_overfill_a_table_while_another_is_free(room, tables_count):
    people, _, _ = room
    tables = list(range(1, tables_count + 1))
    seated: Counter[int] = Counter()
    spread: dict[int, Counter] = {t: Counter() for t in tables}
    for person in people:
        table = balance.place(tables, seated, spread, person.answers)
        assert table in tables
        if seated[table] >= 7:
            assert all(seated[t] >= 7 for t in tables)  # only once every table has 7
        seated[table] += 1
        spread[table].update(person.answers.items())
    used = [seated[t] for t in tables if seated[t]]
    assert len(used) == min(
        len(tables), max(len(used), balance.tables_in_use(len(people), len(tables)))
    )
    assert sum(used) == len(people)


def test_nine_people_at_three_tables():
    """The room does not allow 5-7 (two tables of 4.5, or one of 9): two tables, 5 and 4."""
    seating = balance.reseat([Person(i) for i in range(9)], [1, 2, 3], {}, [])
    assert sorted(len(ids) for ids in seating.values()) == [4, 5]
    assert balance.tables_in_use(9, 3) == 2
    assert balance.tables_in_use(4, 3) == 1
    assert balance.tables_in_use(30, 3) == 3  # too many people: every table, 10 each
    assert balance.tables_in_use(30, 10) == 5  # 6 a table, five tables left empty
    assert balance.tables_in_use(2000, 300) == 300


def test_three_questions_cannot_always_be_within_one():
    """The case docs/seating.md gives: a, b, c pairwise share an answer on three different
    questions; at two tables two of them sit together, so one answer is off by one more."""
    a = Person(1, {1: 0, 2: 1, 3: 0})
    b = Person(2, {1: 0, 2: 0, 3: 1})
    c = Person(3, {1: 1, 2: 0, 3: 0})
    rest = [Person(10 + i, {1: 2, 2: 2, 3: 2}) for i in range(7)]
    seating = balance.reseat([a, b, c, *rest], [1, 2], {}, [1, 2, 3])
    check_sizes(seating, [a, b, c, *rest], [1, 2])
    assert balance.uneven(seating, [a, b, c, *rest]).get(1, 0) == 0
    assert sum(balance.uneven(seating, [a, b, c, *rest]).values()) >= 1


def test_join_answers_are_checked():
    questions = [
        JoinQuestion(5, "First term?", ("Yes", "No")),
        JoinQuestion(6, "Role?", ("A", "B", "C")),
    ]
    assert balance.check_answers(questions, None) == {}
    assert balance.check_answers(questions, {"5": 1, "6": 2}) == {5: 1, 6: 2}
    assert balance.check_answers(questions, {"6": 0}) == {6: 0}  # one left out
    for bad in (
        {"7": 0},
        {"5": 2},
        {"5": -1},
        {"5": True},
        {"5": "1"},
        {"x": 0},
        {"²": 0},
        {"9" * 5000: 0},
        [1],
        "5=1",
    ):
        with pytest.raises(Invalid):
            balance.check_answers(questions, bad)


def test_join_questions_are_checked():
    assert balance.check_question(" Role? ", [" A ", "B"], 0) == ("Role?", ["A", "B"])
    for prompt, options, existing in (
        ("Role?", ["A", "B"], 3),
        ("", ["A", "B"], 0),
        ("Role?", ["A"], 0),
        ("Role?", ["A"] * 7, 0),
        ("Role?", ["A", "A"], 0),
        ("Role?", ["A", ""], 0),
        ("Role?", ["A", 2], 0),
        ("x" * 201, ["A", "B"], 0),
    ):
        with pytest.raises(Invalid):
            balance.check_question(prompt, options, existing)
