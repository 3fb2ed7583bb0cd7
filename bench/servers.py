"""Starting the server under test and the baseline as child processes, pinned to a core."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from bench.procstat import pin

START_TIMEOUT = 30.0
# The issue 3 scenarios (`bench.run`) measure the server's own limits: phones voting in a
# closed loop send hundreds of votes a second each, far past the per-participant rate limit
# (a token bucket, 30 and 5 a second by default) that a real phone never meets. Their server
# runs with the bucket out of the way; `bench.abuse` keeps the defaults it tests.
UNLIMITED_SUBMITS = {"WORKSHOP_SUBMIT_RATE": "1000000", "WORKSHOP_SUBMIT_BURST": "1000000"}


class Child:
    """A child process whose output is drained (kept: the last 200 lines) by a thread."""

    def __init__(self, argv: list[str], cores: set[int] | None, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **env},
        )
        self.cores = cores
        if cores:
            pin(self.process.pid, cores)  # before it starts any thread: they inherit it
        self.tail: deque[str] = deque(maxlen=200)
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.tail.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, marker: str) -> str:
        """The first output line containing `marker`."""
        while True:
            try:
                line = self._lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                raise RuntimeError(f"no {marker!r} within {START_TIMEOUT} s") from None
            if line is None:
                raise RuntimeError("exited early:\n" + "".join(self.tail))
            if marker in line:
                return line.strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=START_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=START_TIMEOUT)


def add_facilitator(db: Path, name: str, password: str) -> None:
    secret = db.parent / f"{name}.password"
    secret.write_text(password)
    argv = [sys.executable, "-m", "workshop", "facilitator", "add", name]
    subprocess.run(
        [*argv, "--password-file", str(secret), "--db", str(db)],
        check=True,
        capture_output=True,
        timeout=120,
    )


def start_workshop(
    db: Path, cores: set[int] | None, env: dict[str, str] | None = None
) -> tuple[Child, str]:
    """`python -m workshop serve --port 0 --db DB` on loopback; the child and its URL."""
    argv = [sys.executable, "-m", "workshop", "serve", "--host", "127.0.0.1"]
    child = Child([*argv, "--port", "0", "--db", str(db)], cores, env or {})
    url = child.wait_for("running at").rsplit(" ", 1)[1]
    child.wait_for("Phones cannot reach")  # the last line before it serves
    if cores:
        pin(child.pid, cores)
    return child, url


def start_baseline(
    cores: set[int] | None, deflate: bool, durable: Path | None = None
) -> tuple[Child, str]:
    """`bench.baseline`; with `durable`, the floor that commits each vote there first."""
    argv = [sys.executable, "-m", "bench.baseline", "--port", "0"]
    argv += ["--durable", str(durable)] if durable else []
    child = Child([*argv, "--compression", "deflate" if deflate else "none"], cores, {})
    url = child.wait_for("baseline running at").rsplit(" ", 1)[1]
    if cores:
        pin(child.pid, cores)
    return child, url
