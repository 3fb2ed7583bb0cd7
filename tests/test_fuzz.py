"""Fuzzing (issue 13, point 9): random and malformed input at every API route and every
socket kind of a real server. Never a 500, never a closed or stuck socket, never an ack for
an invalid submission, never a change to data the caller had no right to change.

The routes are read from the app (`create_app(...).routes`), their body fields from
docs/api.md, and path parameters are filled with real codes and ids of two facilitators'
sessions (the attacker's and the victim's) or junk. The victim's session is read by its
owner before and after every test and must come out exactly the same; the attacker's own
socket sessions must count exactly what their phones' acked, valid submissions say.

Inputs come from tests/fuzz_data.py; `HYPOTHESIS_PROFILE=fuzz-explore` draws fresh ones.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests import fuzz_world as w
from tests.fuzz_data import (
    HUGE_INTS,
    JSON,
    MALFORMED,
    SCALE,
    Body,
    bodies,
    frames,
    fresh_ids,
    fuzz_settings,
    hostile,
    near_valid,
    path_junk,
    queries,
    strings,
    weighted,
)
from tests.live import Server, add_facilitator
from workshop.domain import MAX_POSTS, MAX_TEXT
from workshop.messages import MAX_FRAME

# Logins last: their fuzz soon throttles this address, and the spare account logs in again
# before the routes that end a login are fuzzed.
ENDPOINTS = sorted(w.endpoints(), key=lambda e: "/login" in e.path)
# uvicorn's ws_max_size (workshop/cli.py): a bigger frame is closed with 1009 (message too big).
WS_MAX_BYTES = 64 * 1024
pytestmark = [
    pytest.mark.timeout(120 * SCALE),  # a longer hunt takes longer
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),  # the strategies' own
]
SHUT_OUT = {401, 403, 404, 405, 429}  # refused before the route looked at the body
# Two requests in three as the attacker facilitator, who gets past the login to the checks.
OTHER_ROLES = ("anonymous", "forged cookie", "phone")


def test_the_fuzzer_sees_the_routes():
    # Guards the suite itself: an empty route list would fuzz nothing and pass.
    names = {str(e) for e in ENDPOINTS}
    assert {"POST /api/login", "POST /api/sessions/{code}/join", "GET /api/sessions"} <= names
    assert len(ENDPOINTS) > 25
    join = next(e for e in ENDPOINTS if str(e) == "POST /api/sessions/{code}/join")
    assert join.public and set(join.fields) >= {"name", "table"}


# --- the world ---------------------------------------------------------------------------


@dataclass
class Info:
    id: int
    kind: str
    options: int
    allow_why: bool


@dataclass
class Seat:
    """A phone of the attacker's socket sessions and what its acked submissions say."""

    phone: w.Phone
    open: Info  # the one activity open in its session
    acked: set[str] = field(default_factory=set)
    votes: dict[int, tuple[int, str]] = field(default_factory=dict)  # activity -> (option, why)
    posts: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class Room:
    """Two sessions of the attacker's for the sockets: A has a dilemma open (and a closed
    poll its phones voted on), B a reflection."""

    a: dict[str, Any]
    b: dict[str, Any]
    seats: list[Seat]
    lines: dict[str, w.Line]  # kind -> socket
    closed_poll: int
    draft: int
    taken: dict[str, int]  # client id -> index of the seat (or -1: the victim's) that owns it
    valid_acked: int = 0


@dataclass
class World:
    server: Server
    url: str
    attacker: httpx.Client
    victim: httpx.Client
    spare: httpx.Client  # logs out and changes passwords in place of the attacker
    sandbox: w.Built  # the attacker's session for the HTTP fuzz
    target: w.Built  # the victim's
    library: list[str]
    room: Room
    stranger: httpx.Client  # anonymous, forged cookies, phones: no login of its own
    before: Any = None

    def victim_unchanged(self) -> None:
        after = w.snapshot(self.victim, self.target.code)
        assert after == self.before, "the victim's session changed"

    def spare_logs_in(self) -> None:
        """A fresh login for the spare account; if the fuzz changed its password, it stays
        logged out and those routes are fuzzed as such."""
        body = {"username": "dora", "password": w.PASSWORD}
        assert self.spare.post("/api/login", json=body).status_code in (204, 401)

    def attacker_still_logged_in(self) -> None:
        assert self.attacker.get("/api/sessions").status_code == 200
        assert self.server.process is not None and self.server.process.poll() is None


def make_room(url: str, attacker: httpx.Client) -> Room:
    a = w.ok(attacker.post("/api/sessions", json={"title": "Rom A", "language": "en"}), 201)
    b = w.ok(attacker.post("/api/sessions", json={"title": "Rom B", "language": "en"}), 201)
    closed = w.activity(attacker, a["code"], kind="poll", prompt="Kaffe?", options=["Ja", "Nei"])
    draft = w.activity(attacker, a["code"], kind="poll", prompt="Te?", options=["Ja", "Nei"])
    dilemma = w.activity(
        attacker, a["code"], kind="dilemma", prompt="Svare?", options=["A", "B", "C"]
    )
    reflection = w.activity(attacker, b["code"], kind="reflection", prompt="Hva lærte du?")
    phones_a = [w.join(url, a["code"]) for _ in range(2)]
    phones_b = [w.join(url, b["code"]) for _ in range(2)]
    w.move(attacker, a["code"], closed, "open")
    taken = {}
    seats = [Seat(p, Info(dilemma, "dilemma", 3, True)) for p in phones_a]
    seats += [Seat(p, Info(reflection, "reflection", 0, False)) for p in phones_b]
    for n, seat in enumerate(seats[:2]):
        client_id = w.vote(seat.phone, closed, n)
        seat.acked.add(client_id)
        seat.votes[closed] = (n, "")
        taken[client_id] = n
    w.move(attacker, a["code"], closed, "closed")
    w.move(attacker, a["code"], dilemma, "open")
    w.move(attacker, b["code"], reflection, "open")
    lines = {f"phone {n}": seat.phone.line for n, seat in enumerate(seats)}
    lines["screen"] = w.screen_line(url, a)
    lines["console"] = w.console_line(url, attacker, a["code"])
    for line in lines.values():
        line.ensure()
    return Room(a, b, seats, lines, closed, draft, taken)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    add_facilitator(db, "mallory")  # makes the database; the others can then go together
    with ThreadPoolExecutor() as pool:
        list(pool.map(lambda name: add_facilitator(db, name), ("victor", "dora")))
    env = {
        "WORKSHOP_FAILED_GUESSES": "1000000",  # junk codes must not hide the routes behind 429
        "WORKSHOP_SUBMIT_RATE": "100000",  # nor the socket's rate limit behind its errors
        "WORKSHOP_SUBMIT_BURST": "100000",
    }
    server = Server(db, env=env).start()
    url = server.url
    # Every login first: the fuzz of POST /api/login soon throttles this address.
    attacker, victim, spare = (w.login(url, n) for n in ("mallory", "victor", "dora"))
    try:
        target = w.build(url, victim, "Offeret")
        sandbox = w.build(url, attacker, "Sandkassa", cofacilitator="dora")
    except AssertionError as failure:
        # A 500 while building says only "Something went wrong": show the server's log.
        server.stop()
        raise AssertionError(f"{failure}\n{''.join(server.output[-80:])}") from None
    room = make_room(url, attacker)
    for client_id in target.submissions:
        room.taken[client_id] = -1
    library = w.library_ids(attacker)
    world = World(
        server, url, attacker, victim, spare, sandbox, target, library, room, w.client(url)
    )
    world.before = w.snapshot(victim, target.code)
    yield world
    for line in room.lines.values():
        line.close()
    for http in (attacker, victim, spare, world.stranger):
        http.close()
    server.stop()


# --- HTTP --------------------------------------------------------------------------------


@dataclass
class Request:
    role: str
    method: str
    path: str
    query: dict[str, str]
    body: Body
    cookie: str | None = None

    def __repr__(self) -> str:
        content = self.body[1]
        shown = None if content is None else content[:300]
        more = "" if content is None or len(content) <= 300 else f" …({len(content)} bytes)"
        return (
            f"{self.role}: {self.method} {self.path} query={self.query} "
            f"content-type={self.body[0]!r} body={shown!r}{more}"
        )


def check_answer(response: httpx.Response, request: Request) -> None:
    status = response.status_code
    where = f"{request!r}\n-> {status} {response.text[:500]!r}"
    if status == 503:
        assert "busy" in response.text.lower(), where
    else:
        assert status < 500, where
    # A path like /api/.. is normalised away from /api/; pages answer as pages.
    if status >= 400 and response.request.url.path.startswith("/api/"):
        try:
            body = response.json()
        except ValueError:
            raise AssertionError(f"the error is not JSON: {where}") from None
        assert isinstance(body, dict) and set(body) == {"error"}, where
        assert isinstance(body["error"], str) and body["error"].strip(), where


def send(world: World, request: Request) -> httpx.Response:
    if request.role == "facilitator":
        http = world.attacker
    elif request.role == "spare":
        http = world.spare
    else:
        http = world.stranger
        http.cookies.clear()  # nothing kept from an earlier answer
    headers = {}
    if request.body[0] is not None:
        headers["Content-Type"] = request.body[0]
    if request.cookie is not None:
        headers["Cookie"] = request.cookie
    if request.role == "phone":
        token = world.sandbox.tokens[0]
        headers["Authorization"] = f"Bearer {token}"
        request.query = {**request.query, "token": token}
    # Encoded here, not by httpx: a lone surrogate in a query value goes out as the bytes it
    # would have in UTF-8 (invalid ones), which is what a hostile client can send too.
    query = urlencode(
        [
            (k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
            for k, v in request.query.items()
        ]
    )
    try:
        response = http.request(
            request.method,
            f"{request.path}?{query}" if query else request.path,
            content=request.body[1],
            headers=headers,
        )
    except httpx.TimeoutException:
        raise AssertionError(f"no answer within {w.WAIT} s: {request!r}") from None
    except httpx.TransportError as error:  # uvicorn drops the connection after a crash
        raise AssertionError(f"the connection broke ({error}): {request!r}") from None
    check_answer(response, request)
    return response


def deletes_a_session(endpoint: w.Endpoint) -> bool:
    return endpoint.method == "DELETE" and endpoint.path == "/api/sessions/{code}"


def throwaway(world: World) -> str:
    """Deleting a session is fuzzed on one made for it: the sandbox stays for the rest."""
    body = {"title": "Kastes", "language": "en"}
    return w.ok(world.attacker.post("/api/sessions", json=body), 201)["code"]


def codes(world: World, endpoint: w.Endpoint) -> list[str]:
    own = world.sandbox.code
    if deletes_a_session(endpoint):
        own = throwaway(world)
    spelled = [*[own] * 8, own.lower(), f"{own[:3]}-{own[3:]}", f" {own} "]
    if endpoint.public and endpoint.method != "GET":
        return spelled  # anyone with the victim's code may join it: that is no attack
    victim = world.target.code
    return [*spelled, victim, victim.lower(), "ZZZZZZ"]


def param_values(world: World, endpoint: w.Endpoint, name: str) -> st.SearchStrategy[str]:
    if name == "code":
        real: list[Any] = codes(world, endpoint)
    elif name == "case_id" and "/library/" in endpoint.path:
        real = world.library
    elif name == "activity_id" and "/stations/" in endpoint.path:
        real = world.sandbox.ids["rotation_id"] + world.target.ids["rotation_id"]
    elif name in world.sandbox.ids:
        real = world.sandbox.ids[name] + world.target.ids.get(name, [])
    else:  # a parameter this suite does not know yet: any real id
        real = [v for ids in (*world.sandbox.ids.values(), *world.target.ids.values()) for v in ids]
    real_values = st.sampled_from([str(v) for v in real]) if real else st.nothing()
    return weighted(real_values, path_junk(), 6)


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def field_values(world: World) -> st.SearchStrategy[Any]:
    ids = [v for ids in world.sandbox.ids.values() for v in ids]
    ids += [v for ids in world.target.ids.values() for v in ids]
    plausible = st.one_of(
        st.sampled_from(ids),
        st.sampled_from(world.library),
        st.sampled_from(world.library),
        st.lists(strings, max_size=9),
        st.fixed_dictionaries({"segment": st.sampled_from(ids), "activity": st.sampled_from(ids)}),
        st.sampled_from(["09:00", "mallory", "dora", "victor", w.PASSWORD]),
    )
    return weighted(plausible, hostile, 2)


def forged_cookie(world: World) -> st.SearchStrategy[str]:
    names = [*world.attacker.cookies.keys(), "workshop", "__Host-workshop"]
    real = w.cookie_header(world.attacker).split("=", 1)[-1]
    values = st.one_of(
        st.text(
            st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=";,"), max_size=80
        ),
        st.integers(0, len(real)).map(lambda n: real[:n]),
        st.integers(0, max(len(real) - 1, 0)).map(
            lambda n: real[:n] + ("A" if real[n : n + 1] != "A" else "B") + real[n + 1 :]
        ),
    )
    return st.builds(lambda n, v: f"{n}={v}", st.sampled_from(names), values)


def requests(world: World, endpoint: w.Endpoint) -> st.SearchStrategy[Request]:
    params = st.fixed_dictionaries(
        {name: param_values(world, endpoint, name) for name in endpoint.params}
    )

    def make(
        role: str, values: dict[str, str], query: dict[str, str], body: Body, cookie: str
    ) -> Request:
        if role == "facilitator" and endpoint.ends_a_login:
            role = "spare"
        return Request(
            role,
            endpoint.method,
            fill(endpoint.path, values),
            query,
            body,
            cookie if role == "forged cookie" else None,
        )

    return st.builds(
        make,
        weighted(st.just("facilitator"), st.sampled_from(OTHER_ROLES), 2),
        params,
        queries,
        bodies(list(endpoint.fields), field_values(world)),
        forged_cookie(world),
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_random_requests_never_fail_and_change_nothing_foreign(world: World, endpoint: w.Endpoint):
    strategy = requests(world, endpoint)
    if endpoint.ends_a_login:
        world.spare_logs_in()

    past_the_door = []  # statuses of the facilitator's requests that got past login and lookup

    @fuzz_settings(40)
    @given(strategy)
    def fuzz(request: Request) -> None:
        status = send(world, request).status_code
        if request.role in ("facilitator", "spare") and status not in SHUT_OUT:
            past_the_door.append(status)

    fuzz()
    # Guards the suite: had every request been refused at the door (a login, an origin or
    # a host check), it would have fuzzed nothing behind it.
    assert past_the_door or endpoint.catch_all, (
        f"no request as the facilitator got past 401/403/404 on {endpoint}"
    )
    world.victim_unchanged()
    world.attacker_still_logged_in()


def real_path(world: World, endpoint: w.Endpoint, path: str | None = None) -> str:
    """`path` (the endpoint's own by default) with real ids of the attacker's sandbox."""
    values = {}
    for name in endpoint.params:
        if name == "code":
            values[name] = throwaway(world) if deletes_a_session(endpoint) else world.sandbox.code
        elif name == "case_id" and "/library/" in endpoint.path:
            values[name] = world.library[0]
        else:
            values[name] = str(world.sandbox.ids.get(name, ["x"])[-1])
    return fill(path or endpoint.path, values)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_broken_bodies_get_a_json_error(world: World, endpoint: w.Endpoint):
    """Each broken body of fuzz_data.MALFORMED, on every route with real ids, as the
    facilitator and anonymously; every failure listed at once."""
    failures = []
    for role in ("facilitator", "anonymous"):
        if role == "facilitator" and endpoint.ends_a_login:
            role = "spare"
        for name, body in MALFORMED:
            request = Request(role, endpoint.method, real_path(world, endpoint), {}, body)
            try:
                send(world, request)
            except AssertionError as error:
                failures.append(f"[{name}] {error}")
    assert not failures, f"{len(failures)} broken bodies failed:\n" + "\n\n".join(failures)
    world.victim_unchanged()
    world.attacker_still_logged_in()


ODD_IDS = ["0", "-1", str(2**63 - 1), str(2**63), "9" * 30, "-" + "9" * 30, "1.5", "1e3", "x"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_ids_out_of_range_are_not_found(world: World, endpoint: w.Endpoint):
    """Every id in the path (and every documented body field) as 0, negative, past SQLite's
    64 bits, or no number at all, as the facilitator on the own session: an error, never a
    500; every failure listed at once."""
    failures = []
    tries = []
    for name in endpoint.params:
        if name == "code" or endpoint.catch_all:
            continue
        for odd in ODD_IDS:
            path = fill(endpoint.path, {name: odd})
            tries.append(
                Request(
                    "facilitator",
                    endpoint.method,
                    real_path(world, endpoint, path),
                    {},
                    (JSON, b"{}"),
                )
            )
    for field_name in endpoint.fields:
        for odd in (2**63, -(2**63) - 1, 10**30):
            body = (JSON, json.dumps({field_name: odd}).encode())
            tries.append(
                Request("facilitator", endpoint.method, real_path(world, endpoint), {}, body)
            )
    for request in tries:
        if endpoint.ends_a_login:
            request.role = "spare"
        try:
            send(world, request)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, f"{len(failures)} odd ids failed:\n" + "\n\n".join(failures)
    world.victim_unchanged()
    world.attacker_still_logged_in()


# --- WebSockets --------------------------------------------------------------------------


def submission(frame: str | bytes) -> dict[str, Any] | None:
    """The frame as the server should read it, if it is a vote or post at all."""
    if not isinstance(frame, str) or len(frame) > MAX_FRAME:
        return None
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("type") not in ("vote", "post"):
        return None
    client_id, activity = data.get("id"), data.get("activity")
    if (
        not isinstance(client_id, str)
        or isinstance(activity, bool)
        or not isinstance(activity, int)
    ):
        return None
    try:
        uuid.UUID(client_id)
    except ValueError:
        return None
    return data


def is_ping(frame: str | bytes) -> bool:
    if not isinstance(frame, str) or len(frame) > MAX_FRAME:
        return False
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("type") == "ping"


def valid_for(room: Room, seat_index: int, data: dict[str, Any]) -> bool:
    """Whether the server may store this submission from this seat."""
    seat = room.seats[seat_index]
    owner = room.taken.get(data["id"])
    if owner is not None and owner != seat_index:
        return False
    info = seat.open
    if data["activity"] != info.id:
        return False
    if data["type"] == "vote":
        option, why = data.get("option"), data.get("why")
        if info.kind == "reflection" or isinstance(option, bool) or not isinstance(option, int):
            return False
        if not 0 <= option < info.options:
            return False
        if why is not None and not is_text(why):
            return False
        return not (why and not info.allow_why)
    text = data.get("text")
    return (
        info.kind == "reflection"
        and is_text(text)
        and bool(text.strip())
        and len(seat.posts.get(info.id, [])) < MAX_POSTS
    )


def is_text(value: object) -> bool:
    """Text a phone may send: at most MAX_TEXT characters of Unicode (no lone surrogate,
    which JSON can carry but no text can hold)."""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_replies(room: Room, kind: str, frame: str | bytes, replies: list[dict[str, Any]]) -> None:
    shown = repr(frame[:300]) + ("…" if len(frame) > 300 else "")
    where = f"{kind} <- {shown}\n-> {replies}"
    assert len(replies) <= 1, where
    if not replies:
        return
    reply = replies[0]
    if reply["type"] == "error":
        assert set(reply) <= {"type", "id", "message", "retry", "retry_after"}, where
        assert isinstance(reply["message"], str) and reply["message"].strip(), where
        data = submission(frame)
        if kind.startswith("phone") and data is not None and not reply.get("retry"):
            seat = int(kind.split()[1])
            fresh = data["id"] not in room.seats[seat].acked
            assert not (fresh and valid_for(room, seat, data)), f"refused a valid answer: {where}"
        return
    if reply["type"] == "pong":
        assert is_ping(frame), where
        return
    assert reply["type"] == "ack" and kind.startswith("phone"), where
    data = submission(frame)
    assert data is not None and reply.get("id") == data["id"], (
        f"acked a frame that is no submission: {where}"
    )
    index = int(kind.split()[1])
    seat = room.seats[index]
    if data["id"] in seat.acked:
        return  # a repeat: acked again, changes nothing
    assert valid_for(room, index, data), f"acked an invalid submission: {where}"
    room.valid_acked += 1
    seat.acked.add(data["id"])
    room.taken[data["id"]] = index
    if data["type"] == "vote":
        seat.votes[data["activity"]] = (data["option"], data.get("why") or "")
    else:
        seat.posts.setdefault(data["activity"], []).append(data["text"])


def exchange(room: Room, kind: str, frame: str | bytes) -> list[dict[str, Any]]:
    line = room.lines[kind]
    line.ensure()
    assert line.conn is not None
    size = len(frame.encode() if isinstance(frame, str) else frame)
    if size > WS_MAX_BYTES:  # refused by the WebSocket layer, before the app reads it
        line.conn.send(frame)
        with contextlib.suppress(ConnectionClosed):
            while True:
                line.next_message()
        assert line.close_code() == 1009, f"{kind}: {size} bytes closed with {line.close_code()}"
        return []
    try:
        line.conn.send(frame)
        return line.replies()
    except ConnectionClosed as closed:
        received = closed.rcvd
        code = received.code if received else None
        failure = f"closed with {code or 1006} {received.reason if received else ''!r}"
    except TimeoutError:
        failure = "stopped answering"
    # Raised outside the handler, so every replay fails the same way (no varying context).
    raise AssertionError(f"{kind} socket {failure} after {frame[:300]!r}")


def room_frames(world: World) -> st.SearchStrategy[str | bytes]:
    room = world.room
    activities = [room.closed_poll, room.draft, *(s.open.id for s in room.seats)]
    activities += world.target.ids["activity_id"] + world.sandbox.ids["activity_id"]
    ids = [*world.target.submissions, *room.taken]
    options = st.one_of(st.integers(-1, 4), st.integers(-1, 4), st.sampled_from(HUGE_INTS), hostile)
    return frames(sorted(set(activities)), ids, options)


def tallies_match(world: World) -> None:
    """The attacker's socket sessions count what their phones' acked valid answers say."""
    room = world.room
    a = w.ok(world.attacker.get(f"/api/sessions/{room.a['code']}/results"))["activities"]
    b = w.ok(world.attacker.get(f"/api/sessions/{room.b['code']}/results"))["activities"]
    for result in [*a, *b]:
        if result["kind"] == "reflection":
            expected = Counter(t for s in room.seats for t in s.posts.get(result["id"], []))
            assert Counter(p["text"] for p in result["posts"]) == expected, result["id"]
            continue
        counts = [0] * len(result["counts"])
        whys = []
        for seat in room.seats:
            if result["id"] in seat.votes:
                option, why = seat.votes[result["id"]]
                counts[option] += 1
                if why:
                    whys.append(why)
        assert result["counts"] == counts, (result["id"], result["counts"], counts)
        assert sorted(x["text"] for x in result.get("whys", [])) == sorted(whys)


def test_random_frames_on_every_socket(world: World):
    room = world.room
    # For a phone, a frame meant for its own open activity, many of them valid, half the
    # time: the ack check and the tallies need answers the server must store.
    near = {seat.open.id: near_valid(seat.open.id) for seat in room.seats}
    strategy = st.tuples(
        st.sampled_from(sorted(room.lines)),
        room_frames(world),
        st.booleans(),
        st.fixed_dictionaries(near),
    )

    @fuzz_settings(400)
    @given(strategy)
    # Found by this suite before (tests/fuzz_data.py's profiles say how to hunt for more):
    @example(("phone 0", r'{"type": "\ud800"}', False, {}))  # an unknown type, no text
    @example(("screen", "[" * 30_000 + "]" * 30_000, False, {}))
    def fuzz(sent: tuple[str, str | bytes, bool, dict[int, str]]) -> None:
        kind, frame, own, valid = sent
        if own and kind.startswith("phone"):
            frame = valid[room.seats[int(kind.split()[1])].open.id]
        frame = fresh_ids(frame)
        check_replies(room, kind, frame, exchange(room, kind, frame))

    fuzz()
    for kind, line in room.lines.items():
        assert line.close_code() is None, f"{kind} closed with {line.close_code()}"
    tallies_match(world)
    assert room.valid_acked > 0, "the fuzz sent no valid submission: the oracle went untested"
    world.victim_unchanged()


def handshakes(world: World) -> st.SearchStrategy[tuple[str, str, dict[str, str]]]:
    room, target, sandbox = world.room, world.target, world.sandbox
    code_pool = [room.a["code"], room.b["code"], sandbox.code, target.code, "ZZZZZZ"]
    code = st.one_of(st.sampled_from(code_pool), path_junk())
    tokens = [*sandbox.tokens, *(s.phone.token for s in room.seats)]
    keys = [k["screen_url"].rsplit("key=", 1)[1] for k in (room.a, room.b, sandbox.created)]
    secret = st.one_of(st.sampled_from(tokens + keys), path_junk(), st.just(""))
    cookies = st.sampled_from(
        [None, w.cookie_header(world.attacker), w.cookie_header(world.spare), "workshop=junk"]
    )
    origins = st.sampled_from([world.url, None, "https://evil.example", "null"])

    def url(kind: str, code: str, name: str, value: str) -> str:
        base = f"{world.server.ws_url}/ws/{quote(code, safe='')}/{kind}"
        return f"{base}?{name}={quote(value, safe='')}" if name else base

    def make(
        kind: str, code: str, name: str, value: str, cookie: str | None, origin: str | None
    ) -> tuple[str, str, dict[str, str]]:
        headers = {}
        if cookie:
            headers["Cookie"] = cookie
        if origin:
            headers["Origin"] = origin
        return kind, url(kind, code, name, value), headers

    return st.builds(
        make,
        st.sampled_from(["participant", "screen", "console"]),
        code,
        st.sampled_from(["token", "key", ""]),
        secret,
        cookies,
        origins,
    )


def test_random_handshakes_open_or_close_with_a_reason(world: World):
    """Any code, token, key, cookie and origin: the socket opens with its first message or
    closes with 1008 and a reason; never a failed handshake, 1006 or 1011; and the victim's
    session is never opened (no token, key or cookie of its own is offered)."""
    victim = world.target.code

    @fuzz_settings(80)
    @given(handshakes(world))
    def fuzz(attempt: tuple[str, str, dict[str, str]]) -> None:
        kind, url, headers = attempt
        line = w.Line(url, headers)
        try:
            first = line.open()
        except InvalidStatus as refused:
            status = refused.response.status_code
            raise AssertionError(f"handshake answered HTTP {status}: {attempt}") from None
        except ConnectionClosed as closed:
            received = closed.rcvd
            assert received is not None, f"closed without a code (1006): {attempt}"
            assert received.code == 1008 and received.reason.strip(), (received, attempt)
            return
        finally:
            line.close()
        assert first["type"] in ("welcome", "state", "plan"), (first, attempt)
        assert f"/ws/{victim}/" not in url, f"opened the victim's {kind}: {attempt}"

    fuzz()
    world.victim_unchanged()
