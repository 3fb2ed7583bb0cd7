"""The coordinator's figures (issue 15) over many sessions: `make bench-evaluations` makes a
database of 500 sessions and 20,000 evaluations (straight into SQLite, through the schema
the store migrated), then times `GET /api/evaluations`'s work (`Store.evaluation_counts`
and `over_time.figures`) without filters and with each filter. Target: at most 500 ms.

`generate` is also the data set of tests/test_over_time.py, which checks the figures against
its own count of what `generate` says it inserted."""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TOPICS = (
    "Kultur i kommunestyret",
    "Rolleforståelse",
    "Habilitet",
    "Ytringsfrihet og taushetsplikt",
    "Arbeidsgiverrollen",
    "Økonomi og budsjett",
    "Innbyggerdialog",
    "Saksbehandling",
)
REGIONS = ("Vestland", "Nordland", "Viken", "Trøndelag", "")
QUESTIONS = json.dumps(
    [
        {"key": "topics", "kind": "topics", "prompt": "Mest nyttig i dag?"},
        {"key": "useful", "kind": "scale", "prompt": "Hvor nyttig var dagen?"},
        {"key": "engaged", "kind": "scale", "prompt": "Fikk kurslederen alle med?"},
        {
            "key": "again",
            "kind": "choice",
            "prompt": "Samme kursleder igjen?",
            "choices": [
                {"id": "yes", "label": "Ja"},
                {"id": "no", "label": "Nei"},
                {"id": "unsure", "label": "Usikker"},
            ],
        },
        {"key": "comment", "kind": "text", "prompt": "Hva bør gjøres annerledes?"},
    ],
    ensure_ascii=False,
)


@dataclass
class MadeSession:
    id: int
    facilitator_id: int
    region: str
    at: float  # its date: the first day's start, else when it was made
    evaluated: bool  # has an evaluation activity
    participants: int  # still in it
    titles: dict[int, str] = field(default_factory=dict)  # segment id -> title


@dataclass
class MadeAnswer:
    """One participant's latest evaluation, as inserted."""

    session_id: int
    topics: list[int]  # segment ids
    useful: int | None
    engaged: int | None
    again: str | None
    comment: str | None


@dataclass
class Made:
    sessions: list[MadeSession] = field(default_factory=list)
    answers: list[MadeAnswer] = field(default_factory=list)


def generate(
    db: sqlite3.Connection,
    facilitator_ids: list[int],
    sessions: int,
    evaluations: int,
    seed: int = 15,
    start: datetime = datetime(2025, 1, 1, tzinfo=UTC),
    days: int = 600,
) -> Made:
    """Insert `sessions` sessions with `evaluations` latest evaluations among them (plus
    superseded ones, non-responders, removed participants and sessions without an
    evaluation), in one transaction; what was made, for an independent count."""
    rng = random.Random(seed)
    made = Made()
    # Every fifth session has no evaluation; the evaluations spread over the others.
    evaluated = [i % 5 != 4 for i in range(sessions)]
    shares = [rng.random() + 0.2 if e else 0.0 for e in evaluated]
    total = sum(shares)
    per = [int(evaluations * s / total) for s in shares]
    for i in range(evaluations - sum(per)):
        per[[k for k, e in enumerate(evaluated) if e][i % sum(evaluated)]] += 1
    db.execute("BEGIN")
    counter = 0
    for i in range(sessions):
        fid = rng.choice(facilitator_ids)
        region = rng.choice(REGIONS)
        created = start.timestamp() + rng.random() * days * 86400
        started = created + 3600 if rng.random() < 0.5 else None
        code = f"G{i:05d}"
        cur = db.execute(
            "INSERT INTO sessions (code, facilitator_id, title, language, screen_key,"
            " created_at, region, organisation, closed_at) VALUES (?, ?, ?, 'nb', 'k', ?, ?, ?, ?)",
            (
                code,
                fid,
                f"Folkevalgtopplæring {i}",
                created,
                region,
                f"Kommune {i}",
                created + 7200,
            ),
        )
        sid = cur.lastrowid or 0
        db.executemany(
            "INSERT INTO tables (session_id, number, name) VALUES (?, ?, ?)",
            [(sid, n, f"Bord {n}") for n in (1, 2, 3)],
        )
        if started is not None:
            db.execute(
                "INSERT INTO plan_days (session_id, day, start, started_at)"
                " VALUES (?, 1, '09:00', ?)",
                (sid, started),
            )
        session = MadeSession(sid, fid, region, started or created, evaluated[i], 0)
        for position, title in enumerate(rng.sample(TOPICS, 4), start=1):
            cur = db.execute(
                "INSERT INTO segments (session_id, position, title, minutes) VALUES (?, ?, ?, 30)",
                (sid, position, title),
            )
            session.titles[cur.lastrowid or 0] = title
        responders = per[i]
        people = responders + rng.randint(0, max(1, responders // 3))
        removed = rng.randint(0, 2)
        ids = []
        for n in range(people + removed):
            counter += 1
            cur = db.execute(
                "INSERT INTO participants (session_id, table_number, name, token_hash, created_at,"
                " removed_at) VALUES (?, ?, ?, ?, ?, ?)",
                (sid, n % 3 + 1, f"P{n}", f"t{counter}", created, created if n >= people else None),
            )
            ids.append(cur.lastrowid or 0)
        session.participants = people
        made.sessions.append(session)
        if not evaluated[i]:
            continue
        cur = db.execute(
            "INSERT INTO activities (session_id, position, kind, title, prompt, state,"
            " created_at, questions) VALUES (?, 1, 'evaluation', 'Evaluering', '', 'closed', ?, ?)",
            (sid, created, QUESTIONS),
        )
        aid = cur.lastrowid or 0
        evaluations_rows, ballots, answers = [], [], []
        for n, pid in enumerate(ids[:responders]):
            # Some changed their answers: the older evaluation stays, only the latest counts.
            versions = 2 if rng.random() < 0.1 else 1
            for v in range(versions):
                eid = f"e{sid}-{pid}-{v}"
                evaluations_rows.append((eid, aid, pid, n % 3 + 1, created + v))
                chosen = rng.sample(sorted(session.titles), rng.randint(0, 2))
                useful = rng.choice((1, 2, 3, 4, 4, 5, 5, None))
                engaged = rng.choice((2, 3, 4, 5, 5, None))
                again = rng.choice(("yes", "yes", "no", "unsure", None))
                comment = rng.choice(("Mer tid til dilemmaene", "=1+1", None))
                answers += [(eid, "topics", t, None) for t in chosen]
                answers += [
                    (eid, k, x, None) for k, x in (("useful", useful), ("engaged", engaged)) if x
                ]
                if again:
                    answers.append((eid, "again", None, again))
                if comment:
                    answers.append((eid, "comment", None, comment))
                if v == versions - 1:
                    ballots.append((aid, pid, eid))
                    made.answers.append(MadeAnswer(sid, chosen, useful, engaged, again, comment))
        db.executemany(
            "INSERT INTO evaluations (id, activity_id, participant_id, table_number, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            evaluations_rows,
        )
        db.executemany(
            "INSERT INTO evaluation_ballots (activity_id, participant_id, evaluation_id)"
            " VALUES (?, ?, ?)",
            ballots,
        )
        db.executemany(
            "INSERT INTO evaluation_answers (evaluation_id, key, number, text) VALUES (?, ?, ?, ?)",
            answers,
        )
    db.execute("COMMIT")
    return made


async def _run(sessions: int, evaluations: int, rounds: int) -> dict[str, Any]:
    from workshop import over_time
    from workshop.domain import Facilitator
    from workshop.store.sqlite import SQLiteStore

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        store = SQLiteStore(str(path))
        await store.open()
        ids = [(await store.add_facilitator(f"f{n}", "$argon2id$x")).id for n in range(20)]
        with sqlite3.connect(path, isolation_level=None) as db:
            made_at = time.perf_counter()
            generate(db, ids, sessions, evaluations)
            made_s = time.perf_counter() - made_at
            db.execute("ANALYZE")
        await store.close()
        store = SQLiteStore(str(path))
        await store.open()
        coordinator = Facilitator(0, "c", "", "coordinator")
        cases = {
            "all": {},
            "from/to (a year)": {"from": "2025-03-01", "to": "2026-02-28"},
            "region": {"region": "Vestland"},
            "one facilitator": {},
        }
        timings: dict[str, list[float]] = {}
        for name, query in cases.items():
            fid = ids[0] if name == "one facilitator" else None
            where = over_time.evaluation_filter(query, coordinator, fid)
            times = []
            for _ in range(rounds):
                begun = time.perf_counter()
                over_time.figures(await store.evaluation_counts(where))
                times.append((time.perf_counter() - begun) * 1000)
            timings[name] = times
        await store.close()
    return {"generate_s": made_s, "ms": timings}


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--sessions", type=int, default=500)
    cli.add_argument("--evaluations", type=int, default=20_000)
    cli.add_argument("--rounds", type=int, default=7)
    args = cli.parse_args()
    result = asyncio.run(_run(args.sessions, args.evaluations, args.rounds))
    print(
        f"{args.sessions} sessions, {args.evaluations} evaluations"
        f" (made in {result['generate_s']:.1f} s); {platform.processor() or platform.machine()},"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(f"{'figures':<20} {'median ms':>10} {'max ms':>8}")
    worst = 0.0
    for name, times in result["ms"].items():
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{name:<20} {median:>10.1f} {max(times):>8.1f}")
    verdict = "met" if worst <= 500 else "NOT met"
    print(f"target: figures <= 500 ms: {verdict} (slowest median {worst:.1f} ms)")


if __name__ == "__main__":
    main()
