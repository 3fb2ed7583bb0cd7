"""The console's socket sends the plan once and the live part as deltas (console_feed.py):
the frames' rules on their own, then over a real server with a two-day plan."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from tests.live import Phone, Server, Socket, add_activity, new_session, set_state
from workshop.console_feed import (
    ACTIVITY_TEXTS,
    GONE,
    apply,
    diff,
    join,
    keyed,
    split,
    unkeyed,
)

TEMPLATE = "grunnprogram-to-dager"


# --- the frames' rules --------------------------------------------------------------------


def test_a_patch_turns_the_old_state_into_the_new_one():
    old = keyed(
        {
            "timer": None,
            "gone": 1,
            "tables": [{"n": 1, "seated": 2}, {"n": 2, "seated": 0}, {"n": 3, "seated": 1}],
            "counts": [1, 2],
            "results": {"tables": {"1": [1, 0]}},
            "segment": {"id": 4},
            "flag": True,
            "empty": [],
        }
    )
    new = keyed(
        {
            "timer": {"ends_at": 10.0},
            "tables": [{"n": 1, "seated": 3}, {"n": 2, "seated": 0}],
            "counts": [1, 3],
            "results": {"tables": {"2": [0, 1]}},
            "segment": None,  # null is a value, not a removal
            "flag": 1,  # a change of type is a change
            "empty": [{"id": 1}],
            "new": "here",
        }
    )
    patch = diff(old, new)
    assert patch["tables"] == {"[]": 2, "0": {"seated": 3}, GONE: ["2"]}  # no ids: positions
    assert patch["results"] == {"tables": {"2": [0, 1], GONE: ["1"]}}
    assert patch["segment"] is None and patch["flag"] == 1
    assert patch[GONE] == ["gone"]
    assert apply(old, patch) == new
    assert unkeyed(apply(old, patch)) == unkeyed(new)
    assert unkeyed(new)["tables"] == [{"n": 1, "seated": 3}, {"n": 2, "seated": 0}]
    assert diff(new, new) == {}


def test_lists_of_items_with_ids_are_keyed_by_id():
    """A new post on top of a wall is one new item and a new order, not every post again."""
    wall = [{"id": f"p{n}", "text": "x" * 200} for n in range(50)]
    old, new = keyed({"posts": wall}), keyed({"posts": [{"id": "new", "text": "ny"}, *wall[:-1]]})
    assert old["posts"]["[]"] == [f"p{n}" for n in range(50)]
    patch = diff(old, new)
    assert set(patch["posts"]) == {"[]", "new", GONE} and patch["posts"][GONE] == ["p49"]
    assert unkeyed(apply(old, patch)) == unkeyed(new)
    # Ids that repeat, are missing or would be mistaken for the keyed form's own keys:
    # by position.
    for items in ([{"id": 1}, {"id": 1}], [{"id": 1}, {"x": 2}], [{"id": "[]"}], [{"id": True}]):
        assert keyed(items)["[]"] == len(items)
        assert unkeyed(keyed(items)) == items


def test_a_state_splits_into_plan_and_live_and_back():
    state = {
        "type": "state",
        "cases": {"1": {"narrative": "Lang tekst"}},
        "terms": {"kommunestyre": "..."},
        "activities": [
            {
                "id": 2,
                "title": "A",
                "prompt": "?",
                "options": ["Ja"],
                "state": "open",
                "answered": 3,
            },
            {"id": 1, "title": "B", "prompt": "!", "options": [], "state": "draft", "answered": 0},
        ],
        "participants": 3,
    }
    plan, live = split(state)
    assert set(plan) == {"cases", "terms", "activities"}
    assert plan["activities"][0] == {"id": 2, "title": "A", "prompt": "?", "options": ["Ja"]}
    assert live["activities"][0] == {"id": 2, "state": "open", "answered": 3}
    assert "cases" not in live and live["participants"] == 3
    assert join(plan, live) == state


# --- over a real server -------------------------------------------------------------------


def cookie(client: httpx.AsyncClient) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


async def day_session(client: httpx.AsyncClient) -> tuple[str, int]:
    """A session with the two-day plan and an open poll."""
    code = (await new_session(client, title="To dager", tables=4))["code"]
    response = await client.post(f"/api/sessions/{code}/agenda", json={"template": TEMPLATE})
    assert response.status_code == 201, response.text
    poll = await add_activity(client, code, kind="poll", prompt="Hvor?", options=["A", "B", "C"])
    await set_state(client, code, poll, "open")
    return code, poll


async def full_state(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.get(f"/api/sessions/{code}")
    assert response.status_code == 200, response.text
    return response.json()


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal but for the clock (`now`), which each render reads anew."""
    return {**a, "now": 0} == {**b, "now": 0}


def answered(poll: int, count: int) -> Any:
    def test(m: dict[str, Any]) -> bool:
        found = [a for a in m.get("activities") or () if a["id"] == poll]
        return m["type"] == "state" and bool(found) and found[0]["answered"] == count

    return test


async def test_a_console_gets_the_plan_once_then_only_deltas_while_a_room_votes(
    server: Server, facilitator: httpx.AsyncClient
):
    code, poll = await day_session(facilitator)
    phones = [await Phone.join(server, code, name=f"P{n}") for n in range(20)]
    await asyncio.gather(*(p.connect() for p in phones))
    console = await Socket.open(f"{server.ws_url}/ws/{code}/console", cookie(facilitator))
    await console.wait_for(lambda m: m["type"] == "state")
    try:
        plan = next(m for m in console.frames if m["type"] == "plan")
        narrative = next(iter(plan["plan"]["cases"].values()))["narrative"]
        assert len(json.dumps(plan)) > 20_000  # the day's stories are in it
        # The first change after connecting comes in full: the hub's first state for it.
        assert (await phones[0].vote(poll, 0))["type"] == "ack"
        await console.wait_for(answered(poll, 1))
        assert console.frames[-1]["type"] == "live"
        began = len(console.frames)
        for n, phone in enumerate(phones[1:], 1):
            assert (await phone.vote(poll, n % 3))["type"] == "ack"
            state = await console.wait_for(answered(poll, n + 1))
        assert same(state, await full_state(facilitator, code))

        during = console.frames[began:]
        kinds = [m["type"] for m in during]
        assert set(kinds) == {"delta"} and len(kinds) >= 19, kinds  # the test waits for each
        assert [m for m in console.frames if m["type"] == "plan"] == [plan]  # once
        for frame in during:
            text = json.dumps(frame, ensure_ascii=False)
            assert narrative[:60] not in text
            if frame["type"] != "delta":
                continue
            patch = frame["patch"]
            assert not {"cases", "terms"} & set(patch), patch.keys()
            for change in patch.get("activities", {}).values():
                if isinstance(change, dict):
                    assert not ACTIVITY_TEXTS & set(change), change
            assert len(text) < len(json.dumps(plan)) / 10, len(text)
        # A vote changes the counts of the poll, not what the other activities show.
        changed = {
            k for m in during if m["type"] == "delta" for k in m["patch"].get("activities", {})
        }
        assert changed == {str(poll)}, changed  # activities are keyed by id
    finally:
        await console.close()
        for phone in phones:
            await phone.close()


async def test_a_reconnecting_console_gets_the_full_state_again(
    server: Server, facilitator: httpx.AsyncClient
):
    code, poll = await day_session(facilitator)
    phone = await Phone.join(server, code, name="Kari")
    await phone.connect()
    url = f"{server.ws_url}/ws/{code}/console"
    console = await Socket.open(url, cookie(facilitator))
    await console.wait_for(lambda m: m["type"] == "state")
    assert (await phone.vote(poll, 1))["type"] == "ack"
    await console.wait_for(answered(poll, 1))
    await console.close()

    again = await Socket.open(url, cookie(facilitator))
    try:
        state = await again.wait_for(answered(poll, 1))
        assert [m["type"] for m in again.frames[:2]] == ["plan", "live"]
        assert same(state, await full_state(facilitator, code))
        # A second console, opened meanwhile, follows the same changes as the first.
        other = await Socket.open(url, cookie(facilitator))
        await other.wait_for(answered(poll, 1))
        assert (await phone.vote(poll, 2))["type"] == "ack"

        def moved(m: dict[str, Any]) -> bool:
            found = [a for a in m.get("activities") or () if a["id"] == poll]
            return bool(found) and found[0]["results"]["counts"] == [0, 0, 1]

        mine, theirs = await again.wait_for(moved), await other.wait_for(moved)
        assert same(mine, theirs) and same(mine, await full_state(facilitator, code))
        assert not again.console.errors and not other.console.errors
        await other.close()
    finally:
        await again.close()
        await phone.close()


async def test_a_plan_edit_sends_the_plan_again(server: Server, facilitator: httpx.AsyncClient):
    code, _ = await day_session(facilitator)
    draft = next(
        a for a in (await full_state(facilitator, code))["activities"] if a["state"] == "draft"
    )
    console = await Socket.open(f"{server.ws_url}/ws/{code}/console", cookie(facilitator))
    try:
        await console.wait_for(lambda m: m["type"] == "state")
        response = await facilitator.patch(
            f"/api/sessions/{code}/activities/{draft['id']}", json={"prompt": "Hvor skal vi?"}
        )
        assert response.status_code == 200, response.text

        def edited(m: dict[str, Any]) -> bool:
            found = [a for a in m.get("activities") or () if a["id"] == draft["id"]]
            return m["type"] == "state" and bool(found) and found[0]["prompt"] == "Hvor skal vi?"

        state = await console.wait_for(edited)
        plans = [m for m in console.frames if m["type"] == "plan"]
        assert len(plans) == 2 and plans[0]["hash"] != plans[1]["hash"]
        assert same(state, await full_state(facilitator, code))
    finally:
        await console.close()
