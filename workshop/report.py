"""The report of the day: what the council takes home, as a view model for
`templates/report.html` (the page and, through WeasyPrint, the PDF).

Plain Python of the console's state (`console_view.console_state`) and the results
(`console_view.results`): no HTTP, no SQL. What it leaves out is the point:
- posts the facilitator hid;
- per-table figures of a table with fewer than `min_group` answers (`privacy.hidden_tables`,
  the rule the screen follows; the hidden tables are shown together as "Other tables", which
  the rule keeps at `min_group` or more);
- the table of a post or a "why" (a small table would give its writer away);
- names, unless the facilitator asks for them (`authors`), and then only on posts and on
  who spoke for a table.
The tables' own notes (table_talk.py) are the facilitator's record: all of them, those kept
off the screen marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from workshop import charts
from workshop.errors import N_
from workshop.i18n import gettext_for
from workshop.privacy import DEFAULT_MIN_GROUP, hidden_tables

VOTES = ("dilemma", "poll", "scale")
KIND_LABELS = {
    "dilemma": N_("Dilemma"),
    "poll": N_("Poll"),
    "scale": N_("Scale"),
    "reflection": N_("Reflection"),
    "evaluation": N_("Evaluation"),
}
OTHER_TABLES = N_("Other tables")
BEFORE = N_("First time")
AFTER = N_("Second time")
DASH = "\u2013"  # an en dash, as typeset text has it
SHORT_LABEL = 90  # characters of a prompt that name an activity in the contents


def build(
    session: Mapping[str, Any],
    state: Mapping[str, Any],
    results: Mapping[str, Any],
    *,
    lang: str,
    tz: tzinfo,
    authors: Mapping[str, str] | None = None,
    table_notes: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """`session`: `{title, code, created_at, organisation?}`; `state` and `results` as the
    console gets them; `authors`: post id → the participant's name, only when the report is
    to carry names; `table_notes`: `{activity, table, text, hidden, spokesperson}` per table
    and activity (`Talking.report_notes`)."""
    k = int(state.get("min_group") or DEFAULT_MIN_GROUP)
    tables = {int(t["number"]): t["name"] for t in state.get("tables", [])}
    answers = {a["id"]: a for a in results.get("activities", [])}
    ordered = _in_plan_order(state)
    ran = [a for a in ordered if a.get("state") != "draft"]
    numbers = {a["id"]: i for i, a in enumerate(ran, 1)}
    earlier = _asked_before(ran, answers)
    notes = _notes_by_activity(table_notes, tables, authors is not None)

    sections: list[dict[str, Any]] = []
    evaluations: list[dict[str, Any]] = []
    segment_titles = {s["id"]: s["title"] for s in state.get("segments", [])}
    for activity in ran:
        result = answers.get(activity["id"], {})
        view = _activity(activity, result, numbers, lang)
        if activity["kind"] == "evaluation":
            view.update(_evaluation(activity, result, lang))
            evaluations.append(view)
            continue
        if activity["kind"] in VOTES:
            view.update(_vote(activity, result, tables, k, lang))
            first = earlier.get(activity["id"])
            if first is not None:
                view["compare"] = _compare(activity, first, answers, numbers, lang)
        elif activity["kind"] == "reflection":
            view.update(_reflection(result, authors))
        view["table_notes"] = notes.get(activity["id"], [])
        title = segment_titles.get(activity.get("segment"))
        if not sections or sections[-1]["segment"] != activity.get("segment"):
            sections.append({"segment": activity.get("segment"), "title": title, "activities": []})
        sections[-1]["activities"].append(view)

    votes = [a for a in ran if a["kind"] in VOTES]
    posts = sum(len(_visible(answers.get(a["id"], {}))) for a in ran)
    whys = sum(len(answers.get(a["id"], {}).get("whys", [])) for a in votes)
    return {
        "title": session.get("title", ""),
        "organisation": session.get("organisation") or "",
        "code": session.get("code", ""),
        "date": _dates(state, session, tz, lang),
        "facts": {
            "participants": state.get("participants", 0),
            "tables": len(tables),
            "activities": len(ran),
            "posts": posts,
            "whys": whys,
        },
        "days": _plan(state, numbers, tz, lang),
        "sections": sections,
        "evaluations": evaluations,
        "min_group": k,
        "names": authors is not None,
    }


def _in_plan_order(state: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Activities as the run of show has them: segment by segment, then those in none."""
    by_id = {a["id"]: a for a in state.get("activities", [])}
    out: list[Mapping[str, Any]] = []
    for segment in state.get("segments", []):
        out.extend(by_id.pop(i) for i in segment.get("activities", []) if i in by_id)
    out.extend(by_id.values())
    return out


def _asked_before(
    ran: Sequence[Mapping[str, Any]], answers: Mapping[int, Mapping[str, Any]]
) -> dict[int, int]:
    """activity id → the id of the same question asked earlier in the day (same kind, same
    prompt, same options), for a before-and-after chart; only when both have answers."""
    first: dict[tuple[Any, ...], int] = {}
    out: dict[int, int] = {}
    for activity in ran:
        if activity["kind"] not in VOTES:
            continue
        if not sum(answers.get(activity["id"], {}).get("counts", [])):
            continue
        key = (activity["kind"], " ".join(activity["prompt"].split()), tuple(activity["options"]))
        if key in first:
            out[activity["id"]] = first[key]
        else:
            first[key] = activity["id"]
    return out


def short(text: str, limit: int = SHORT_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _activity(
    activity: Mapping[str, Any],
    result: Mapping[str, Any],
    numbers: Mapping[int, int],
    lang: str,
) -> dict[str, Any]:
    return {
        "id": activity["id"],
        "anchor": f"activity-{activity['id']}",
        "number": numbers[activity["id"]],
        "kind": activity["kind"],
        "kind_label": gettext_for(lang, KIND_LABELS.get(activity["kind"], activity["kind"])),
        "title": activity.get("title") or "",
        "label": short(activity.get("title") or activity["prompt"]),
        "prompt": activity["prompt"],
        "answered": activity.get("answered", 0),
        "chart": None,
        "tables_chart": None,
        "tables_left_out": 0,
        "compare": None,
        "mean": None,
        "whys": [],
        "posts": [],
        "questions": [],
        "table_notes": [],
    }


def _vote(
    activity: Mapping[str, Any],
    result: Mapping[str, Any],
    tables: Mapping[int, str],
    k: int,
    lang: str,
) -> dict[str, Any]:
    labels = list(activity["options"])
    counts = list(result.get("counts") or [0] * len(labels))
    total = sum(counts)
    view: dict[str, Any] = {"total": total, "options": labels}
    view["chart"] = charts.bars(labels, counts) if total else None
    if activity["kind"] == "scale" and total:
        view["mean"] = _decimal(sum((i + 1) * c for i, c in enumerate(counts)) / total, lang)
    view.update(_per_table(result, labels, tables, k, lang))
    by_option: dict[int, list[str]] = {}
    for why in reversed(result.get("whys", [])):  # the results are newest first
        by_option.setdefault(why["option"], []).append(why["text"])
    view["whys"] = [
        {"option": labels[i], "colour": charts.colour(i), "texts": by_option[i]}
        for i in range(len(labels))
        if i in by_option
    ]
    return view


def _per_table(
    result: Mapping[str, Any],
    labels: Sequence[str],
    tables: Mapping[int, str],
    k: int,
    lang: str,
) -> dict[str, Any]:
    """A bar per table, split by option; tables under the small-group threshold only
    together, as "Other tables". No chart when it would show nothing the room's does not."""
    per_table = {int(n): list(c) for n, c in result.get("tables", {}).items()}
    people = {n: sum(c) for n, c in per_table.items()}
    hidden = hidden_tables(people, k)
    rows: list[tuple[str, Sequence[int]]] = [
        (tables.get(n, str(n)), per_table[n])
        for n in sorted(per_table)
        if n not in hidden and people[n] > 0
    ]
    left_out = [n for n in hidden if people.get(n, 0) > 0]
    if left_out:
        together = [sum(per_table[n][i] for n in left_out) for i in range(len(labels))]
        rows.append((gettext_for(lang, OTHER_TABLES), together))
    if len(rows) < 2:
        return {"tables_chart": None, "tables_left_out": len(left_out)}
    return {"tables_chart": charts.stacked(rows, labels), "tables_left_out": len(left_out)}


def _compare(
    activity: Mapping[str, Any],
    first_id: int,
    answers: Mapping[int, Mapping[str, Any]],
    numbers: Mapping[int, int],
    lang: str,
) -> dict[str, Any]:
    before = answers[first_id].get("counts", [])
    after = answers.get(activity["id"], {}).get("counts", [])
    chart = charts.paired(
        list(activity["options"]),
        before,
        after,
        gettext_for(lang, BEFORE),
        gettext_for(lang, AFTER),
    )
    return {"chart": chart, "first": numbers[first_id], "anchor": f"activity-{first_id}"}


def _visible(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in result.get("posts", []) if not p.get("hidden")]


def _reflection(result: Mapping[str, Any], authors: Mapping[str, str] | None) -> dict[str, Any]:
    posts = [
        {"text": p["text"], "name": (authors or {}).get(p["id"], "")}
        for p in reversed(_visible(result))  # in the order they were written
    ]
    return {"posts": posts, "total": len(posts), "stations": _stations(result, authors)}


def _notes_by_activity(
    table_notes: Sequence[Mapping[str, Any]], tables: Mapping[int, str], names: bool
) -> dict[int, list[dict[str, Any]]]:
    """activity id → its tables' notes in table order: the table's name, the text, whether
    it was kept off the screen, and who spoke for the table (a name, only in a report with
    names)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for note in sorted(table_notes, key=lambda n: (n["activity"], n["table"])):
        if not note["text"].strip():
            continue
        speaker = note.get("spokesperson") or {}
        out.setdefault(note["activity"], []).append(
            {
                "table": tables.get(note["table"], str(note["table"])),
                "text": note["text"].strip(),
                "hidden": bool(note["hidden"]),
                "spokesperson": (speaker.get("name") or "") if names else "",
            }
        )
    return out


def _stations(result: Mapping[str, Any], authors: Mapping[str, str] | None) -> list[Any]:
    """A station rotation's posts by station (stationing.py), hidden ones left out."""
    return [
        {
            "name": group["name"] or "",
            "prompt": group.get("prompt") or "",
            "posts": [
                {"text": p["text"], "name": (authors or {}).get(p["id"], "")}
                for p in group.get("posts", [])
                if not p.get("hidden")
            ],
        }
        for group in result.get("stations") or []
    ]


def _evaluation(
    activity: Mapping[str, Any], result: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    """The evaluation's summary (counts, means, free texts), never per table or person."""
    questions = result.get("questions") or activity.get("questions") or []
    live = activity.get("results") or {}  # the console's: {responses, summary}
    summary = result.get("summary") or live.get("summary") or {}
    responses = result.get("responses", live.get("responses", activity.get("answered", 0)))
    out = []
    for question in questions:
        figures = summary.get(question.get("key"), {}) or {}
        out.append(_question(question, figures, lang, responses))
    return {"questions": out, "total": responses}


def _question(
    question: Mapping[str, Any], figures: Mapping[str, Any], lang: str, responses: int
) -> dict[str, Any]:
    kind = question.get("kind")
    choices = question.get("choices") or question.get("options") or []
    view: dict[str, Any] = {
        "key": question.get("key"),
        "kind": kind,
        "prompt": question.get("prompt", ""),
        "chart": None,
        "mean": None,
        "high": None,
        "texts": [],
        "answers": 0,
    }
    counts: list[int] = []
    labels: list[str] = []
    if kind == "scale":
        counts = [int(c) for c in figures.get("counts", [0] * 5)]
        labels = [str(step) for step in range(1, len(counts) + 1)]
        if len(choices) == len(counts):  # steps with words of their own
            labels = [f"{i + 1} {DASH} {_label(c)}" for i, c in enumerate(choices)]
        mean = figures.get("mean")
        view["mean"] = None if mean is None else _decimal(mean, lang)
        if sum(counts):
            view["high"] = charts.percent(sum(counts[3:]), sum(counts))
    elif kind in ("choice", "topics"):
        found = figures.get("counts", {}) or {}
        pairs = [(_label(c), int(found.get(str(c.get("id")), 0))) for c in choices]
        if kind == "topics":  # the most useful topic first
            pairs.sort(key=lambda pair: -pair[1])
        labels, counts = [p[0] for p in pairs], [p[1] for p in pairs]
    elif kind == "text":
        view["texts"] = [t for t in figures.get("texts", []) if t]
        view["answers"] = len(view["texts"])
    if counts:
        view["answers"] = sum(counts)
        # a topic's share is of the people who answered: each may choose several
        people = responses if kind == "topics" else None
        view["chart"] = charts.bars(labels, counts, people) if sum(counts) else None
    return view


def _label(choice: Any) -> str:
    if isinstance(choice, Mapping):
        return str(choice.get("label") or choice.get("title") or choice.get("id") or "")
    return str(choice)


def _decimal(value: float, lang: str) -> str:
    """One decimal, as the reader writes it: 4,3 in Norwegian."""
    return format_decimal(round(value, 1), "0.0", locale=lang)


def _clock(timestamp: float | None, tz: tzinfo) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, tz).strftime("%H:%M")


def _long_date(day: date, lang: str) -> str:
    return format_date(day, format="long", locale=lang)


def _dates(state: Mapping[str, Any], session: Mapping[str, Any], tz: tzinfo, lang: str) -> str:
    """The day's date (or first to last for a plan over several days); before the plan
    started, the day the session was made."""
    started = sorted(
        datetime.fromtimestamp(d["started_at"], tz).date()
        for d in state.get("days", [])
        if d.get("started_at")
    )
    if not started:
        started = [datetime.fromtimestamp(session.get("created_at") or 0, tz).date()]
    first, last = started[0], started[-1]
    if first == last:
        return _long_date(first, lang)
    return f"{_long_date(first, lang)} {DASH} {_long_date(last, lang)}"


def _plan(
    state: Mapping[str, Any], numbers: Mapping[int, int], tz: tzinfo, lang: str
) -> list[dict[str, Any]]:
    """Each day with its segments: the planned start and length, and when each really
    started and how long it took (to the next segment that started on that day)."""
    activities = {a["id"]: a for a in state.get("activities", [])}
    days = {d["day"]: d for d in state.get("days", [])}
    out = []
    for day in sorted({s["day"] for s in state.get("segments", [])} | set(days)):
        segments = [s for s in state.get("segments", []) if s["day"] == day]
        started = days.get(day, {}).get("started_at")
        rows = []
        for i, segment in enumerate(segments):
            began = segment.get("started_at")
            after = next((s["started_at"] for s in segments[i + 1 :] if s.get("started_at")), None)
            took = round((after - began) / 60) if began and after and after > began else None
            rows.append(
                {
                    "title": segment["title"],
                    "planned": segment.get("start") or "",
                    "minutes": segment.get("minutes") or 0,
                    "actual": _clock(began, tz),
                    "took": took,
                    "activities": [
                        {
                            "label": short(activities[a].get("title") or activities[a]["prompt"]),
                            "kind_label": gettext_for(
                                lang, KIND_LABELS.get(activities[a]["kind"], "")
                            ),
                            "number": numbers.get(a),
                            "anchor": f"activity-{a}",
                        }
                        for a in segment.get("activities", [])
                        if a in activities
                    ],
                }
            )
        out.append(
            {
                "day": day,
                "date": _long_date(datetime.fromtimestamp(started, tz).date(), lang)
                if started
                else "",
                "planned": days.get(day, {}).get("start") or "",
                "actual": _clock(started, tz),
                "segments": rows,
            }
        )
    return out
