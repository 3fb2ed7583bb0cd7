"""Two `workshop serve` processes on one database and one Redis (`--broadcast`): what
happens on one reaches the sockets on the other (docs/deploying.md, several processes)."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests import services
from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    add_facilitator,
    login,
    new_session,
    results,
    screen_socket_url,
    set_state,
)

POLICY_VIOLATION = 1008


@pytest.fixture
def shared_db(tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """The database both processes use: PostgreSQL when its store is there, else one SQLite
    file (WAL: several processes may share it, writes wait for each other).
    WORKSHOP_TEST_PROCESSES_DB=sqlite or =postgresql chooses."""
    chosen = os.environ.get("WORKSHOP_TEST_PROCESSES_DB", "")
    if chosen == "postgresql" or (
        not chosen and importlib.util.find_spec("workshop.store.postgres") is not None
    ):
        return request.getfixturevalue("postgres_url")
    return tmp_path / "workshop.db"


def broadcast_env(redis_url: str) -> dict[str, str]:
    """The servers of one test share a pub/sub channel no other test hears."""
    return {
        "WORKSHOP_BROADCAST": redis_url,
        "WORKSHOP_BROADCAST_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
    }


@pytest.fixture
def pair(shared_db: Path | str, redis_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Processes A and B; A starts first (it migrates the database). Their output is left
    in the test's folder, server-a.log and server-b.log."""
    add_facilitator(shared_db, "anna")
    add_facilitator(shared_db, "bjorn")
    env = broadcast_env(redis_url)
    a = Server(shared_db, env=env).start()
    b = Server(shared_db, env=env)
    try:
        b.start()
        yield a, b
    finally:
        for name, server in (("b", b), ("a", a)):
            server.stop()
            (tmp_path / f"server-{name}.log").write_text("".join(server.output))


@pytest.fixture
async def anna(pair: tuple[Server, Server]) -> AsyncIterator[httpx.AsyncClient]:
    """Anna logged in on process B: the console and every facilitator action are on B."""
    client = await login(pair[1], "anna")
    yield client
    await client.aclose()


def on(server: Server, url: str) -> str:
    """The same address on another process (the screen URL a session was created with)."""
    start = url.index("/", url.index("//") + 2)
    return server.ws_url + url[start:]


async def console(server: Server, client: httpx.AsyncClient, code: str) -> Socket:
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return await Socket.open(f"{server.ws_url}/ws/{code}/console", {"Cookie": cookie})


async def test_votes_on_one_process_reach_the_screen_and_console_on_the_other(
    pair: tuple[Server, Server], anna: httpx.AsyncClient
) -> None:
    a, b = pair
    created = await new_session(anna, tables=3)
    code = created["code"]
    screen = await Socket.open(on(b, screen_socket_url(created)))
    desk = await console(b, anna, code)
    dilemma = await add_activity(
        anna, code, kind="dilemma", prompt="Svare nå?", options=["Ja", "Nei", "Vente"]
    )
    await set_state(anna, code, dilemma, "open")

    phones = [await Phone.join(a, code, table=t) for t in (1, 2, 3) for _ in range(4)]
    await asyncio.gather(*(p.connect() for p in phones))
    # Only what A broadcasts can tell B's screen that twelve have joined and answered.
    first = {p.participant_id: i % 3 for i, p in enumerate(phones)}
    acks = await asyncio.gather(*(p.vote(dilemma, first[p.participant_id]) for p in phones))
    assert {ack["type"] for ack in acks} == {"ack"}
    final = dict(first)
    for phone in phones[::4]:
        final[phone.participant_id] = (first[phone.participant_id] + 1) % 3
    acks = await asyncio.gather(*(p.vote(dilemma, final[p.participant_id]) for p in phones[::4]))
    assert {ack["type"] for ack in acks} == {"ack"}
    expected = [list(final.values()).count(option) for option in range(3)]

    def answered_all(m: dict) -> bool:
        return (
            m["type"] == "state"
            and m["activity"] is not None
            and m["activity"]["id"] == dilemma
            and m["activity"]["answered"] == 12
            and m["participants"] == 12
        )

    def counted(m: dict) -> bool:
        if m["type"] != "state":
            return False
        shown = {x["id"]: x for x in m["activities"]}.get(dilemma)
        return shown is not None and (shown["results"] or {}).get("counts") == expected

    await screen.wait_for(answered_all)
    await desk.wait_for(counted)
    assert (await results(anna, code))[dilemma]["counts"] == expected
    for phone in phones:
        await phone.close()
    await screen.close()
    await desk.close()


async def test_a_renewed_screen_key_closes_the_old_screens_on_every_process(
    pair: tuple[Server, Server], anna: httpx.AsyncClient
) -> None:
    a, b = pair
    created = await new_session(anna)
    code = created["code"]
    screens = [await Socket.open(on(s, screen_socket_url(created))) for s in (a, b)]
    for screen in screens:
        await screen.wait_for(lambda m: m["type"] == "state")
    phone = await Phone.join(a, code)
    await phone.connect()

    response = await anna.post(f"/api/sessions/{code}/screen-key")
    assert response.status_code == 200, response.text
    for screen in screens:
        close_code, reason = await screen.wait_closed()
        assert close_code == POLICY_VIOLATION and reason
    assert phone.socket is not None and not phone.socket.closed.is_set()
    await phone.close()


async def test_removing_a_participant_on_one_process_closes_their_phone_on_the_other(
    pair: tuple[Server, Server], anna: httpx.AsyncClient
) -> None:
    a, _ = pair
    code = (await new_session(anna))["code"]
    gone, stays = await Phone.join(a, code), await Phone.join(a, code)
    await gone.connect()
    await stays.connect()

    response = await anna.delete(f"/api/sessions/{code}/participants/{gone.participant_id}")
    assert response.status_code == 204, response.text
    assert gone.socket is not None and stays.socket is not None
    close_code, reason = await gone.socket.wait_closed()
    assert close_code == POLICY_VIOLATION and reason
    assert not stays.socket.closed.is_set()
    await stays.close()


async def test_moving_and_reseating_on_one_process_moves_phones_on_the_other(
    pair: tuple[Server, Server], anna: httpx.AsyncClient
) -> None:
    a, _ = pair
    code = (await new_session(anna, title="Flytt", tables=3))["code"]
    phone = await Phone.join(a, code, name="Kari", table=1)
    await phone.connect()
    assert phone.socket is not None
    await phone.socket.wait_for(lambda m: m["type"] == "table" and m["table"]["number"] == 1)

    url = f"/api/sessions/{code}/participants/{phone.participant_id}/table"
    moved = await anna.post(url, json={"table": 3})
    assert moved.status_code == 200, moved.text
    told = await phone.socket.wait_for(lambda m: m["type"] == "seat")
    assert told == {"type": "seat", "table": {"number": 3, "name": "Bord 3"}, "moved": True}
    # It hears table 3's channel now, on its own process.
    await phone.socket.wait_for(lambda m: m["type"] == "table" and m["table"]["number"] == 3)

    others = [await Phone.join(a, code, table=t) for t in (1, 1, 2, 2, 2)]
    await asyncio.gather(*(p.connect() for p in others))
    everyone = [phone, *others]
    seen = [len(p.socket.received) for p in everyone if p.socket]
    response = await anna.post(f"/api/sessions/{code}/reseat")
    assert response.status_code == 200, response.text
    seating = {pid: int(t) for t, ids in response.json()["tables"].items() for pid in ids}
    for p, since in zip(everyone, seen, strict=True):
        assert p.socket is not None
        table = seating[p.participant_id]
        await p.socket.wait_for(
            lambda m, t=table: m["type"] == "table" and m["table"]["number"] == t, since=since
        )
    for p in everyone:
        await p.close()


async def test_taking_a_cofacilitator_off_closes_their_console_on_the_other_process(
    pair: tuple[Server, Server], anna: httpx.AsyncClient
) -> None:
    a, _ = pair
    code = (await new_session(anna))["code"]
    added = await anna.post(f"/api/sessions/{code}/facilitators", json={"username": "bjorn"})
    assert added.status_code == 201, added.text
    bjorn = await login(a, "bjorn")
    try:
        desk = await console(a, bjorn, code)
        await desk.wait_for(lambda m: m["type"] == "state")
        removed = await anna.delete(f"/api/sessions/{code}/facilitators/bjorn")
        assert removed.status_code in (200, 204), removed.text
        close_code, reason = await desk.wait_closed()
        assert close_code == POLICY_VIOLATION and reason
    finally:
        await bjorn.aclose()


def own_redis(folder: Path, port: int) -> subprocess.Popen[str]:
    """A redis-server of this test's own, to stop and start again on the same port."""
    return services.start_redis(folder, port)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")
async def test_while_redis_is_away_each_process_serves_its_own_and_catches_up_after(
    shared_db: Path | str, tmp_path: Path
) -> None:
    port = services.free_port()
    redis = own_redis(tmp_path, port)
    add_facilitator(shared_db, "anna")
    env = broadcast_env(f"redis://127.0.0.1:{port}/0")
    a = Server(shared_db, env=env).start()
    b = Server(shared_db, env=env).start()
    anna = await login(b, "anna")
    sockets: list[Socket] = []
    try:
        created = await new_session(anna)
        code = created["code"]
        poll = await add_activity(anna, code, kind="poll", prompt="?", options=["A", "B"])
        await set_state(anna, code, poll, "open")
        here = await Socket.open(on(a, screen_socket_url(created)))
        there = await Socket.open(on(b, screen_socket_url(created)))
        sockets += [here, there]

        def answered(count: int):
            return lambda m: m["type"] == "state" and (m["activity"] or {}).get("answered") == count

        first = await Phone.join(a, code)
        await first.connect()
        assert (await first.vote(poll, 0))["type"] == "ack"
        await there.wait_for(answered(1))

        redis.kill()
        redis.wait()
        second = await Phone.join(a, code)
        await second.connect()
        assert (await second.vote(poll, 1))["type"] == "ack"
        await here.wait_for(answered(2))  # A's own screen hears A's change without Redis
        assert not there.closed.is_set()

        redis = own_redis(tmp_path, port)  # back: B re-renders what it missed
        await there.wait_for(answered(2), timeout=20)
        third = await Phone.join(a, code)
        await third.connect()
        assert (await third.vote(poll, 1))["type"] == "ack"
        await there.wait_for(answered(3))
        for phone in (first, second, third):
            await phone.close()
    finally:
        for sock in sockets:
            await sock.close()
        await anna.aclose()
        b.stop()
        a.stop()
        redis.kill()
        redis.wait()


def test_a_broadcast_url_that_is_not_redis_stops_the_server_with_a_reason(
    tmp_path: Path,
) -> None:
    serve = [sys.executable, "-m", "workshop", "serve", "--port", "0"]
    started = subprocess.run(
        [*serve, "--db", str(tmp_path / "w.db"), "--broadcast", "amqp://127.0.0.1/"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2
    assert "only redis://" in started.stderr and "amqp://" in started.stderr
    assert "running at" not in started.stdout
