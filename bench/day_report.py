"""The report of the day (issue 15) for a big day: the page and the PDF, timed against a real
server.

A session with `--participants` phones on their sockets, `--activities` activities in six
segments run through with Next (polls, dilemmas with "why" texts, scales and walls), and
`--posts` posts on the walls, some hidden; then `GET /report/{code}` (cold and warm) and
`GET /report/{code}.pdf`: the first after start (WeasyPrint's import and fonts), fresh ones
(one more post hidden before each, so none is the server's kept copy), and one asked again
unchanged. While the fresh PDFs are made, `/healthz` is asked every 20 ms: its worst answer
shows whether the live room's event loop went on. Targets: page ≤ 1 s, PDF ≤ 5 s. Figures
on stdout and in bench/results/<date>-report.json.

    python -m bench.day_report --participants 150 --activities 30 --posts 1000
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.run import RESULTS, cores, machine, revision
from bench.servers import UNLIMITED_SUBMITS, add_facilitator, start_workshop

PASSWORD = "bench password for the report"
SEGMENTS = 6
TEXT = (
    "kommunestyret habilitet ordføreren rådmannen innbyggerne budsjettet saken vedtaket "
    "åpenhet tillit samarbeid møtet utvalget partiet skolen eldreomsorgen veien hallen "
    "gaver reiser lojalitet rolle ansvar forvaltningen kontrollutvalget revisjonen "
    "og i på for med som at det er ikke vi de skal kan må bør når hvis men fordi også"
)
WORDS = TEXT.split()
KINDS = ("poll", "dilemma", "reflection", "scale", "dilemma", "reflection", "poll")


def sentence(rng: random.Random, low: int, high: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


class Phone:
    """One participant: sends a frame and waits for its ack, ignoring everything else."""

    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn

    @classmethod
    async def join(cls, client: httpx.AsyncClient, ws_url: str, code: str, name: str) -> Phone:
        response = await client.post(f"/api/sessions/{code}/join", json={"name": name})
        response.raise_for_status()
        token = response.json()["token"]
        conn = await connect(f"{ws_url}/ws/{code}/participant?token={token}", compression=None)
        phone = cls(conn)
        await phone.expect(lambda m: m.get("type") == "welcome")
        return phone

    async def expect(self, predicate: Any) -> dict[str, Any]:
        while True:
            message = json.loads(await self.conn.recv())
            if predicate(message):
                return message

    async def send(self, frame: dict[str, Any]) -> None:
        frame = {"id": str(uuid.uuid4()), **frame}
        await self.conn.send(json.dumps(frame))
        reply = await self.expect(
            lambda m: m.get("id") == frame["id"] and m.get("type") in ("ack", "error")
        )
        if reply["type"] != "ack":
            raise RuntimeError(f"refused: {reply}")


async def build_day(
    client: httpx.AsyncClient, ws_url: str, args: argparse.Namespace
) -> dict[str, Any]:
    rng = random.Random(args.seed)
    tables = max(1, -(-args.participants // 7))
    created = await client.post(
        "/api/sessions", json={"title": "Storevik kommunestyre", "tables": tables}
    )
    created.raise_for_status()
    code = created.json()["code"]
    segments = []
    for i in range(SEGMENTS):
        body: dict[str, Any] = {"title": f"Tema {i + 1}: {sentence(rng, 2, 4)}", "minutes": 50}
        if i == 0:
            body["start"] = "09:00"
        response = await client.post(f"/api/sessions/{code}/segments", json=body)
        response.raise_for_status()
        segments.append(response.json()["id"])
    activities: list[tuple[int, str, int]] = []  # id, kind, option count
    for i in range(args.activities):
        kind = KINDS[i % len(KINDS)]
        body = {"kind": kind, "prompt": sentence(rng, 8, 30), "segment": segments[i % SEGMENTS]}
        options = 0
        if kind in ("poll", "dilemma"):
            options = rng.randint(2, 4)
            body["options"] = [sentence(rng, 1, 6) for _ in range(options)]
        if kind == "scale":
            options = 5
        response = await client.post(f"/api/sessions/{code}/activities", json=body)
        response.raise_for_status()
        activities.append((response.json()["id"], kind, options))

    phones = await asyncio.gather(
        *(Phone.join(client, ws_url, code, f"Deltaker {i}") for i in range(args.participants))
    )
    walls = [a for a in activities if a[1] == "reflection"]
    posts_per_wall = [args.posts // len(walls)] * len(walls) if walls else []
    for i in range(args.posts - sum(posts_per_wall)):
        posts_per_wall[i] += 1
    wall_posts = dict(zip((w[0] for w in walls), posts_per_wall, strict=True))
    whys = 0
    started = time.monotonic()
    by_id = {a[0]: a for a in activities}
    while True:
        response = await client.post(f"/api/sessions/{code}/next", json={})
        if response.status_code == 409:
            break
        response.raise_for_status()
        step = response.json()
        if step.get("closing"):
            break
        if not step.get("activity"):
            continue
        activity_id, kind, options = by_id[step["activity"]]
        if kind == "reflection":
            count = wall_posts[activity_id]
            writers = [phones[rng.randrange(len(phones))] for _ in range(count)]
            texts = [sentence(rng, 6, 60) for _ in range(count)]
            groups: dict[int, list[str]] = {}
            for writer, text in zip(writers, texts, strict=True):
                groups.setdefault(id(writer), []).append(text)
            owners = {id(p): p for p in phones}

            async def write(phone: Phone, texts: list[str], activity: int = activity_id) -> None:
                for text in texts:
                    await phone.send({"type": "post", "activity": activity, "text": text})

            await asyncio.gather(*(write(owners[k], t) for k, t in groups.items()))
        else:
            frames = []
            for phone in phones:
                frame: dict[str, Any] = {
                    "type": "vote",
                    "activity": activity_id,
                    "option": rng.randrange(options),
                }
                if kind == "dilemma" and rng.random() < 0.5:
                    frame["why"] = sentence(rng, 5, 25)
                    whys += 1
                frames.append((phone, frame))
            await asyncio.gather(*(phone.send(frame) for phone, frame in frames))
    for phone in phones:
        await phone.conn.close()
    hidden = 0
    response = await client.get(f"/api/sessions/{code}/results")
    response.raise_for_status()
    for activity in response.json()["activities"]:
        for post in activity["posts"][:: max(1, len(activity["posts"]) // 3 or 1)][:3]:
            hide = await client.post(
                f"/api/sessions/{code}/posts/{post['id']}/hidden", json={"hidden": True}
            )
            hide.raise_for_status()
            hidden += 1
    return {
        "code": code,
        "tables": tables,
        "participants": len(phones),
        "activities": len(activities),
        "posts": args.posts,
        "hidden_posts": hidden,
        "whys": whys,
        "votes": sum(len(phones) for a in activities if a[1] != "reflection"),
        "build_s": round(time.monotonic() - started, 1),
    }


async def timed_get(client: httpx.AsyncClient, path: str) -> tuple[float, httpx.Response]:
    began = time.perf_counter()
    response = await client.get(path)
    response.raise_for_status()
    return time.perf_counter() - began, response


async def loop_watch(url: str, stop: asyncio.Event) -> list[float]:
    """`/healthz` answer times while something else runs: the server's loop, seen from out."""
    times: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as watcher:
        while not stop.is_set():
            began = time.perf_counter()
            (await watcher.get("/healthz")).raise_for_status()
            times.append(time.perf_counter() - began)
            await asyncio.sleep(0.02)
    return times


def pdf_pages(pdf: bytes, folder: Path) -> int:
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return 0
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    return int(found.group(1)) if found else 0


async def measure(url: str, code: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """The page cold and warm; the first PDF after start (WeasyPrint's import and fonts);
    then fresh PDFs, each after one more post was hidden (so none comes from the server's
    memory of the last one), with `/healthz` asked all along; and one asked again as it was."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        login = await client.post("/api/login", json={"username": "anna", "password": PASSWORD})
        login.raise_for_status()
        page_cold, page = await timed_get(client, f"/report/{code}")
        pages = [(await timed_get(client, f"/report/{code}"))[0] for _ in range(args.repeat)]
        pdf_cold, pdf = await timed_get(client, f"/report/{code}.pdf")
        response = await client.get(f"/api/sessions/{code}/results")
        response.raise_for_status()
        shown = [
            p["id"] for a in response.json()["activities"] for p in a["posts"] if not p["hidden"]
        ]
        pdfs: list[float] = []
        stop = asyncio.Event()
        watch = asyncio.create_task(loop_watch(url, stop))
        for post_id in shown[: args.pdfs]:
            hide = await client.post(
                f"/api/sessions/{code}/posts/{post_id}/hidden", json={"hidden": True}
            )
            hide.raise_for_status()
            elapsed, pdf = await timed_get(client, f"/report/{code}.pdf")
            pdfs.append(elapsed)
        stop.set()
        healthz = await watch
        again, _ = await timed_get(client, f"/report/{code}.pdf")
    return {
        "page_cold_s": round(page_cold, 3),
        "page_s": [round(t, 3) for t in pages],
        "page_median_s": round(statistics.median(pages), 3),
        "page_bytes": len(page.content),
        "pdf_cold_s": round(pdf_cold, 3),
        "pdf_s": [round(t, 3) for t in pdfs],
        "pdf_median_s": round(statistics.median(pdfs), 3),
        "pdf_again_s": round(again, 3),
        "pdf_bytes": len(pdf.content),
        "pdf_pages": pdf_pages(pdf.content, folder),
        "healthz_during_pdf_max_ms": round(1000 * max(healthz), 1) if healthz else None,
        "healthz_during_pdf_p50_ms": round(1000 * statistics.median(healthz), 1)
        if healthz
        else None,
        "healthz_samples": len(healthz),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    server_cores, generator_cores = cores() if args.pin else (None, None)
    if generator_cores:
        os.sched_setaffinity(0, set(generator_cores))
    run: dict[str, Any] = {
        "name": "report",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.day_report", *sys.argv[1:]]),
        "machine": machine(),
        "revision": revision(),
        "pinning": {"server": sorted(server_cores or []), "generator": generator_cores},
    }
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        db = Path(tmp) / "workshop.db"
        add_facilitator(db, "anna", PASSWORD)
        child, url = start_workshop(db, server_cores, UNLIMITED_SUBMITS)
        try:
            async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                login = await client.post(
                    "/api/login", json={"username": "anna", "password": PASSWORD}
                )
                login.raise_for_status()
                run["day"] = await build_day(client, url.replace("http://", "ws://", 1), args)
            run["report"] = await measure(url, run["day"]["code"], args, Path(tmp))
        finally:
            child.stop()
    return run


def table(run: dict[str, Any]) -> str:
    day, r = run["day"], run["report"]
    rows = [
        (
            "day",
            f"{day['participants']} participants at {day['tables']} tables, "
            f"{day['activities']} activities, {day['posts']} posts ({day['hidden_posts']} hidden), "
            f"{day['whys']} whys, {day['votes']} votes",
        ),
        ("report page, first (cold)", f"{r['page_cold_s'] * 1000:.0f} ms"),
        (
            "report page, median of the rest",
            f"{r['page_median_s'] * 1000:.0f} ms "
            f"({r['page_bytes'] / 1024:.0f} KiB)  target ≤ 1,000 ms",
        ),
        ("PDF, first: its page had started it", f"{r['pdf_cold_s']:.2f} s"),
        ("PDF asked again, unchanged", f"{r['pdf_again_s'] * 1000:.0f} ms"),
        (
            "PDF, fresh (median)",
            f"{r['pdf_median_s']:.2f} s ({r['pdf_pages']} pages, "
            f"{r['pdf_bytes'] / 1024:.0f} KiB)  target ≤ 5 s",
        ),
        (
            "/healthz while a PDF is made",
            f"p50 {r['healthz_during_pdf_p50_ms']} ms, "
            f"max {r['healthz_during_pdf_max_ms']} ms ({r['healthz_samples']} asked)",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=150)
    parser.add_argument("--activities", type=int, default=30)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=6, help="warm requests of the page")
    parser.add_argument("--pdfs", type=int, default=3, help="fresh PDFs after the first")
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="leave the server (and its PDF worker) free to use every core",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    run = asyncio.run(main(args))
    print(table(run))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.date.today().isoformat()}-report.json"
    path.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    print(f"figures in {path}")


if __name__ == "__main__":
    cli()
