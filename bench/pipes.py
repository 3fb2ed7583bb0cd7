"""Waiting on a multiprocessing pipe from an asyncio loop without blocking it."""

from __future__ import annotations

import asyncio
from multiprocessing.connection import Connection
from typing import Any


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


async def receive(conn: Connection, timeout: float) -> Any:
    """The next object on `conn`, waiting at most `timeout` seconds for it to start."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not conn.poll():
        ready: asyncio.Future[None] = loop.create_future()
        loop.add_reader(conn.fileno(), _wake, ready)
        try:
            await asyncio.wait_for(ready, max(0.0, deadline - loop.time()))
        finally:
            loop.remove_reader(conn.fileno())
    return conn.recv()
