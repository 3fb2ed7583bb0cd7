"""The practical floor: the smallest `websockets` server that speaks the phones' frames.

Any path but /control is a phone: it gets a tiny `welcome`, a `pong` for each `ping`, nothing
for a `pong`, and an `{"type":"ack","id":…}` for every other frame, with no storage and no
logic. Like the workshop, it pings every phone about every 25 s with a JSON `ping`, a 25th of
them each second, and sends no protocol pings. A frame on /control (`{"message": {...}}`) is
broadcast to every phone, the way the workshop fans out a newly opened activity. Library
defaults otherwise (permessage-deflate), like the server it is a floor for;
`--compression none` when that server turned deflate off (`bench.run` matches whatever the
workshop negotiated).

    python -m bench.baseline --port 0     # prints "baseline running at ws://127.0.0.1:PORT"
"""

from __future__ import annotations

import argparse
import asyncio
import json

from websockets.asyncio.server import ServerConnection, broadcast, serve

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


async def main(host: str, port: int, compression: str | None) -> None:
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


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    cli.add_argument("--port", type=int, default=0)
    cli.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    args = cli.parse_args()
    asyncio.run(main(args.host, args.port, None if args.compression == "none" else "deflate"))
