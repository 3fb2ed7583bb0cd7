"""Balanced seating: join questions, where a newcomer sits, and reseating the room.

Plain rules, no I/O. `docs/seating.md` states the algorithm and what it guarantees:

- sizes: the room is spread over as many tables as keep every table at 5-7 when some number
  of the session's tables allows that, and the sizes differ by at most one;
- answers: for the first join question, the number of people giving each answer differs by
  at most one between the tables in use; later questions are spread as evenly as swaps that
  keep the earlier ones in place allow;
- repeats: among seatings as balanced as that, pairs who sat together before are avoided
  as far as a bounded local search finds.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from workshop.errors import N_, Invalid

MIN_SIZE, TARGET_SIZE, MAX_SIZE = 5, 6, 7
MAX_QUESTIONS = 3
MAX_OPTIONS = 6
MAX_PROMPT = 200
MAX_OPTION = 60
TRIES = 8  # other tables a swap is tried with, per person and pass
SAMPLE = 24  # tables weighed for each person in the first seating

Answers = Mapping[int, int]  # join question id -> the option's index
Spread = Mapping[int, Mapping[tuple[int, int], int]]  # table -> (question, option) -> people


@dataclass(frozen=True, slots=True)
class JoinQuestion:
    id: int
    prompt: str
    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    answers: Answers = field(default_factory=dict)
    table: int = 0  # where they sit now (0: not known)


# --- join questions -----------------------------------------------------------------------


def check_question(prompt: object, options: object, existing: int) -> tuple[str, list[str]]:
    """A new join question's prompt and options, checked; `existing`: how many there are."""
    if existing >= MAX_QUESTIONS:
        raise Invalid(N_("A session can have at most three join questions."))
    if not isinstance(prompt, str) or not prompt.strip():
        raise Invalid(N_("The question cannot be empty."))
    if len(prompt) > MAX_PROMPT:
        raise Invalid(
            N_("The question is too long: at most %(limit)d characters."), limit=MAX_PROMPT
        )
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
        raise Invalid(N_("A join question needs 2 to %(max)d options."), max=MAX_OPTIONS)
    cleaned = []
    for option in options:
        if not isinstance(option, str) or not option.strip():
            raise Invalid(N_("Every option needs a text."))
        if len(option) > MAX_OPTION:
            raise Invalid(
                N_("An option is too long: at most %(limit)d characters."), limit=MAX_OPTION
            )
        cleaned.append(option.strip())
    if len(set(cleaned)) != len(cleaned):
        raise Invalid(N_("Two options have the same text."))
    return prompt.strip(), cleaned


def check_answers(questions: Sequence[JoinQuestion], answers: object) -> dict[int, int]:
    """The answers a newcomer sent: {"<question id>": option index}. Every question may be
    left out (a person may prefer not to say); an unknown question or option is refused."""
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise Invalid(N_('answers must be an object: {"<question id>": option number}.'))
    known = {q.id: q for q in questions}
    checked = {}
    for key, option in answers.items():
        digits = isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18
        question = known.get(int(key)) if digits else None
        if question is None:
            raise Invalid(N_("This session has no join question %(id)s."), id=str(key)[:20])
        if isinstance(option, bool) or not isinstance(option, int):
            raise Invalid(N_("An answer must be the number of an option."))
        if not 0 <= option < len(question.options):
            raise Invalid(
                N_("Question %(id)s has no option %(option)s."), id=question.id, option=option
            )
        checked[question.id] = option
    return checked


# --- how many tables, and their sizes -------------------------------------------------------


def allows(people: int, tables: int) -> bool:
    """Whether `people` fit at some number of the `tables` with 5-7 at each."""
    return people > 0 and math.ceil(people / MAX_SIZE) <= min(tables, people // MIN_SIZE)


def tables_in_use(people: int, tables: int) -> int:
    """How many tables `people` are spread over. When the room allows 5-7 a table: the
    number closest to 6 a table within that; otherwise as many as keep tables at 7 or less
    (all of them when even that is not enough), and at least one."""
    if people <= 0 or tables <= 0:
        return 0
    low = math.ceil(people / MAX_SIZE)
    high = min(tables, people // MIN_SIZE)
    if low <= high:
        return min(max(round(people / TARGET_SIZE), low), high)
    return max(1, min(tables, low))


def sizes(people: int, count: int) -> list[int]:
    """`people` over `count` tables, differing by at most one, the larger ones first."""
    if count <= 0:
        return []
    base, extra = divmod(people, count)
    return [base + 1 if i < extra else base for i in range(count)]


# --- a newcomer ------------------------------------------------------------------------------


def place(
    tables: Sequence[int], seated: Mapping[int, int], spread: Spread, answers: Answers
) -> int:
    """The table for a newcomer who did not pick one; nobody already seated moves.

    Tables are opened in number order as the room grows (`tables_in_use`). Among the tables
    in use it takes one below 7 and at most one above the emptiest (so sizes stay within two
    of each other), the one where the fewest share the newcomer's answers; then the emptiest;
    then the lowest number."""
    numbers = sorted(tables)
    people = sum(seated.get(t, 0) for t in numbers) + 1
    used = [t for t in numbers if seated.get(t, 0) > 0]
    if len(used) < tables_in_use(people, len(numbers)):
        return next(t for t in numbers if seated.get(t, 0) == 0)
    fewest = min(seated.get(t, 0) for t in used)
    candidates = [t for t in used if seated.get(t, 0) < MAX_SIZE and seated[t] <= fewest + 1]
    if not candidates:
        candidates = [t for t in used if seated.get(t, 0) == fewest]

    def sharing(table: int) -> int:
        here = spread.get(table, {})
        return sum(here.get((q, o), 0) for q, o in answers.items())

    return min(candidates, key=lambda t: (sharing(t), seated.get(t, 0), t))


# --- reseating the room ----------------------------------------------------------------------


def partners(groups: Iterable[Iterable[int]]) -> dict[int, Counter[int]]:
    """Who sat with whom, from the groups that sat together: person -> other -> times."""
    found: dict[int, Counter[int]] = defaultdict(Counter)
    for group in groups:
        members = list(dict.fromkeys(group))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                found[a][b] += 1
                found[b][a] += 1
    return found


def repeats(seating: Mapping[int, Sequence[int]], together: Mapping[int, Mapping[int, int]]) -> int:
    """Pairs at the same table who sat together before (a pair that did so twice counts 2)."""
    total = 0
    for members in seating.values():
        for i, a in enumerate(members):
            mine = together.get(a)
            if mine:
                total += sum(mine.get(b, 0) for b in members[i + 1 :])
    return total


def answer_bounds(people: Sequence[Person], count: int) -> dict[tuple[int, int], tuple[int, int]]:
    """(question, option) -> the fewest and most at one table when it is spread evenly."""
    totals = Counter((q, o) for p in people for q, o in p.answers.items())
    return {key: (n // count, -(-n // count)) for key, n in totals.items()}


def uneven(seating: Mapping[int, Sequence[int]], people: Sequence[Person]) -> dict[int, int]:
    """Question -> how far its answers are from even: the people beyond the even range."""
    count = len(seating)
    if not count:
        return {}
    bounds = answer_bounds(people, count)
    answers = {p.id: p.answers for p in people}
    off: Counter[int] = Counter()
    for members in seating.values():
        here = Counter((q, o) for m in members for q, o in answers[m].items())
        for (q, o), (low, high) in bounds.items():
            n = here.get((q, o), 0)
            off[q] += max(0, low - n, n - high)
    return dict(off)


def reseat(
    people: Sequence[Person],
    tables: Sequence[int],
    together: Mapping[int, Mapping[int, int]],
    questions: Sequence[int] = (),
    seed: int = 0,
    effort: int = 4,
) -> dict[int, list[int]]:
    """A new seating of everyone: table -> participant ids (tables left empty are left out).

    1. Sizes: `tables_in_use` tables (the lowest numbers), sizes within one (`sizes`).
    2. Answers: people are sorted by their answers (first question first, ties shuffled)
       and dealt round the tables like cards: every run of people with the same first
       answer is spread within one, so the first question is even from the start.
    3. Swaps: a bounded local search swaps two people at different tables when that makes
       the seating strictly better by (first question's unevenness, second's, third's,
       pairs who sat together before): it never makes an earlier measure worse to better
       a later one. `effort` bounds the passes; each pass is O(n * (Q + 7 * 8)).
    """
    numbers = sorted(tables)
    count = tables_in_use(len(people), len(numbers))
    if not count:
        return {}
    used = numbers[:count]
    order = list(questions) or sorted({q for p in people for q in p.answers})
    rank = {q: i for i, q in enumerate(order)}
    rng = random.Random(seed)

    def met(a: int, group: list[int], skip: int) -> int:
        mine = together.get(a)
        if not mine:
            return 0
        return sum(mine.get(b, 0) for b in group if b != skip)

    answers = {p.id: {k: v for k, v in p.answers.items() if k in rank} for p in people}
    bounds = answer_bounds([Person(p.id, answers[p.id]) for p in people], count)
    seat: dict[int, int] = {}  # person -> table index
    members: list[list[int]] = [[] for _ in used]
    here: list[Counter[tuple[int, int]]] = [Counter() for _ in used]
    later = order[1:]

    def cost(p: int, t: int) -> tuple[int, ...]:
        mine = answers[p]
        shared = tuple(here[t].get((q, mine[q]), 0) for q in later if q in mine)
        return (*shared, met(p, members[t], p))

    def put(p: int, t: int) -> None:
        seat[p] = t
        members[t].append(p)
        here[t].update(answers[p].items())

    # Rows: the people with the same first answer. Each row is dealt in rounds of one person
    # per table, so every table gets its even share of the row; the rest go to the tables
    # with the fewest people so far, so sizes stay within one. Who goes where within a round
    # is greedy: the table with the fewest sharing their later answers, then fewest met.
    rows: dict[int, list[int]] = defaultdict(list)
    for person in people:
        rows[answers[person.id].get(order[0], -1) if order else -1].append(person.id)
    for key in sorted(rows):
        row = rows[key]
        rng.shuffle(row)
        full = len(row) // count * count
        for start in range(0, full, count):
            free = list(range(count))
            for p in row[start : start + count]:
                weigh = range(len(free))
                if len(free) > SAMPLE:
                    weigh = rng.sample(weigh, SAMPLE)
                pick = min(weigh, key=lambda i, p=p: cost(p, free[i]))
                put(p, free[pick])
                free[pick] = free[-1]
                free.pop()
        left = list(range(count))
        for p in row[full:]:
            fewest = min(len(members[t]) for t in left)
            open_ = [t for t in left if len(members[t]) == fewest]
            if len(open_) > SAMPLE:
                open_ = rng.sample(open_, SAMPLE)
            t = min(open_, key=lambda t, p=p: cost(p, t))
            put(p, t)
            left.remove(t)
    shuffled = [p.id for p in people]
    levels = len(order) + 1  # one measure per question, then repeats
    zero = [0] * levels

    def off(key: tuple[int, int], n: int) -> int:
        low, high = bounds[key]
        return max(0, low - n, n - high)

    def delta(p: int, q: int) -> list[int]:
        """How swapping p and q changes each measure (negative: better)."""
        ta, tb = seat[p], seat[q]
        change = [0] * levels
        ap, aq = answers[p], answers[q]
        for key in {*ap.items(), *aq.items()}:
            move = (1 if aq.get(key[0]) == key[1] else 0) - (1 if ap.get(key[0]) == key[1] else 0)
            if not move:
                continue
            na, nb = here[ta].get(key, 0), here[tb].get(key, 0)
            change[rank[key[0]]] += (
                off(key, na + move) - off(key, na) + off(key, nb - move) - off(key, nb)
            )
        change[-1] = (
            met(p, members[tb], q)
            + met(q, members[ta], p)
            - met(p, members[ta], p)
            - met(q, members[tb], q)
        )
        return change

    def over(p: int) -> list[tuple[int, int]]:
        """p's answers that are beyond the even range at p's table."""
        t = seat[p]
        return [key for key in answers[p].items() if off(key, here[t].get(key, 0))]

    def swap(p: int, q: int) -> None:
        ta, tb = seat[p], seat[q]
        members[ta][members[ta].index(p)] = q
        members[tb][members[tb].index(q)] = p
        seat[p], seat[q] = tb, ta
        for key in answers[p].items():
            here[ta][key] -= 1
            here[tb][key] += 1
        for key in answers[q].items():
            here[tb][key] -= 1
            here[ta][key] += 1

    ids = shuffled
    tries = min(count - 1, TRIES)  # other tables tried for each troubled person
    everywhere = range(count)
    for _ in range(effort if count > 1 else 0):
        improved = False
        rng.shuffle(ids)
        for p in ids:
            keys = over(p)
            if keys:  # tables where one of p's answers is scarcer: a swap there can help
                key = keys[0]
                high = bounds[key][1]
                where = [t for t in everywhere if here[t].get(key, 0) < high and t != seat[p]]
                if not where:
                    continue
                choices = rng.sample(where, min(tries, len(where)))
            elif met(p, members[seat[p]], p):  # sat with someone here before
                choices = [t for t in rng.sample(everywhere, tries + 1) if t != seat[p]]
            else:
                continue
            best: tuple[list[int], int] | None = None
            for t in choices:
                for q in members[t]:
                    change = delta(p, q)
                    if change < zero and (best is None or change < best[0]):
                        best = (change, q)
            if best is not None:
                swap(p, best[1])
                improved = True
        if not improved:
            break
    return {used[i]: sorted(group) for i, group in enumerate(members) if group}
