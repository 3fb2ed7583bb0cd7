"""The world tests/test_fuzz.py attacks: a real server with its own database, an attacker
facilitator with sessions full of real ids, a victim facilitator whose session must come out
unchanged, phones, screens and consoles; and the app's own route list, read at test time.

Sync clients (httpx.Client, websockets.sync) so Hypothesis drives plain functions and never
meets pytest-asyncio's session event loop.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.convertors import PathConvertor
from starlette.routing import Route
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.live import CONSOLE_FRAMES, PASSWORD, WAIT, screen_socket_url
from workshop.settings import Settings
from workshop.store import open_store
from workshop.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = {"Accept-Language": "en"}


# --- the routes, as the app has them -----------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # as routed, converters dropped: /api/sessions/{code}/activities/{activity_id}
    params: tuple[str, ...]
    fields: tuple[str, ...]  # the body's fields, as docs/api.md documents them
    public: bool  # docs/api.md says "no login": anyone with the code may use it
    catch_all: bool = False  # `{rest:path}`: answers 404 for every path no route serves

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def ends_a_login(self) -> bool:
        """Logs the caller out or changes their password: fuzzed as a spare account."""
        return re.search(r"logout|password", self.path) is not None


def _normalise(path: str) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def _documented() -> dict[tuple[str, str], tuple[tuple[str, ...], bool]]:
    """(method, path) -> (body fields, no login?) from docs/api.md's route tables."""
    found = {}
    text = (ROOT / "docs" / "api.md").read_text("utf-8")
    for line in text.splitlines():
        match = re.match(r"\|\s*`(GET|POST|PUT|PATCH|DELETE) (/[^`\s?]*)[^`]*`\s*\|([^|]*)\|", line)
        if not match:
            continue
        method, path, body = match.groups()
        names = re.findall(r"(?:^|[{,]\s*)([A-Za-z_]\w*)\??\s*(?=[:,}]|$)", body.strip(" `"))
        found[(method, path)] = (tuple(dict.fromkeys(names)), "no login" in line)
    return found


def endpoints() -> list[Endpoint]:
    """Every method of every /api/ route the app serves, read from the app itself."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(), open_store(f"sqlite:///{folder}/routes.db"))
    documented = _documented()
    found = []
    for route in app.routes:
        if not isinstance(route, Route) or not route.path.startswith("/api/"):
            continue
        path = _normalise(route.path)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            fields, public = documented.get((method, path), ((), False))
            catch_all = any(isinstance(c, PathConvertor) for c in route.param_convertors.values())
            params = tuple(route.param_convertors)
            found.append(Endpoint(method, path, params, fields, public, catch_all))
    return found


# --- clients -----------------------------------------------------------------------------


def client(url: str, cookies: httpx.Cookies | None = None) -> httpx.Client:
    """An HTTP client that says where it comes from (its own pages' origin)."""
    return httpx.Client(
        base_url=url, timeout=WAIT, headers={**ENGLISH, "Origin": url}, cookies=cookies
    )


def login(url: str, name: str) -> httpx.Client:
    http = client(url)
    response = http.post("/api/login", json={"username": name, "password": PASSWORD})
    assert response.status_code == 204, response.text
    return http


def cookie_header(http: httpx.Client) -> str:
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json() if response.content else None


class Line:
    """One WebSocket, synchronous: answers the server's heartbeat, skips snapshots, and can
    tell when it has been closed and how."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = headers or {}
        self.conn: ClientConnection | None = None
        self.first: dict[str, Any] | None = None
        self._stack = contextlib.ExitStack()

    def open(self) -> dict[str, Any]:
        self.close()
        self._stack = contextlib.ExitStack()
        self.conn = self._stack.enter_context(
            connect(self.url, additional_headers=self.headers, open_timeout=WAIT)
        )
        self.first = self.next_message()
        return self.first

    def ensure(self) -> None:
        if self.conn is None or self.conn.close_code is not None:
            self.open()

    def next_message(self, timeout: float = WAIT) -> dict[str, Any]:
        assert self.conn is not None
        while True:
            message = json.loads(self.conn.recv(timeout=timeout))
            if message.get("type") == "ping" and set(message) == {"type"}:
                self.conn.send('{"type":"pong"}')
                continue
            return message

    def replies(self) -> list[dict[str, Any]]:
        """What the server answered to everything sent so far: sends a marker (a vote no
        socket may store, so every kind answers it with an error naming its id) and a
        ping, and collects the replies before the marker's error; then waits for the pong.
        Replies come in order, so nothing sent before the marker can answer after it."""
        assert self.conn is not None
        marker = str(uuid.uuid4())
        self.conn.send(json.dumps({"type": "vote", "id": marker, "activity": -1, "option": 0}))
        self.conn.send('{"type":"ping"}')
        got = []
        while True:
            message = self.next_message()
            if message.get("type") in ("state", "activity", "welcome", "table", *CONSOLE_FRAMES):
                continue
            if message.get("type") == "error" and message.get("id") == marker:
                break
            got.append(message)
        while (message := self.next_message())["type"] != "pong":
            assert message.get("type") in ("state", "activity", "table", *CONSOLE_FRAMES), message
        return got

    def close_code(self) -> int | None:
        return None if self.conn is None else self.conn.close_code

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stack.close()


@dataclass
class Phone:
    code: str
    token: str
    participant_id: int
    line: Line


def join(url: str, code: str, **body: Any) -> Phone:
    with client(url) as http:
        data = ok(http.post(f"/api/sessions/{code}/join", json=body), 201)
    ws = url.replace("http://", "ws://", 1)
    line = Line(f"{ws}/ws/{code}/participant?token={data['token']}", {"Origin": url})
    return Phone(code, data["token"], data["participant_id"], line)


def submit(phone: Phone, frame: dict[str, Any]) -> dict[str, Any]:
    """Send one vote or post on the phone's socket and wait for its ack or error."""
    phone.line.ensure()
    assert phone.line.conn is not None
    phone.line.conn.send(json.dumps(frame))
    while True:
        message = phone.line.next_message()
        if message.get("id") == frame["id"] and message["type"] in ("ack", "error"):
            return message


def vote(phone: Phone, activity: int, option: int, why: str | None = None) -> str:
    frame = {"type": "vote", "id": str(uuid.uuid4()), "activity": activity, "option": option}
    if why is not None:
        frame["why"] = why
    assert submit(phone, frame)["type"] == "ack"
    return frame["id"]


def post(phone: Phone, activity: int, text: str) -> str:
    frame = {"type": "post", "id": str(uuid.uuid4()), "activity": activity, "text": text}
    assert submit(phone, frame)["type"] == "ack"
    return frame["id"]


# --- sessions full of real ids -----------------------------------------------------------


@dataclass
class Built:
    """A session with a plan, its own activities, phones that voted and posted."""

    code: str
    created: dict[str, Any]
    ids: dict[str, list[Any]] = field(default_factory=dict)  # path parameter -> real values
    submissions: list[str] = field(default_factory=list)  # client ids its phones used
    tokens: list[str] = field(default_factory=list)


def activity(http: httpx.Client, code: str, **body: Any) -> int:
    return ok(http.post(f"/api/sessions/{code}/activities", json=body), 201)["id"]


def move(http: httpx.Client, code: str, activity_id: int, state: str) -> None:
    ok(http.post(f"/api/sessions/{code}/activities/{activity_id}/state", json={"state": state}))


def build(url: str, http: httpx.Client, title: str, cofacilitator: str | None = None) -> Built:
    """A session with some of everything; `cofacilitator` also runs it (never give the
    victim's session one: that account could then change it)."""
    body = {"title": title, "tables": 3, "digital_tables": 1, "language": "en"}
    created = ok(http.post("/api/sessions", json=body), 201)
    code = created["code"]
    if cofacilitator is not None:
        added = {"username": cofacilitator, "watch": "digital"}
        ok(http.post(f"/api/sessions/{code}/facilitators", json=added), 201)
    links = {"plenary": "https://meet.example/p", "pattern": "https://meet.example/t-{table}"}
    ok(http.post(f"/api/sessions/{code}/meetings", json=links))
    agendas = ok(http.get("/api/library/agendas"))["agendas"]
    ok(http.post(f"/api/sessions/{code}/agenda", json={"template": agendas[0]["id"]}), 201)
    poll = activity(http, code, kind="poll", prompt="Kaffe?", options=["Ja", "Nei"])
    dilemma = activity(http, code, kind="dilemma", prompt="Svare?", options=["A", "B", "C"])
    reflection = activity(http, code, kind="reflection", prompt="Hva lærte du?")
    phones = [join(url, code, name=f"P{n}", table=n) for n in (1, 2, 3)]
    built = Built(code, created)
    move(http, code, poll, "open")
    built.submissions += [vote(p, poll, n % 2) for n, p in enumerate(phones)]
    move(http, code, dilemma, "open")
    whys = [vote(p, dilemma, 2, why="Fordi") for p in phones]
    built.submissions += whys
    move(http, code, reflection, "open")
    built.submissions += [post(p, reflection, f"Tekst {n}") for n, p in enumerate(phones)]
    move(http, code, poll, "revealed")
    for phone in phones:
        phone.line.close()
    built.tokens = [p.token for p in phones]
    stations = {"stations": [{"name": "Helse"}, {"name": "Skole"}]}  # a rotation (stations)
    rotation = ok(http.post(f"/api/sessions/{code}/stations", json=stations), 201)["id"]
    state = ok(http.get(f"/api/sessions/{code}"))
    posts = ok(http.get(f"/api/sessions/{code}/results"))["activities"]
    post_ids = [p["id"] for a in posts for p in a.get("posts") or []]
    ok(http.post(f"/api/sessions/{code}/posts/{post_ids[0]}/hidden", json={"hidden": True}))
    quotes = f"/api/sessions/{code}/activities/{dilemma}/quotes"
    ok(http.post(quotes, json={"why": whys[0]}), 201)
    asked = {"prompt": "Ny?", "options": ["Ja", "Nei"]}  # a join question (seating)
    question = ok(http.post(f"/api/sessions/{code}/join-questions", json=asked), 201)["id"]
    built.ids = {
        # Not the rotation: fuzzing DELETE …/activities/{id} would take it from the
        # stations routes, whose fuzzing needs one to get past the lookup.
        "activity_id": [a["id"] for a in state["activities"] if a["id"] != rotation],
        "segment_id": [s["id"] for s in state["segments"]],
        "case_id": [int(c) for c in state["cases"]],
        "post_id": post_ids,
        "participant_id": [p.participant_id for p in phones],
        "question_id": [question],
        "rotation_id": [rotation],
        "why": whys,
        "day": [1, 2],
        "username": [cofacilitator or "victor", "victor"],
        "table": [1, 4],
    }
    return built


def without_now(value: Any) -> Any:
    """A snapshot without the server's clock: `now` changes on every read."""
    if isinstance(value, dict):
        return {k: without_now(v) for k, v in value.items() if k != "now"}
    if isinstance(value, list):
        return [without_now(v) for v in value]
    return value


def snapshot(http: httpx.Client, code: str) -> Any:
    """Everything its owner can read about a session: console state, results, plan file."""
    return without_now(
        [
            ok(http.get(f"/api/sessions/{code}")),
            ok(http.get(f"/api/sessions/{code}/results")),
            http.get(f"/api/sessions/{code}/plan").text,
        ]
    )


def library_ids(http: httpx.Client) -> list[str]:
    """A few case ids and every agenda template's id of the library."""
    cases = [c["id"] for c in ok(http.get("/api/library/cases"))["cases"]][:5]
    return cases + [a["id"] for a in ok(http.get("/api/library/agendas"))["agendas"]]


def screen_line(url: str, created: dict[str, Any]) -> Line:
    return Line(screen_socket_url(created), {"Origin": url})


def console_line(url: str, http: httpx.Client, code: str) -> Line:
    ws = url.replace("http://", "ws://", 1)
    return Line(f"{ws}/ws/{code}/console", {"Origin": url, "Cookie": cookie_header(http)})


def is_closed(error: BaseException) -> bool:
    return isinstance(error, ConnectionClosed)
