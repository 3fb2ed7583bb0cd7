"""The practical floor: the smallest `websockets` server that speaks the phones' frames.

Any path but /control is a phone: it gets a tiny `welcome`, a `pong` for each `ping` and an
`{"type":"ack","id":…}` for every other frame, with no storage and no logic. A frame on
/control (`{"message": {...}}`) is broadcast to every phone, the way the workshop fans out a
newly opened activity. Library defaults otherwise (permessage-deflate, pings every 20 s),
like the server it is a floor for; `--compression none` when that server turned deflate off
(`bench.run` matches whatever the workshop negotiated).

    python -m bench.baseline --port 0     # prints "baseline running at ws://127.0.0.1:PORT"
"""

from __future__ import annotations

import argparse
import asyncio
import json

from websockets.asyncio.server import ServerConnection, broadcast, serve

WELCOME = '{"type":"welcome"}'
PONG = '{"type":"pong"}'


async def main(host: str, port: int, compression: str | None) -> None:
    phones: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        if ws.request is not None and ws.request.path.startswith("/control"):
            async for text in ws:
                broadcast(phones, json.dumps(json.loads(text)["message"]))
                await ws.send('{"type":"sent"}')
            return
        phones.add(ws)
        try:
            await ws.send(WELCOME)
            async for text in ws:
                message = json.loads(text)
                if message.get("type") == "ping":
                    await ws.send(PONG)
                else:
                    await ws.send(json.dumps({"type": "ack", "id": message.get("id")}))
        finally:
            phones.discard(ws)

    async with serve(
        handler, host, port, compression=compression, max_size=64 * 1024, backlog=2048
    ) as server:
        bound = next(iter(server.sockets)).getsockname()[1]
        print(f"baseline running at ws://{host}:{bound}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    cli.add_argument("--port", type=int, default=0)
    cli.add_argument("--compression", choices=["deflate", "none"], default="deflate")
    args = cli.parse_args()
    asyncio.run(main(args.host, args.port, None if args.compression == "none" else "deflate"))
