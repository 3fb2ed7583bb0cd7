"""Facilitator logins against a real `workshop serve`: wrong passwords wait longer and longer
(per account and per address), at most two password hashes at once, logins stored on the
server (logout, log out everywhere, a password change end them), and the cookie's name and
flags over HTTP and HTTPS."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import PASSWORD, WAIT, Server, add_facilitator, expect_error, login
from workshop.auth import LoginThrottle, Passwords, TooManyTries, token_hash
from workshop.errors import Busy

ENGLISH = {"Accept-Language": "en"}
HTTPS = {"X-Forwarded-Proto": "https"}  # from 127.0.0.1, which uvicorn trusts by default
MiB = 1024 * 1024


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def start(servers: list[Server], db: Path, **env: str) -> Server:
    server = Server(db, env=env).start()
    servers.append(server)
    return server


def client(server: Server, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, timeout=WAIT, headers={**ENGLISH, **headers})


async def try_login(
    c: httpx.AsyncClient, name: str, password: str, **headers: str
) -> httpx.Response:
    body = {"username": name, "password": password}
    return await c.post("/api/login", json=body, headers=headers)


async def until(
    attempt: Callable[[], Awaitable[httpx.Response]], status: int, timeout: float = 10.0
) -> httpx.Response:
    """Try again until the answer has `status` (at most `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        response = await attempt()
        if response.status_code == status or time.monotonic() > deadline:
            return response
        # The protocol's own pause: the server said how long to wait (Retry-After).
        await asyncio.sleep(float(response.headers.get("retry-after", "0.1")))


# --- throttling ---------------------------------------------------------------------------


async def test_wrong_passwords_wait_longer_and_longer(fresh_db: Path, servers):
    server = start(servers, fresh_db)
    async with client(server) as c:
        for _ in range(5):
            expect_error(await try_login(c, "anna", "not the password"), 401)
        refused = await try_login(c, "anna", "not the password")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert "Wait a second" in expect_error(refused, 429)
        # The right password during the wait is refused too: else the wait would tell.
        right = await try_login(c, "anna", PASSWORD)
        assert right.status_code == 429 and "anna" not in right.text
        assert "workshop" not in c.cookies
        # The form says so too.
        page = await c.post("/login", data={"username": "anna", "password": PASSWORD})
        assert page.status_code == 429 and "Wait a second" in page.text

        # After the wait, one more wrong password: the next wait is twice as long.
        expect_error(await until(lambda: try_login(c, "anna", "still wrong"), 401), 401)
        again = await try_login(c, "anna", PASSWORD)
        assert again.status_code == 429
        assert again.headers["retry-after"] == "2"
        assert "Wait 2 seconds" in expect_error(again, 429)

        accepted = await until(lambda: try_login(c, "anna", PASSWORD), 204)
        assert accepted.status_code == 204, accepted.text
        # A success starts the count again.
        for _ in range(5):
            expect_error(await try_login(c, "anna", "not the password"), 401)


async def test_one_address_trying_many_accounts_waits(fresh_db: Path, servers):
    add_facilitator(fresh_db, "bjorn")
    server = start(servers, fresh_db, WORKSHOP_LOGIN_ADDRESS_FAILURES="8")
    guesser = {"X-Forwarded-For": "10.0.0.66"}
    async with client(server) as c:
        wrong = [try_login(c, f"ghost{n}", "a guessed password", **guesser) for n in range(8)]
        for response in await asyncio.gather(*wrong):
            expect_error(response, 401)
        # Every account waits from that address, even with the right password...
        for name in ("anna", "bjorn"):
            expect_error(await try_login(c, name, PASSWORD, **guesser), 429)
        # ...but not from another one: the accounts themselves were never tried.
        elsewhere = await try_login(c, "anna", PASSWORD, **{"X-Forwarded-For": "10.0.0.7"})
        assert elsewhere.status_code == 204, elsewhere.text


def peak_memory(server: Server) -> int:
    """The server process's resident-memory high-water mark (VmHWM), in bytes."""
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


async def test_at_most_two_passwords_are_hashed_at_once(fresh_db: Path, servers):
    """Each Argon2 hash takes 64 MiB: the peak memory shows how many ran together. Without
    the limit, the thread pool (6 threads on 2 cores) runs 6 and the peak rises ~320 MiB;
    with it, ~64 MiB."""
    server = start(servers, fresh_db)
    async with client(server) as c:
        assert (await try_login(c, "anna", PASSWORD)).status_code == 204
    before = peak_memory(server)
    clients = [client(server) for _ in range(10)]
    try:
        # Ten names (one name's tries at once would wait for each other in the throttle);
        # an unknown name costs the same hash as a known one.
        tries = (try_login(c, f"ghost{n}", PASSWORD) for n, c in enumerate(clients))
        answers = await asyncio.gather(*tries)
    finally:
        for c in clients:
            await c.aclose()
    assert [a.status_code for a in answers] == [401] * 10
    grown = peak_memory(server) - before
    # The first login's hash is in `before`: two at once add one more hash (three would add
    # two); 40 MiB is room for threads and allocator slack.
    assert grown < 64 * MiB + 40 * MiB, f"peak grew {grown / MiB:.0f} MiB"


async def test_a_caller_past_the_limit_is_told_the_server_is_busy():
    passwords = Passwords(limit=2, timeout=0.2)
    gate = threading.Event()
    first = asyncio.ensure_future(passwords._run(gate.wait, WAIT))
    second = asyncio.ensure_future(passwords._run(gate.wait, WAIT))
    while not passwords._slots.locked():  # both have their slot
        await asyncio.sleep(0)
    with pytest.raises(Busy) as busy:
        await passwords.hash("a third password")
    assert busy.value.status == 503
    assert busy.value.message == "The server is busy, try again in a moment."
    # A caller that gives up does not free its slot while its hash still runs.
    first.cancel()
    with pytest.raises(Busy):
        await passwords.hash("a fourth password")
    gate.set()
    assert await second is True
    assert (await passwords.hash("now there is room")).startswith("$argon2id$")


def test_the_throttle_caps_its_wait_forgets_and_stays_bounded():
    now = [1000.0]
    throttle = LoginThrottle(account_free=5, address_free=30, max_keys=100, clock=lambda: now[0])

    def fail(name: str, address: str) -> None:
        throttle.begin(name, address)
        throttle.failed(name, address)

    waits = []
    for n in range(20):
        fail("anna", f"10.0.0.{n}")  # a new address each time: only the name waits
        try:
            throttle.check("anna", "10.9.9.9")
        except TooManyTries as wait:
            waits.append(int(wait.headers["Retry-After"]))
            now[0] += waits[-1]
            last = wait
    assert waits[:5] == [1, 2, 4, 8, 16]
    assert waits[-1] == 15 * 60 and len(waits) == 16
    assert "15 minutes" in last.message % last.params
    now[0] += 24 * 3600 + 1  # a day later the name starts again
    throttle.check("anna", "10.0.0.1")
    for n in range(1000):
        fail(f"ghost{n}", f"10.1.{n // 250}.{n % 250}")
    assert len(throttle._accounts) <= 100 and len(throttle._addresses) <= 100


# --- logins stored on the server ----------------------------------------------------------


def cookie_of(c: httpx.AsyncClient, name: str = "workshop") -> dict[str, str]:
    return {"Cookie": f"{name}={c.cookies[name]}"}


async def test_logout_ends_the_login_for_good(server: Server):
    anna = await login(server, "anna")
    cookie = cookie_of(anna)
    assert (await anna.post("/api/logout")).status_code == 204
    await anna.aclose()
    async with client(server, **cookie) as replay:
        expect_error(await replay.get("/api/sessions"), 401)
        assert (await replay.get("/")).status_code == 303  # to the login page


async def test_log_out_everywhere_ends_every_login_of_the_account(fresh_db: Path, servers):
    add_facilitator(fresh_db, "bjorn")
    server = start(servers, fresh_db)
    laptop, tablet, bjorn = [await login(server, n) for n in ("anna", "anna", "bjorn")]
    try:
        tablet_cookie = cookie_of(tablet)
        assert (await laptop.post("/api/logout-everywhere")).status_code == 204
        expect_error(await laptop.get("/api/sessions"), 401)
        expect_error(await tablet.get("/api/sessions"), 401)
        async with client(server, **tablet_cookie) as replay:
            expect_error(await replay.get("/api/sessions"), 401)
        assert (await bjorn.get("/api/sessions")).status_code == 200
        expect_error(await laptop.post("/api/logout-everywhere"), 401)
    finally:
        for c in (laptop, tablet, bjorn):
            await c.aclose()


async def test_the_dashboard_form_logs_out_everywhere(fresh_db: Path, servers):
    server = start(servers, fresh_db)
    laptop, tablet = await login(server, "anna"), await login(server, "anna")
    try:
        page = await laptop.get("/?lang=en")
        assert "Log out everywhere" in page.text and 'action="/logout-everywhere"' in page.text
        done = await laptop.post("/logout-everywhere")
        assert done.status_code == 303 and done.headers["location"] == "/login"
        expect_error(await tablet.get("/api/sessions"), 401)
        expect_error(await laptop.get("/api/sessions"), 401)
    finally:
        await laptop.aclose()
        await tablet.aclose()


async def test_changing_the_password_ends_the_other_logins(fresh_db: Path, servers):
    server = start(servers, fresh_db)
    new = "a new and longer password"
    laptop, tablet = await login(server, "anna"), await login(server, "anna")
    try:
        change = "/api/password"
        body = {"current": "not my password", "new": new}
        assert "not your current password" in expect_error(
            await laptop.post(change, json=body, headers=ENGLISH), 403
        )
        expect_error(await laptop.post(change, json={"current": PASSWORD, "new": "short"}), 400)
        expect_error(await laptop.post(change, json={"current": PASSWORD}), 400)
        assert (await tablet.get("/api/sessions")).status_code == 200  # nothing changed yet

        done = await laptop.post(change, json={"current": PASSWORD, "new": new})
        assert done.status_code == 204, done.text
        assert (await laptop.get("/api/sessions")).status_code == 200  # this login stays
        expect_error(await tablet.get("/api/sessions"), 401)
    finally:
        await laptop.aclose()
        await tablet.aclose()
    async with client(server) as c:
        expect_error(await try_login(c, "anna", PASSWORD), 401)
        assert (await try_login(c, "anna", new)).status_code == 204

        # The dashboard's form: a mismatch is shown on the page, a change redirects.
        form = {"current": new, "new": PASSWORD, "new2": PASSWORD + "!"}
        page = await c.post("/password?lang=en", data=form)
        assert page.status_code == 400 and "not the same" in page.text
        form["new2"] = PASSWORD
        done = await c.post("/password", data=form)
        assert done.status_code == 303 and done.headers["location"] == "/?password=changed"
    async with client(server) as c:
        assert (await try_login(c, "anna", PASSWORD)).status_code == 204


async def test_wrong_current_passwords_are_throttled_too(fresh_db: Path, servers):
    server = start(servers, fresh_db)
    anna = await login(server, "anna")
    try:
        body = {"current": "guessing", "new": "a new and longer password"}
        for _ in range(5):
            expect_error(await anna.post("/api/password", json=body), 403)
        right = {"current": PASSWORD, "new": "a new and longer password"}
        expect_error(await anna.post("/api/password", json=right), 429)
    finally:
        await anna.aclose()


async def test_only_a_hash_of_the_token_is_stored(fresh_db: Path, servers):
    server = start(servers, fresh_db)
    anna = await login(server, "anna")
    token = anna.cookies["workshop"]
    await anna.aclose()
    assert len(token) >= 43  # 32 random bytes
    with sqlite3.connect(fresh_db) as db:
        stored = db.execute("SELECT token_hash, expires_at - created_at FROM logins").fetchall()
    assert stored == [(token_hash(token), 14 * 24 * 3600)]


# --- the cookie -----------------------------------------------------------------------------


def set_cookie(response: httpx.Response) -> list[str]:
    header = response.headers["set-cookie"]
    return [part.strip() for part in header.split(";")]


async def test_the_cookie_is_host_only_and_secure_over_https(server: Server):
    async with client(server) as plain:
        response = await try_login(plain, "anna", PASSWORD)
        parts = set_cookie(response)
        assert parts[0].startswith("workshop=")
        assert {"HttpOnly", "Path=/", "SameSite=Lax"} <= set(parts)
        assert "Secure" not in parts
    async with client(server, **HTTPS) as tls:
        response = await try_login(tls, "anna", PASSWORD)
        parts = set_cookie(response)
        assert parts[0].startswith("__Host-workshop=")
        assert {"HttpOnly", "Path=/", "SameSite=Lax", "Secure"} <= set(parts)
        assert not any(p.lower().startswith("domain=") for p in parts)
        token = parts[0].split("=", 1)[1]
        ok = await tls.get("/api/sessions", headers={"Cookie": f"__Host-workshop={token}"})
        assert ok.status_code == 200
        # Over HTTPS only the __Host- cookie counts: a plain one could have been planted.
        planted = await tls.get("/api/sessions", headers={"Cookie": f"workshop={token}"})
        expect_error(planted, 401)
        logout = await tls.post("/api/logout", headers={"Cookie": f"__Host-workshop={token}"})
        assert set_cookie(logout)[0] == '__Host-workshop=""' or "Max-Age=0" in set_cookie(logout)


async def test_https_only_makes_the_cookie_secure_behind_an_untrusted_proxy(
    fresh_db: Path, servers
):
    server = start(servers, fresh_db, WORKSHOP_HTTPS_ONLY="1")
    async with client(server) as c:
        parts = set_cookie(await try_login(c, "anna", PASSWORD))
        assert parts[0].startswith("__Host-workshop=") and "Secure" in parts


async def test_a_login_survives_a_restart_and_logout_still_ends_it(fresh_db: Path, servers):
    first = start(servers, fresh_db)
    anna = await login(first, "anna")
    cookie = cookie_of(anna)
    await anna.aclose()
    first.stop()
    second = start(servers, fresh_db)
    async with client(second, **cookie) as again:
        assert (await again.get("/api/sessions")).status_code == 200
        assert (await again.post("/api/logout")).status_code == 204
    async with client(second, **cookie) as replay:
        expect_error(await replay.get("/api/sessions"), 401)
