"""The pure rules of station rotations (workshop/stations.py): who is where, the clock, a
post's station at a round's edge, and what a facilitator may send."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.domain import Table
from workshop.errors import Conflict, Invalid
from workshop.stations import (
    Rotation,
    Station,
    next_round,
    positions,
    rotation_spec,
    round_at,
    screen_part,
    station_for_post,
    station_index,
    table_part,
)

S3 = (Station("Helse og omsorg", "?"), Station("Teknisk"), Station("Oppvekst"))


def rotation(base_at: float | None = 1000.0, base_round: int = 0, rounds: int = 3) -> Rotation:
    return Rotation(7, S3, 600, rounds, base_round, base_at)


@given(st.integers(1, 60), st.integers(2, 12))
def test_every_table_visits_every_station_once(tables: int, stations: int):
    for position in range(tables):
        seen = [station_index(position, r, stations) for r in range(stations)]
        assert sorted(seen) == list(range(stations))


@given(st.integers(1, 60), st.integers(2, 12), st.integers(0, 11))
def test_tables_share_stations_evenly(tables: int, stations: int, round_: int):
    counts = Counter(station_index(p, round_, stations) for p in range(tables))
    full = [counts.get(s, 0) for s in range(stations)]
    assert max(full) - min(full) <= 1


def test_positions_follow_the_table_numbers_not_the_order_given():
    assert positions([5, 2, 9]) == {2: 0, 5: 1, 9: 2}


def test_the_round_follows_the_clock_and_stops_at_the_end():
    r = rotation()
    assert round_at(rotation(None), 5000) is None
    assert round_at(r, 1000) == 0
    assert round_at(r, 1599.999) == 0
    assert round_at(r, 1600) == 1  # the edge belongs to the next round
    assert round_at(r, 2200) == 2
    assert round_at(r, 9999) == 3  # over
    assert round_at(r, 900) == 0  # a clock a little behind never gives a negative round
    assert round_at(rotation(base_at=2000, base_round=1), 2000) == 1


def test_a_post_at_the_edge_of_a_round_has_exactly_one_station():
    r = rotation()
    numbers = [1, 2, 3, 4]
    before = station_for_post(r, 2, numbers, 1599.999)
    after = station_for_post(r, 2, numbers, 1600.0)
    assert before == (1, 0) and after == (2, 1)
    assert station_for_post(rotation(None), 2, numbers, 1600) == (None, None)
    assert station_for_post(r, 2, numbers, 99999) == (0, 2)  # over: the last station
    assert station_for_post(r, 99, numbers, 1600) == (None, None)  # no such table


def test_next_refuses_a_stale_round_and_the_end():
    r = rotation()
    assert next_round(r, 1100, 0) == 1
    assert next_round(r, 1100) == 1
    with pytest.raises(Conflict):
        next_round(r, 1700, 0)  # the clock moved it on already
    with pytest.raises(Conflict):
        next_round(rotation(None), 1100)
    with pytest.raises(Conflict):
        next_round(r, 99999)


def test_the_views_say_where_each_table_is_now_and_next():
    tables = [Table(n, f"Bord {n}") for n in (1, 2, 3, 4)]
    screen = screen_part(rotation(), tables, 1700)
    assert screen["round"] == 1 and screen["state"] == "running" and screen["ends_at"] == 2200
    assert [[t["number"] for t in s["tables"]] for s in screen["stations"]] == [[3], [1, 4], [2]]
    phone = table_part(rotation(), 1, [1, 2, 3, 4], 1700)
    assert phone["station"]["name"] == "Teknisk"
    assert phone["next"] == {"name": "Oppvekst", "at": 2200}
    last = table_part(rotation(), 1, [1, 2, 3, 4], 2300)
    assert last["next"] is None and last["station"]["name"] == "Oppvekst"
    waiting = table_part(rotation(None), 1, [1, 2, 3, 4], 0)
    assert waiting["state"] == "waiting" and waiting["station"]["name"] == "Helse og omsorg"
    over = screen_part(rotation(), tables, 99999)
    assert over["state"] == "over" and all(not s["tables"] for s in over["stations"])


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"stations": []},
        {"stations": "Teknisk"},
        {"stations": [{"name": "Alene"}]},
        {"stations": [{"name": f"S{i}"} for i in range(13)]},
        {"stations": [{"name": "A"}, {"name": ""}]},
        {"stations": [{"name": "A"}, {"name": "   "}]},
        {"stations": [{"name": "A"}, 5]},
        {"stations": [{"name": "A"}, {"name": "a "}]},
        {"stations": [{"name": "A"}, {"name": "B", "prompt": 3}]},
        {"stations": [{"name": "A"}, {"name": "B"}], "minutes": 0},
        {"stations": [{"name": "A"}, {"name": "B"}], "minutes": True},
        {"stations": [{"name": "A"}, {"name": "B"}], "seconds": 4},
        {"stations": [{"name": "A"}, {"name": "B"}], "seconds": 30, "minutes": 1},
        {"stations": [{"name": "A"}, {"name": "B"}], "rounds": 3},
    ],
)
def test_bad_rotations_are_refused(body):
    with pytest.raises(Invalid):
        rotation_spec(body)


def test_a_good_rotation_and_its_defaults():
    spec = rotation_spec({"stations": ["Helse", {"name": " Teknisk ", "prompt": "Veier?"}]})
    assert [s.name for s in spec.stations] == ["Helse", "Teknisk"]
    assert (spec.seconds, spec.rounds) == (600, 2)
    assert rotation_spec({"stations": ["A", "B", "C"], "minutes": 7, "rounds": 2}).seconds == 420
    changed = rotation_spec({"minutes": 3}, spec)
    assert changed.stations == spec.stations and changed.seconds == 180 and changed.rounds == 2
