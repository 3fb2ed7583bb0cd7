"""`workshop serve`, `workshop facilitator add` and `workshop cases check`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import getpass
import ipaddress
import socket
import sys
from pathlib import Path

import uvicorn

from workshop.errors import DomainError
from workshop.settings import Settings


def _bind(host: str, port: int) -> socket.socket:
    """Bind before serving, so the printed address is live (and port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say so; without it
    # Nagle and delayed ACKs hold every keep-alive answer and back-to-back frame ~40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _tune_garbage_collector() -> None:
    """Fewer, larger collections: with thousands of phones connected, the default thresholds
    ran a full collection every few seconds of a vote burst, each stalling every
    acknowledgement for ~100 ms (docs/performance.md). Young objects are still collected
    often; the full sweep over long-lived connections becomes rare."""
    gc.collect()
    gc.freeze()  # what start-up made lives as long as the process: never scan it again
    gc.set_threshold(50_000, 20, 100)


def _lan_address() -> str | None:
    """This machine's address on the local network, or None. The UDP `connect` only picks a
    route (to a TEST-NET address): it sends no packet."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.connect(("192.0.2.1", 9))
        address = udp.getsockname()[0]
        if not ipaddress.ip_address(address).is_loopback:
            return address
    with contextlib.suppress(OSError):
        for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if not ipaddress.ip_address(sockaddr[0]).is_loopback:
                return str(sockaddr[0])
    return None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _qr_url(settings: Settings, host: str, port: int) -> tuple[str | None, str]:
    """The address phones will get in QR codes when none was given, and the line that says
    which one it is and how to change it."""
    if settings.public_url:
        return None, f"The QR codes will point to {settings.public_url} (--public-url)."
    wildcard = host in ("0.0.0.0", "::", "")
    address = _lan_address() if wildcard else host
    if address is None:
        return None, (
            "Could not find this machine's network address, so the QR codes will point to the "
            "address in the facilitator's browser. Start with --public-url "
            f"http://<this machine's address>:{port} to choose it."
        )
    shown = f"[{address}]" if ":" in address else address
    url = f"http://{shown}:{port}"
    return url, (
        f"The QR codes will point to {url}. If phones reach this machine at another address, "
        f"start with --public-url http://<that address>:{port}."
    )


def _listed(option: list[str] | None, env: tuple[str, ...]) -> tuple[str, ...] | None:
    """Repeated options on top of the environment's comma-separated list."""
    if not option:
        return None
    return (*env, *(part.strip() for value in option for part in value.split(",") if part.strip()))


async def _serve(args: argparse.Namespace) -> None:
    from workshop.broadcasting import check_url
    from workshop.web.app import build_app

    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    base = Settings.from_env()
    settings = Settings.from_env(
        db_url=args.db,
        public_url=args.public_url,
        bind_host=args.host,
        allowed_hosts=_listed(args.allowed_host, base.allowed_hosts),
        allowed_origins=_listed(args.allowed_origin, base.allowed_origins),
        forwarded_allow_ips=args.forwarded_allow_ips,
        broadcast_url=args.broadcast,
    )
    check_url(settings.broadcast_url)  # before the store opens: a clear error, and out
    shown = f"[{host}]" if ":" in host else host
    address = settings.public_url or f"http://{shown}:{port}"
    qr_line = None
    if not _is_loopback(host):
        qr_url, qr_line = _qr_url(settings, host, port)
        if qr_url:
            settings = dataclasses.replace(settings, public_url=qr_url)
    app = await build_app(settings)
    print(f"workshop is running at {address}", flush=True)
    token = await app.state.workshop.accounts.setup_token()
    if token:
        print(
            f"No facilitator account yet. Create the first one here: {address}/setup/{token}",
            flush=True,
        )
    if qr_line:
        print(qr_line, flush=True)
    else:
        print(
            "Phones cannot reach this address. For a real room run "
            "`workshop serve --host 0.0.0.0 --public-url http://<this laptop's address>:"
            f"{port}`.",
            flush=True,
        )
    _tune_garbage_collector()
    config = uvicorn.Config(
        app,
        log_level="warning",
        ws_max_size=64 * 1024,
        # Frames are small JSON, and a fan-out sends the same text to every phone:
        # compressing it once per connection costs more CPU than it saves on a LAN.
        ws_per_message_deflate=False,
        ws=args.ws,
        # No protocol pings, which uvicorn sends one connection at a time: the app's own
        # heartbeat pings slices of connections at once (web/sockets.py, Heartbeat), which
        # the page can see and answer (docs/performance.md).
        ws_ping_interval=None,
        proxy_headers=True,
        # Only these proxies' X-Forwarded-For / -Proto are believed (docs/deploying.md).
        forwarded_allow_ips=settings.forwarded_allow_ips,
        lifespan="on",
    )
    await uvicorn.Server(config).serve(sockets=[sock])


async def _add_facilitator(args: argparse.Namespace) -> int:
    from workshop.accounts import Accounts
    from workshop.store import open_store

    if args.password_file:
        password = Path(args.password_file).read_text("utf-8").rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Same password again: ") != password:
            print("The two passwords are not the same.", file=sys.stderr)
            return 2
    settings = Settings.from_env(db_url=args.db)
    store = open_store(settings.db_url)
    await store.open()
    try:
        facilitator = await Accounts(store).add_facilitator(args.name, password, args.role)
    except DomainError as error:
        print(str(error), file=sys.stderr)
        return 2
    finally:
        await store.close()
    print(f"Facilitator {facilitator.username} added ({facilitator.role}).")
    return 0


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _check_cases(args: argparse.Namespace) -> int:
    """Print every problem in a library folder or file as `path:line: message`, then a summary;
    1 if there was any problem."""
    from workshop.library import DEFAULT_ROOT, check_path
    from workshop.library.plain_language import check_library

    path = Path(args.path) if args.path else DEFAULT_ROOT
    if not path.exists():
        print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    library = check_path(path)
    problems = [*library.problems, *check_library(path, library)]  # plain language last
    for problem in problems:
        print(problem)
    found = len(problems)
    outcome = _counted(found, "problem", "problems") if found else "no problems"
    if path.is_file() and path.name == "tags.toml":
        print(f"{_counted(len(library.tags), 'tag', 'tags')}: {outcome}")
        return 1 if found else 0
    glossaries = _counted(len(library.glossaries), "glossary", "glossaries")
    terms = [
        f"{language} {len(library.glossaries[language])}"
        for language in ("nb", "en", "nn")
        if language in library.glossaries
    ]
    if terms:
        glossaries += f" ({', '.join(terms)} terms)"
    cases = _counted(len(library.cases), "case", "cases")
    agendas = _counted(len(library.agendas), "agenda", "agendas")
    print(f"{cases}, {agendas}, {glossaries}: {outcome}")
    return 1 if found else 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="workshop", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--db", default=None, help="SQLite file or URL (default workshop.db)")
    serve.add_argument(
        "--ws",
        default="websockets-sansio",
        choices=["websockets-sansio", "websockets", "wsproto"],
        help="uvicorn's WebSocket implementation (see docs/performance.md)",
    )
    serve.add_argument(
        "--public-url", default=None, help="the address phones use, e.g. http://192.168.1.20:8000"
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        help="another Host name to answer to (repeatable; env WORKSHOP_ALLOWED_HOSTS)",
    )
    serve.add_argument(
        "--allowed-origin",
        action="append",
        help="another site whose pages may call the API, e.g. https://intranet.example "
        "(repeatable; env WORKSHOP_ALLOWED_ORIGINS)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="proxies whose X-Forwarded-For/-Proto are believed, comma-separated, or * "
        "(default 127.0.0.1; env WORKSHOP_FORWARDED_ALLOW_IPS)",
    )
    serve.add_argument(
        "--broadcast",
        default=None,
        help="several processes: the redis://host:port/db they share, so a change on one "
        "reaches the screens on all (env WORKSHOP_BROADCAST; docs/deploying.md)",
    )
    facilitator = commands.add_parser("facilitator", help="manage facilitator accounts")
    accounts = facilitator.add_subparsers(dest="action", required=True)
    add = accounts.add_parser("add", help="add a facilitator account")
    add.add_argument("name")
    add.add_argument("--password-file", help="read the password from this file")
    add.add_argument(
        "--role",
        choices=["facilitator", "coordinator", "admin"],
        default=None,
        help="facilitator: own sessions; coordinator: every session's evaluation figures; "
        "admin: also manages accounts (default: admin for the first account, else facilitator)",
    )
    add.add_argument("--db", default=None)
    cases = commands.add_parser("cases", help="the case library")
    library = cases.add_subparsers(dest="action", required=True)
    check = library.add_parser(
        "check", help="check the case library's files and print every problem (docs/cases.md)"
    )
    check.add_argument(
        "path",
        nargs="?",
        default=None,
        help="a folder laid out like cases/, or one .toml file (default: the shipped library)",
    )
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.command == "serve":
        from workshop.broadcasting import BroadcastUrlError

        with contextlib.suppress(KeyboardInterrupt):
            try:
                asyncio.run(_serve(args))
            except BroadcastUrlError as error:
                print(error, file=sys.stderr)
                sys.exit(2)
        return
    if args.command == "cases":
        sys.exit(_check_cases(args))
    sys.exit(asyncio.run(_add_facilitator(args)))
