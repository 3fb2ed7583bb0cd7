"""The plan's rules as plain functions: the run of show, checked input, the plan file."""

from __future__ import annotations

import pytest

from workshop.agenda import (
    Segment,
    Step,
    clock,
    next_step,
    read_plan,
    run_of_show,
    segment_spec,
    timer_seconds,
)
from workshop.domain import Activity, ActivityKind
from workshop.errors import Invalid


def _activity(id: int, position: int, segment: int | None) -> Activity:
    return Activity(id, 1, position, ActivityKind.SCALE, "?", segment_id=segment)


SEGMENTS = [Segment(20, 1, 1, "Etter lunsj"), Segment(10, 1, 0, "Velkommen")]
ACTIVITIES = [_activity(3, 3, 20), _activity(1, 1, 10), _activity(2, 2, 20), _activity(9, 9, None)]


def test_the_run_of_show_is_each_segment_then_its_activities_then_the_rest():
    assert run_of_show(SEGMENTS, ACTIVITIES) == [
        Step(10, None),
        Step(10, 1),
        Step(20, None),
        Step(20, 2),
        Step(20, 3),
        Step(None, 9),
    ]


def test_next_starts_at_the_first_step_and_ends_after_the_last():
    steps = run_of_show(SEGMENTS, ACTIVITIES)
    assert next_step(steps, None, None) == Step(10, None)
    assert next_step(steps, 10, None) == Step(10, 1)
    assert next_step(steps, 10, 1) == Step(20, None)
    # An activity opened by hand counts as where the room is.
    assert next_step(steps, 10, 2) == Step(20, 3)
    assert next_step(steps, 20, 9) is None


@pytest.mark.parametrize("text", ["09:00", "23:59", "00:00", "", None])
def test_clock_accepts_times_of_day(text):
    assert clock(text) == (text or "")


@pytest.mark.parametrize("text", ["9:00", "24:00", "12:60", "0900", 900, "kl 9"])
def test_clock_refuses_anything_else(text):
    with pytest.raises(Invalid):
        clock(text)


def test_a_segment_change_keeps_what_it_does_not_name():
    base = segment_spec({"title": "Velkommen", "start": "09:00", "minutes": 30})
    assert segment_spec({"minutes": 45}, base) == base.__class__("Velkommen", 1, "09:00", 45)
    with pytest.raises(Invalid):
        segment_spec({"minutes": True}, base)


def test_timer_lengths():
    assert timer_seconds(0) == 0
    assert timer_seconds(600) == 600
    for bad in (9, 3601, -1, "60", None, False, 1.5):
        with pytest.raises(Invalid):
            timer_seconds(bad)


def test_a_plan_file_is_checked_whole():
    good = {"format": "workshop-plan", "version": 1, "segments": [{"title": "A", "items": []}]}
    assert len(read_plan(good)) == 1
    for bad in (
        [],
        {**good, "format": "x"},
        {**good, "version": 2},
        {**good, "segments": []},
        {**good, "segments": ["A"]},
        {**good, "segments": [{"title": "A", "items": [{"activities": "x"}]}]},
        {**good, "segments": [{"title": "A", "start": "9", "items": []}]},
    ):
        with pytest.raises(Invalid):
            read_plan(bad)


def test_a_term_is_marked_where_it_first_appears_in_a_text():
    from workshop.snapshots import first_marks_only

    runs = [
        ("Det ", None),
        ("kommunestyret", "ks"),
        (" og ", None),
        ("kommunestyret", "ks"),
        (" og ", None),
        ("ordføreren", "o"),
        (".", None),
    ]
    assert first_marks_only(runs) == [
        ("Det ", None),
        ("kommunestyret", "ks"),
        (" og kommunestyret og ", None),
        ("ordføreren", "o"),
        (".", None),
    ]
