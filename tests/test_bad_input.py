"""Every bad input gets a clear error and changes nothing that is stored.

"Nothing changed" is checked through the server: `GET /api/sessions/{code}/results` and the
participant's own answers in the `welcome` of a fresh connection with the same token, before
and after. After every refused frame the same socket still takes a valid vote.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.live import (
    WAIT,
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    login,
    new_id,
    new_session,
    refused,
    results,
    screen_socket_url,
    set_state,
)

ENGLISH = {"Accept-Language": "en"}
NORDIC = "æøå…"  # 1 to 3 bytes each in UTF-8: limits count characters, not bytes
SEAT_GONE = "This seat is no longer valid. Join again."
NO_SUCH_SESSION = "There is no session with the code %s."


def nordic(length: int) -> str:
    return (NORDIC * length)[:length]


async def english(server: Server, name: str | None = None) -> httpx.AsyncClient:
    """A client whose errors come in English: logged in as `name`, or anonymous."""
    if name is None:
        return httpx.AsyncClient(base_url=server.url, timeout=WAIT, headers=ENGLISH)
    client = await login(server, name)
    client.headers.update(ENGLISH)
    return client


@pytest.fixture
async def anna(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    client = await english(server, "anna")
    yield client
    await client.aclose()


@pytest.fixture
async def anonymous(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    client = await english(server)
    yield client
    await client.aclose()


async def stored(admin: httpx.AsyncClient, code: str, *phones: Phone) -> Any:
    """What the server has stored: the results, and each phone's answers as on a reconnect."""
    return (
        await results(admin, code),
        [(await phone.welcome())["answers"] for phone in phones],
    )


async def refusal(sock: Socket, frame: str | bytes) -> dict[str, Any]:
    """Send a raw frame and wait for the error it gets (not an ack)."""
    since = len(sock.received)
    await sock.send_raw(frame)
    reply = await sock.wait_for(lambda m: m["type"] in ("ack", "error"), since=since)
    assert reply["type"] == "error", reply
    return reply


# --- frames on the participant socket ----------------------------------------------------


@dataclass
class Room:
    """An English session whose phone has answered a little of everything."""

    admin: httpx.AsyncClient
    code: str
    dilemma: int  # open, asks for a reason; the phone voted 2 with "Fordi"
    draft: int  # a poll never opened
    closed: int  # a poll the phone voted on, then closed
    revealed: int  # a poll the phone voted on, then revealed
    reflection: int  # the phone posted, then it was closed
    foreign_code: str
    foreign: int  # an open poll of another session
    phone: Phone

    async def stored(self) -> Any:
        return (
            await stored(self.admin, self.code, self.phone),
            await results(self.admin, self.foreign_code),
        )


@pytest.fixture(scope="module")
async def room(server: Server) -> AsyncIterator[Room]:
    admin = await english(server, "anna")
    code = (await new_session(admin, language="en", tables=3))["code"]
    dilemma = await add_activity(
        admin, code, kind="dilemma", prompt="Svare nå?", options=["Vente", "Svare", "Spørre"]
    )
    draft = await add_activity(admin, code, kind="poll", prompt="Kaffe?", options=["Ja", "Nei"])
    closed = await add_activity(admin, code, kind="poll", prompt="Te?", options=["Ja", "Nei"])
    revealed = await add_activity(admin, code, kind="poll", prompt="Vann?", options=["Ja", "Nei"])
    reflection = await add_activity(admin, code, kind="reflection", prompt="Hva lærte du?")
    phone = await Phone.join(server, code, name="Kari")
    await phone.connect()

    await set_state(admin, code, closed, "open")
    assert (await phone.vote(closed, 1))["type"] == "ack"
    await set_state(admin, code, revealed, "open")  # closes the other poll
    assert (await phone.vote(revealed, 0))["type"] == "ack"
    await set_state(admin, code, revealed, "revealed")
    await set_state(admin, code, reflection, "open")
    assert (await phone.post(reflection, "Først"))["type"] == "ack"
    await set_state(admin, code, dilemma, "open")  # closes the reflection
    assert (await phone.vote(dilemma, 2, why="Fordi"))["type"] == "ack"

    foreign_code = (await new_session(admin, language="en"))["code"]
    foreign = await add_activity(admin, foreign_code, kind="poll", prompt="?", options=["A", "B"])
    await set_state(admin, foreign_code, foreign, "open")

    states = {a: r["state"] for a, r in (await results(admin, code)).items()}
    assert states == {
        dilemma: "open",
        draft: "draft",
        closed: "closed",
        revealed: "revealed",
        reflection: "closed",
    }
    yield Room(
        admin, code, dilemma, draft, closed, revealed, reflection, foreign_code, foreign, phone
    )
    await phone.close()
    await admin.aclose()


def vote(activity: Callable[[Room], int], option: Any = 0, **extra: Any) -> Any:
    return lambda r: {
        "type": "vote",
        "id": new_id(),
        "activity": activity(r),
        "option": option,
        **extra,
    }


def post(activity: Callable[[Room], int], text: Any = "Hei") -> Any:
    return lambda r: {"type": "post", "id": new_id(), "activity": activity(r), "text": text}


def raw(frame: str | bytes) -> Any:
    return lambda r: frame


def dilemma(r: Room) -> int:
    return r.dilemma


VOTING_CLOSED = "Voting is closed for this activity."
NO_OPTION = "That option does not exist."
CHOOSE = "Choose one of the options."
NO_ACTIVITY = "This session has no such activity."
NAME_ACTIVITY = "The message must name an activity."

# (what is wrong, the frame, the error message, whether the error names the frame's id)
FRAMES = [
    ("vote on a draft", vote(lambda r: r.draft), VOTING_CLOSED, True),
    ("vote on a closed poll", vote(lambda r: r.closed), VOTING_CLOSED, True),
    ("vote on a revealed poll", vote(lambda r: r.revealed), VOTING_CLOSED, True),
    ("negative option", vote(dilemma, -1), NO_OPTION, True),
    ("option too high", vote(dilemma, 3), NO_OPTION, True),
    ("option far too high", vote(dilemma, 10**30), NO_OPTION, True),
    ("option as a string", vote(dilemma, "1"), CHOOSE, True),
    ("option as a bool", vote(dilemma, True), CHOOSE, True),
    ("option as a float", vote(dilemma, 1.0), CHOOSE, True),
    ("option null", vote(dilemma, None), CHOOSE, True),
    (
        "why over 1,000 characters",
        vote(dilemma, 1, why=nordic(1001)),
        "Your reason is too long: 1001 characters, at most 1000.",
        True,
    ),
    ("why not text", vote(dilemma, 1, why=["Fordi"]), "Your reason must be text.", True),
    ("post to a dilemma", post(dilemma), "This activity takes votes, not written answers.", True),
    (
        "vote to a reflection",
        vote(lambda r: r.reflection),
        "This activity takes written answers, not votes.",
        True,
    ),
    (
        "post to a closed reflection",
        post(lambda r: r.reflection),
        "This activity is closed for new answers.",
        True,
    ),
    ("activity of another session", vote(lambda r: r.foreign), NO_ACTIVITY, True),
    ("activity that does not exist", vote(lambda r: 2**31), NO_ACTIVITY, True),
    ("no activity", vote(lambda r: None), NAME_ACTIVITY, True),
    ("activity as a string", vote(lambda r: str(r.dilemma)), NAME_ACTIVITY, True),
    ("activity as a bool", vote(lambda r: True), NAME_ACTIVITY, True),
    (
        "unknown type",
        lambda r: {"type": "hello", "id": new_id(), "activity": r.dilemma},
        "Unknown message type hello.",
        True,
    ),
    (
        "no type",
        lambda r: {"id": new_id(), "activity": r.dilemma, "option": 0},
        "The message has no type.",
        True,
    ),
    ("not JSON", raw('{"type": "vote", '), "The message is not valid JSON.", False),
    (
        "a JSON array",
        lambda r: json.dumps([{"type": "vote", "activity": r.dilemma}]),
        "The message must be a JSON object.",
        False,
    ),
    ("a JSON number", raw("42"), "The message must be a JSON object.", False),
    (
        "no id",
        lambda r: {"type": "vote", "activity": r.dilemma, "option": 0},
        "Every answer needs an id.",
        False,
    ),
    (
        "id as a number",
        lambda r: {"type": "vote", "id": 7, "activity": r.dilemma, "option": 0},
        "Every answer needs an id.",
        False,
    ),
    (
        "id not a UUID",
        lambda r: {"type": "vote", "id": "1; DROP TABLE votes", "activity": r.dilemma, "option": 0},
        "The answer's id is not a UUID.",
        False,
    ),
    (
        "a binary frame",
        lambda r: json.dumps(
            {"type": "vote", "id": new_id(), "activity": r.dilemma, "option": 0}
        ).encode(),
        "Send text frames with JSON.",
        False,
    ),
    (
        "a frame over 16 KiB",
        vote(dilemma, 0, padding="x" * 17_000),
        "The message is too large.",
        False,
    ),
]


@pytest.mark.parametrize(
    ("frame", "message", "names_id"),
    [case[1:] for case in FRAMES],
    ids=[case[0] for case in FRAMES],
)
async def test_bad_frame_is_refused_and_changes_nothing(
    room: Room, frame: Callable[[Room], Any], message: str, names_id: bool
):
    sock = room.phone.socket
    assert sock is not None
    before = await room.stored()
    sent = frame(room)
    reply = await refusal(sock, json.dumps(sent) if isinstance(sent, dict) else sent)
    assert reply["message"] == message
    if names_id:
        assert reply["id"] == sent["id"]
    else:
        assert "id" not in reply
    assert await room.stored() == before
    # The same connection still works: the same vote again, under a fresh id, is acked and,
    # being the same choice, leaves the stored answers as they were.
    assert (await room.phone.vote(room.dilemma, 2, why="Fordi"))["type"] == "ack"
    assert await room.stored() == before
    assert not sock.closed.is_set()


async def test_text_limits_count_characters_not_bytes(server: Server, anna: httpx.AsyncClient):
    code = (await new_session(anna, language="en"))["code"]
    dilemma = await add_activity(anna, code, kind="dilemma", prompt="?", options=["A", "B"])
    reflection = await add_activity(anna, code, kind="reflection", prompt="Hva lærte du?")
    phone = await Phone.join(server, code)
    await phone.connect()
    longest, too_long = nordic(1000), nordic(1001)
    assert len(longest.encode()) > 2000

    await set_state(anna, code, dilemma, "open")
    before = await stored(anna, code, phone)
    reply = await phone.vote(dilemma, 1, why=too_long)
    assert reply == {
        "type": "error",
        "id": reply["id"],
        "message": "Your reason is too long: 1001 characters, at most 1000.",
    }
    assert await stored(anna, code, phone) == before
    assert (await phone.vote(dilemma, 1, why=longest))["type"] == "ack"
    assert (await results(anna, code))[dilemma]["whys"] == [
        {"table": phone.table, "option": 1, "text": longest}
    ]

    await set_state(anna, code, reflection, "open")
    before = await stored(anna, code, phone)
    for text, message in [
        (too_long, "Your text is too long: 1001 characters, at most 1000."),
        ("", "Your text cannot be empty."),
        (" \n\t ", "Your text cannot be empty."),
        (None, "Your text cannot be empty."),
        (42, "Your text must be text."),
    ]:
        assert (await phone.post(reflection, text))["message"] == message, text
    assert await stored(anna, code, phone) == before

    exact = "  Kept as written: <b>æøå</b>  \n"
    assert (await phone.post(reflection, longest))["type"] == "ack"
    assert (await phone.post(reflection, exact))["type"] == "ack"
    assert [p["text"] for p in (await results(anna, code))[reflection]["posts"]] == [exact, longest]
    answers = (await phone.welcome())["answers"]
    assert answers[str(dilemma)]["vote"] == {"option": 1, "why": longest}
    assert [p["text"] for p in answers[str(reflection)]["posts"]] == [longest, exact]
    await phone.close()


async def test_id_of_another_participant_is_refused(server: Server, anna: httpx.AsyncClient):
    code = (await new_session(anna, language="en"))["code"]
    poll = await add_activity(anna, code, kind="poll", prompt="?", options=["A", "B"])
    reflection = await add_activity(anna, code, kind="reflection", prompt="?")
    first, second = await Phone.join(server, code), await Phone.join(server, code)
    await asyncio.gather(first.connect(), second.connect())
    taken = "This answer's id was already used. Send it again."

    await set_state(anna, code, poll, "open")
    vote_id = new_id()
    assert (await first.vote(poll, 0, vote_id))["type"] == "ack"
    before = await stored(anna, code, first, second)
    assert await second.vote(poll, 1, vote_id) == {"type": "error", "id": vote_id, "message": taken}
    assert await stored(anna, code, first, second) == before
    assert (await results(anna, code))[poll]["counts"] == [1, 0]
    assert (await second.vote(poll, 1))["type"] == "ack"
    assert (await results(anna, code))[poll]["counts"] == [1, 1]

    await set_state(anna, code, reflection, "open")
    post_id = new_id()
    assert (await first.post(reflection, "Min", post_id))["type"] == "ack"
    before = await stored(anna, code, first, second)
    assert await second.post(reflection, "Din", post_id) == {
        "type": "error",
        "id": post_id,
        "message": taken,
    }
    assert await stored(anna, code, first, second) == before
    assert [p["text"] for p in (await results(anna, code))[reflection]["posts"]] == ["Min"]
    assert (await first.welcome())["answers"][str(reflection)]["posts"] == [
        {"id": post_id, "text": "Min"}
    ]
    await first.close()
    await second.close()


# --- refused sockets ---------------------------------------------------------------------


async def test_bad_tokens_are_closed_with_1008(server: Server, anna: httpx.AsyncClient):
    code = (await new_session(anna, language="en"))["code"]
    other_code = (await new_session(anna, language="en"))["code"]
    other = await Phone.join(server, other_code)
    mine = await Phone.join(server, code)
    base = f"{server.ws_url}/ws/{code}/participant"
    for url in [
        base,
        f"{base}?token=",
        f"{base}?token=not-a-token",
        f"{base}?token={mine.token[:-1]}",
        f"{base}?token={'A' * 5000}",
        f"{base}?token={other.token}",  # a real seat, in another session
    ]:
        assert await refused(url) == (1008, SEAT_GONE), url
    # The right token still gets in, on both sessions.
    assert (await mine.connect())["participant"]["id"] == mine.participant_id
    assert (await other.connect())["session"]["code"] == other_code
    await mine.close()
    await other.close()


async def test_screen_and_console_sockets_need_their_key(server: Server, anna: httpx.AsyncClient):
    created = await new_session(anna, language="en")
    code = created["code"]
    screen = screen_socket_url(created)
    key = screen.rsplit("key=", 1)[1]
    stale = "This screen link is no longer valid. Open the new link from the console."
    for url in [
        screen.replace(key, key[:-1] + ("A" if key[-1] != "A" else "B")),
        screen.split("?")[0],
        f"{screen.split('?')[0]}?key=",
    ]:
        assert await refused(url) == (1008, stale), url
    good = await Socket.open(screen)
    assert (await good.wait_for(lambda m: m["type"] == "state"))["session"]["code"] == code
    await good.close()

    console = f"{server.ws_url}/ws/{code}/console"
    code_1008, reason = await refused(console)
    assert code_1008 == 1008 and reason
    bjorn = await english(server, "bjorn")
    cookie = {"Cookie": f"workshop={bjorn.cookies['workshop']}"}
    code_1008, reason = await refused(console, cookie)
    assert code_1008 == 1008 and reason
    await bjorn.aclose()
    owner = await Socket.open(console, {"Cookie": f"workshop={anna.cookies['workshop']}"})
    assert (await owner.wait_for(lambda m: m["type"] == "state"))["session"]["code"] == code
    await owner.close()


async def test_unknown_session_code(
    server: Server, anna: httpx.AsyncClient, anonymous: httpx.AsyncClient
):
    code = "ZZZZZZ"
    assert code not in [s["code"] for s in (await anna.get("/api/sessions")).json()["sessions"]]
    message = NO_SUCH_SESSION % code
    assert expect_error(await anonymous.post(f"/api/sessions/{code}/join", json={}), 404) == (
        message
    )
    assert expect_error(await anonymous.get(f"/api/sessions/{code}/tables"), 404) == message
    assert expect_error(await anna.get(f"/api/sessions/{code}/results"), 404) == message
    assert expect_error(await anna.get(f"/api/sessions/{code}"), 404) == message
    assert expect_error(await anonymous.post("/api/sessions/not-a-code/join", json={}), 404)
    code_1008, reason = await refused(f"{server.ws_url}/ws/{code}/participant?token=x")
    assert code_1008 == 1008 and reason


# --- HTTP --------------------------------------------------------------------------------


async def test_bodies_that_are_not_json_objects(
    server: Server, anna: httpx.AsyncClient, anonymous: httpx.AsyncClient
):
    code = (await new_session(anna, language="en"))["code"]
    sessions = (await anna.get("/api/sessions")).json()
    not_json = "The body is not valid JSON."
    send_json = "Send the body as JSON (Content-Type: application/json)."
    json_type = {"Content-Type": "application/json"}
    for path, client in [
        ("/api/sessions", anna),
        (f"/api/sessions/{code}/activities", anna),
        (f"/api/sessions/{code}/join", anonymous),
    ]:
        response = await client.post(path, content=b'{"title": "x",', headers=json_type)
        assert expect_error(response, 400) == not_json, path
        response = await client.post(path, content=b"\xff\xfe", headers=json_type)
        assert expect_error(response, 400) == not_json, path
        response = await client.post(path, data={"title": "x", "kind": "poll"})
        assert expect_error(response, 400) == send_json, path
        response = await client.post(
            path, content=b'{"title": "x"}', headers={"Content-Type": "text/plain"}
        )
        assert expect_error(response, 400) == send_json, path
        response = await client.post(path, json=[{"title": "x"}])
        assert expect_error(response, 400) == "The body must be a JSON object.", path
    assert (await anna.get("/api/sessions")).json() == sessions
    assert await results(anna, code) == {}
    seated = (await anonymous.get(f"/api/sessions/{code}/tables")).json()["tables"]
    assert {t["seated"] for t in seated} == {0}


async def test_activity_rules(anna: httpx.AsyncClient):
    code = (await new_session(anna, language="en"))["code"]
    path = f"/api/sessions/{code}/activities"
    KINDS = "Kind must be dilemma, poll, scale, reflection or evaluation."
    for body, message in [
        ({"kind": "quiz", "prompt": "?"}, KINDS),
        ({"prompt": "?"}, KINDS),
        (
            {"kind": "dilemma", "prompt": "?", "options": ["A"]},
            "A dilemma needs from 2 to 4 options.",
        ),
        (
            {"kind": "dilemma", "prompt": "?", "options": list("ABCDE")},
            "A dilemma needs from 2 to 4 options.",
        ),
        ({"kind": "dilemma", "prompt": "?"}, "A dilemma needs from 2 to 4 options."),
        (
            {"kind": "dilemma", "prompt": "?", "options": "A, B"},
            "A dilemma needs from 2 to 4 options.",
        ),
        (
            {"kind": "poll", "prompt": "?", "options": list("ABCDEFGHI")},
            "A poll needs from 2 to 8 options.",
        ),
        ({"kind": "poll", "prompt": "?", "options": ["A", ""]}, "An option cannot be empty."),
        (
            {"kind": "poll", "prompt": "?", "options": ["A", "B" * 301]},
            "An option is too long: 301 characters, at most 300.",
        ),
        (
            {"kind": "scale", "prompt": "?", "options": ["A", "B"]},
            "A scale has no options of its own.",
        ),
        ({"kind": "reflection", "prompt": ""}, "The text cannot be empty."),
        (
            {"kind": "reflection", "prompt": nordic(4001)},
            "The text is too long: 4001 characters, at most 4000.",
        ),
        (
            {"kind": "reflection", "prompt": "?", "title": "T" * 201},
            "The title is too long: 201 characters, at most 200.",
        ),
        (
            {"kind": "dilemma", "prompt": "?", "options": ["A", "B"], "allow_why": "yes"},
            "allow_why must be true or false.",
        ),
    ]:
        assert expect_error(await anna.post(path, json=body), 400) == message, body
    assert await results(anna, code) == {}

    accepted = [
        {"kind": "dilemma", "prompt": "?", "options": ["A", "B"]},
        {"kind": "dilemma", "prompt": "?", "options": list("ABCD")},
        {"kind": "poll", "prompt": "?", "options": list("ABCDEFGH")},
        {"kind": "scale", "prompt": "?"},
        {"kind": "reflection", "prompt": nordic(4000)},
    ]
    for body in accepted:
        await add_activity(anna, code, **body)
    assert [len(r["counts"]) for r in (await results(anna, code)).values()] == [2, 4, 8, 5, 0]


async def test_state_names_and_illegal_moves(anna: httpx.AsyncClient):
    code = (await new_session(anna, language="en"))["code"]
    activity = await add_activity(anna, code, kind="poll", prompt="?", options=["A", "B"])
    path = f"/api/sessions/{code}/activities/{activity}/state"

    async def state() -> str:
        return (await results(anna, code))[activity]["state"]

    for bad in ["opened", "OPEN", "", None, 1, ["open"]]:
        response = await anna.post(path, json={"state": bad})
        assert expect_error(response, 400) == "State must be open, closed or revealed.", bad
    assert expect_error(await anna.post(path, json={}), 400)

    illegal = {
        "draft": ["draft", "closed", "revealed"],
        "open": ["draft"],
        "closed": ["draft", "closed"],
        "revealed": ["draft", "revealed"],
    }
    for current, targets in illegal.items():
        if current != "draft":
            await set_state(anna, code, activity, current)
        for target in targets:
            response = await anna.post(path, json={"state": target})
            assert expect_error(response, 409) == (
                f"An activity that is {current} cannot be {target}."
            )
            assert await state() == current
    response = await anna.post(
        f"/api/sessions/{code}/activities/999999/state", json={"state": "open"}
    )
    assert expect_error(response, 404) == NO_ACTIVITY


async def test_facilitator_routes(
    server: Server, anna: httpx.AsyncClient, anonymous: httpx.AsyncClient
):
    """Without a login: 401. Another facilitator's session: 404, the same as no session."""
    code = (await new_session(anna, language="en"))["code"]
    reflection = await add_activity(anna, code, kind="reflection", prompt="?")
    await set_state(anna, code, reflection, "open")
    phone = await Phone.join(server, code)
    await phone.connect()
    post_id = new_id()
    assert (await phone.post(reflection, "Hei", post_id))["type"] == "ack"
    await phone.close()
    session = f"/api/sessions/{code}"
    segment = (await anna.post(f"{session}/segments", json={"title": "Velkommen"})).json()["id"]
    made = await anna.post(
        f"{session}/segments/{segment}/cases", json={"case": "lokalavisen-ringer"}
    )
    case = made.json()["case"]
    routes = [
        ("GET", session, None),
        ("POST", f"{session}/activities", {"kind": "reflection", "prompt": "Mer?"}),
        ("POST", f"{session}/activities/{reflection}/state", {"state": "closed"}),
        ("POST", f"{session}/current", {"activity": None}),
        ("POST", f"{session}/screen-view", {"view": "tables"}),
        ("POST", f"{session}/posts/{post_id}/hidden", {"hidden": True}),
        ("POST", f"{session}/screen-key", None),
        ("GET", f"{session}/results", None),
        ("POST", f"{session}/agenda", {"template": "temadag-halv-dag"}),
        ("POST", f"{session}/segments", {"title": "Pause"}),
        ("PATCH", f"{session}/segments/{segment}", {"title": "Lunsj"}),
        ("DELETE", f"{session}/segments/{segment}", None),
        ("POST", f"{session}/segments/{segment}/cases", {"case": "lokalavisen-ringer"}),
        ("PATCH", f"{session}/cases/{case}", {"title": "Min versjon"}),
        ("PATCH", f"{session}/activities/{reflection}", {"position": 0}),
        ("POST", f"{session}/next", None),
        ("POST", f"{session}/timer", {"seconds": 60}),
        ("GET", f"{session}/plan", None),
        ("POST", f"{session}/plan", {"format": "workshop-plan", "version": 1, "segments": []}),
    ]

    async def console() -> dict[str, Any]:
        state = (await anna.get(session)).json()
        del state["now"]  # the server's clock
        return state

    before = await console()
    assert before["current"] == reflection

    for method, path, body in [
        ("GET", "/api/sessions", None),
        ("POST", "/api/sessions", {"title": "Mitt"}),
        *routes,
    ]:
        response = await anonymous.request(method, path, json=body)
        assert expect_error(response, 401) == "Log in as a facilitator first.", path

    bjorn = await english(server, "bjorn")
    for method, path, body in routes:
        response = await bjorn.request(method, path, json=body)
        assert expect_error(response, 404) == NO_SUCH_SESSION % code, path
    assert code not in [s["code"] for s in (await bjorn.get("/api/sessions")).json()["sessions"]]
    await bjorn.aclose()

    assert await console() == before
    assert (await results(anna, code))[reflection]["posts"][0]["hidden"] is False


async def test_number_of_tables(anna: httpx.AsyncClient, anonymous: httpx.AsyncClient):
    listed = (await anna.get("/api/sessions")).json()
    for tables, message in [
        (0, "A session has from 1 to 500 tables."),
        (501, "A session has from 1 to 500 tables."),
        (-1, "A session has from 1 to 500 tables."),
        ([], "A session has from 1 to 500 tables."),
        ([f"T{n}" for n in range(501)], "A session has from 1 to 500 tables."),
        (["Nord", ""], "A table name cannot be empty."),
        ("6", "Tables must be a number or a list of names."),
        (True, "Tables must be a number or a list of names."),
        (6.0, "Tables must be a number or a list of names."),
    ]:
        response = await anna.post("/api/sessions", json={"title": "Stort", "tables": tables})
        assert expect_error(response, 400) == message, tables
    assert (await anna.get("/api/sessions")).json() == listed

    code = (await new_session(anna, language="en", tables=500))["code"]
    tables = (await anonymous.get(f"/api/sessions/{code}/tables")).json()["tables"]
    assert [t["number"] for t in tables] == list(range(1, 501))
    assert tables[499] == {
        "number": 500,
        "name": "Table 500",
        "seated": 0,
        "capacity": 7,
        "kind": "room",
    }
    response = await anonymous.post(f"/api/sessions/{code}/join", json={"table": 500})
    assert response.status_code == 201 and response.json()["table"] == 500
    code = (await new_session(anna, tables=["Nord", "Sør"]))["code"]
    tables = (await anonymous.get(f"/api/sessions/{code}/tables")).json()["tables"]
    assert [(t["number"], t["name"]) for t in tables] == [(1, "Nord"), (2, "Sør")]


async def test_join_with_a_bad_table_or_name(anna: httpx.AsyncClient, anonymous: httpx.AsyncClient):
    code = (await new_session(anna, language="en", tables=6))["code"]
    join = f"/api/sessions/{code}/join"
    for body, message in [
        ({"table": 7}, "There is no table 7."),
        ({"table": 0}, "There is no table 0."),
        ({"table": -1}, "There is no table -1."),
        ({"table": "1"}, "The table must be a table number."),
        ({"table": True}, "The table must be a table number."),
        ({"table": 1.0}, "The table must be a table number."),
        ({"name": "N" * 61}, "The name is too long: 61 characters, at most 60."),
        ({"name": 5}, "The name must be text."),
    ]:
        assert expect_error(await anonymous.post(join, json=body), 400) == message, body
    tables = (await anonymous.get(f"/api/sessions/{code}/tables")).json()["tables"]
    assert [t["seated"] for t in tables] == [0] * 6
    assert (await anna.get(f"/api/sessions/{code}")).json()["participants"] == 0


async def test_a_full_table_never_refuses(
    server: Server, anna: httpx.AsyncClient, anonymous: httpx.AsyncClient
):
    code = (await new_session(anna, tables=2))["code"]
    phones = [await Phone.join(server, code, table=1) for _ in range(8)]
    assert [p.table for p in phones] == [1] * 8
    tables = (await anonymous.get(f"/api/sessions/{code}/tables")).json()["tables"]
    assert [(t["seated"], t["capacity"]) for t in tables] == [(8, 7), (0, 7)]
    assert (await Phone.join(server, code)).table == 2


async def test_join_without_a_table_takes_the_emptiest(server: Server, anna: httpx.AsyncClient):
    # The balanced seat (docs/seating.md): among the tables in use, the emptiest (the lowest
    # number on a tie); no table is opened while those in use can take 5-7.
    code = (await new_session(anna, tables=3))["code"]
    for table in (1, 1, 2):
        await Phone.join(server, code, table=table)
    # 2, 1, 0 seated: tables 1 and 2 are in use, so the emptiest of those.
    assert [(await Phone.join(server, code)).table for _ in range(4)] == [2, 1, 2, 1]

    # Seating is one atomic step: a rush of joins still spreads evenly over the tables a
    # room of 21 needs (three of 7).
    code = (await new_session(anna, tables=3))["code"]
    rush = await asyncio.gather(*(Phone.join(server, code) for _ in range(21)))
    assert Counter(p.table for p in rush) == {1: 7, 2: 7, 3: 7}


async def test_wrong_codes_are_throttled_but_joins_never(fresh_db):
    """A set number of wrong codes a minute from one address, then 429 for unknown codes; a
    room behind one address still joins freely, since only failures count and a code found
    there is always answered (tests/test_join_throttle.py has the rest)."""
    server = Server(fresh_db, env={"WORKSHOP_FAILED_GUESSES": "20"}).start()
    try:
        anna = await login(server, "anna")
        code = (await new_session(anna, tables=2))["code"]
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as phone:
            for _ in range(25):  # under the participant cap (twice the seats)
                assert (await phone.post(f"/api/sessions/{code}/join", json={})).status_code == 201
            for _ in range(20):
                assert (await phone.get("/api/sessions/ZZZZZZ/tables")).status_code == 404
            response = await phone.get("/api/sessions/ZZZZZZ/tables", headers=ENGLISH)
            assert "seconds" in expect_error(response, 429)
            # The right code, found at this address before, is never refused for the guesses.
            assert (await phone.post(f"/api/sessions/{code}/join", json={})).status_code == 201
        await anna.aclose()
    finally:
        server.stop()


async def test_a_socket_to_no_such_address_is_closed_with_a_reason(server: Server):
    """A code with a '/' in it (`%2F`) or a socket kind that does not exist: 1008 and a
    reason, like a bad key, not an HTTP 403 the page cannot tell from a network error."""
    for path in ("/ws/%2F/participant?token=", "/ws/ABCDEF/projector", "/ws/"):
        code, reason = await refused(f"{server.ws_url}{path}")
        assert code == 1008 and reason.strip(), (path, code, reason)
