"""The PostgreSQL and Redis the tests use: given, found on the usual local ports, or started.

In order: the URL in `WORKSHOP_TEST_PG` / `WORKSHOP_TEST_REDIS`; a server answering on
127.0.0.1:5432 (database `test`, trust auth) / 127.0.0.1:6379; otherwise a throwaway server
from Debian's packages (`make test` installs them when neither answers) in a temporary
folder, on a free port, stopped when the tests end. Each test gets a schema of its own in
PostgreSQL (`schema_url`) and a key prefix of its own in Redis (`Broadcast` channels are
named after the prefix), so tests never see each other's data.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/test"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the `postgres` account."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian: postgresql)")
    return path


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="workshop-pg-"))
    data = folder / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    subprocess.run(
        _as_postgres([_postgres_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=on"
    subprocess.run(
        _as_postgres(
            [
                _postgres_bin("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            _as_postgres(
                [
                    _postgres_bin("createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "test",
                ]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/test"
    finally:
        subprocess.run(
            _as_postgres([_postgres_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def start_redis(folder: Path, port: int, timeout: float = 10.0) -> subprocess.Popen[str]:
    """A redis-server on `port`, keeping nothing on disk, returned once it says it is ready
    (its own log line, read as it comes: no polling)."""
    path = shutil.which("redis-server")
    if path is None:
        raise RuntimeError("redis-server is not installed (Debian: redis-server)")
    process = subprocess.Popen(
        [
            path,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if "Ready to accept connections" in line:
                ready.set()
        ready.set()  # it stopped: the check below tells

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(timeout) or process.poll() is not None:
        process.kill()
        raise RuntimeError(f"redis-server did not start on port {port}")
    return process


@contextmanager
def throwaway_redis() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="workshop-redis-"))
    port = free_port()
    process = start_redis(folder, port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres() -> Iterator[str]:
    """A PostgreSQL URL for the whole test run."""
    given = os.environ.get("WORKSHOP_TEST_PG")
    if given:
        yield given
    elif answers("127.0.0.1", 5432):
        yield LOCAL_PG
    else:
        with throwaway_postgres() as url:
            yield url


@contextmanager
def redis() -> Iterator[str]:
    """A Redis URL for the whole test run."""
    given = os.environ.get("WORKSHOP_TEST_REDIS")
    if given:
        yield given
    elif answers("127.0.0.1", 6379):
        yield LOCAL_REDIS
    else:
        with throwaway_redis() as url:
            yield url


_schemas: set[str] = set()  # made by this run: dropped when it ends (`drop_schemas`)


def schema_url(base: str, schema: str | None = None) -> str:
    """`base` with a schema of its own (created on first connect by the store)."""
    schema = schema or f"t_{uuid.uuid4().hex[:16]}"
    _schemas.add(schema)
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"


def drop_schemas(base: str) -> None:
    """Drop the schemas this run's tests made, so a shared server keeps no test data."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as db:
        for schema in sorted(_schemas):
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    _schemas.clear()
