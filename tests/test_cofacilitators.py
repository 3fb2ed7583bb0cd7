"""Co-facilitators (issue 17), against the real server: the owner adds an account, which then
runs the console too (its session list, the console page and socket, every console route),
but cannot delete the session or manage facilitators; a third account still gets the 404 of
a session that does not exist; both consoles' Next at the same moment move one step; taking
the co-facilitator off closes their console socket, and the session is gone for them."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.live import Server, Socket, add_activity, add_facilitator, expect_error, login
from tests.live import new_session as make_session
from workshop.cofacilitating import TAKEN_OFF
from workshop.i18n import gettext_for


def nb(message: str, **params: Any) -> str:
    return gettext_for("nb", message, **params)


NO_SESSION = "There is no session with the code %(code)s."


@pytest.fixture(scope="module")
def co_name(server: Server) -> str:
    """An account of its own for this module, on the shared server."""
    name = f"co{uuid.uuid4().hex[:8]}"
    add_facilitator(server.db, name)
    return name


@pytest.fixture
async def co(server: Server, co_name: str) -> AsyncIterator[httpx.AsyncClient]:
    client = await login(server, co_name)
    yield client
    await client.aclose()


@pytest.fixture
async def other(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    """A facilitator who is neither the owner nor a co-facilitator."""
    client = await login(server, "bjorn")
    yield client
    await client.aclose()


def console_url(client: httpx.AsyncClient, code: str) -> str:
    return str(client.base_url).replace("http", "ws", 1) + f"/ws/{code}/console"


async def console(client: httpx.AsyncClient, code: str) -> Socket:
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return await Socket.open(console_url(client, code), {"Cookie": cookie})


async def first_state(sock: Socket) -> dict[str, Any]:
    return await sock.wait_for(lambda m: m["type"] == "state")


def page_json(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="page">(.*?)</script>', html, re.S)
    assert found, "the console page has no page JSON"
    return json.loads(found.group(1))


async def add(
    owner: httpx.AsyncClient, code: str, username: str, status: int = 201, **body: Any
) -> dict[str, Any]:
    response = await owner.post(
        f"/api/sessions/{code}/facilitators", json={"username": username, **body}
    )
    assert response.status_code == status, response.text
    return response.json()


async def test_a_cofacilitator_runs_the_console_and_a_third_account_still_gets_404(
    facilitator: httpx.AsyncClient, co: httpx.AsyncClient, other: httpx.AsyncClient, co_name: str
) -> None:
    code = (await make_session(facilitator, digital_tables=2, tables=3))["code"]
    before = await co.get("/api/sessions")
    assert code not in [s["code"] for s in before.json()["sessions"]]
    assert (await co.get(f"/api/sessions/{code}")).status_code == 404

    assert await add(facilitator, code, co_name) == {"username": co_name, "watch": "all"}
    # Adding again sets the watch, and says it was there already.
    changed = await add(facilitator, code, co_name, 200, watch="digital")
    assert changed == {"username": co_name, "watch": "digital"}

    listed = await co.get("/api/sessions")
    mine = {s["code"]: s["owner"] for s in listed.json()["sessions"]}
    assert mine[code] is False  # co-facilitated, not owned
    owned = {
        s["code"]: s["owner"] for s in (await facilitator.get("/api/sessions")).json()["sessions"]
    }
    assert owned[code] is True
    page = await co.get("/")  # the dashboard: no Delete for a session they do not own
    assert "You co-facilitate" in page.text or "medkursleder" in page.text.lower()
    assert f"/sessions/{code}/delete" not in page.text
    expected = {"owner": "anna", "co": [{"username": co_name, "watch": "digital"}]}
    for client in (facilitator, co):
        response = await client.get(f"/api/sessions/{code}/facilitators")
        assert response.status_code == 200, response.text
        assert response.json() == expected
    state = (await co.get(f"/api/sessions/{code}")).json()
    assert state["facilitators"] == expected
    assert "you" not in state  # one snapshot for every console: who you are is in the page

    page = await co.get(f"/console/{code}")
    assert page.status_code == 200
    assert page_json(page.text)["you"] == {"username": co_name, "owner": False, "watch": "digital"}
    mine = await facilitator.get(f"/console/{code}")
    assert page_json(mine.text)["you"] == {"username": "anna", "owner": True, "watch": "all"}

    sock = await console(co, code)
    try:
        assert (await first_state(sock))["facilitators"] == expected
        # Everything the owner does in the console, the co-facilitator does too.
        locked = await co.post(f"/api/sessions/{code}/joining", json={"open": False})
        assert locked.status_code == 200, locked.text
        await sock.wait_for(lambda m: m["type"] == "state" and m["joining_locked"])
    finally:
        await sock.close()

    # Someone who is neither: the same 404 as for a code nobody has, everywhere.
    for method, path, body in [
        ("GET", f"/api/sessions/{code}", None),
        ("GET", f"/api/sessions/{code}/facilitators", None),
        ("POST", f"/api/sessions/{code}/facilitators", {"username": "bjorn"}),
        ("DELETE", f"/api/sessions/{code}/facilitators/{co_name}", None),
        ("DELETE", f"/api/sessions/{code}", None),
        ("POST", f"/api/sessions/{code}/joining", {"open": True}),
    ]:
        response = await other.request(method, path, json=body)
        assert expect_error(response, 404) == nb(NO_SESSION, code=code), (method, path)
    assert (await other.get(f"/console/{code}")).status_code == 404
    refused = await console(other, code)
    code_, _ = await refused.wait_closed()
    assert code_ == 1008 and refused.received == []
    assert code not in [s["code"] for s in (await other.get("/api/sessions")).json()["sessions"]]


async def test_only_the_owner_deletes_the_session_and_manages_facilitators(
    facilitator: httpx.AsyncClient, co: httpx.AsyncClient, co_name: str
) -> None:
    code = (await make_session(facilitator))["code"]
    base = f"/api/sessions/{code}/facilitators"
    missing = f"nobody{uuid.uuid4().hex[:6]}"
    assert expect_error(await facilitator.post(base, json={"username": missing}), 404) == nb(
        "There is no account with the user name %(username)s.", username=missing
    )
    own = await facilitator.post(base, json={"username": "anna"})
    assert expect_error(own, 400) == nb("You own this session, so you run it already.")
    for bad in ({}, {"username": ""}, {"username": 7}, {"username": co_name, "watch": "all of"}):
        expect_error(await facilitator.post(base, json=bad), 400)
    not_on_it = await facilitator.delete(f"{base}/{co_name}")
    assert expect_error(not_on_it, 404) == nb(
        "%(username)s is not a facilitator of this session.", username=co_name
    )
    assert (await co.get(base)).status_code == 404  # not theirs before they are added

    await add(facilitator, code, co_name)
    owner_only = nb("Only the session's owner can add or remove facilitators.")
    assert expect_error(await co.post(base, json={"username": "bjorn"}), 403) == owner_only
    assert expect_error(await co.post(base, json={"username": co_name}), 403) == owner_only
    assert expect_error(await co.delete(f"{base}/{co_name}"), 403) == owner_only
    deleting = await co.delete(f"/api/sessions/{code}")
    assert expect_error(deleting, 403) == nb("Only the session's owner can delete the session.")
    assert (await co.get(f"/api/sessions/{code}")).status_code == 200  # still there
    assert (await facilitator.get(base)).json()["co"] == [{"username": co_name, "watch": "all"}]

    assert (await facilitator.delete(f"/api/sessions/{code}")).status_code == 204


async def test_both_consoles_pressing_next_at_once_move_one_step(
    facilitator: httpx.AsyncClient, co: httpx.AsyncClient, co_name: str
) -> None:
    code = (await make_session(facilitator))["code"]
    steps = [
        await add_activity(
            facilitator, code, kind="poll", prompt=f"Spørsmål {n}", options=["Ja", "Nei"]
        )
        for n in range(4)
    ]
    await add(facilitator, code, co_name)
    owner_sock, co_sock = await console(facilitator, code), await console(co, code)
    try:
        seen = await first_state(co_sock)
        for step in range(3):
            # Where the room is as each console sees it, sent as the console's Next sends it.
            here = {
                "segment": seen["current_segment"],
                "activity": seen["current"],
                "closing": seen["closing"],
            }
            answers = await asyncio.gather(
                facilitator.post(f"/api/sessions/{code}/next", json={"from": here}),
                co.post(f"/api/sessions/{code}/next", json={"from": here}),
            )
            statuses = sorted(r.status_code for r in answers)
            assert statuses in ([200, 200], [200, 409]), [r.text for r in answers]
            for moved in (r for r in answers if r.status_code == 200):
                assert moved.json()["activity"] == steps[step]
            # One step: the next activity is open, none after it is.
            for sock in (owner_sock, co_sock):
                seen = await sock.wait_for(
                    lambda m, at=steps[step]: m["type"] == "state" and m["current"] == at
                )
            states = {a["id"]: a["state"] for a in seen["activities"]}
            assert states[steps[step]] == "open"
            assert all(states[later] == "draft" for later in steps[step + 1 :])
            assert all(states[done] == "closed" for done in steps[:step])
            assert seen["next"]["activity"] == steps[step + 1]
    finally:
        await owner_sock.close()
        await co_sock.close()


async def test_taking_a_cofacilitator_off_closes_their_console_and_only_theirs(
    facilitator: httpx.AsyncClient, co: httpx.AsyncClient, co_name: str
) -> None:
    code = (await make_session(facilitator, language="nb"))["code"]
    await add(facilitator, code, co_name, watch="room")
    owner_sock, co_sock = await console(facilitator, code), await console(co, code)
    try:
        await first_state(owner_sock)
        await first_state(co_sock)
        removed = await facilitator.delete(f"/api/sessions/{code}/facilitators/{co_name}")
        assert removed.status_code == 204, removed.text
        assert await co_sock.wait_closed() == (1008, nb(TAKEN_OFF))
        # The owner's console stays open and hears the change.
        update = await owner_sock.wait_for(
            lambda m: m["type"] == "state" and m["facilitators"]["co"] == []
        )
        assert update["facilitators"]["owner"] == "anna"
        assert not owner_sock.closed.is_set()
    finally:
        await owner_sock.close()
        await co_sock.close()

    assert expect_error(await co.get(f"/api/sessions/{code}"), 404) == nb(NO_SESSION, code=code)
    assert (await co.get(f"/console/{code}")).status_code == 404
    again = await console(co, code)
    assert (await again.wait_closed())[0] == 1008 and again.received == []
    assert code not in [s["code"] for s in (await co.get("/api/sessions")).json()["sessions"]]
    # Taking them off twice: they are not on it.
    twice = await facilitator.delete(f"/api/sessions/{code}/facilitators/{co_name}")
    assert twice.status_code == 404
