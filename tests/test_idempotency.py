"""Client ids make submissions idempotent: a phone's offline queue resends until it gets the
ack, so a repeat is acked again and changes nothing, on the same connection or a new one."""

from __future__ import annotations

import asyncio

import httpx

from tests.live import Phone, Server, add_activity, new_id, new_session, results, set_state


def acks_of(phone: Phone, client_id: str):
    assert phone.socket is not None
    return [m for m in phone.socket.received if m.get("id") == client_id]


async def send_twice_at_once(phone: Phone, message: dict) -> None:
    """The same frame twice back to back, without waiting in between; then both replies."""
    assert phone.socket is not None
    await phone.socket.send(message)
    await phone.socket.send(message)
    await phone.socket.wait_count(lambda m: m.get("id") == message["id"], 2)


async def test_same_vote_id_twice_is_acked_twice_and_counted_once(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2))["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="?", options=["A", "B", "C"])
    await set_state(facilitator, code, poll, "open")
    phone = await Phone.join(server, code, table=2)
    await phone.connect()

    vote_id = new_id()
    await send_twice_at_once(phone, {"type": "vote", "id": vote_id, "activity": poll, "option": 1})
    assert acks_of(phone, vote_id) == [{"type": "ack", "id": vote_id}] * 2
    got = (await results(facilitator, code))[poll]
    assert (got["counts"], got["tables"]) == ([0, 1, 0], {"2": [0, 1, 0]})

    # The same id with another option is still that first vote: acked, nothing changes.
    assert await phone.vote(poll, 2, vote_id) == {"type": "ack", "id": vote_id}
    assert (await results(facilitator, code))[poll]["counts"] == [0, 1, 0]
    assert (await phone.welcome())["answers"][str(poll)]["vote"] == {"option": 1, "why": ""}
    await phone.close()


async def test_same_post_id_twice_is_acked_twice_and_stored_once(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="?")
    await set_state(facilitator, code, reflection, "open")
    phone = await Phone.join(server, code)
    await phone.connect()

    post_id = new_id()
    await send_twice_at_once(
        phone, {"type": "post", "id": post_id, "activity": reflection, "text": "Tillit tar tid"}
    )
    assert acks_of(phone, post_id) == [{"type": "ack", "id": post_id}] * 2
    assert await phone.post(reflection, "Noe annet", post_id) == {"type": "ack", "id": post_id}
    posts = (await results(facilitator, code))[reflection]["posts"]
    assert [(p["id"], p["text"]) for p in posts] == [(post_id, "Tillit tar tid")]
    await phone.close()


async def test_resent_after_reconnecting_is_acked_and_counted_once(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="?", options=["A", "B"])
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="?")
    phone = await Phone.join(server, code)

    await set_state(facilitator, code, poll, "open")
    await phone.connect()
    vote_id = new_id()
    assert (await phone.vote(poll, 1, vote_id))["type"] == "ack"
    await phone.close()
    welcome = await phone.connect()  # a new connection, the same token
    assert welcome["answers"][str(poll)]["vote"] == {"option": 1, "why": ""}
    assert await phone.vote(poll, 1, vote_id) == {"type": "ack", "id": vote_id}
    assert (await results(facilitator, code))[poll]["counts"] == [0, 1]

    await set_state(facilitator, code, reflection, "open")
    post_id = new_id()
    assert (await phone.post(reflection, "Én gang", post_id))["type"] == "ack"
    await phone.close()
    await phone.connect()
    assert await phone.post(reflection, "Én gang", post_id) == {"type": "ack", "id": post_id}
    assert len((await results(facilitator, code))[reflection]["posts"]) == 1

    # Two connections of the same phone (an old tab and a new one) send the same id at once.
    second = Phone(server, code, phone.token, phone.table, phone.participant_id)
    await second.connect()
    post_id = new_id()
    message = {"type": "post", "id": post_id, "activity": reflection, "text": "Samtidig"}
    await asyncio.gather(phone.socket.send(message), second.socket.send(message))
    replies = await asyncio.gather(phone.socket.reply_to(post_id), second.socket.reply_to(post_id))
    assert replies == [{"type": "ack", "id": post_id}] * 2
    texts = [p["text"] for p in (await results(facilitator, code))[reflection]["posts"]]
    assert sorted(texts) == ["Samtidig", "Én gang"]
    await phone.close()
    await second.close()


async def test_an_old_vote_resent_does_not_override_a_newer_one(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="?", options=["A", "B", "C"])
    await set_state(facilitator, code, poll, "open")
    phone = await Phone.join(server, code)
    await phone.connect()

    old = new_id()
    assert (await phone.vote(poll, 0, old))["type"] == "ack"
    assert (await phone.vote(poll, 2))["type"] == "ack"
    assert await phone.vote(poll, 0, old) == {"type": "ack", "id": old}
    await phone.close()
    await phone.connect()
    assert await phone.vote(poll, 0, old) == {"type": "ack", "id": old}

    assert (await results(facilitator, code))[poll]["counts"] == [0, 0, 1]
    assert (await phone.welcome())["answers"][str(poll)]["vote"] == {"option": 2, "why": ""}
    await phone.close()


async def test_a_changed_vote_counts_once_for_its_latest_option(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2))["code"]
    dilemma = await add_activity(
        facilitator, code, kind="dilemma", prompt="?", options=["Vente", "Svare", "Spørre"]
    )
    await set_state(facilitator, code, dilemma, "open")
    changer = await Phone.join(server, code, table=1)
    steady = await Phone.join(server, code, table=2)
    await asyncio.gather(changer.connect(), steady.connect())

    for option, why in [(0, "Først vente"), (1, ""), (2, "Spør heller")]:
        assert (await changer.vote(dilemma, option, why=why))["type"] == "ack"
    for _ in range(2):
        assert (await steady.vote(dilemma, 1))["type"] == "ack"

    got = (await results(facilitator, code))[dilemma]
    assert got["counts"] == [0, 1, 1]
    assert got["tables"] == {"1": [0, 0, 1], "2": [0, 1, 0]}
    assert got["whys"] == [{"table": 1, "option": 2, "text": "Spør heller"}]
    await changer.close()
    await steady.close()


async def test_a_repeat_is_acked_after_the_activity_has_closed(
    server: Server, facilitator: httpx.AsyncClient
):
    """The phone lost the ack, then the facilitator closed the activity: the resend must
    still be acked (it was stored), or the phone would show it as refused."""
    code = (await new_session(facilitator))["code"]
    poll = await add_activity(facilitator, code, kind="poll", prompt="?", options=["A", "B"])
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="?")
    phone = await Phone.join(server, code)
    await phone.connect()

    await set_state(facilitator, code, poll, "open")
    vote_id = new_id()
    assert (await phone.vote(poll, 1, vote_id))["type"] == "ack"
    await set_state(facilitator, code, reflection, "open")  # closes the poll
    post_id = new_id()
    assert (await phone.post(reflection, "Lagret", post_id))["type"] == "ack"
    await set_state(facilitator, code, reflection, "revealed")

    assert await phone.vote(poll, 1, vote_id) == {"type": "ack", "id": vote_id}
    assert await phone.post(reflection, "Lagret", post_id) == {"type": "ack", "id": post_id}
    # Anything new is still refused.
    assert (await phone.vote(poll, 0))["type"] == "error"
    assert (await phone.post(reflection, "Ny"))["type"] == "error"
    got = await results(facilitator, code)
    assert got[poll]["counts"] == [0, 1]
    assert [p["text"] for p in got[reflection]["posts"]] == ["Lagret"]
    await phone.close()


async def test_the_welcome_after_a_reconnect_carries_own_answers(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=3))["code"]
    dilemma = await add_activity(
        facilitator, code, kind="dilemma", prompt="?", options=["Vente", "Svare"]
    )
    poll = await add_activity(facilitator, code, kind="poll", prompt="?", options=["A", "B"])
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="?")
    unanswered = await add_activity(facilitator, code, kind="scale", prompt="?")
    async with httpx.AsyncClient(base_url=server.url) as client:
        joined = (
            await client.post(f"/api/sessions/{code}/join", json={"name": "Kari", "table": 3})
        ).json()
    assert joined["welcome"]["answers"] == {}
    phone = Phone(server, code, joined["token"], joined["table"], joined["participant_id"])
    neighbour = await Phone.join(server, code, table=3)
    await asyncio.gather(phone.connect(), neighbour.connect())

    await set_state(facilitator, code, dilemma, "open")
    assert (await phone.vote(dilemma, 0, why="Først dette"))["type"] == "ack"
    assert (await phone.vote(dilemma, 1, why="Så «dette» & <mer>"))["type"] == "ack"
    assert (await neighbour.vote(dilemma, 0, why="Naboens"))["type"] == "ack"
    await set_state(facilitator, code, poll, "open")
    assert (await phone.vote(poll, 0))["type"] == "ack"
    await set_state(facilitator, code, reflection, "open")
    first, second = new_id(), new_id()
    assert (await phone.post(reflection, "Første tanke", first))["type"] == "ack"
    assert (await neighbour.post(reflection, "Naboens tanke"))["type"] == "ack"
    assert (await phone.post(reflection, "Andre tanke\nmed linjeskift", second))["type"] == "ack"
    await phone.close()

    welcome = await phone.connect()
    assert welcome["answers"] == {
        str(dilemma): {"vote": {"option": 1, "why": "Så «dette» & <mer>"}, "posts": []},
        str(poll): {"vote": {"option": 0, "why": ""}, "posts": []},
        str(reflection): {
            "vote": None,
            "posts": [
                {"id": first, "text": "Første tanke"},
                {"id": second, "text": "Andre tanke\nmed linjeskift"},
            ],
        },
    }
    assert str(unanswered) not in welcome["answers"]
    assert welcome["participant"] == {
        "id": phone.participant_id,
        "number": 1,
        "name": "Kari",
        "table": {"number": 3, "name": "Bord 3"},
    }
    assert welcome["activity"]["id"] == reflection
    assert welcome["activity"]["state"] == "open"
    assert welcome["session"]["code"] == code
    await phone.close()
    await neighbour.close()
