"""Facilitator accounts against a real `workshop serve`: login, the one-time setup link,
`workshop facilitator add`, logins across a restart, sessions that are not yours, and
renewing the screen key."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import (
    PASSWORD,
    WAIT,
    Server,
    Socket,
    add_activity,
    expect_error,
    login,
    new_id,
    new_session,
    refused,
    screen_socket_url,
)
from workshop.domain import new_join_code

POLICY_VIOLATION = 1008


def facilitator_cli(db: Path, name: str, password: str) -> subprocess.CompletedProcess[str]:
    secret = db.parent / f"{name}-{len(password)}.password"
    secret.write_text(password + "\n")
    command = ["facilitator", "add", name, "--password-file", str(secret), "--db", str(db)]
    return subprocess.run(
        [sys.executable, "-m", "workshop", *command],
        capture_output=True,
        text=True,
        timeout=60,
    )


def password_hashes(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT username, password_hash FROM facilitators"))


def stored_bytes(db: Path) -> bytes:
    """Everything SQLite keeps for this database: the file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def cookie_header(client: httpx.AsyncClient) -> dict[str, str]:
    return {"Cookie": f"workshop={client.cookies['workshop']}"}


@pytest.fixture
def own_server() -> Iterator[list[Server]]:
    """Servers a test starts itself; each is stopped at the end."""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def start(servers: list[Server], db: Path) -> Server:
    server = Server(db).start()
    servers.append(server)
    return server


# --- login and logout --------------------------------------------------------------------


async def test_login_and_logout(server: Server):
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        expect_error(await client.get("/api/sessions"), 401)
        response = await client.post("/api/login", json={"username": "anna", "password": PASSWORD})
        assert response.status_code == 204, response.text
        assert "workshop" in client.cookies
        assert (await client.get("/api/sessions")).status_code == 200
        assert (await client.post("/api/logout")).status_code == 204
        expect_error(await client.get("/api/sessions"), 401)


async def test_wrong_password_and_unknown_user_answer_alike(server: Server):
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        attempts = [
            {"username": "anna", "password": "wrong password entirely"},
            {"username": "anna", "password": PASSWORD.upper()},
            {"username": "nobody", "password": PASSWORD},
            {"username": "", "password": ""},
            {},
        ]
        messages = set()
        for body in attempts:
            messages.add(expect_error(await client.post("/api/login", json=body), 401))
            assert "workshop" not in client.cookies
        assert len(messages) == 1, messages
        expect_error(await client.get("/api/sessions"), 401)


async def test_the_running_server_prints_no_setup_link(server: Server):
    assert server.setup_url is None


# --- the setup link ----------------------------------------------------------------------


async def test_the_setup_link_makes_the_first_account_once(tmp_path: Path, own_server):
    db = tmp_path / "empty.db"
    server = start(own_server, db)
    assert server.setup_url is not None
    assert server.setup_url.startswith(f"{server.url}/setup/")
    token = server.setup_url.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    path = f"/setup/{token}"
    secret = "et langt passord, æøå og mellomrom"

    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        page = await client.get(path)
        assert page.status_code == 200
        for field in ('name="username"', 'name="password"', 'name="password2"'):
            assert field in page.text
        # A wrong token and bad forms make no account.
        assert (await client.get(f"/setup/{token[:-2]}xx")).status_code == 404
        form = {"username": "anna", "password": secret, "password2": secret + "!"}
        assert (await client.post(path, data=form)).status_code == 400
        form = {"username": "anna", "password": "short", "password2": "short"}
        assert (await client.post(path, data=form)).status_code == 400
        assert password_hashes(db) == {}

        form = {"username": "anna", "password": secret, "password2": secret}
        created = await client.post(path, data=form)
        assert created.status_code == 303, created.text
        assert created.headers["location"] == "/"
        assert (await client.get("/api/sessions")).status_code == 200  # logged in

        assert (await client.get(path)).status_code == 404
        form = {"username": "mallory", "password": secret, "password2": secret}
        assert (await client.post(path, data=form)).status_code == 404
    assert set(password_hashes(db)) == {"anna"}
    server.stop()

    again = start(own_server, db)
    assert again.setup_url is None
    async with httpx.AsyncClient(base_url=again.url, timeout=WAIT) as client:
        assert (await client.get(path)).status_code == 404
        response = await client.post("/api/login", json={"username": "anna", "password": secret})
        assert response.status_code == 204

    stored = password_hashes(db)["anna"]
    assert stored.startswith("$argon2id$")
    assert secret.encode() not in stored_bytes(db)


async def test_the_setup_link_is_kept_until_used(tmp_path: Path, own_server):
    db = tmp_path / "empty.db"
    first = start(own_server, db)
    first.stop()
    second = start(own_server, db)
    assert second.setup_url == first.setup_url.replace(first.url, second.url)


async def test_adding_a_facilitator_ends_the_setup_link(tmp_path: Path, own_server):
    db = tmp_path / "empty.db"
    first = start(own_server, db)
    assert first.setup_url is not None
    first.stop()
    assert facilitator_cli(db, "anna", PASSWORD).returncode == 0
    second = start(own_server, db)
    assert second.setup_url is None
    path = "/setup/" + first.setup_url.rsplit("/", 1)[1]
    async with httpx.AsyncClient(base_url=second.url, timeout=WAIT) as client:
        assert (await client.get(path)).status_code == 404


# --- workshop facilitator add ------------------------------------------------------------


async def test_facilitator_add(fresh_db: Path, own_server):
    done = facilitator_cli(fresh_db, "carl", "a good long password")
    assert done.returncode == 0, done.stderr
    assert "carl" in done.stdout

    short = facilitator_cli(fresh_db, "dina", "short")
    assert short.returncode == 2
    assert short.stderr.strip()
    taken = facilitator_cli(fresh_db, "CARL", "another long password")
    assert taken.returncode == 2
    assert taken.stderr.strip()

    hashes = password_hashes(fresh_db)
    assert set(hashes) == {"anna", "carl"}
    assert all(h.startswith("$argon2id$") for h in hashes.values())
    assert b"a good long password" not in stored_bytes(fresh_db)

    server = start(own_server, fresh_db)
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        body = {"username": "carl", "password": "a good long password"}
        assert (await client.post("/api/login", json=body)).status_code == 204
        body = {"username": "dina", "password": "short"}
        expect_error(await client.post("/api/login", json=body), 401)


# --- a login survives a restart ----------------------------------------------------------


async def test_a_login_survives_a_restart(fresh_db: Path, own_server):
    first = start(own_server, fresh_db)
    client = await login(first, "anna")
    created = await new_session(client, title="Før omstart")
    cookie = cookie_header(client)
    await client.aclose()
    first.stop()

    second = start(own_server, fresh_db)
    async with httpx.AsyncClient(base_url=second.url, timeout=WAIT, headers=cookie) as client:
        response = await client.get("/api/sessions")
        assert response.status_code == 200, response.text
        assert [s["code"] for s in response.json()["sessions"]] == [created["code"]]
        assert (await client.get(f"/api/sessions/{created['code']}")).status_code == 200
    async with httpx.AsyncClient(base_url=second.url, timeout=WAIT) as stranger:
        expect_error(await stranger.get("/api/sessions"), 401)
        forged = {"Cookie": "workshop=" + cookie["Cookie"].split("=", 1)[1][:-4] + "AAAA"}
        expect_error(await stranger.get("/api/sessions", headers=forged), 401)


# --- another facilitator's session -------------------------------------------------------


def facilitator_routes(code: str, activity: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    api = f"/api/sessions/{code}"
    return [
        ("GET", api, None),
        ("POST", f"{api}/activities", {"kind": "scale", "prompt": "Tillit?"}),
        ("POST", f"{api}/activities/{activity}/state", {"state": "open"}),
        ("POST", f"{api}/current", {"activity": None}),
        ("POST", f"{api}/screen-view", {"view": "tables"}),
        ("POST", f"{api}/posts/{new_id()}/hidden", {"hidden": True}),
        ("POST", f"{api}/screen-key", None),
        ("GET", f"{api}/results", None),
    ]


async def test_another_facilitators_session_does_not_exist_for_you(
    server: Server, facilitator: httpx.AsyncClient
):
    bjorn = await login(server, "bjorn")
    try:
        created = await new_session(bjorn, title="Bjørns økt")
        code = created["code"]
        activity = await add_activity(bjorn, code, kind="poll", prompt="?", options=["a", "b"])
        never = next(c for c in iter(new_join_code, None) if c != code)

        for method, path, body in facilitator_routes(code, activity):
            theirs = await facilitator.request(method, path, json=body)
            message = expect_error(theirs, 404)
            unissued = await facilitator.request(method, path.replace(code, never), json=body)
            assert message.replace(code, "?") == expect_error(unissued, 404).replace(never, "?")
        for page in (f"/console/{code}", f"/console/{code}/cards"):
            assert (await facilitator.get(page)).status_code == 404
            assert (await bjorn.get(page)).status_code == 200

        console = f"{server.ws_url}/ws/{code}/console"
        close_code, reason = await refused(console, cookie_header(facilitator))
        assert close_code == POLICY_VIOLATION and reason
        close_code, _ = await refused(console)
        assert close_code == POLICY_VIOLATION
        own = await Socket.open(console, cookie_header(bjorn))
        state = await own.wait_for(lambda m: m["type"] == "state")
        assert state["session"]["code"] == code
        await own.close()

        # The owner is answered on every route; nothing was changed by the stranger.
        for method, path, body in facilitator_routes(code, activity):
            if path.endswith("/hidden"):
                continue  # no such post: 404 for the owner too
            mine = await bjorn.request(method, path, json=body)
            assert mine.status_code in (200, 201), (path, mine.text)
    finally:
        await bjorn.aclose()


# --- renewing the screen key -------------------------------------------------------------


async def test_renewing_the_screen_key_ends_the_old_screen(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Skjerm")
    code = created["code"]
    old_socket, old_page = screen_socket_url(created), created["screen_url"]
    screen = await Socket.open(old_socket)
    await screen.wait_for(lambda m: m["type"] == "state")
    async with httpx.AsyncClient(timeout=WAIT) as anyone:
        assert (await anyone.get(old_page)).status_code == 200

        response = await facilitator.post(f"/api/sessions/{code}/screen-key")
        assert response.status_code == 200, response.text
        new_page = response.json()["screen_url"]
        assert new_page != old_page
        assert new_page.startswith(f"{server.url}/screen/{code}?key=")

        close_code, reason = await screen.wait_closed()
        assert close_code == POLICY_VIOLATION and reason
        close_code, _ = await refused(old_socket)
        assert close_code == POLICY_VIOLATION
        assert (await anyone.get(old_page)).status_code == 404

        assert (await anyone.get(new_page)).status_code == 200
        renewed = await Socket.open(screen_socket_url({"code": code, "screen_url": new_page}))
        state = await renewed.wait_for(lambda m: m["type"] == "state")
        assert state["session"]["code"] == code
        await renewed.close()

    console = (await facilitator.get(f"/api/sessions/{code}")).json()
    assert console["session"]["screen_url"] == new_page
