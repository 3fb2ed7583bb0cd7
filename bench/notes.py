"""Table notes typed at many tables at once: keystroke to the table's other phones.

A real server (its default limits: the per-participant submit bucket stays on), `--tables`
tables of `--seated` phones; at each table `--typists` phones type at `--cps` characters a
second for `--seconds`. Each typist does what static/participant-notes.js does: a keystroke
changes its Yjs copy (pycrdt here, binary-compatible), and at most one `note` frame is in
flight, at most one per `--batch` seconds, carrying what was typed since the last one.

The latency of a keystroke is from the moment it was typed to the first `table` frame on each
other phone at the table whose notes contain it (batching included: what a person sees).
Prints a table and writes bench/results/<date>-notes.json.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from pycrdt import Doc, Text
from websockets.asyncio.client import ClientConnection, connect

from bench.run import RESULTS, cores, machine, revision
from bench.servers import add_facilitator, start_workshop

PASSWORD = "bench-password-1"


class Seat:
    def __init__(self, conn: ClientConnection, table: int) -> None:
        self.conn = conn
        self.table = table
        self.frames: list[tuple[float, str]] = []  # (arrival, notes text)
        self.acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.refused = 0
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        try:
            async for raw in self.conn:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "ping":
                    await self.conn.send('{"type":"pong"}')
                elif kind == "table" and message.get("notes"):
                    self.frames.append((time.monotonic(), message["notes"]["text"]))
                elif kind in ("ack", "error"):
                    if kind == "error":
                        self.refused += 1
                    future = self.acks.pop(message.get("id", ""), None)
                    if future is not None and not future.done():
                        future.set_result(message)
        except Exception:
            pass


class Typist:
    def __init__(self, seat: Seat, activity: int, label: str) -> None:
        self.seat = seat
        self.activity = activity
        self.doc: Doc = Doc()
        self.text = self.doc.get("notes", type=Text)
        self.typed = ""  # this typist's own text: contiguous, since it always appends
        self.keys: list[float] = []  # when each character was typed
        self.label = label
        self.sent_state = b""
        self.frames = 0

    async def run(self, cps: float, seconds: float, batch: float) -> None:
        words = f"{self.label} mener skolen og veiene må prioriteres før valget. "
        end = time.monotonic() + seconds
        sender = asyncio.create_task(self.send_loop(batch, end))
        i = 0
        while time.monotonic() < end:
            char = words[i % len(words)]
            i += 1
            self.text += char
            self.typed += char
            self.keys.append(time.monotonic())
            await asyncio.sleep(1 / cps)
        await sender

    async def send_loop(self, batch: float, end: float) -> None:
        while True:
            await asyncio.sleep(batch)
            state = self.doc.get_state()
            if state != self.sent_state:
                update = (
                    self.doc.get_update(self.sent_state)
                    if self.sent_state
                    else self.doc.get_update()
                )
                frame_id = str(uuid.uuid4())
                future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
                self.seat.acks[frame_id] = future
                await self.seat.conn.send(
                    json.dumps(
                        {
                            "type": "note",
                            "id": frame_id,
                            "activity": self.activity,
                            "update": base64.b64encode(update).decode(),
                        }
                    )
                )
                reply = await asyncio.wait_for(future, 30)
                self.frames += 1
                if reply["type"] == "ack":
                    self.sent_state = state
            elif time.monotonic() > end:
                return


def latencies(typist: Typist, receivers: list[Seat]) -> list[float]:
    """Per keystroke and other phone: typed -> first frame there containing it."""
    out = []
    for seat in receivers:
        at = 0
        for k, typed_at in enumerate(typist.keys, start=1):
            prefix = typist.typed[:k]
            while at < len(seat.frames) and prefix not in seat.frames[at][1]:
                at += 1
            if at == len(seat.frames):
                break  # never seen (the run ended first)
            out.append(seat.frames[at][0] - typed_at)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def bench(url: str, args: argparse.Namespace) -> dict[str, Any]:
    ws = url.replace("http://", "ws://", 1)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        login = await client.post("/api/login", json={"username": "bench", "password": PASSWORD})
        login.raise_for_status()
        created = await client.post(
            "/api/sessions", json={"title": "Notater", "tables": args.tables}
        )
        created.raise_for_status()
        code = created.json()["code"]
        response = await client.post(
            f"/api/sessions/{code}/activities",
            json={"kind": "reflection", "prompt": "Hva er viktigst?"},
        )
        response.raise_for_status()
        activity = response.json()["id"]
        await client.post(
            f"/api/sessions/{code}/activities/{activity}/state", json={"state": "open"}
        )
        seats: dict[int, list[Seat]] = {}
        for table in range(1, args.tables + 1):
            for n in range(args.seated):
                joined = await client.post(
                    f"/api/sessions/{code}/join", json={"name": f"D{table}-{n}", "table": table}
                )
                joined.raise_for_status()
                conn = await connect(
                    f"{ws}/ws/{code}/participant?token={joined.json()['token']}",
                    compression=None,
                    ping_interval=None,
                )
                seats.setdefault(table, []).append(Seat(conn, table))
    await asyncio.sleep(1)  # every phone has its first table frame
    typists = [
        Typist(seats[t][i], activity, f"T{t}P{i}") for t in seats for i in range(args.typists)
    ]
    started = time.monotonic()
    await asyncio.gather(*(t.run(args.cps, args.seconds, args.batch) for t in typists))
    await asyncio.sleep(2)  # the last frames arrive
    elapsed = time.monotonic() - started
    values: list[float] = []
    for typist in typists:
        others = [s for s in seats[typist.seat.table] if s is not typist.seat]
        values.extend(latencies(typist, others))
    keys = sum(len(t.keys) for t in typists)
    frames = sum(t.frames for t in typists)
    refused = sum(s.refused for table in seats.values() for s in table)
    for table in seats.values():
        for seat in table:
            await seat.conn.close()
    ms = [v * 1000 for v in values]
    return {
        "tables": args.tables,
        "seated": args.seated,
        "typists_per_table": args.typists,
        "cps": args.cps,
        "seconds": args.seconds,
        "batch": args.batch,
        "keystrokes": keys,
        "note_frames": frames,
        "frames_per_second": frames / elapsed,
        "refused": refused,
        "samples": len(ms),
        "p50_ms": statistics.median(ms),
        "p95_ms": pct(ms, 95),
        "p99_ms": pct(ms, 99),
        "max_ms": max(ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10)
    parser.add_argument("--seated", type=int, default=6)
    parser.add_argument("--typists", type=int, default=2, help="typing at once, per table")
    parser.add_argument("--cps", type=float, default=6.0, help="characters a second each")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--batch", type=float, default=0.25, help="as participant-notes.js")
    args = parser.parse_args()
    server_cores, _ = cores()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        add_facilitator(db, "bench", PASSWORD)
        child, url = start_workshop(db, server_cores)
        try:
            result = asyncio.run(bench(url, args))
        finally:
            child.stop()
    result = {"machine": machine(), "revision": revision(), **result}
    print(
        f"{'keystrokes':>11} {'frames/s':>9} {'refused':>8} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'p99 ms':>8} {'max ms':>8}"
    )
    print(
        f"{result['keystrokes']:>11} {result['frames_per_second']:>9.1f} {result['refused']:>8}"
        f" {result['p50_ms']:>8.0f} {result['p95_ms']:>8.0f} {result['p99_ms']:>8.0f}"
        f" {result['max_ms']:>8.0f}"
    )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H%M%S")
    (RESULTS / f"{stamp}-notes.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
