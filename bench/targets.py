"""What the scenarios drive, behind one interface: the workshop server (HTTP joins, a
facilitator who opens activities, a screen and a console) or the baseline (phones connect
straight to their socket, a control socket triggers the fan-out, nothing is stored)."""

from __future__ import annotations

import json
import time
from typing import Any, Protocol

import httpx

from bench.fleet import split
from bench.phones import Watcher, open_socket

PROMPT = "Skal kommunen innføre innbyggerbudsjett for ungdom i neste periode?"


def activity_body(kind: str, options: int, n: int) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "prompt": f"{PROMPT} ({n})", "title": f"Runde {n}"}
    if kind in ("poll", "dilemma"):
        body["options"] = [f"Alternativ {chr(65 + i)}" for i in range(options)]
    return body


class Target(Protocol):
    name: str
    url: str

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def new_session(self, title: str, tables: int) -> dict[str, Any]: ...
    async def watchers(self, room: dict[str, Any], compression: str | None) -> list[Watcher]: ...
    def connect_args(
        self, plan: list[tuple[str, int]], workers: int
    ) -> tuple[str, list[dict[str, Any]]]: ...
    async def add_activity(self, code: str, kind: str, options: int) -> int: ...
    async def open_activity(self, code: str, activity: int) -> float: ...
    async def results(self, code: str) -> dict[int, dict[str, Any]] | None: ...


class WorkshopTarget:
    """A running `workshop serve`, driven by a logged-in facilitator."""

    name = "workshop"

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.username = username
        self.password = password
        self.http: httpx.AsyncClient | None = None
        self._made = 0

    async def open(self) -> None:
        self.http = httpx.AsyncClient(base_url=self.url, timeout=60)
        body = {"username": self.username, "password": self.password}
        response = await self.http.post("/api/login", json=body)
        if response.status_code != 204:
            raise RuntimeError(f"login failed: {response.status_code} {response.text}")

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        assert self.http is not None
        response = await self.http.request(method, path, **kwargs)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    async def new_session(self, title: str, tables: int, **more: Any) -> dict[str, Any]:
        """`more`: other fields of `POST /api/sessions` (`max_participants`), when given."""
        body = {"title": title, "tables": tables, **{k: v for k, v in more.items() if v}}
        return await self._call("POST", "/api/sessions", json=body)

    async def watchers(self, room: dict[str, Any], compression: str | None) -> list[Watcher]:
        """The plenary screen and the facilitator's console, connected."""
        assert self.http is not None
        code = room["code"]
        screen = room["screen_url"].replace("http://", "ws://", 1)
        screen = screen.replace(f"/screen/{code}", f"/ws/{code}/screen", 1)
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        console = self.url.replace("http://", "ws://", 1) + f"/ws/{code}/console"
        made = [Watcher(screen), Watcher(console, {"Cookie": cookie})]
        for watcher in made:
            await watcher.connect(compression, 30)
        return made

    def connect_args(
        self, plan: list[tuple[str, int]], workers: int
    ) -> tuple[str, list[dict[str, Any]]]:
        """Each session's phones split over the workers, joined over HTTP."""
        shares: list[list[tuple[str, int]]] = [[] for _ in range(workers)]
        for code, count in plan:
            for index, share in enumerate(split(count, workers)):
                if share:
                    shares[index].append((code, share))
        return "join", [{"base_url": self.url, "plan": share} for share in shares]

    async def add_activity(self, code: str, kind: str, options: int) -> int:
        self._made += 1
        body = activity_body(kind, options, self._made)
        return (await self._call("POST", f"/api/sessions/{code}/activities", json=body))["id"]

    async def open_activity(self, code: str, activity: int) -> float:
        """Open it; the moment just before the request went out."""
        began = time.monotonic()
        path = f"/api/sessions/{code}/activities/{activity}/state"
        await self._call("POST", path, json={"state": "open"})
        return began

    async def results(self, code: str) -> dict[int, dict[str, Any]] | None:
        body = await self._call("GET", f"/api/sessions/{code}/results")
        return {a["id"]: a for a in body["activities"]}


class BaselineTarget:
    """`bench.baseline`: no joins, no storage; a control socket triggers the fan-out."""

    name = "baseline"

    def __init__(self, url: str, compression: str | None) -> None:
        self.url = url
        self.compression = compression
        self._control: Any = None
        self._made = 0

    async def open(self) -> None:
        self._control = await open_socket(f"{self.url}/control", self.compression)

    async def close(self) -> None:
        if self._control is not None:
            await self._control.close()

    async def new_session(self, title: str, tables: int) -> dict[str, Any]:
        return {"code": "BASE"}

    async def watchers(self, room: dict[str, Any], compression: str | None) -> list[Watcher]:
        return []

    def connect_args(
        self, plan: list[tuple[str, int]], workers: int
    ) -> tuple[str, list[dict[str, Any]]]:
        total = sum(count for _, count in plan)
        args, first = [], 0
        for share in split(total, workers):
            args.append({"ws_base": self.url, "count": share, "first_key": first})
            first += share
        return "connect", args

    async def add_activity(self, code: str, kind: str, options: int) -> int:
        self._made += 1
        return self._made

    async def open_activity(self, code: str, activity: int) -> float:
        """Broadcast the same shape of `activity` message the workshop sends."""
        body = activity_body("poll", 4, activity)
        message = {
            "type": "activity",
            "version": activity,
            "activity": {
                "id": activity,
                "kind": body["kind"],
                "title": body["title"],
                "prompt": body["prompt"],
                "options": body["options"],
                "allow_why": True,
                "state": "open",
            },
        }
        began = time.monotonic()
        await self._control.send(json.dumps({"message": message}))
        await self._control.recv()
        return began

    async def results(self, code: str) -> dict[int, dict[str, Any]] | None:
        return None
