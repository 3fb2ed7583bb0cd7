"""The plan file: a session's plan as the JSON a facilitator exports, and a checked import
(docs/api.md, "The plan file"). Plain rules, like `agenda`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workshop.agenda import (
    MAX_SEGMENTS,
    PlanItem,
    PlanSegment,
    Segment,
    SessionCase,
    Timing,
    case_spec,
    segment_spec,
)
from workshop.domain import Activity, activity_spec
from workshop.errors import N_, Invalid
from workshop.evaluation import question_json

PLAN_FORMAT = "workshop-plan"
PLAN_VERSION = 1


def plan_file(
    title: str,
    language: str,
    segments: Sequence[Segment],
    cases: Mapping[int, SessionCase],
    activities: Sequence[Activity],
    timing: Mapping[int, Timing] | None = None,
) -> dict[str, Any]:
    """A session's plan as the JSON a facilitator exports (docs/api.md); each segment's
    `start` is its planned start by `timing`."""

    def activity_view(a: Activity) -> dict[str, Any]:
        view = {
            "kind": a.kind.value,
            "title": a.title,
            "prompt": a.prompt,
            "options": list(a.options),
            "allow_why": a.allow_why,
        }
        if a.questions:
            view["questions"] = [question_json(q) for q in a.questions]
        if a.by != "person":
            view["by"] = a.by
        return view

    def items(segment_id: int | None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for a in sorted(activities, key=lambda a: a.position):
            if a.segment_id != segment_id:
                continue
            if out and a.case_id is not None and out[-1]["_case"] == a.case_id:
                out[-1]["activities"].append(activity_view(a))
                continue
            case = cases.get(a.case_id) if a.case_id is not None else None
            out.append(
                {
                    "_case": a.case_id if case else None,
                    "case": None
                    if case is None
                    else {
                        "source": case.source,
                        "title": case.title,
                        "narrative": case.narrative,
                        "questions": list(case.questions),
                        "notes": case.notes,
                        "minutes": case.minutes,
                        "law": [{"ref": ref, "text": text} for ref, text in case.law],
                    },
                    "activities": [activity_view(a)],
                }
            )
        for item in out:
            del item["_case"]
        return out

    return {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "title": title,
        "language": language,
        "segments": [
            {
                "title": s.title,
                "day": s.day,
                "start": timing[s.id].start if timing and s.id in timing else s.start,
                "minutes": s.minutes,
                "items": items(s.id),
            }
            for s in sorted(segments, key=lambda s: s.position)
        ],
    }


def read_plan(data: object) -> tuple[PlanSegment, ...]:
    """A plan file checked whole before anything is stored."""
    if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
        raise Invalid(N_("This is not a workshop plan file."))
    if data.get("version") != PLAN_VERSION:
        raise Invalid(N_("This plan file is from another version of workshop."))
    raw_segments = data.get("segments")
    if not isinstance(raw_segments, list) or not 1 <= len(raw_segments) <= MAX_SEGMENTS:
        raise Invalid(N_("A plan has from 1 to %(max)d segments."), max=MAX_SEGMENTS)
    out = []
    for raw in raw_segments:
        if not isinstance(raw, dict):
            raise Invalid(N_("A segment must be a JSON object."))
        items = []
        for item in raw.get("items") or []:
            if not isinstance(item, dict) or not isinstance(item.get("activities"), list):
                raise Invalid(N_("Each item in a segment needs a list of activities."))
            case = item.get("case")
            items.append(
                PlanItem(
                    case_spec(case) if isinstance(case, dict) else None,
                    tuple(
                        activity_spec(
                            a.get("kind"),
                            a.get("prompt"),
                            a.get("options"),
                            a.get("title"),
                            a.get("allow_why"),
                            a.get("questions"),
                            a.get("by"),
                        )
                        for a in item["activities"]
                        if isinstance(a, dict)
                    ),
                )
            )
        out.append(PlanSegment(segment_spec(raw), tuple(items)))
    return tuple(out)
