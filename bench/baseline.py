"""The practical floor: the smallest `websockets` server that speaks the phones' frames.

Any path but /control is a phone: it gets a tiny `welcome`, a `pong` for each `ping`, nothing
for a `pong`, and an `{"type":"ack","id":…}` for every other frame, with no storage and no
logic. Like the workshop, it pings every phone about every 25 s with a JSON `ping`, a 25th of
them each second, and sends no protocol pings. A frame on /control (`{"message": {...}}`) is
broadcast to every phone, the way the workshop fans out a newly opened activity. Library
defaults otherwise (permessage-deflate), like the server it is a floor for;
`--compression none` when that server turned deflate off (`bench.run` matches whatever the
workshop negotiated).

`--durable FILE` (issue 19) makes it the durable floor: each frame other than a ping is
first inserted into a SQLite file with the workshop's pragmas (`PRAGMAS`: WAL, synchronous
FULL) through the workshop's group commit (`GroupCommit`, one transaction and fsync per
batch), and acked only after its batch has committed, as the workshop acks a vote.

    python -m bench.baseline --port 0     # prints "baseline running at ws://127.0.0.1:PORT"
    python -m bench.baseline --port 0 --durable /tmp/floor.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve

from workshop.store.group import GroupCommit
from workshop.store.sqlite.rows import PRAGMAS

WELCOME = '{"type":"welcome"}'
PING = '{"type":"ping"}'
PONG = '{"type":"pong"}'
SLOTS = 25
HEARTBEAT_SECONDS = 25.0


async def heartbeat(slots: list[set[ServerConnection]]) -> None:
    turn = 0
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS / SLOTS)
        broadcast(slots[turn], PING)
        turn = (turn + 1) % SLOTS


def connect_durable(path: str) -> sqlite3.Connection:
    """The floor's writer connection: the workshop's pragmas, one table of votes."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in PRAGMAS:
        db.execute(pragma)
    db.execute(
        "CREATE TABLE IF NOT EXISTS votes (id TEXT PRIMARY KEY, phone INTEGER NOT NULL,"
        " body TEXT NOT NULL, created_at REAL NOT NULL)"
    )
    return db


async def durable_store(path: str) -> tuple[GroupCommit, Callable[[int, str], Awaitable[Any]]]:
    """The group commit on `path`, and `store(phone, frame)`: resolves once committed."""
    group = await GroupCommit.start(lambda: connect_durable(path), (sqlite3.IntegrityError,))

    async def store(phone: int, text: str) -> Any:
        message = json.loads(text)

        def op(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT OR IGNORE INTO votes (id, phone, body, created_at) VALUES (?, ?, ?, ?)",
                (str(message.get("id")), phone, text, time.time()),
            )

        return await group.run(op)

    return group, store


async def main(host: str, port: int, compression: str | None, durable: str | None) -> None:
    group, store = await durable_store(durable) if durable else (None, None)
    phones: set[ServerConnection] = set()
    slots: list[set[ServerConnection]] = [set() for _ in range(SLOTS)]
    joined = 0

    async def handler(ws: ServerConnection) -> None:
        if ws.request is not None and ws.request.path.startswith("/control"):
            async for text in ws:
                broadcast(phones, json.dumps(json.loads(text)["message"]))
                await ws.send('{"type":"sent"}')
            return
        nonlocal joined
        slot = slots[joined % SLOTS]
        me = joined
        joined += 1
        phones.add(ws)
        slot.add(ws)
        try:
            await ws.send(WELCOME)
            async for text in ws:
                message = json.loads(text)
                kind = message.get("type")
                if kind == "ping":
                    await ws.send(PONG)
                elif kind != "pong":
                    if store is not None:
                        await store(me, text)  # type: ignore[arg-type]
                    await ws.send(json.dumps({"type": "ack", "id": message.get("id")}))
        finally:
            phones.discard(ws)
            slot.discard(ws)

    async with serve(
        handler,
        host,
        port,
        compression=compression,
        max_size=64 * 1024,
        backlog=2048,
        ping_interval=None,
    ) as server:
        beats = asyncio.create_task(heartbeat(slots))
        bound = next(iter(server.sockets)).getsockname()[1]
        print(f"baseline running at ws://{host}:{bound}", flush=True)
        try:
            await server.serve_forever()
        finally:
            beats.cancel()
            if group is not None:
                await group.close()


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    cli.add_argument("--port", type=int, default=0)
    cli.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    cli.add_argument("--durable", metavar="FILE", help="commit each frame to SQLite first")
    args = cli.parse_args()
    compression = None if args.compression == "none" else "deflate"
    asyncio.run(main(args.host, args.port, compression, args.durable))
