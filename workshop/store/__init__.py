"""Storage behind one protocol; the backend is chosen by the database URL."""

from __future__ import annotations

from workshop.store.base import IdTaken, Room, Store


def open_store(url: str) -> Store:
    """A store for `url` (`sqlite:///path`); drivers are imported only when used."""
    scheme, _, rest = url.partition("://")
    if scheme == "sqlite":
        from workshop.store.sqlite import SQLiteStore

        return SQLiteStore(rest.removeprefix("/") if rest.startswith("//") else rest)
    raise ValueError(f"No store for database URL {url!r} (supported: sqlite:///path)")


__all__ = ["IdTaken", "Room", "Store", "open_store"]
