"""Reseating a big room (issue 16, docs/seating.md): 2,000 people at 300 tables with three
join questions, timed twice: the pure algorithm (`workshop.balance.reseat`) on a room with
one earlier seating, and the whole store step (`SQLiteStore.reseat`: read everyone, their
answers and who sat with whom, plan, write) on a real SQLite file.

    .venv/bin/python -m bench.reseat --people 2000 --tables 300 --questions 3 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from workshop import balance
from workshop.balance import Person
from workshop.seating import choose_table
from workshop.store.sqlite import SQLiteStore


def room(people: int, questions: int, seed: int) -> list[Person]:
    rng = random.Random(seed)
    options = [2, 3, 4][:questions]
    weights = [[3, 1], [2, 2, 1], [1, 1, 1, 1]]
    return [
        Person(
            i + 1, {q + 1: rng.choices(range(options[q]), weights[q])[0] for q in range(questions)}
        )
        for i in range(people)
    ]


def pure(people: int, tables: int, questions: int, rounds: int) -> dict[str, object]:
    persons = room(people, questions, 1)
    numbers = list(range(1, tables + 1))
    qs = list(range(1, questions + 1))
    groups: list[list[int]] = []
    times = []
    repeated = []
    for r in range(rounds):
        together = balance.partners(groups)
        start = time.perf_counter()
        seating = balance.reseat(persons, numbers, together, qs, seed=r)
        times.append(time.perf_counter() - start)
        repeated.append(balance.repeats(seating, together))
        uneven = balance.uneven(seating, persons)
        groups.extend(seating.values())
    sizes = sorted({len(ids) for ids in seating.values()})
    return {
        "seconds": times,
        "repeated_pairs": repeated,
        "uneven": uneven,
        "sizes": sizes,
        "tables_used": len(seating),
    }


async def store_step(people: int, tables: int, questions: int, rounds: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(str(Path(folder) / "bench.db"))
        await store.open()
        try:
            owner = await store.add_facilitator("bench", "x" * 60)
            session = await store.create_session(
                code="BENCH2",
                facilitator_id=owner.id,
                title="Reseat",
                language="nb",
                screen_key="k",
                base_url="http://bench",
                table_names=[f"Bord {n}" for n in range(1, tables + 1)],
            )
            assert session is not None
            ids = []
            for q in range(questions):
                made = await store.add_join_question(
                    session.id, f"Q{q}", [f"o{i}" for i in range(q + 2)], 3
                )
                assert made is not None
                ids.append(made.id)
            persons = room(people, questions, 2)
            for i, person in enumerate(persons):
                answers = {ids[q - 1]: o for q, o in person.answers.items()}
                table = 1 + i % tables
                await store.seat_participant(
                    session.id,
                    "",
                    f"hash-{i}",
                    lambda t, s, spread=None, table=table: choose_table(t, s, table),
                    answers=answers,
                )
            times = []
            for r in range(rounds):

                def plan(p, t, together, qs, r=r):
                    return balance.reseat(p, t, together, qs, seed=r)

                start = time.perf_counter()
                await store.reseat(session.id, plan)
                times.append(time.perf_counter() - start)
            return times
        finally:
            await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--tables", type=int, default=300)
    parser.add_argument("--questions", type=int, default=3, choices=(0, 1, 2, 3))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()} {platform.processor()} {platform.python_version()}")
    print(f"{args.people} people, {args.tables} tables, {args.questions} questions")
    found = pure(args.people, args.tables, args.questions, args.rounds)
    seconds = found["seconds"]
    assert isinstance(seconds, list)
    print(
        "balance.reseat: "
        + ", ".join(f"{s * 1000:.0f} ms" for s in seconds)
        + f" (median {statistics.median(seconds) * 1000:.0f} ms)"
    )
    print(f"  tables used {found['tables_used']}, sizes {found['sizes']}")
    print(f"  pairs met again per round: {found['repeated_pairs']}")
    print(f"  last round's unevenness per question: {found['uneven']}")
    steps = asyncio.run(store_step(args.people, args.tables, args.questions, args.rounds))
    print(
        "store step (read, plan, write): "
        + ", ".join(f"{s * 1000:.0f} ms" for s in steps)
        + f" (median {statistics.median(steps) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
