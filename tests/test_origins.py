"""Hosts and origins (web/origin.py) against a real server: a page on another site cannot
log in, create, post a form or open any socket; a forged Host never reaches a stored link."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.live import (
    WAIT,
    Phone,
    Server,
    Socket,
    expect_error,
    login,
    new_session,
    refused,
    screen_socket_url,
)

ENGLISH = {"Accept-Language": "en"}
EVIL = "http://evil.example"
FOREIGN = "another web site"


def cookie(client: httpx.AsyncClient) -> dict[str, str]:
    return {"Cookie": f"workshop={client.cookies['workshop']}"}


async def codes(client: httpx.AsyncClient) -> list[str]:
    response = await client.get("/api/sessions")
    assert response.status_code == 200, response.text
    return [s["code"] for s in response.json()["sessions"]]


async def test_a_foreign_origin_cannot_log_in_create_or_post_a_form(server: Server):
    anna = await login(server, "anna")  # no Origin at all: a script, not a page; it passes
    own = {"Origin": server.url}
    try:
        before = await codes(anna)
        evil = {"Origin": EVIL, **ENGLISH}
        async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as stranger:
            body = {"username": "anna", "password": "correct horse battery staple"}
            response = await stranger.post("/api/login", json=body, headers=evil)
            assert FOREIGN in expect_error(response, 403)
            assert "workshop" not in stranger.cookies
            # Norwegian by default, like every other error.
            response = await stranger.post("/api/login", json=body, headers={"Origin": EVIL})
            assert "nettsted" in expect_error(response, 403)
            # The login page's form post, too.
            response = await stranger.post("/login", data=body, headers=evil)
            assert FOREIGN in expect_error(response, 403)
            # From the server's own page it works.
            assert (await stranger.post("/api/login", json=body, headers=own)).status_code == 204

        response = await anna.post("/api/sessions", json={"title": "Stjålet"}, headers=evil)
        assert FOREIGN in expect_error(response, 403)
        response = await anna.post("/sessions", data={"title": "Stjålet"}, headers=evil)
        assert FOREIGN in expect_error(response, 403)
        assert await codes(anna) == before  # nothing was created

        created = await anna.post("/api/sessions", json={"title": "Eget"}, headers=own)
        assert created.status_code == 201, created.text
        form = await anna.post("/sessions", data={"title": "Eget skjema"}, headers=own)
        assert form.status_code == 303, form.text
        assert len(await codes(anna)) == len(before) + 2
    finally:
        await anna.aclose()


async def test_sec_fetch_site_and_referer_speak_for_the_page(server: Server):
    anna = await login(server, "anna")
    try:
        before = await codes(anna)
        for headers in (
            {"Sec-Fetch-Site": "cross-site"},  # no Origin: still from another site
            {"Sec-Fetch-Site": "same-site", "Origin": "http://sub.evil.example"},
            {"Referer": f"{EVIL}/innlegg?x=1"},  # no Origin: the Referer's origin counts
            {"Origin": "null"},  # a sandboxed frame or a privacy redirect
        ):
            response = await anna.post(
                "/api/sessions", json={"title": "x"}, headers={**headers, **ENGLISH}
            )
            assert FOREIGN in expect_error(response, 403), headers
        assert await codes(anna) == before
        for headers in (
            {"Sec-Fetch-Site": "same-origin"},
            {"Sec-Fetch-Site": "none"},  # typed into the address bar
            {"Referer": f"{server.url}/"},
            {"Origin": server.url, "Sec-Fetch-Site": "same-origin"},
        ):
            response = await anna.post("/api/sessions", json={"title": "x"}, headers=headers)
            assert response.status_code == 201, (headers, response.text)
    finally:
        await anna.aclose()


async def test_no_socket_opens_from_a_foreign_page(server: Server):
    anna = await login(server, "anna")
    try:
        created = await new_session(anna)
        code = created["code"]
        phone = await Phone.join(server, code)
        urls = {
            "participant": phone.url,
            "screen": screen_socket_url(created),
            "console": f"{server.ws_url}/ws/{code}/console",
        }
        for kind, url in urls.items():
            headers = {**cookie(anna), **ENGLISH}
            close = await refused(url, {**headers, "Origin": EVIL})
            assert close[0] == 1008 and FOREIGN in close[1], (kind, close)
            close = await refused(url, {**headers, "Origin": EVIL, "Sec-Fetch-Site": "cross-site"})
            assert close[0] == 1008, (kind, close)
            for own in ({"Origin": server.url}, {}):  # its own page, or not a page at all
                sock = await Socket.open(url, {**cookie(anna), **own})
                first = await sock.wait_for(lambda m: True)
                assert first["type"] != "error", (kind, first)
                await sock.close()
    finally:
        await anna.aclose()


async def test_a_foreign_host_gets_400_and_never_a_stored_link(server: Server):
    anna = await login(server, "anna")
    try:
        before = await codes(anna)
        forged = {"Host": "evil.example", **ENGLISH}
        response = await anna.post("/api/sessions", json={"title": "x"}, headers=forged)
        assert "host name" in expect_error(response, 400)
        assert await codes(anna) == before
        assert (await anna.get("/j", headers=forged)).status_code == 400
        code = (await new_session(anna))["code"]
        # The socket's Host comes from its URL: name evil.example, connect to this server.
        url = f"ws://evil.example:{server.port}/ws/{code}/screen"
        async with connect(
            url, host="127.0.0.1", port=server.port, additional_headers=ENGLISH
        ) as ws:
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), WAIT)
        assert ws.close_code == 1008 and "host name" in (ws.close_reason or ""), ws.close_reason
        # Loopback names are the server's own: the link keeps them.
        local = {"Host": f"localhost:{server.port}"}
        response = await anna.post("/api/sessions", json={"title": "x"}, headers=local)
        assert response.status_code == 201, response.text
        assert response.json()["join_url"].startswith(f"http://localhost:{server.port}/j/")
    finally:
        await anna.aclose()


async def test_allowed_origins_and_hosts_from_the_environment(fresh_db: Path):
    env = {
        "WORKSHOP_ALLOWED_ORIGINS": "https://intranet.example, http://other.example:8080",
        "WORKSHOP_ALLOWED_HOSTS": "workshop.example",
    }
    server = Server(fresh_db, env=env).start()
    try:
        anna = await login(server, "anna")
        for origin in ("https://intranet.example", "http://other.example:8080"):
            response = await anna.post(
                "/api/sessions", json={"title": "x"}, headers={"Origin": origin}
            )
            assert response.status_code == 201, (origin, response.text)
        for origin in (EVIL, "http://intranet.example", "http://other.example"):
            response = await anna.post(
                "/api/sessions", json={"title": "x"}, headers={"Origin": origin}
            )
            expect_error(response, 403)
        created = await new_session(anna)
        phone = await Phone.join(server, created["code"])
        sock = await Socket.open(phone.url, {"Origin": "https://intranet.example"})
        await sock.wait_for(lambda m: m["type"] == "welcome")
        await sock.close()

        response = await anna.post(
            "/api/sessions", json={"title": "x"}, headers={"Host": "workshop.example"}
        )
        assert response.status_code == 201, response.text
        assert response.json()["join_url"].startswith("http://workshop.example/j/")
        await anna.aclose()
    finally:
        server.stop()


async def test_a_wildcard_host_says_where_the_qr_codes_point(fresh_db: Path):
    server = Server(fresh_db, args=["--host", "0.0.0.0"]).start()
    try:
        line = next(line for line in server.output if "QR codes will point" in line)
        assert "--public-url" in line
        anna = await login(server, "anna")
        created = await new_session(anna)
        if "Could not find" not in line:  # this machine has a network address
            qr = line.split("point to ", 1)[1].split()[0].rstrip(".")
            assert qr.endswith(f":{server.port}")
            assert created["join_url"].startswith(f"{qr}/j/")  # whatever Host the browser used
        forged = {"Host": "evil.example"}
        expect_error(await anna.post("/api/sessions", json={}, headers=forged), 400)
        await anna.aclose()
    finally:
        server.stop()
