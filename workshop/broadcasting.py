"""Which `Broadcast` a server uses: `--broadcast` / WORKSHOP_BROADCAST (docs/deploying.md)."""

from __future__ import annotations

from workshop.hub import Broadcast, Hubs, LocalBroadcast

SCHEMES = ("redis", "rediss")


class BroadcastUrlError(ValueError):
    """A `--broadcast` URL this server cannot use."""


def check_url(url: str) -> None:
    """Raise `BroadcastUrlError` unless `url` is empty (one process) or redis:// / rediss://."""
    if not url:
        return
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme not in SCHEMES:
        raise BroadcastUrlError(
            f"--broadcast {url!r}: only redis://host:port/db (or rediss:// for TLS) is "
            "supported; leave it out for a single process"
        )


def open_broadcast(url: str, hubs: Hubs, prefix: str = "default") -> Broadcast:
    """`LocalBroadcast` for an empty `url`, else a `RedisBroadcast`, which has a connection
    of its own: the app calls its `start()` and `stop()` in its lifespan."""
    check_url(url)
    if not url:
        return LocalBroadcast(hubs)
    try:
        from workshop.broadcast_redis import RedisBroadcast
    except ImportError as missing:
        raise BroadcastUrlError(str(missing)) from missing
    return RedisBroadcast(hubs, url, prefix)
