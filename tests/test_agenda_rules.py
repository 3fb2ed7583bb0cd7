"""The plan's rules as plain functions: the run of show, checked input, the plan file."""

from __future__ import annotations

import pytest

from workshop.agenda import (
    PlanDay,
    PlanSegment,
    Segment,
    SegmentSpec,
    Step,
    clock,
    day_start_for,
    days_of,
    next_step,
    run_of_show,
    schedule,
    segment_spec,
    timer_seconds,
)
from workshop.domain import Activity, ActivityKind
from workshop.errors import Invalid
from workshop.plan_file import read_plan


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
        Step(None, None, closing=True),
    ]


def test_next_starts_at_the_first_step_and_ends_after_the_last():
    steps = run_of_show(SEGMENTS, ACTIVITIES)
    assert next_step(steps, None, None) == Step(10, None)
    assert next_step(steps, 10, None) == Step(10, 1)
    assert next_step(steps, 10, 1) == Step(20, None)
    # An activity opened by hand counts as where the room is.
    assert next_step(steps, 10, 2) == Step(20, 3)
    # After the last activity every plan ends with its closing, and nothing comes after.
    assert next_step(steps, 20, 9) == Step(None, None, closing=True)
    assert next_step(steps, None, None, closing=True) is None
    # An empty plan has nothing to close yet.
    assert run_of_show([], []) == []
    assert next_step([], None, None) is None


def _segment(id: int, position: int, minutes: int, day: int = 1) -> Segment:
    return Segment(id, 1, position, f"S{id}", day=day, minutes=minutes)


def test_plan_times_are_computed_from_the_days_start_and_the_lengths_before():
    segments = [_segment(1, 0, 10), _segment(2, 1, 40), _segment(3, 2, 10), _segment(4, 0, 60, 2)]
    days = {1: PlanDay(1, "16:00"), 2: PlanDay(2, "09:00")}
    times = schedule(segments, days, {2: 50})
    assert [(times[i].offset, times[i].start) for i in (1, 2, 3, 4)] == [
        (0, "16:00"),
        (10, "16:10"),
        (50, "16:50"),
        (0, "09:00"),
    ]
    # A 50-minute case in a 40-minute segment is flagged; one with time to spare is not.
    assert times[2].over(40) and not times[1].over(10)
    # A reorder moves every later start with it.
    moved = [_segment(1, 0, 10), _segment(2, 2, 40), _segment(3, 1, 10)]
    again = schedule(moved, days, {})
    assert [again[i].start for i in (1, 3, 2)] == ["16:00", "16:10", "16:20"]
    # No planned start: offsets only.
    assert schedule(segments, {}, {})[2].start == ""


def test_a_start_written_on_a_segment_becomes_its_days_start():
    assert day_start_for("16:10", 10) == "16:00"
    assert day_start_for("00:05", 10) == "23:55"
    plan = [
        PlanSegment(SegmentSpec("A", 1, "16:00", 10)),
        PlanSegment(SegmentSpec("B", 1, "16:10", 40)),
        PlanSegment(SegmentSpec("C", 2, "", 40)),
        PlanSegment(SegmentSpec("D", 2, "09:40", 40)),
    ]
    assert days_of(plan) == {1: "16:00", 2: "09:00"}


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
    from workshop.marks import first_marks_only

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
