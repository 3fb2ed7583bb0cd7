"""Wrong join codes are throttled per address, joins never: a guesser behind the room's NAT
cannot lock the room out (web/guard.py FailedGuesses). Addresses are played with
X-Forwarded-For, which the server believes from 127.0.0.1 (the default trusted proxy)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.live import WAIT, Server, Socket, expect_error, login, new_session

ENGLISH = {"Accept-Language": "en"}
ROOM = {"X-Forwarded-For": "10.0.0.7"}  # the hotel's Wi-Fi, behind one NAT
ELSEWHERE = {"X-Forwarded-For": "10.0.0.8"}


async def guess(client: httpx.AsyncClient, code: str, headers: dict[str, str]) -> httpx.Response:
    return await client.post(f"/api/sessions/{code}/join", json={}, headers=headers)


def wait_seconds(message: str) -> int:
    found = re.search(r"try again in (\d+) seconds", message)
    assert found, message
    return int(found.group(1))


async def test_a_guesser_in_the_room_never_locks_the_room_out(fresh_db: Path):
    server = Server(fresh_db).start()  # the default: 60 wrong codes a minute an address
    try:
        anna = await login(server, "anna")
        ours = (await new_session(anna))["code"]
        other = (await new_session(anna))["code"]  # real, but never seen from the room
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as room:
            assert (await guess(room, ours, ROOM)).status_code == 201  # the first phone
            for _ in range(60):
                assert (await guess(room, "ZZZZZZ", ROOM)).status_code == 404
            response = await guess(room, "ZZZZZZ", {**ROOM, **ENGLISH})
            assert 1 <= wait_seconds(expect_error(response, 429)) <= 60

            # Latecomers with the right code still join, by API, page and socket.
            for _ in range(3):
                joined = await guess(room, ours, ROOM)
                assert joined.status_code == 201, joined.text
            assert (await room.get(f"/j/{ours}", headers=ROOM)).status_code == 200
            assert (await room.get(f"/api/sessions/{ours}/tables", headers=ROOM)).is_success
            token = joined.json()["token"]
            url = f"{server.ws_url}/ws/{ours}/participant?token={token}"
            phone = await Socket.open(url, ROOM)
            await phone.wait_for(lambda m: m["type"] == "welcome")
            await phone.close()

            # A real code not yet seen here answers like a wrong one: no confirmation.
            response = await guess(room, other, {**ROOM, **ENGLISH})
            assert "seconds" in expect_error(response, 429)
            # Only that address waits.
            assert (await guess(room, other, ELSEWHERE)).status_code == 201
            assert (await guess(room, "ZZZZZZ", ELSEWHERE)).status_code == 404
        await anna.aclose()
    finally:
        server.stop()


async def test_the_facilitators_address_knows_the_codes_it_created(fresh_db: Path):
    server = Server(fresh_db, env={"WORKSHOP_FAILED_GUESSES": "5"}).start()
    try:
        anna = await login(server, "anna")  # from 127.0.0.1 (no X-Forwarded-For)
        code = (await new_session(anna))["code"]
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as phone:
            for _ in range(6):
                await guess(phone, "ZZZZZZ", {})
            expect_error(await guess(phone, "ZZZZZZ", {}), 429)
            # Created here, never joined yet: the first phone on the same Wi-Fi gets in.
            assert (await guess(phone, code, {})).status_code == 201
        await anna.aclose()
    finally:
        server.stop()


async def test_only_trusted_proxies_choose_the_address(fresh_db: Path):
    server = Server(
        fresh_db,
        env={"WORKSHOP_FAILED_GUESSES": "5"},
        args=["--forwarded-allow-ips", "192.0.2.50"],  # not 127.0.0.1: X-Forwarded-For ignored
    ).start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
            for _ in range(5):
                assert (await guess(client, "ZZZZZZ", ROOM)).status_code == 404
            # Another claimed address is still 127.0.0.1, already over the limit.
            expect_error(await guess(client, "ZZZZZZ", ELSEWHERE), 429)
    finally:
        server.stop()


async def test_json_nested_too_deep_is_a_clear_400(server: Server):
    deep = b"[" * 30_000 + b"]" * 30_000
    headers = {"Content-Type": "application/json", **ENGLISH}
    anna = await login(server, "anna")
    try:
        code = (await new_session(anna))["code"]
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
            for path in ("/api/login", f"/api/sessions/{code}/join"):
                response = await client.post(path, content=deep, headers=headers)
                assert "nested too deeply" in expect_error(response, 400), path
                response = await client.post(
                    path, content=b'{"name": ' * 2_000 + b"1" + b"}" * 2_000, headers=headers
                )
                expect_error(response, 400)
        assert (await anna.get(f"/api/sessions/{code}")).json()["participants"] == 0
    finally:
        await anna.aclose()


async def test_an_ipv6_guesser_is_counted_by_its_network(fresh_db: Path):
    """One device may take any address of its /64: the throttle counts the /64."""
    server = Server(fresh_db, env={"WORKSHOP_FAILED_GUESSES": "3"}).start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
            for n in range(3):
                forwarded = {"X-Forwarded-For": f"2001:db8::{n + 1}"}
                assert (await guess(client, "ZZZZZZ", forwarded)).status_code == 404
            forwarded = {"X-Forwarded-For": "2001:db8::ffff:1"}
            expect_error(await guess(client, "ZZZZZZ", forwarded), 429)
            forwarded = {"X-Forwarded-For": "2001:db8:0:1::1"}  # the next /64: its own count
            assert (await guess(client, "ZZZZZZ", forwarded)).status_code == 404
    finally:
        server.stop()
