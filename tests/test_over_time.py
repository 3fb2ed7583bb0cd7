"""Sessions over time (issue 15), in process: deleting a session leaves no row of it, the
session list's state and counts, organisation and region, roles and the accounts page,
retention, and the coordinator's figures checked against an independent count."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.evaluations import QUESTIONS, Made, generate
from tests.live import PASSWORD, Server, Socket, new_id, refused, screen_socket_url
from tests.live import new_session as live_session
from workshop import over_time
from workshop.accounts import Accounts
from workshop.domain import ActivityKind, ActivitySpec, ActivityState, Post, Vote
from workshop.seating import choose_table
from workshop.settings import Settings
from workshop.store import migrate as migrations
from workshop.store.sqlite import SQLiteStore
from workshop.web.app import create_app
from workshop.web.over_time_api import Retention

ENGLISH = {"Accept-Language": "en"}

# The lead's evaluation tables (contract-15, migration 0006), for as long as 0006 has not
# landed: the numbering is what matters, and 0007 does not depend on them.
STUB_0006 = """
ALTER TABLE activities ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
CREATE TABLE evaluations (id TEXT PRIMARY KEY, activity_id INTEGER NOT NULL REFERENCES
  activities(id), participant_id INTEGER NOT NULL REFERENCES participants(id),
  table_number INTEGER NOT NULL, created_at REAL NOT NULL);
CREATE TABLE evaluation_ballots (activity_id INTEGER NOT NULL, participant_id INTEGER NOT NULL,
  evaluation_id TEXT NOT NULL REFERENCES evaluations(id), PRIMARY KEY (activity_id,
  participant_id)) WITHOUT ROWID;
CREATE TABLE evaluation_answers (evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
  key TEXT NOT NULL, number INTEGER, text TEXT);
CREATE INDEX evaluation_answers_of ON evaluation_answers(evaluation_id, key);
"""


@pytest.fixture(autouse=True)
def evaluation_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = migrations.available()
    if any(number == 6 for number, _ in shipped):
        return
    monkeypatch.setattr(migrations, "available", lambda: sorted([*shipped, (6, STUB_0006)]))


Login = Callable[..., Awaitable[httpx.AsyncClient]]


class World:
    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self.store = SQLiteStore(str(path))
        self.settings = settings
        self.clients: list[httpx.AsyncClient] = []

    async def open(self) -> None:
        await self.store.open()
        self.app = create_app(self.settings, self.store)
        self.life = self.app.router.lifespan_context(self.app)
        await self.life.__aenter__()

    def client(self) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://127.0.0.1",
            headers=ENGLISH,
        )
        self.clients.append(client)
        return client

    async def account(self, name: str, role: str = "facilitator") -> httpx.AsyncClient:
        await Accounts(self.store).add_facilitator(name, PASSWORD, role)
        client = self.client()
        answer = await client.post("/api/login", json={"username": name, "password": PASSWORD})
        assert answer.status_code == 204, answer.text
        return client

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, isolation_level=None)

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()
        await self.life.__aexit__(None, None, None)  # closes the store too


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    made = World(tmp_path / "over-time.db", Settings(db_url=f"sqlite:///{tmp_path}/x.db"))
    await made.open()
    yield made
    await made.close()


async def new_session(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    answer = await client.post("/api/sessions", json={"title": "Kommunestyret", **body})
    assert answer.status_code == 201, answer.text
    return answer.json()


# --- filling a session with one of everything ----------------------------------------------


def _tables(db: sqlite3.Connection) -> dict[str, set[str]]:
    names = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {n: {r[1] for r in db.execute(f'PRAGMA table_info("{n}")')} for n in names}


async def fill(world: World, code: str) -> dict[str, set[Any]]:
    """One of everything a session can hold, through the store where it has a method and in
    SQL where the rows come from the day's plan or the evaluation; the ids of it all."""
    store = world.store
    session = await store.session(code)
    assert session is not None
    people = [
        await store.seat_participant(
            session.id, f"Navn {n}", f"token-{code}-{n}", lambda t, s: choose_table(t, s, None)
        )
        for n in range(4)
    ]
    poll = await store.add_activity(
        session.id, ActivitySpec(ActivityKind.POLL, "Hva mener du?", "", ("Ja", "Nei"), True)
    )
    talk = await store.add_activity(
        session.id, ActivitySpec(ActivityKind.REFLECTION, "Hva tar du med deg?")
    )
    opened = {poll.id: ActivityState.OPEN, talk.id: ActivityState.OPEN}
    await store.set_activity_states(session.id, opened, poll.id)
    votes = []
    for n, p in enumerate(people):
        vote = Vote(new_id(), poll.id, p.id, p.table, n % 2, f"Fordi {n}")
        await store.record_vote(vote)
        votes.append(vote.id)
        await store.record_post(Post(new_id(), talk.id, p.id, p.table, f"Tanke {n}"))
    await store.add_quote(session.id, poll.id, votes[0])
    with world.db() as db:
        db.execute("PRAGMA foreign_keys = ON")
        segment = db.execute(
            "INSERT INTO segments (session_id, position, title) VALUES (?, 1, 'Habilitet')",
            (session.id,),
        ).lastrowid
        case = db.execute(
            "INSERT INTO session_cases (session_id, title) VALUES (?, 'Saken')", (session.id,)
        ).lastrowid
        db.execute(
            "UPDATE activities SET segment_id = ?, case_id = ? WHERE id = ?",
            (segment, case, poll.id),
        )
        db.execute(
            "INSERT INTO plan_days (session_id, day, start, started_at) VALUES (?, 1, '09:00', ?)",
            (session.id, time.time()),
        )
        evaluation = db.execute(
            "INSERT INTO activities (session_id, position, kind, prompt, state, created_at,"
            " questions) VALUES (?, 9, 'evaluation', '', 'open', ?, ?)",
            (session.id, time.time(), QUESTIONS),
        ).lastrowid
        evaluations = set()
        for n, p in enumerate(people[:3]):
            eid = f"ev-{code}-{n}"
            evaluations.add(eid)
            db.execute(
                "INSERT INTO evaluations (id, activity_id, participant_id, table_number,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                (eid, evaluation, p.id, p.table, time.time()),
            )
            db.execute(
                "INSERT INTO evaluation_ballots (activity_id, participant_id, evaluation_id)"
                " VALUES (?, ?, ?)",
                (evaluation, p.id, eid),
            )
            db.executemany(
                "INSERT INTO evaluation_answers (evaluation_id, key, number, text)"
                " VALUES (?, ?, ?, ?)",
                [
                    (eid, "topics", segment, None),
                    (eid, "useful", 4 + n % 2, None),
                    (eid, "again", None, "yes"),
                    (eid, "comment", None, f"Kommentar {n}"),
                ],
            )
    return {
        "session_id": {session.id},
        "activity_id": {poll.id, talk.id, evaluation},
        "participant_id": {p.id for p in people},
        "vote_id": set(votes),
        "evaluation_id": evaluations,
        "segment_id": {segment},
        "case_id": {case},
    }


def rows_of(db: sqlite3.Connection, ids: dict[str, set[Any]]) -> dict[str, int]:
    """For every table of the schema, the rows that link to one of `ids` (by a link column,
    or by the table's own id for sessions, activities, participants, …)."""
    own = {
        "sessions": "session_id",
        "activities": "activity_id",
        "participants": "participant_id",
        "votes": "vote_id",
        "evaluations": "evaluation_id",
        "segments": "segment_id",
        "session_cases": "case_id",
    }
    found = {}
    for table, columns in _tables(db).items():
        checks = [(c, ids[c]) for c in columns if c in ids]
        if table in own and "id" in columns:
            checks.append(("id", ids[own[table]]))
        total = 0
        for column, values in checks:
            marks = ",".join("?" * len(values))
            total += db.execute(
                f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IN ({marks})', list(values)
            ).fetchone()[0]
        if checks:
            found[table] = total
    return found


# --- 1. deleting a session ---------------------------------------------------------------


async def test_deleting_a_session_leaves_no_row_of_it_in_any_table(world: World):
    anna = await world.account("anna")
    bjorn = await world.account("bjorn")
    doomed = await new_session(anna, title="Slettes")
    kept = await new_session(anna, title="Beholdes")
    doomed_ids = await fill(world, doomed["code"])
    kept_ids = await fill(world, kept["code"])
    with world.db() as db:
        before = rows_of(db, doomed_ids)
        kept_before = rows_of(db, kept_ids)
        tables = set(_tables(db))
    # Every kind of row is there to be deleted, the evaluation's too.
    for table in (
        "sessions",
        "tables",
        "participants",
        "activities",
        "votes",
        "ballots",
        "posts",
        "screen_quotes",
        "segments",
        "session_cases",
        "plan_days",
        "evaluations",
        "evaluation_ballots",
        "evaluation_answers",
    ):
        assert before.get(table), f"fill() made no row in {table}"

    # Not the owner: the same 404 as a session that does not exist.
    assert (await bjorn.delete(f"/api/sessions/{doomed['code']}")).status_code == 404
    answer = await anna.delete(f"/api/sessions/{doomed['code']}")
    assert answer.status_code == 204, answer.text
    assert (await anna.get(f"/api/sessions/{doomed['code']}")).status_code == 404
    assert (await anna.delete(f"/api/sessions/{doomed['code']}")).status_code == 404

    with world.db() as db:
        assert set(_tables(db)) == tables
        left = {table: n for table, n in rows_of(db, doomed_ids).items() if n}
        assert left == {}, f"rows of the deleted session are left: {left}"
        still = rows_of(db, kept_ids)
        assert still == kept_before  # the other session keeps every row
        for table in ("sessions", "participants", "votes", "posts", "evaluation_answers"):
            assert still[table] > 0, table
    listed = (await anna.get("/api/sessions")).json()["sessions"]
    assert [s["code"] for s in listed] == [kept["code"]]


async def test_the_dashboard_deletes_a_session_after_a_confirm(world: World):
    anna = await world.account("anna")
    made = await new_session(anna, title="Prøvedag")
    await fill(world, made["code"])
    page = (await anna.get("/")).text
    assert f'action="/sessions/{made["code"]}/delete"' in page
    assert "<details" in page and "Delete" in page  # the button opens the confirm first
    other = await world.account("bjorn")
    refused = await other.post(f"/sessions/{made['code']}/delete")
    assert refused.status_code == 404
    answer = await anna.post(f"/sessions/{made['code']}/delete")
    assert answer.status_code == 303 and answer.headers["location"] == "/?deleted=1"
    assert await world.store.session(made["code"]) is None
    page = (await anna.get("/?deleted=1")).text
    assert "The session is deleted" in page and made["code"] not in page


# --- 2. the session list ---------------------------------------------------------------


async def test_the_session_list_shows_state_date_place_and_counts(world: World):
    anna = await world.account("anna")
    planned = await new_session(
        anna, title="Planlagt", organisation="Nordby kommune", region="Vestland"
    )
    assert planned["organisation"] == "Nordby kommune" and planned["region"] == "Vestland"
    running = await new_session(anna, title="Pågår")
    closed = await new_session(anna, title="Ferdig")
    ids = await fill(world, closed["code"])
    session = await world.store.session(running["code"])
    assert session is not None
    await world.store.set_activity_states(session.id, {}, current_segment_id=None, closing=True)
    done = await world.store.session(closed["code"])
    assert done is not None
    await world.store.set_closed(done.id, True)

    patched = await anna.patch(
        f"/api/sessions/{running['code']}", json={"organisation": "Sørby", "region": "Nordland"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["region"] == "Nordland"
    too_long = await anna.patch(f"/api/sessions/{running['code']}", json={"region": "x" * 201})
    assert too_long.status_code == 400
    other = await world.account("bjorn")
    assert (
        await other.patch(f"/api/sessions/{running['code']}", json={"region": "Viken"})
    ).status_code == 404

    listed = {s["code"]: s for s in (await anna.get("/api/sessions")).json()["sessions"]}
    assert listed[planned["code"]]["state"] == "planned"
    assert listed[running["code"]]["state"] == "running"
    assert listed[closed["code"]]["state"] == "closed"
    assert listed[running["code"]]["organisation"] == "Sørby"
    assert listed[running["code"]]["region"] == "Nordland"
    assert listed[closed["code"]]["participants"] == len(ids["participant_id"])
    assert listed[closed["code"]]["responses"] == len(ids["evaluation_id"])
    assert listed[planned["code"]]["participants"] == 0
    assert listed[planned["code"]]["responses"] == 0
    assert isinstance(listed[closed["code"]]["date"], float)

    page = (await anna.get("/")).text
    assert "Nordby kommune · Vestland" in page
    assert 'data-state="planned"' in page and 'data-state="closed"' in page
    assert "3 evaluations" in page and "4 joined" in page

    # The form: organisation and region with the new session.
    form = await anna.post(
        "/sessions",
        data={"title": "Fra skjema", "tables": "3", "organisation": "Østby", "region": "Viken"},
    )
    assert form.status_code == 303
    code = form.headers["location"].rsplit("/", 1)[1]
    made = await world.store.session(code)
    assert made is not None and (made.organisation, made.region) == ("Østby", "Viken")


def test_the_state_of_a_session():
    from workshop.domain import Session

    base = Session(1, "ABCDEF", 1, "t", "nb", "k")
    assert over_time.session_state(base, started=False) == "planned"
    assert over_time.session_state(base, started=True) == "running"
    moved = Session(1, "ABCDEF", 1, "t", "nb", "k", current_segment_id=3)
    assert over_time.session_state(moved, started=False) == "running"
    closing = Session(1, "ABCDEF", 1, "t", "nb", "k", closing=True)
    assert over_time.session_state(closing, started=False) == "running"
    closed = Session(1, "ABCDEF", 1, "t", "nb", "k", closed_at=5.0)
    assert over_time.session_state(closed, started=False) == "closed"


# --- 3. roles ----------------------------------------------------------------------------


def cli_add(db: Path, name: str, *role: str) -> subprocess.CompletedProcess[str]:
    secret = db.parent / f"{name}.password"
    secret.write_text(PASSWORD + "\n")
    command = ["facilitator", "add", name, "--password-file", str(secret), "--db", str(db)]
    return subprocess.run(
        [sys.executable, "-m", "workshop", *command, *role],
        capture_output=True,
        text=True,
        timeout=60,
    )


def roles(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT username, role FROM facilitators"))


def test_the_command_line_adds_accounts_with_a_role(tmp_path: Path):
    db = tmp_path / "cli.db"
    first = cli_add(db, "anna")
    assert first.returncode == 0, first.stderr
    assert "anna added (admin)" in first.stdout  # the server's first account manages the rest
    assert cli_add(db, "kari", "--role", "coordinator").returncode == 0
    assert cli_add(db, "ola").returncode == 0
    assert cli_add(db, "per", "--role", "admin").returncode == 0
    wrong = cli_add(db, "eve", "--role", "king")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    assert roles(db) == {
        "anna": "admin",
        "kari": "coordinator",
        "ola": "facilitator",
        "per": "admin",
    }


def test_the_migration_makes_the_oldest_account_admin(tmp_path: Path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    for number, sql in migrations.available():
        if number >= 6:
            break
        db.executescript(
            f"BEGIN;\n{sql}\nINSERT INTO schema_migrations VALUES ({number}, 0);\nCOMMIT;"
            if number > 1
            else "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
            f" applied_at REAL NOT NULL);\nBEGIN;\n{sql}\n"
            "INSERT INTO schema_migrations VALUES (1, 0);\nCOMMIT;"
        )
    db.execute(
        "INSERT INTO facilitators (username, password_hash, created_at) VALUES"
        " ('first', 'h', 1), ('second', 'h', 2)"
    )
    migrations.migrate(db)
    assert dict(db.execute("SELECT username, role FROM facilitators")) == {
        "first": "admin",
        "second": "facilitator",
    }
    db.close()


async def test_the_setup_link_makes_an_admin(world: World):
    token = await world.app.state.workshop.accounts.setup_token()
    client = world.client()
    answer = await client.post(
        f"/setup/{token}", data={"username": "sjef", "password": PASSWORD, "password2": PASSWORD}
    )
    assert answer.status_code == 303, answer.text
    made = await world.store.facilitator_by_name("sjef")
    assert made is not None and made.role == "admin"
    page = (await client.get("/")).text
    assert 'href="/admin/accounts"' in page and 'href="/coordinator"' in page


async def test_an_admin_manages_accounts_and_nobody_else_does(world: World):
    admin = await world.account("sjef", "admin")
    plain = await world.account("ola")
    coordinator = await world.account("kari", "coordinator")
    page = await admin.get("/admin/accounts")
    assert page.status_code == 200
    for name in ("sjef", "ola", "kari"):
        assert f'data-account="{name}"' in page.text
    for client in (plain, coordinator):
        assert (await client.get("/admin/accounts")).status_code == 403
        refused = await client.post(
            "/admin/accounts",
            data={"username": "eve", "password": PASSWORD, "password2": PASSWORD, "role": "admin"},
        )
        assert refused.status_code == 403
    assert await world.store.facilitator_by_name("eve") is None
    assert 'href="/admin/accounts"' not in (await plain.get("/")).text
    assert 'href="/coordinator"' in (await coordinator.get("/")).text
    assert (await world.client().get("/admin/accounts")).headers["location"].startswith("/login")

    added = await admin.post(
        "/admin/accounts",
        data={
            "username": "nina",
            "password": PASSWORD,
            "password2": PASSWORD,
            "role": "coordinator",
        },
    )
    assert added.status_code == 303, added.text
    nina = await world.store.facilitator_by_name("nina")
    assert nina is not None and nina.role == "coordinator"
    taken = await admin.post(
        "/admin/accounts",
        data={"username": "nina", "password": PASSWORD, "password2": PASSWORD, "role": "admin"},
    )
    assert taken.status_code == 409 and "taken" in taken.text
    bad = await admin.post(
        "/admin/accounts",
        data={"username": "ulf", "password": PASSWORD, "password2": PASSWORD, "role": "king"},
    )
    assert bad.status_code == 400

    ola = await world.store.facilitator_by_name("ola")
    assert ola is not None
    changed = await admin.post(f"/admin/accounts/{ola.id}/role", data={"role": "admin"})
    assert changed.status_code == 303
    assert (await plain.get("/admin/accounts")).status_code == 200  # at once, same login
    # The last admin cannot be made something else: the server would have nobody to manage it.
    sjef = await world.store.facilitator_by_name("sjef")
    assert sjef is not None
    await admin.post(f"/admin/accounts/{ola.id}/role", data={"role": "facilitator"})
    last = await admin.post(f"/admin/accounts/{sjef.id}/role", data={"role": "facilitator"})
    assert last.status_code == 409
    assert (
        await admin.post("/admin/accounts/999999/role", data={"role": "admin"})
    ).status_code == 404


# --- 4. retention ------------------------------------------------------------------------


def texts_of(db: sqlite3.Connection, session_id: int) -> dict[str, Any]:
    acts = "SELECT id FROM activities WHERE session_id = ?"
    evs = f"SELECT id FROM evaluations WHERE activity_id IN ({acts})"
    one = (session_id,)
    return {
        "posts": db.execute(
            f"SELECT COUNT(*) FROM posts WHERE activity_id IN ({acts})", one
        ).fetchone()[0],
        "whys": sorted(
            r[0] for r in db.execute(f"SELECT why FROM votes WHERE activity_id IN ({acts})", one)
        ),
        "options": sorted(
            r[0] for r in db.execute(f"SELECT option FROM votes WHERE activity_id IN ({acts})", one)
        ),
        "quotes": db.execute(
            f"SELECT COUNT(*) FROM screen_quotes WHERE activity_id IN ({acts})", one
        ).fetchone()[0],
        "names": sorted(
            r[0] for r in db.execute("SELECT name FROM participants WHERE session_id = ?", one)
        ),
        "answers": sorted(
            (r[0], r[1], r[2])
            for r in db.execute(
                f"SELECT key, COALESCE(number, -1), COALESCE(text, '') FROM evaluation_answers"
                f" WHERE evaluation_id IN ({evs})",
                one,
            )
        ),
    }


async def test_retention_deletes_texts_and_names_and_keeps_the_numbers(world: World):
    anna = await world.account("anna")
    made = {name: await new_session(anna, title=name) for name in ("old", "recent", "open")}
    ids = {name: await fill(world, m["code"]) for name, m in made.items()}
    sid = {name: next(iter(i["session_id"])) for name, i in ids.items()}
    now = 1_900_000_000.0
    with world.db() as db:
        db.execute("UPDATE sessions SET closed_at = ? WHERE id = ?", (now - 3 * 86400, sid["old"]))
        db.execute("UPDATE sessions SET closed_at = ? WHERE id = ?", (now - 86400, sid["recent"]))
        before = {name: texts_of(db, s) for name, s in sid.items()}
    assert before["old"]["posts"] == 4 and before["old"]["quotes"] == 1

    clock = [now]
    retention = Retention(world.app.state.workshop, days=2, clock=lambda: clock[0])
    assert await retention.run_once() == [sid["old"]]
    assert await retention.run_once() == []  # once
    with world.db() as db:
        after = {name: texts_of(db, s) for name, s in sid.items()}
        done_at = db.execute(
            "SELECT texts_deleted_at FROM sessions WHERE id = ?", (sid["old"],)
        ).fetchone()[0]
    assert done_at == now
    old, was = after["old"], before["old"]
    assert old["posts"] == 0 and old["quotes"] == 0
    assert set(old["whys"]) == {""} and old["options"] == was["options"]
    assert set(old["names"]) == {""} and len(old["names"]) == len(was["names"])
    assert old["answers"] == [a for a in was["answers"] if a[0] != "comment"]
    assert any(a[0] == "again" and a[2] == "yes" for a in old["answers"])  # a choice stays
    assert after["recent"] == before["recent"] and after["open"] == before["open"]

    clock[0] = now + 1.5 * 86400  # the recent one is past two days now
    assert await retention.run_once() == [sid["recent"]]
    # The session list still counts what is left.
    listed = {s["code"]: s for s in (await anna.get("/api/sessions")).json()["sessions"]}
    assert listed[made["old"]["code"]]["responses"] == 3


async def test_the_server_runs_retention_from_its_lifespan(world: World):
    anna = await world.account("anna")
    made = await new_session(anna, title="Gammel")
    ids = await fill(world, made["code"])
    sid = next(iter(ids["session_id"]))
    with world.db() as db:
        db.execute("UPDATE sessions SET closed_at = ? WHERE id = ?", (time.time() - 86400, sid))
    assert Settings.from_env().retention_days is None  # off unless set
    settings = Settings(db_url=world.settings.db_url, retention_days=0.5)
    app = create_app(settings, world.store)
    retention = app.state.retention
    assert isinstance(retention, Retention) and retention.every == 3600
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(retention.passed.wait(), timeout=10)
        with world.db() as db:
            assert texts_of(db, sid)["posts"] == 0
    assert retention.task is None  # stopped with the app
    await world.store.open()  # the app's shutdown closed the shared store


def test_the_retention_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WORKSHOP_RETENTION_DAYS", "90")
    assert Settings.from_env().retention_days == 90
    monkeypatch.setenv("WORKSHOP_RETENTION_DAYS", "-1")
    with pytest.raises(ValueError):
        Settings.from_env()


# --- 5. the coordinator's figures ----------------------------------------------------------


def day_start(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def expected(
    made: Made,
    facilitator_id: int | None = None,
    region: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """The figures counted in Python from what `generate` says it inserted."""
    picked = [
        s
        for s in made.sessions
        if (facilitator_id is None or s.facilitator_id == facilitator_id)
        and (region is None or s.region.lower() == region.lower())
        and (start is None or s.at >= day_start(start))
        and (end is None or s.at < day_start(end) + 86400)
    ]

    def counted(sessions: list[Any]) -> dict[str, Any]:
        rooms = [s for s in sessions if s.evaluated]
        ids = {s.id for s in rooms}
        answers = [a for a in made.answers if a.session_id in ids]
        people = sum(s.participants for s in rooms)

        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 4) if whole else None

        useful = [a.useful for a in answers if a.useful is not None]
        engaged = [a.engaged for a in answers if a.engaged is not None]
        again = [a.again for a in answers if a.again is not None]
        return {
            "sessions": len(rooms),
            "participants": people,
            "responses": len(answers),
            "response_rate": share(len(answers), people),
            "useful_4_5": share(sum(u >= 4 for u in useful), len(useful)),
            "engaged_4_5": share(sum(e >= 4 for e in engaged), len(engaged)),
            "again_yes": share(again.count("yes"), len(again)),
        }

    titles = {seg: title for s in made.sessions for seg, title in s.titles.items()}
    ids = {s.id for s in picked if s.evaluated}
    answers = [a for a in made.answers if a.session_id in ids]
    chose: dict[str, list[Any]] = defaultdict(list)
    for a in answers:
        for title in {titles[t] for t in a.topics}:
            chose[title].append(a)
    topics = {}
    for title, who in chose.items():
        rated = [a.useful for a in who if a.useful is not None]
        topics[title] = {
            "chosen": len(who),
            "share": round(len(who) / len(answers), 4),
            "mean_useful": round(sum(rated) / len(rated), 4) if rated else None,
        }
    months: dict[str, list[Any]] = defaultdict(list)
    for s in picked:
        months[datetime.fromtimestamp(s.at, UTC).strftime("%Y-%m")].append(s)
    by_month = {m: counted(ss) for m, ss in months.items() if any(s.evaluated for s in ss)}
    return {**counted(picked), "topics": topics, "months": by_month}


def answered(body: dict[str, Any]) -> dict[str, Any]:
    """The API's answer in the shape of `expected`."""
    keys = (
        "sessions",
        "participants",
        "responses",
        "response_rate",
        "useful_4_5",
        "engaged_4_5",
        "again_yes",
    )
    return {
        **{k: body[k] for k in keys},
        "topics": {
            t["title"]: {k: t[k] for k in ("chosen", "share", "mean_useful")}
            for t in body["topics"]
        },
        "months": {m["month"]: {k: m[k] for k in keys} for m in body["months"]},
    }


@pytest.fixture
async def figures_world(world: World) -> tuple[World, Made, dict[str, httpx.AsyncClient]]:
    clients = {
        "anna": await world.account("anna"),
        "bjorn": await world.account("bjorn"),
        "kari": await world.account("kari", "coordinator"),
        "sjef": await world.account("sjef", "admin"),
    }
    owners = []
    for name in ("anna", "bjorn", "kari"):
        found = await world.store.facilitator_by_name(name)
        assert found is not None
        owners.append(found.id)
    with world.db() as db:
        made = generate(db, owners, sessions=50, evaluations=2000, seed=7)
    return world, made, clients


async def test_the_figures_match_an_independent_count(figures_world: Any):
    world, made, clients = figures_world
    assert len(made.sessions) == 50 and len(made.answers) == 2000
    anna = await world.store.facilitator_by_name("anna")
    bjorn = await world.store.facilitator_by_name("bjorn")
    cases: list[tuple[dict[str, str], dict[str, Any]]] = [
        ({}, {}),
        ({"region": "vestland"}, {"region": "Vestland"}),
        ({"from": "2025-03-01", "to": "2025-12-31"}, {"start": "2025-03-01", "end": "2025-12-31"}),
        ({"facilitator": "bjorn"}, {"facilitator_id": bjorn.id}),
        (
            {"facilitator": "anna", "region": "Nordland", "from": "2025-06-01"},
            {"facilitator_id": anna.id, "region": "Nordland", "start": "2025-06-01"},
        ),
        ({"facilitator": "nobody"}, {"facilitator_id": -1}),
    ]
    for asker in ("kari", "sjef"):  # a coordinator and an admin see every session
        for query, filters in cases:
            answer = await clients[asker].get("/api/evaluations", params=query)
            assert answer.status_code == 200, answer.text
            want = expected(made, **filters)
            assert answered(answer.json()) == want, query
    everything = expected(made)
    assert everything["responses"] == 2000 and 0 < everything["response_rate"] < 1
    assert len(everything["months"]) > 12 and len(everything["topics"]) == 8
    bad = await clients["kari"].get("/api/evaluations", params={"from": "1. mars"})
    assert bad.status_code == 400


async def test_a_facilitator_never_sees_another_facilitators_figures(figures_world: Any):
    world, made, clients = figures_world
    anna = await world.store.facilitator_by_name("anna")
    own = expected(made, facilitator_id=anna.id)
    assert own["responses"] and own["responses"] < 2000
    for query in ({}, {"facilitator": "bjorn"}, {"facilitator": "kari", "region": "Viken"}):
        answer = (await clients["anna"].get("/api/evaluations", params=query)).json()
        region = query.get("region")
        assert answered(answer) == expected(made, facilitator_id=anna.id, region=region)
        assert answer["filters"]["facilitator"] == "anna"
    page = (await clients["anna"].get("/coordinator", params={"facilitator": "bjorn"})).text
    assert f'<strong id="responses">{own["responses"]}</strong>' in page
    assert 'name="facilitator"' not in page  # no choosing someone else
    csv_text = (
        await clients["anna"].get("/api/evaluations.csv", params={"facilitator": "bjorn"})
    ).text
    total = [row for row in csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))) if row][
        len(own["months"]) + 1
    ]
    assert total[0] == "All" and int(total[3]) == own["responses"]
    assert (await world.client().get("/api/evaluations")).status_code == 401


async def test_the_coordinator_page_and_its_csv(figures_world: Any):
    _, made, clients = figures_world
    want = expected(made, region="Vestland")
    page = await clients["kari"].get("/coordinator", params={"region": "Vestland"})
    assert page.status_code == 200
    assert f'<strong id="responses">{want["responses"]}</strong>' in page.text
    assert page.text.count('<svg class="bar"') == 2 * len(want["months"])
    assert 'name="facilitator"' in page.text and '<option value="bjorn"' in page.text
    assert 'href="/api/evaluations.csv?region=Vestland"' in page.text
    assert "Økonomi og budsjett" in page.text
    answer = await clients["kari"].get("/api/evaluations.csv", params={"region": "Vestland"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith("\ufeff".encode())  # Excel reads æøå right
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["month", "sessions", "participants", "responses"]
    months = rows[1 : 1 + len(want["months"])]
    assert [r[0] for r in months] == sorted(want["months"])
    for row in months:
        assert int(row[3]) == want["months"][row[0]]["responses"]
    total = rows[1 + len(want["months"])]
    assert total[0] == "All" and int(total[3]) == want["responses"]
    topics = {r[0]: r for r in rows[len(want["months"]) + 4 :] if r}
    assert set(topics) == set(want["topics"])
    assert int(topics["Økonomi og budsjett"][1]) == want["topics"]["Økonomi og budsjett"]["chosen"]


def test_a_csv_cell_never_starts_a_formula():
    text = over_time.figures_csv(
        {
            "months": [],
            "topics": [
                {"title": '=HYPERLINK("x")', "chosen": 1, "share": 1.0, "mean_useful": None},
                {"title": "  @SUM(A1)", "chosen": 2, "share": 0.5, "mean_useful": -1},
            ],
            "responses": 0,
        },
        "All",
    )
    assert "'=HYPERLINK" in text
    assert "'  @SUM(A1)" in text  # also after spaces, as the session's own CSV
    assert ",-1\r\n" in text  # a number is a number


async def test_deleting_a_live_session_closes_its_screens_and_consoles(
    server: Server, facilitator: httpx.AsyncClient
):
    made = await live_session(facilitator, language="en")
    cookie = {"Cookie": f"workshop={facilitator.cookies['workshop']}"}
    console = await Socket.open(f"{server.ws_url}/ws/{made['code']}/console", cookie)
    screen = await Socket.open(screen_socket_url(made))
    for sock in (console, screen):
        await sock.wait_for(lambda m: m["type"] == "state")
    answer = await facilitator.delete(f"/api/sessions/{made['code']}")
    assert answer.status_code == 204
    for sock in (console, screen):
        assert await sock.wait_closed() == (1008, "This session has been deleted.")
    code, _ = await refused(screen_socket_url(made))
    assert code == 1008
    assert (await facilitator.get(f"/console/{made['code']}")).status_code == 404


async def test_ids_given_again_after_a_deletion_never_meet_the_deleted_activity(world: World):
    """SQLite gives the highest ids again once their rows are gone: a session made after the
    newest one was deleted may get its id and its activities' ids, and must be answered as
    what it asks, not as what the deleted one asked."""
    anna = await world.account("anna")
    service = world.app.state.workshop
    first = await new_session(anna, title="Først")
    old = await world.store.session(first["code"])
    assert old is not None
    spec = ActivitySpec(ActivityKind.POLL, "To valg?", "", ("A", "B"))
    asked = await world.store.add_activity(old.id, spec)
    assert (await service._answerable(old, asked.id)).options == ("A", "B")  # now cached
    assert (await anna.delete(f"/api/sessions/{first['code']}")).status_code == 204
    again = await world.store.session((await new_session(anna, title="Så"))["code"])
    assert again is not None
    four = ActivitySpec(ActivityKind.POLL, "Fire valg?", "", ("1", "2", "3", "4"))
    reused = await world.store.add_activity(again.id, four)
    assert (again.id, reused.id) == (old.id, asked.id)  # the same ids, given again
    assert (await service._answerable(again, reused.id)).options == ("1", "2", "3", "4")
