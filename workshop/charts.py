"""The report's charts as geometry: plain numbers and label lines, no markup.

`templates/report.html` draws each chart as inline SVG from these, so every label goes
through Jinja's autoescaping like any other text; only numbers computed here end up in
attributes. The same SVG works in the browser and in WeasyPrint's PDF. Widths are in SVG
user units of a `WIDTH`-wide view box; text is measured by an average glyph width, which is
enough to wrap labels where a person would.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
FONT = 12  # label size in user units
LINE = 15  # distance between label lines
BAR = 16  # bar thickness
GAP = 10  # space below a row
LABEL_CHARS = 86  # a label line across the chart
SIDE_LABEL_CHARS = 22  # a table name beside its bar
MAX_LINES = 4
VALUE_ROOM = 92  # space right of a bar for "123 (45 %)"
SIDE = 140  # the column of table names in a chart per table
DIGIT = FONT * 1139 / 2048  # a digit's advance: the same in Liberation Sans, Arial, Helvetica

# The option colours of the console and screen (static/app.css --c0 … --c7).
COLOURS = (
    "#1d4f91",
    "#c2512f",
    "#2b7a4b",
    "#8a6100",
    "#6b4a9e",
    "#1f7f95",
    "#a23d67",
    "#55606e",
)
BEFORE = "#9fb4d3"  # the first run of an activity asked twice, beside the second in COLOURS[0]


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def wrap(label: str, chars: int = LABEL_CHARS, lines: int = MAX_LINES) -> list[str]:
    """A label as lines of at most `chars`, at most `lines` of them (the last cut with …)."""
    wrapped = textwrap.wrap(" ".join(label.split()), chars, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: chars - 1].rstrip() + "…"
    return wrapped


def percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    colour: str
    value: str  # "12 (40 %)", drawn right of the bar at (value_x, y + BAR - 4)
    value_x: float


@dataclass(frozen=True, slots=True)
class Row:
    label: list[str]  # lines, the first baseline at `label_y`
    label_x: float
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    width: float
    colour: str


@dataclass(frozen=True, slots=True)
class StackedRow:
    label: list[str]
    y: float  # the bar's top
    segments: list[Segment]
    total: str  # "12", right of the bar, under the column's "n" (at `Chart.total_y`)


@dataclass(frozen=True, slots=True)
class Legend:
    x: float
    y: float
    colour: str
    label: str


@dataclass
class Chart:
    kind: str  # "bars" or "stacked"
    width: int
    height: float
    rows: list[Row] = field(default_factory=list)
    stacked: list[StackedRow] = field(default_factory=list)
    legend: list[Legend] = field(default_factory=list)
    bar: int = BAR
    font: int = FONT
    line: int = LINE
    side: int = SIDE
    total_y: float = 0.0  # a stacked chart's "n" above its column of totals
    summary: str = ""  # every figure as one line of text, for a screen reader

    @property
    def paths(self) -> list[tuple[str, str]]:
        """Every bar as one path per colour, (colour, path data): a PDF of a long day draws
        a few paths much faster than hundreds of rectangles. Numbers only."""
        by_colour: dict[str, list[str]] = {}
        for row in self.rows:
            for bar in row.bars:
                if bar.width > 0:
                    by_colour.setdefault(bar.colour, []).append(
                        _rect(bar.x, bar.y, bar.width, self.bar)
                    )
        for stacked_row in self.stacked:
            for i, part in enumerate(stacked_row.segments):
                last = i == len(stacked_row.segments) - 1
                width = part.width if last else max(part.width - 1, 0.5)  # a white seam
                by_colour.setdefault(part.colour, []).append(
                    _rect(part.x, stacked_row.y, width, self.bar)
                )
        return [(colour, "".join(parts)) for colour, parts in by_colour.items()]

    @property
    def totals(self) -> tuple[str, str, str]:
        """A stacked chart's column of totals as one SVG `<text>`, (x list, y list, digits):
        each digit placed on its own, `DIGIT` apart. WeasyPrint sets up every `<text>` anew
        (a chart of 22 tables drew 22 of them for 22 numbers); one per chart is the same
        figures, drawn the same. Numbers only."""
        xs, ys, digits = [], [], []
        for row in self.stacked:
            for i, digit in enumerate(row.total):
                xs.append(f"{self.width - 52 + i * DIGIT:.1f}")
                ys.append(f"{row.y + self.bar - 4:.1f}")
                digits.append(digit)
        return " ".join(xs), " ".join(ys), "".join(digits)


def _rect(x: float, y: float, width: float, height: float) -> str:
    return f"M{x:.1f} {y:.1f}h{width:.1f}v{height:.1f}h{-width:.1f}z"


def _value(count: int, total: int) -> str:
    return f"{count} ({percent(count, total)} %)"


def bars(labels: Sequence[str], counts: Sequence[int], total: int | None = None) -> Chart:
    """One bar per option for the whole room, each with its count and share; the longest
    bar is the most common answer, and the scale is the total (bars add up to 100 %).
    `total`: the people who answered, where each may give several answers (topics): then
    each share is of the people, and the bars add up to more."""
    total = sum(counts) if total is None else max(total, *counts, 0)
    room = WIDTH - VALUE_ROOM
    rows, y = [], 0.0
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        lines = wrap(label)
        top = y + len(lines) * LINE + 2
        width = room * count / total if total else 0.0
        width = max(width, 1.0 if count else 0.0)  # a single vote still shows
        bar = Bar(0, top, width, colour(i), _value(count, total), width + 6)
        rows.append(Row(lines, 0, y + FONT, [bar]))
        y = top + BAR + GAP
    summary = "; ".join(
        f"{label}: {_value(c, total)}" for label, c in zip(labels, counts, strict=True)
    )
    return Chart("bars", WIDTH, max(y - GAP + 2, 1.0), rows=rows, summary=summary)


def paired(
    labels: Sequence[str],
    before: Sequence[int],
    after: Sequence[int],
    before_label: str,
    after_label: str,
) -> Chart:
    """Before and after: each option's share the first time and the second, one bar above
    the other, as shares (the two runs may have had different numbers of people)."""
    total_before, total_after = sum(before), sum(after)
    room = WIDTH - VALUE_ROOM
    legend = [
        Legend(0, FONT, BEFORE, before_label),
        Legend(WIDTH / 2, FONT, colour(0), after_label),
    ]
    rows, y = [], float(LINE + GAP)
    thin = BAR * 3 // 4
    for label, b, a in zip(labels, before, after, strict=True):
        lines = wrap(label)
        top = y + len(lines) * LINE + 2
        made = []
        for offset, (count, total, fill) in enumerate(
            ((b, total_before, BEFORE), (a, total_after, colour(0)))
        ):
            width = room * count / total if total else 0.0
            width = max(width, 1.0 if count else 0.0)
            made.append(
                Bar(0, top + offset * (thin + 2), width, fill, _value(count, total), width + 6)
            )
        rows.append(Row(lines, 0, y + FONT, made))
        y = top + 2 * thin + 2 + GAP
    summary = "; ".join(
        f"{label}: {before_label} {_value(b, total_before)}, {after_label} {_value(a, total_after)}"
        for label, b, a in zip(labels, before, after, strict=True)
    )
    return Chart("bars", WIDTH, y - GAP + 2, rows=rows, legend=legend, bar=thin, summary=summary)


def stacked(rows: Sequence[tuple[str, Sequence[int]]], option_labels: Sequence[str]) -> Chart:
    """One bar per table, split by option (each bar is that table's 100 %), with a legend
    of the options above and each table's number of answers to its right, under one "n"
    for the column (not "n = " on every row: WeasyPrint lays out and draws SVG text a
    letter at a time, and 22 charts of 22 tables were a quarter of a day's chart letters)."""
    room = WIDTH - SIDE - 60
    legend, x, y = [], 0.0, float(FONT)
    for i, label in enumerate(option_labels):
        text = wrap(label, 34, 1)[0]
        width = 18 + len(text) * FONT * 0.56 + 16
        if x and x + width > WIDTH:
            x, y = 0.0, y + LINE + 2
        legend.append(Legend(x, y, colour(i), text))
        x += width
    total_y = y + LINE + 2
    top = total_y + GAP
    out = []
    for label, counts in rows:
        total = sum(counts)
        segments, left = [], float(SIDE)
        for i, count in enumerate(counts):
            width = room * count / total if total else 0.0
            if width <= 0:
                continue
            segments.append(Segment(left, width, colour(i)))
            left += width
        out.append(StackedRow(wrap(label, SIDE_LABEL_CHARS, 1), top, segments, str(total)))
        top += BAR + 8
    summary = "; ".join(
        f"{label}: " + ", ".join(f"{o} {c}" for o, c in zip(option_labels, counts, strict=True))
        for label, counts in rows
    )
    return Chart(
        "stacked",
        WIDTH,
        top - 8 + 2,
        stacked=out,
        legend=legend,
        total_y=total_y,
        summary=summary,
    )
