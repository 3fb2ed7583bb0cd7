"""The screen on a participant's own device (issue 17): a phone at a digital table opens
`/ws/{code}/screen?token=…` with its own seat's token and follows the screen itself: the
open question, then the results the facilitator reveals. The view is the participant's: a
bad token is refused, removing the participant closes it, and a renewed screen key closes
the real screens but not the participants' views. Real server, real sockets."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.live import (
    WAIT,
    Phone,
    Server,
    Socket,
    add_activity,
    new_session,
    refused,
    screen_socket_url,
    set_state,
)

POLICY_VIOLATION = 1008


def viewer_url(server: Server, phone: Phone) -> str:
    return f"{server.ws_url}/ws/{phone.code}/screen?token={phone.token}"


def revealed(activity: int) -> Any:
    return lambda m: (
        m["type"] == "state"
        and m["activity"] is not None
        and m["activity"]["id"] == activity
        and m["activity"]["state"] == "revealed"
    )


async def hybrid_session(facilitator: httpx.AsyncClient) -> dict[str, Any]:
    return await new_session(facilitator, title="Hybrid dag", tables=2, digital_tables=1)


async def test_a_remote_phone_receives_the_revealed_results_itself(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await hybrid_session(facilitator)
    code = created["code"]
    home = await Phone.join(server, code, remote=True)
    room = [await Phone.join(server, code) for _ in range(5)]
    kinds = {
        t["number"]: t["kind"]
        for t in (await facilitator.get(f"/api/sessions/{code}/tables")).json()["tables"]
    }
    assert kinds[home.table] == "digital"
    assert {kinds[p.table] for p in room} == {"room"}

    await home.connect()  # its phone page, as the viewer opens beside it
    table = await home.socket.wait_for(lambda m: m["type"] == "table")
    assert table["table"]["kind"] == "digital"

    viewer = await Socket.open(viewer_url(server, home))
    first = await viewer.wait_for(lambda m: m["type"] == "state")
    # The screen's state: the tables with their kinds, so the view marks the digital one.
    assert {t["number"]: t["kind"] for t in first["tables"]} == kinds
    assert first["session"]["code"] == code
    # A view of the screen does not push the phone's own page out.
    assert not home.socket.closed.is_set()

    dilemma = await add_activity(
        facilitator, code, kind="dilemma", prompt="Svare journalisten nå?", options=["Ja", "Nei"]
    )
    await set_state(facilitator, code, dilemma, "open")
    opened = await viewer.wait_for(
        lambda m: (
            m["type"] == "state"
            and m["activity"] is not None
            and m["activity"]["id"] == dilemma
            and m["activity"]["state"] == "open"
        )
    )
    assert opened["activity"]["prompt"] == "Svare journalisten nå?"
    assert "results" not in opened["activity"] or not opened["activity"]["results"]

    await asyncio.gather(*(p.connect() for p in room))
    votes = [0, 0, 1, 0, 1]
    acks = await asyncio.gather(*(p.vote(dilemma, v) for p, v in zip(room, votes, strict=True)))
    assert {a["type"] for a in acks} == {"ack"}
    assert (await home.vote(dilemma, 1))["type"] == "ack"

    await set_state(facilitator, code, dilemma, "revealed")
    state = await viewer.wait_for(revealed(dilemma))
    assert state["activity"]["results"]["counts"] == [3, 3]
    assert state["activity"]["results"]["total"] == 6
    # The phone's own page still hears its table: the view took no seat from it.
    assert not home.socket.closed.is_set()

    await viewer.close()
    for phone in [home, *room]:
        await phone.close()


async def test_a_bad_token_is_refused_like_a_bad_key(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await hybrid_session(facilitator)
    code = created["code"]
    base = f"{server.ws_url}/ws/{code}/screen"
    for url in (f"{base}?token=not-a-seat", f"{base}?token=", f"{base}?token={'x' * 300}"):
        close_code, reason = await refused(url)
        assert close_code == POLICY_VIOLATION and reason, url
    # Another session's seat is no seat here.
    other = await hybrid_session(facilitator)
    stranger = await Phone.join(server, other["code"], remote=True)
    close_code, reason = await refused(f"{base}?token={stranger.token}")
    assert close_code == POLICY_VIOLATION and reason
    # The real screen's key still works, and a token does not replace a wrong key.
    screen = await Socket.open(screen_socket_url(created))
    await screen.wait_for(lambda m: m["type"] == "state")
    await screen.close()
    phone = await Phone.join(server, code)
    close_code, _ = await refused(f"{base}?key=wrong&token={phone.token}")
    assert close_code == POLICY_VIOLATION


async def test_removing_the_participant_closes_their_view(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await hybrid_session(facilitator)
    code = created["code"]
    home = await Phone.join(server, code, remote=True)
    # The projector is on, as in a real room (and the session's hub stays in use).
    screen = await Socket.open(screen_socket_url(created))
    await screen.wait_for(lambda m: m["type"] == "state")
    viewer = await Socket.open(viewer_url(server, home))
    await viewer.wait_for(lambda m: m["type"] == "state")

    response = await facilitator.delete(f"/api/sessions/{code}/participants/{home.participant_id}")
    assert response.status_code == 204, response.text
    close_code, reason = await viewer.wait_closed()
    assert close_code == POLICY_VIOLATION and reason
    close_code, _ = await refused(viewer_url(server, home))
    assert close_code == POLICY_VIOLATION
    assert not screen.closed.is_set()
    await screen.close()


async def test_a_renewed_screen_key_closes_the_screen_but_not_the_views(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await hybrid_session(facilitator)
    code = created["code"]
    home = await Phone.join(server, code, remote=True)
    screen = await Socket.open(screen_socket_url(created))
    await screen.wait_for(lambda m: m["type"] == "state")
    viewer = await Socket.open(viewer_url(server, home))
    await viewer.wait_for(lambda m: m["type"] == "state")

    response = await facilitator.post(f"/api/sessions/{code}/screen-key")
    assert response.status_code == 200, response.text
    close_code, reason = await screen.wait_closed()
    assert close_code == POLICY_VIOLATION and reason

    # The view is still open and still follows the facilitator.
    since = len(viewer.received)
    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Kaffe?", options=["Ja", "Nei"]
    )
    await set_state(facilitator, code, poll, "open")
    state = await viewer.wait_for(
        lambda m: m["type"] == "state" and m["activity"] and m["activity"]["id"] == poll,
        since=since,
    )
    assert state["activity"]["state"] == "open"
    assert not viewer.closed.is_set()
    await viewer.close()


async def test_views_do_not_count_against_the_phone_and_are_limited_apart(
    server: Server, facilitator: httpx.AsyncClient
):
    """Three screen views and the phone page: the phone page stays; a fourth view closes
    the oldest view (4001), never the phone."""
    created = await hybrid_session(facilitator)
    code = created["code"]
    home = await Phone.join(server, code, remote=True)
    await home.connect()
    views = []
    for _ in range(3):
        view = await Socket.open(viewer_url(server, home))
        await view.wait_for(lambda m: m["type"] == "state")
        views.append(view)
    fourth = await Socket.open(viewer_url(server, home))
    await fourth.wait_for(lambda m: m["type"] == "state")
    close_code, _ = await views[0].wait_closed()
    assert close_code == 4001
    assert not home.socket.closed.is_set()
    assert all(not v.closed.is_set() for v in [*views[1:], fourth])
    # The phone's page still answers on its own socket.
    pong = len(home.socket.received)
    await home.socket.send({"type": "ping"})
    await home.socket.wait_for(lambda m: m["type"] == "pong", since=pong, timeout=WAIT)
    for view in [*views[1:], fourth]:
        await view.close()
    await home.close()
