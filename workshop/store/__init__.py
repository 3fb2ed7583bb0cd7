"""Storage behind one protocol; the backend is chosen by the database URL."""

from __future__ import annotations

from workshop.store.base import IdTaken, Room, Store


def open_store(url: str) -> Store:
    """A store for `url` (`sqlite:///path`, `postgresql://…`); drivers are imported only when
    used."""
    scheme, _, rest = url.partition("://")
    if scheme == "sqlite":
        from workshop.store.sqlite import SQLiteStore

        return SQLiteStore(rest.removeprefix("/") if rest.startswith("//") else rest)
    if scheme in ("postgresql", "postgres"):
        try:
            from workshop.store.postgres import PostgresStore
        except ImportError as error:  # psycopg is the extra [postgres]
            raise ValueError(
                "A PostgreSQL database needs psycopg: pip install 'workshop[postgres]'"
            ) from error
        return PostgresStore(url)
    raise ValueError(
        f"No store for database URL {url!r}"
        " (supported: sqlite:///path, postgresql://user@host/database)"
    )


__all__ = ["IdTaken", "Room", "Store", "open_store"]
