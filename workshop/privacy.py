"""Small tables stay anonymous: which tables' figures the screen and the phones may show.

A table where one or two people answered would show their answers to the whole room, so its
per-table figures are left out below `min_group` answers. Leaving them out is not enough
when the room's total is shown too: the total minus the shown tables gives what the hidden
ones answered, so the hidden tables together must also hold at least `min_group` answers
(complementary suppression). Plain rules, no I/O; docs/api.md states the rule.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_MIN_GROUP = 3


def hidden_tables(answers: Mapping[int, int], min_group: int = DEFAULT_MIN_GROUP) -> set[int]:
    """The tables to leave out, from the number of answers (people) per table.

    1. Hide every table with 0 < n < min_group answers.
    2. While some tables are hidden and the hidden ones together have fewer than
       `min_group` answers, also hide the smallest shown table with answers (the lowest
       table number on a tie).
    Tables with 0 answers give nothing away and stay shown (as 0).
    """
    hidden = {table for table, n in answers.items() if 0 < n < min_group}
    together = sum(answers[t] for t in hidden)
    if not hidden or together >= min_group:
        return hidden
    shown = sorted((n, table) for table, n in answers.items() if n >= min_group)
    for n, table in shown:  # smallest first
        if together >= min_group:
            break
        hidden.add(table)
        together += n
    return hidden
