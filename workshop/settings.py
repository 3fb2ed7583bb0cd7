"""Settings, read once from the command line and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workshop.resources import CASES, STATIC, TEMPLATES


@dataclass(frozen=True)
class Settings:
    db_url: str = "sqlite:///workshop.db"
    # The address phones use, when it differs from what the facilitator's browser sees
    # (a reverse proxy, or a laptop serving on its LAN address). Empty: taken from the request.
    public_url: str = ""
    # The login cookie is `__Host-` and `Secure` even when a request came over plain HTTP.
    https_only_cookies: bool = False
    # Wrong passwords before each further login try must wait (1, 2, 4 … s, at most 15 min),
    # per account and per client address.
    login_failures: int = 5
    login_address_failures: int = 30
    templates_dir: Path = TEMPLATES
    static_dir: Path = STATIC
    # The case library: cases, agenda templates, glossary (docs/cases.md).
    cases_dir: Path = CASES
    # How often screens and consoles may get a fresh snapshot, at most.
    tick_seconds: float = 0.1
    max_body_bytes: int = 64 * 1024
    # A connection that sends nothing this long is closed (the server pings every 25 s).
    quiet_seconds: float = 75.0
    # Wrong join codes a client address may try a minute (never successful joins).
    failed_guesses_per_minute: int = 60
    # The address the server was started on (`--host`): its Host is accepted (web/origin.py).
    bind_host: str = "127.0.0.1"
    # More hosts to accept besides loopback, `bind_host` and `public_url`'s (`--allowed-host`).
    allowed_hosts: tuple[str, ...] = ()
    # More origins whose pages may call the API and open sockets (`--allowed-origin`).
    allowed_origins: tuple[str, ...] = ()
    # Proxies whose X-Forwarded-For / -Proto are believed (`--forwarded-allow-ips`).
    forwarded_allow_ips: str = "127.0.0.1"
    # Per-table figures are left out of the screen and phones below this many answers.
    min_group: int = 3
    # Open sockets one participant may hold; a newer one closes the oldest.
    sockets_per_participant: int = 3
    # Submissions one participant may send: a token bucket of `submit_burst`, refilled at
    # `submit_rate` a second.
    submit_rate: float = 5.0
    submit_burst: int = 30
    # Socket connections one seat may open: `connect_burst` at once, then one every
    # 1 / `connect_rate` seconds. A real phone reconnects a few times an hour; a script that
    # reconnects at once after every close costs a welcome (its answers) each time.
    connect_rate: float = 0.2
    connect_burst: int = 10
    # Participants' texts (posts, whys, evaluation free texts) and names are deleted this
    # many days after a session closed; the numbers stay. None: kept until the session is.
    retention_days: float | None = None
    retention_every: float = 3600.0  # how often the server looks for such sessions
    # Several processes: a redis:// URL they all share (`--broadcast`), and the name of this
    # deployment's pub/sub channel, `workshop:<prefix>`. Empty: one process.
    broadcast_url: str = ""
    broadcast_prefix: str = "default"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "db_url": env.get("WORKSHOP_DB", cls.db_url),
            "public_url": env.get("WORKSHOP_PUBLIC_URL", ""),
            "https_only_cookies": env.get("WORKSHOP_HTTPS_ONLY", "") in ("1", "true", "yes"),
            "login_failures": int(env.get("WORKSHOP_LOGIN_FAILURES", "5")),
            "login_address_failures": int(env.get("WORKSHOP_LOGIN_ADDRESS_FAILURES", "30")),
            "quiet_seconds": float(env.get("WORKSHOP_QUIET_SECONDS", "75")),
            "cases_dir": Path(env.get("WORKSHOP_CASES", str(cls.cases_dir))),
            "failed_guesses_per_minute": int(env.get("WORKSHOP_FAILED_GUESSES", "60")),
            "allowed_hosts": _listed(env.get("WORKSHOP_ALLOWED_HOSTS", "")),
            "allowed_origins": _listed(env.get("WORKSHOP_ALLOWED_ORIGINS", "")),
            "forwarded_allow_ips": env.get("WORKSHOP_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "min_group": int(env.get("WORKSHOP_MIN_GROUP", "3")),
            "submit_rate": float(env.get("WORKSHOP_SUBMIT_RATE", "5")),
            "submit_burst": int(env.get("WORKSHOP_SUBMIT_BURST", "30")),
            "connect_rate": float(env.get("WORKSHOP_CONNECT_RATE", "0.2")),
            "connect_burst": int(env.get("WORKSHOP_CONNECT_BURST", "10")),
            "retention_days": _days(env.get("WORKSHOP_RETENTION_DAYS", "")),
            "broadcast_url": env.get("WORKSHOP_BROADCAST", ""),
            "broadcast_prefix": env.get("WORKSHOP_BROADCAST_PREFIX", "default"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        db = str(values["db_url"])
        if "://" not in db:
            values["db_url"] = f"sqlite:///{db}"
        return cls(**values)  # type: ignore[arg-type]


def _days(value: str) -> float | None:
    """WORKSHOP_RETENTION_DAYS: a number of days (0 and up), or empty for none."""
    if not value.strip():
        return None
    days = float(value)
    if days < 0:
        raise ValueError("WORKSHOP_RETENTION_DAYS must be 0 or more")
    return days


def _listed(value: str) -> tuple[str, ...]:
    """A comma-separated environment value as a tuple, blanks dropped."""
    return tuple(part.strip() for part in value.split(",") if part.strip())
