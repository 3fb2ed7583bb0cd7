"""Numbered migrations: `migrations/NNNN_name.sql`, each applied once, in order."""

from __future__ import annotations

import sqlite3
import time
from importlib import resources


def available() -> list[tuple[int, str]]:
    """(number, sql) of every migration shipped with the package, in order."""
    folder = resources.files("workshop.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns its version. Each step is one transaction."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations"
        " (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)"
    )
    rows = db.execute("SELECT version FROM schema_migrations").fetchall()
    done = {row[0] for row in rows}
    version = max(done, default=0)
    for number, sql in available():
        if number in done:
            continue
        # executescript commits whatever is open first, so the whole step sits in one script.
        db.executescript(
            f"BEGIN IMMEDIATE;\n{sql}\n"
            "INSERT INTO schema_migrations (version, applied_at)"
            f" VALUES ({number}, {time.time()});\nCOMMIT;"
        )
        version = number
    return version
