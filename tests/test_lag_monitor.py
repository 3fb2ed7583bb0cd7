"""The benchmarks' lag monitor (workshop/lag.py): with WORKSHOP_LAG_LOG set, the server
writes its event loop's lag and every write's wait for the writer, a line a second and a
last one when it stops."""

from __future__ import annotations

import json
from pathlib import Path

from tests.live import Phone, Server, login, new_session


async def test_the_server_logs_loop_lag_and_writer_waits(fresh_db: Path, tmp_path: Path):
    log = tmp_path / "lag.jsonl"
    server = Server(fresh_db, env={"WORKSHOP_LAG_LOG": str(log)}).start()
    try:
        anna = await login(server, "anna")
        code = (await new_session(anna))["code"]
        for _ in range(3):
            await Phone.join(server, code)
        await anna.aclose()
    finally:
        server.stop()  # the monitor writes its last line as the server stops
    lines = [json.loads(text) for text in log.read_text().splitlines()]
    waits = [w for line in lines for w in line["wait_ms"]]
    assert len(waits) >= 4  # the session and the three joins, at least
    assert sum(n for line in lines for n in line["batch_ops"]) == len(waits)
    assert len([b for line in lines for b in line["batch_ms"]]) >= 1
    assert all(v >= 0 for line in lines for v in (*line["loop_ms"], *waits))
    assert [line["t"] for line in lines] == sorted(line["t"] for line in lines)
