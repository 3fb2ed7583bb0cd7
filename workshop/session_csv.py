"""The session's answers as CSV for a spreadsheet (docs/api.md, "The answers as CSV"): one row
per answer, UTF-8 with a BOM so Excel reads æøå right, and every text cell that a
spreadsheet would run as a formula made plain. Plain rules, like `session_file`."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from workshop.agenda import run_of_show
from workshop.domain import SCALE_LABELS, Activity, ActivityKind
from workshop.session_file import SessionRecord
from workshop.stations import station_name

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("activity_id", "activity", "kind", "question", "table", "table_name")
NAME_COLUMNS = ("participant", "name")
ANSWER_COLUMNS = ("option", "label", "text", "why", "hidden", "time", "station", "by", "before")

Cell = str | int


def neutralise(value: Cell) -> Cell:
    """A text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage
    return first, also after spaces) with a `'` in front, as OWASP recommends."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds")


def _by_activity(answers: Iterable[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for answer in answers:
        out.setdefault(answer.activity_id, []).append(answer)
    return out


def answer_rows(
    record: SessionRecord, names: bool, translate: Callable[[str], str]
) -> Iterator[list[Cell]]:
    """The header, then a row per answer: each participant's latest vote, each table's
    confirmed answer (the table's: no name), every post, and one row per answered key of
    each participant's latest evaluation (never with a name: the evaluation is anonymous).
    Activities in the order of the day."""
    yield [*COLUMNS, *(NAME_COLUMNS if names else ()), *ANSWER_COLUMNS]
    tables = {t.number: t.name for t in record.tables}
    people = {p.id: p for p in record.participants}
    segments = {s.id: s.title for s in record.segments}
    order = [
        s.activity_id
        for s in run_of_show(record.segments, record.activities)
        if s.activity_id is not None
    ]
    by_id = {a.id: a for a in record.activities}
    votes = _by_activity(v for v in record.votes if v.latest)
    posts = _by_activity(record.posts)
    evaluations = _by_activity(e for e in record.evaluations if e.latest)
    rotations = {r.activity_id: r for r in record.rotations}  # a post's station (stations.py)
    confirms = {t.id: t for t in record.table_acts}  # a table's answer's time: its confirm's
    table_answers = _by_activity(record.table_answers)
    table_notes = _by_activity(n for n in record.table_notes if n.text.strip())  # talk_file.py

    def label_of(activity: Activity, option: int) -> str:
        if activity.kind is ActivityKind.SCALE:
            return translate(SCALE_LABELS[option]) if option < len(SCALE_LABELS) else ""
        return activity.options[option] if option < len(activity.options) else ""

    def tail(activity: Activity, by: str = "person") -> list[Cell]:
        """`by`: a person's answer or a table's; `before`: an after round's round before."""
        return [by, activity.before if activity.before is not None else ""]

    def head(activity: Activity, question: str, table: int, person: int | None) -> list[Cell]:
        row: list[Cell] = [
            activity.id,
            activity.title or activity.prompt,
            activity.kind.value,
            question,
            table,
            tables.get(table, ""),
        ]
        if names:
            found = people.get(person) if person is not None else None
            row += [found.number, found.name] if found else ["", ""]
        return row

    for activity_id in order:
        activity = by_id[activity_id]
        for v in votes.get(activity_id, ()):
            yield [
                *head(activity, "", v.table, v.participant_id),
                v.option,
                label_of(activity, v.option),
                "",
                v.why,
                "",
                iso(v.created_at),
                "",
                *tail(activity),
            ]
        for t in table_answers.get(activity_id, ()):  # the table's, never a name
            if t.option is None:
                continue  # proposed, never confirmed
            confirm = confirms.get(t.answer_id or "")
            yield [
                *head(activity, "", t.table, None),
                t.option,
                label_of(activity, t.option),
                "",
                "",
                "",
                iso(confirm.created_at) if confirm is not None else "",
                "",
                *tail(activity, "table"),
            ]
        for n in table_notes.get(activity_id, ()):  # the table's notes: the table's, no name
            yield [
                *head(activity, "", n.table, None),
                "",
                "",
                n.text,
                "",
                int(n.hidden),
                iso(n.updated_at),
                "",
                *tail(activity, "table"),
            ]
        for p in posts.get(activity_id, ()):
            yield [
                *head(activity, "", p.table, p.participant_id),
                "",
                "",
                p.text,
                "",
                int(p.hidden),
                iso(p.created_at),
                station_name(rotations.get(activity_id), record.post_stations.get(p.id)),
                *tail(activity),
            ]
        questions = {q.key: q for q in activity.questions}
        for e in evaluations.get(activity_id, ()):
            for r in e.rows:
                q = questions.get(r.key)
                label = ""
                if q is not None and q.kind == "topics" and r.number is not None:
                    label = segments.get(r.number, "")
                elif q is not None and q.kind == "choice":
                    label = dict(q.choices).get(r.text or "", "")
                choice = q is not None and q.kind == "choice"
                text = r.text if q is None or q.kind == "text" else ""
                option: Cell = r.number if r.number is not None else (r.text or "")
                yield [
                    *head(activity, r.key, e.table, None),
                    option if r.number is not None or choice else "",
                    label,
                    text or "",
                    "",
                    "",
                    iso(e.created_at),
                    "",
                    *tail(activity),
                ]


def answers_csv(record: SessionRecord, names: bool, translate: Callable[[str], str]) -> bytes:
    """The CSV file: UTF-8 with a BOM, rows ended by CRLF (RFC 4180)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for row in answer_rows(record, names, translate):
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue().encode("utf-8")
