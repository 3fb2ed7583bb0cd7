"""Connecting to PostgreSQL, and the numbered migrations applied there."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import psycopg

from workshop.store.migrate import available
from workshop.store.postgres.connection import (
    WRITE_LOCK,
    Reader,
    Writer,
    configure,
    row_factory,
)
from workshop.store.postgres.dialect import translate_schema

# SQLite's NOCASE: equal whatever the case (ICU's secondary strength), for user names.
NOCASE = (
    "CREATE COLLATION IF NOT EXISTS nocase"
    " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
)


def _connect(url: str) -> psycopg.Connection[Any]:
    db = psycopg.connect(url, autocommit=True, row_factory=row_factory)
    configure(db)
    return db


def _own_schema(db: psycopg.Connection[Any]) -> None:
    """A URL may name a schema (`?options=-csearch_path=name`); made if it is not there."""
    if db.execute("SELECT current_schema()").fetchone()[0] is not None:
        return
    first = db.execute("SHOW search_path").fetchone()[0].split(",")[0].strip().strip('"')
    db.execute(
        psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(psycopg.sql.Identifier(first))
    )


def migrate(db: psycopg.Connection[Any]) -> int:
    """Bring the schema up to date; returns its version. Each step is one transaction, under
    the writers' lock, so processes starting together migrate once."""
    _own_schema(db)
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        db.execute(NOCASE)
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version BIGINT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)"
        )
    version = 0
    for number, sql in available():
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            done = db.execute(
                "SELECT 1 FROM schema_migrations WHERE version = %s", (number,)
            ).fetchone()
            if done is None:
                db.execute(translate_schema(sql))
                db.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (%s, %s)",
                    (number, time.time()),
                )
        version = number
    return version


def _id_tables(db: psycopg.Connection[Any]) -> set[str]:
    rows = db.execute(
        "SELECT table_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND column_name = 'id'"
    ).fetchall()
    return {row[0] for row in rows}


def connect_writer(url: str) -> Writer:
    """The writer's connection, made and used only on the writer's thread."""
    db = _connect(url)
    try:
        migrate(db)
        return Writer(db, _id_tables(db), partial(_connect, url))
    except BaseException:
        db.close()
        raise


async def _connect_async(url: str) -> psycopg.AsyncConnection[Any]:
    db = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=row_factory)
    configure(db)
    return db


async def connect_reader(url: str) -> Reader:
    return Reader(await _connect_async(url), partial(_connect_async, url))
