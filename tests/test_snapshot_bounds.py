"""What the room may read off the screen, and how big a snapshot may grow, over real sockets.

Small tables stay anonymous: a table with fewer than 3 answers has no per-table figures on
the screen (and no pair of figures lets it be subtracted out), while the console sees all of
them marked `hidden_on_screen`. And however many posts are stored, no state message to a
screen, console or phone is over 256 KiB: walls are trimmed to the newest, with counts, and
the console pages the rest.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.live import (
    WAIT,
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    login,
    new_session,
    set_state,
)

LIMIT = 256 * 1024


@dataclass
class Measured(Socket):
    """A Socket that also keeps the size in bytes of every text frame as it arrived."""

    sizes: list[tuple[str, int]] = field(default_factory=list)

    async def _read(self) -> None:
        try:
            async for text in self.conn:
                message = json.loads(text)
                raw = text.encode() if isinstance(text, str) else text
                async with self._arrived:
                    if message.get("type") == "ping":
                        await self.conn.send('{"type":"pong"}')
                    else:
                        self.sizes.append((message.get("type", ""), len(raw)))
                        self.file(message)
                    self._arrived.notify_all()
        except Exception:
            pass
        finally:
            self.closed.set()
            async with self._arrived:
                self._arrived.notify_all()


def screen_ws(created: dict[str, Any]) -> str:
    code = created["code"]
    return (
        created["screen_url"]
        .replace("http://", "ws://", 1)
        .replace(f"/screen/{code}", f"/ws/{code}/screen", 1)
    )


def cookies(client: httpx.AsyncClient) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


async def console_socket(server: Server, client: httpx.AsyncClient, code: str) -> Measured:
    return await Measured.open(f"{server.ws_url}/ws/{code}/console", cookies(client))


def latest(sock: Socket, kind: str = "state") -> dict[str, Any]:
    return [m for m in sock.received if m["type"] == kind][-1]


async def seat(server: Server, code: str, sizes: dict[int, int]) -> list[Phone]:
    phones = [await Phone.join(server, code, table=t) for t, n in sizes.items() for _ in range(n)]
    await asyncio.gather(*(p.connect() for p in phones))
    return phones


def activity_of(state: dict[str, Any], activity_id: int) -> dict[str, Any]:
    return next((a for a in state["activities"] if a["id"] == activity_id), {})


async def test_small_tables_have_no_figures_on_the_screen(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=3)
    code = created["code"]
    screen = await Socket.open(screen_ws(created))
    console = await console_socket(server, facilitator, code)
    dilemma = await add_activity(
        facilitator, code, kind="dilemma", prompt="Svare nå?", options=["Ja", "Nei"]
    )
    phones = await seat(server, code, {1: 1, 2: 2, 3: 5})
    await set_state(facilitator, code, dilemma, "open")
    for i, phone in enumerate(phones):
        assert (await phone.vote(dilemma, i % 2))["type"] == "ack"

    def counted(m: dict[str, Any]) -> bool:
        a = m["type"] == "state" and m["activity"]
        return bool(a) and a["id"] == dilemma and a["answered"] == 8

    open_state = (await screen.wait_for(counted))["activity"]
    assert open_state["answered_by_table"] == {"3": 5}

    await set_state(facilitator, code, dilemma, "revealed")
    shown = (
        await screen.wait_for(
            lambda m: (
                counted(m) and m["activity"]["state"] == "revealed" and m["activity"]["results"]
            )
        )
    )["activity"]
    assert set(shown["results"]["tables"]) == {"3"}
    assert set(shown["answered_by_table"]) == {"3"}
    # What the room can subtract (the total minus the shown tables) is tables 1 and 2
    # together: three people, never one table's answer.
    hidden_part = shown["results"]["total"] - sum(shown["results"]["tables"]["3"])
    assert hidden_part == 3
    assert "hidden_on_screen" not in shown

    await console.wait_for(
        lambda m: m["type"] == "state" and activity_of(m, dilemma).get("state") == "revealed"
    )
    on_console = activity_of(latest(console), dilemma)
    assert set(on_console["results"]["tables"]) == {"1", "2", "3"}
    assert on_console["answered_by_table"] == {"1": 1, "2": 2, "3": 5}
    assert on_console["hidden_on_screen"] == [1, 2]

    # The wall: the posts of tables 1 and 2 carry no table, table 3's keep theirs.
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="Hva lærte du?")
    await set_state(facilitator, code, reflection, "open")
    for phone in phones:
        assert (await phone.post(reflection, f"Fra bord {phone.table}"))["type"] == "ack"
    await set_state(facilitator, code, reflection, "revealed")
    wall = (
        await screen.wait_for(
            lambda m: (
                m["type"] == "state"
                and m["activity"]
                and m["activity"]["id"] == reflection
                and m["activity"]["state"] == "revealed"
                and len(m["activity"]["posts"]) == 8
            )
        )
    )["activity"]
    labels = {(p["text"], p["table"], p["table_name"]) for p in wall["posts"]}
    assert labels == {
        ("Fra bord 1", None, ""),
        ("Fra bord 2", None, ""),
        ("Fra bord 3", 3, "Bord 3"),
    }
    assert set(wall["answered_by_table"]) == {"3"}
    await console.wait_for(
        lambda m: m["type"] == "state" and activity_of(m, reflection).get("state") == "revealed"
    )
    on_console = activity_of(latest(console), reflection)
    assert {p["table"] for p in on_console["posts"]} == {1, 2, 3}
    assert on_console["hidden_on_screen"] == [1, 2]

    for phone in phones:
        await phone.close()
    await screen.close()
    await console.close()


async def test_a_single_small_table_hides_the_next_smallest_too(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=3)
    code = created["code"]
    screen = await Socket.open(screen_ws(created))
    poll = await add_activity(
        facilitator, code, kind="poll", prompt="Kaffe?", options=["Ja", "Nei"]
    )
    phones = await seat(server, code, {1: 1, 2: 4, 3: 6})
    await set_state(facilitator, code, poll, "open")
    for phone in phones:
        assert (await phone.vote(poll, 0))["type"] == "ack"
    await set_state(facilitator, code, poll, "revealed")
    shown = (
        await screen.wait_for(
            lambda m: (
                m["type"] == "state"
                and m["activity"]
                and m["activity"]["state"] == "revealed"
                and m["activity"]["answered"] == 11
            )
        )
    )["activity"]
    # Table 1 alone hidden would be 11 - 4 - 6: table 2 (the next smallest) is hidden too.
    assert set(shown["results"]["tables"]) == {"3"}
    assert set(shown["answered_by_table"]) == {"3"}
    for phone in phones:
        await phone.close()
    await screen.close()


async def test_no_snapshot_grows_past_256_kib(server: Server, facilitator: httpx.AsyncClient):
    created = await new_session(facilitator, tables=4)
    code = created["code"]
    screen = await Measured.open(screen_ws(created))
    console = await console_socket(server, facilitator, code)
    dilemma = await add_activity(
        facilitator, code, kind="dilemma", prompt="Svare nå?", options=["Ja", "Nei"]
    )
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="Hva lærte du?")
    phones = await seat(server, code, {t: 10 for t in range(1, 5)})
    watcher = phones[0]
    await watcher.close()
    watcher.socket = await Measured.open(watcher.url)  # its sizes are measured
    long = "æøå…" * 250  # 1,000 characters, 2,750 bytes of UTF-8

    await set_state(facilitator, code, dilemma, "open")
    acks = await asyncio.gather(
        *(p.vote(dilemma, i % 2, why=f"{i:03d}{long[3:]}") for i, p in enumerate(phones))
    )
    assert {a["type"] for a in acks} == {"ack"}

    await set_state(facilitator, code, reflection, "open")
    texts: dict[str, str] = {}

    async def flood(n: int, phone: Phone) -> None:
        for j in range(10):
            text = f"{n:02d}{j}{long[3:]}"
            reply = await phone.post(reflection, text)
            assert reply["type"] == "ack", reply
            texts[reply["id"]] = text

    await asyncio.gather(*(flood(n, p) for n, p in enumerate(phones)))
    assert len(texts) == 400
    first = next(iter(texts))
    response = await facilitator.post(
        f"/api/sessions/{code}/posts/{first}/hidden", json={"hidden": True}
    )
    assert response.status_code == 200, response.text
    await set_state(facilitator, code, reflection, "revealed")

    wall = (
        await screen.wait_for(
            lambda m: (
                m["type"] == "state"
                and m["activity"]
                and m["activity"]["id"] == reflection
                and m["activity"]["state"] == "revealed"
                and m["activity"]["posts_total"] == 399
            ),
            timeout=3 * WAIT,
        )
    )["activity"]
    assert 0 < len(wall["posts"]) < 399
    assert first not in {p["id"] for p in wall["posts"]}  # a hidden post stays off the screen
    assert all(texts[p["id"]] == p["text"] for p in wall["posts"])

    def settled(m: dict[str, Any]) -> bool:
        if m["type"] != "state":
            return False
        a = activity_of(m, reflection)
        return a.get("state") == "revealed" and a["posts_total"] == 400

    await console.wait_for(settled, timeout=3 * WAIT)
    state = next(m for m in console.received if settled(m))
    on_console = activity_of(state, reflection)
    vote = activity_of(state, dilemma)
    assert vote["whys_total"] == 40 and 0 < len(vote["whys"]) <= 40
    assert on_console["answered"] == 40

    # The console pages the rest of the wall: every post once, newest first.
    seen = [p["id"] for p in on_console["posts"]]
    offset = len(seen)
    while offset < 400:
        response = await facilitator.get(
            f"/api/sessions/{code}/activities/{reflection}/posts",
            params={"offset": offset, "limit": 200},
        )
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == 400 and page["posts"]
        seen += [p["id"] for p in page["posts"]]
        offset += len(page["posts"])
    assert sorted(seen) == sorted(texts) and len(set(seen)) == 400
    whys = await facilitator.get(
        f"/api/sessions/{code}/activities/{dilemma}/posts", params={"limit": 200}
    )
    assert whys.status_code == 200 and len(whys.json()["whys"]) == 40

    await watcher.close()
    watcher.socket = await Measured.open(watcher.url)  # a welcome with its own ten posts
    welcome = await watcher.socket.wait_for(lambda m: m["type"] == "welcome")
    assert welcome["answers"][str(reflection)]["posts"]

    for sock, name in ((screen, "screen"), (console, "console"), (watcher.socket, "phone")):
        assert sock.sizes, name
        too_big = [(kind, size) for kind, size in sock.sizes if size > LIMIT]
        assert not too_big, (name, too_big)
    assert max(size for _, size in console.sizes) > 128 * 1024  # the wall filled it up

    for phone in phones:
        await phone.close()
    await screen.close()
    await console.close()


async def test_paging_is_for_the_owner_only(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator, tables=1))["code"]
    reflection = await add_activity(facilitator, code, kind="reflection", prompt="Hva?")
    route = f"/api/sessions/{code}/activities/{reflection}/posts"
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as anonymous:
        assert (await anonymous.get(route)).status_code == 401
    bjorn = await login(server, "bjorn")
    expect_error(await bjorn.get(route), 404)
    await bjorn.aclose()
    expect_error(await facilitator.get(route, params={"limit": 201}), 400)
    expect_error(await facilitator.get(route, params={"offset": "-1"}), 400)
    expect_error(await facilitator.get(route, params={"limit": "x"}), 400)
    expect_error(await facilitator.get(f"/api/sessions/{code}/activities/999999/posts"), 404)
    page = await facilitator.get(route)
    assert page.status_code == 200
    assert page.json() == {"activity": reflection, "total": 0, "offset": 0, "posts": [], "whys": []}


async def test_the_room_reads_the_newest_posts_and_counts_the_rest(tmp_path):
    """`room()` carries at most ROOM_POSTS posts (and as many not hidden) per activity, with
    totals and distinct posters per table counted by SQL from every row; `posts_page` gives
    the rest in the same order."""
    from tests.store_contract import StoreContract, activity_spec
    from workshop.store.base import ROOM_POSTS
    from workshop.store.sqlite import SQLiteStore

    store = SQLiteStore(str(tmp_path / "room.db"))
    await store.open()
    try:
        contract = StoreContract()
        session = await contract.session(store, tables=2)
        reflection = await contract.open_activity(
            store, session, activity_spec("reflection", "Hva?")
        )
        people = [await contract.seat(store, session, table=1 + n % 2) for n in range(20)]
        posts = []
        for n in range(3 * ROOM_POSTS):
            post = contract.post(people[n % 20], reflection, f"innlegg {n}")
            assert await store.record_post(post)
            posts.append(post)
        for post in posts[-10:]:  # the newest ten hidden: the screen's newest are older
            assert await store.set_post_hidden(session.id, post.id, True)
        room = await store.room(session.id, "all")
        carried = room.posts[reflection]
        assert len(carried) == ROOM_POSTS + 10
        assert [p.id for p in carried[:ROOM_POSTS]] == [p.id for p in posts[::-1][:ROOM_POSTS]]
        assert len([p for p in carried if not p.hidden]) == ROOM_POSTS
        assert room.totals[reflection] == (3 * ROOM_POSTS, 3 * ROOM_POSTS - 10, 0)
        assert room.posters[reflection] == {1: (10, 10), 2: (10, 10)}
        page, whys, total = await store.posts_page(reflection, ROOM_POSTS, 2 * ROOM_POSTS)
        assert (whys, total) == ([], 3 * ROOM_POSTS)
        assert [p.id for p in page] == [p.id for p in posts[::-1][ROOM_POSTS:]]
    finally:
        await store.close()
