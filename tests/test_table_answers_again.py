"""Before and after: `POST …/activities/{id}/again` makes the after round of a vote; its
results carry `before` and the comparison (the total variation distance per table), and the
screen's comparison keeps to the small-group threshold."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.live import (
    Phone,
    Server,
    Socket,
    add_activity,
    expect_error,
    new_session,
    results,
    screen_socket_url,
    set_state,
)
from tests.test_table_answers import act, seated
from workshop.domain import Tally
from workshop.table_answers import compare, moved


def test_the_measure_is_the_total_variation_distance():
    assert moved([3, 0, 0], [0, 3, 0]) == 1.0
    assert moved([2, 2, 0], [2, 2, 0]) == 0.0
    assert moved([1, 1], [2, 0]) == 0.5  # shares .5/.5 -> 1/0
    assert moved([4, 0], [2, 2]) == 0.5
    assert moved([1, 0], [0, 0]) is None  # no after answers: nothing to compare
    assert moved([0, 1, 0], [0, 1, 0]) == 0.0  # a table's answer kept
    assert moved([0, 1, 0], [1, 0, 0]) == 1.0  # a table's answer changed


def test_compare_names_the_tables_that_moved_most_and_leaves_out_hidden_ones():
    before = Tally.from_rows(2, [(1, 0, 4), (2, 0, 2), (2, 1, 2), (3, 1, 3), (4, 0, 3)])
    after = Tally.from_rows(2, [(1, 1, 4), (2, 0, 3), (2, 1, 1), (3, 1, 3), (4, 1, 3)])
    out = compare(before, after, hidden={4})
    assert [r["table"] for r in out["tables"]] == [1, 2, 3]
    assert {r["table"]: r["moved"] for r in out["tables"]} == {1: 1.0, 2: 0.25, 3: 0.0}
    assert out["moved_most"] == [1, 2]  # table 3 did not move; table 4 is hidden
    assert out["before"] == [9, 5] and out["after"] == [3, 11]


async def vote_all(phones: list[Phone], activity: int, options: list[int]) -> None:
    for phone, option in zip(phones, options, strict=True):
        assert (await phone.vote(activity, option))["type"] == "ack"


async def test_again_makes_the_after_round_and_the_screen_compares(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, title="Før og etter", tables=3)
    code = created["code"]
    first = await add_activity(
        facilitator, code, kind="poll", prompt="Skolen?", options=["Legg ned", "Behold", "Utred"]
    )
    tail = await add_activity(facilitator, code, kind="reflection", prompt="Tanker?")
    one = await seated(server, code, 1, 3)
    two = await seated(server, code, 2, 3)
    three = await seated(server, code, 3, 1)  # one person: below the threshold
    await set_state(facilitator, code, first, "open")
    await vote_all(one, first, [0, 0, 0])
    await vote_all(two, first, [1, 1, 2])
    await vote_all(three, first, [0])
    await set_state(facilitator, code, first, "closed")

    response = await facilitator.post(f"/api/sessions/{code}/activities/{first}/again")
    assert response.status_code == 201, response.text
    after = response.json()["id"]
    state = (await facilitator.get(f"/api/sessions/{code}")).json()
    order = [a["id"] for a in state["activities"]]
    assert order.index(after) == order.index(first) + 1 < order.index(tail)
    copy = next(a for a in state["activities"] if a["id"] == after)
    assert (copy["before"], copy["kind"], copy["by"], copy["state"]) == (
        first,
        "poll",
        "person",
        "draft",
    )
    assert copy["options"] == ["Legg ned", "Behold", "Utred"]

    await set_state(facilitator, code, after, "open")
    await vote_all(one, after, [1, 1, 1])  # moved all the way
    await vote_all(two, after, [1, 1, 2])  # kept
    await vote_all(three, after, [1])
    found = (await results(facilitator, code))[after]
    assert found["before"] == first
    comparison = found["compare"]
    assert comparison["before"] == [4, 2, 1] and comparison["after"] == [0, 6, 1]
    moved_by = {r["table"]: r["moved"] for r in comparison["tables"]}
    assert moved_by == {1: 1.0, 2: 0.0, 3: 1.0}  # the facilitator sees every table
    assert comparison["moved_most"] == [1, 3]

    screen = await Socket.open(screen_socket_url(created))

    def open_now(m: dict[str, Any]) -> bool:
        a = m.get("activity") or {}
        return m["type"] == "state" and a.get("id") == after

    shown = (await screen.wait_for(open_now))["activity"]
    assert shown["compare"] is None  # nothing before the reveal
    await set_state(facilitator, code, after, "revealed")
    state = await screen.wait_for(
        lambda m: open_now(m) and m["activity"]["state"] == "revealed", since=0
    )
    comparison = state["activity"]["compare"]
    assert comparison["before"] == [4, 2, 1] and comparison["after"] == [0, 6, 1]
    # Table 3 (one person) is hidden, and one more with it, so it cannot be subtracted out.
    tables = [r["table"] for r in comparison["tables"]]
    assert 3 not in tables and len(tables) == 1
    assert 3 not in comparison["moved_most"]
    await screen.close()
    for phone in (*one, *two, *three):
        await phone.close()


async def test_a_table_answer_asked_again_compares_changed_or_not(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, title="Bord før og etter", tables=2))["code"]
    first = await add_activity(facilitator, code, kind="scale", prompt="Enig?", by="table")
    one = await seated(server, code, 1, 3)
    two = await seated(server, code, 2, 3)
    await set_state(facilitator, code, first, "open")
    for phones, option in ((one, 0), (two, 3)):
        await act(phones[0], "propose", first, option)
        await act(phones[1], "confirm", first, option)
    response = await facilitator.post(f"/api/sessions/{code}/activities/{first}/again")
    after = response.json()["id"]
    await set_state(facilitator, code, after, "open")
    for phones, option in ((one, 4), (two, 3)):
        await act(phones[2], "propose", after, option)
        await act(phones[0], "confirm", after, option)
    found = (await results(facilitator, code))[after]
    assert (found["by"], found["before"]) == ("table", first)
    assert found["table_answers"] == {"1": 4, "2": 3}
    assert {r["table"]: r["moved"] for r in found["compare"]["tables"]} == {1: 1.0, 2: 0.0}
    assert found["compare"]["moved_most"] == [1]
    for phone in (*one, *two):
        await phone.close()


@pytest.mark.parametrize("target", ["reflection", "missing"])
async def test_only_a_vote_is_asked_again(facilitator: httpx.AsyncClient, target: str):
    code = (await new_session(facilitator, title="Ikke igjen"))["code"]
    wall = await add_activity(facilitator, code, kind="reflection", prompt="Tanker?")
    activity = wall if target == "reflection" else 10**9
    response = await facilitator.post(f"/api/sessions/{code}/activities/{activity}/again")
    expect_error(response, 400 if target == "reflection" else 404)


async def test_an_after_round_keeps_the_options_of_the_first(facilitator: httpx.AsyncClient):
    """A comparison needs the same options in both rounds: editing either round to another
    number of options is refused, and nothing changes."""
    code = (await new_session(facilitator, title="Samme spørsmål"))["code"]
    first = await add_activity(facilitator, code, kind="poll", prompt="Hva?", options=["A", "B"])
    response = await facilitator.post(f"/api/sessions/{code}/activities/{first}/again")
    after = response.json()["id"]
    for activity in (first, after):
        response = await facilitator.patch(
            f"/api/sessions/{code}/activities/{activity}", json={"options": ["A", "B", "C"]}
        )
        assert "like mange svaralternativer" in expect_error(response, 400)
    response = await facilitator.patch(
        f"/api/sessions/{code}/activities/{after}", json={"options": ["Ja", "Nei"]}
    )
    assert response.status_code == 200, response.text
    shown = await results(facilitator, code)
    assert len(shown[first]["counts"]) == len(shown[after]["counts"]) == 2
