"""Stations ("kommunetorg"): tables move between stations on a timer. Plain rules and the
views of them; no HTTP or SQL.

A station rotation is a reflection activity with stations attached (`Rotation`). While it is
the session's current activity and has been started, round `r` (0-based) puts the table at
position `i` (the tables in order of their number, from 0) at station `(i + r) mod S`. With
more tables than stations, tables `i`, `i + S`, `i + 2S`, ... share a station; with fewer,
some stations stand empty in a round. There are `rounds` rounds (by default one per station,
so every table visits every station once).

The round follows the clock: it is `base_round` plus the whole round lengths passed since
`base_at`. So when a round's time runs out the rotation moves on by itself, with no timer to
fire first, and a post is placed at the station its table is at in the very step that stores
it. "Next station" moves on early: `base_round` becomes the next round and `base_at` now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workshop.checks import MAX_TIME, NOTHING, whole
from workshop.domain import MAX_PROMPT, MAX_TITLE, Activity, ActivityKind, Table, clean_text
from workshop.errors import N_, Conflict, Invalid

MIN_STATIONS = 2
MAX_STATIONS = 12
MAX_STATION_NAME = 80
MINUTES_RANGE = (1, 120)
SECONDS_RANGE = (5, 7200)  # `seconds` instead of `minutes`: for short rounds (and tests)
DEFAULT_MINUTES = 10

WAITING = "waiting"  # made, not started: the screen shows where each table starts
RUNNING = "running"
OVER = "over"  # every round has been: posts go to the last station each table was at


@dataclass(frozen=True, slots=True)
class Station:
    name: str
    prompt: str = ""


@dataclass(frozen=True, slots=True)
class RotationSpec:
    """What the facilitator asks for; checked by `rotation_spec`."""

    stations: tuple[Station, ...]
    seconds: int  # one round's length
    rounds: int


@dataclass(frozen=True, slots=True)
class Rotation:
    activity_id: int
    stations: tuple[Station, ...]
    seconds: int
    rounds: int
    base_round: int = 0
    base_at: float | None = None  # None: not started yet

    @property
    def started(self) -> bool:
        return self.base_at is not None


# --- checking what a facilitator sends ---------------------------------------------------


def stations_of(value: object) -> tuple[Station, ...]:
    if not isinstance(value, list) or not MIN_STATIONS <= len(value) <= MAX_STATIONS:
        raise Invalid(
            N_("A station rotation needs from %(low)d to %(high)d stations."),
            low=MIN_STATIONS,
            high=MAX_STATIONS,
        )
    out: list[Station] = []
    seen: set[str] = set()
    for item in value:
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            raise Invalid(N_("Each station is an object with a name and a prompt."))
        name = clean_text(item.get("name"), what=N_("A station's name"), limit=MAX_STATION_NAME)
        prompt = clean_text(
            item.get("prompt"), what=N_("A station's prompt"), limit=MAX_PROMPT, required=False
        )
        key = name.strip().casefold()
        if key in seen:
            raise Invalid(N_("Two stations have the name %(name)s."), name=name)
        seen.add(key)
        out.append(Station(name.strip(), prompt.strip()))
    return tuple(out)


def rotation_spec(body: Mapping[str, Any], base: RotationSpec | None = None) -> RotationSpec:
    """A new rotation from `body`, or `base` changed by the fields `body` has."""
    if base is None or "stations" in body:
        stations = stations_of(body.get("stations"))
    else:
        stations = base.stations
    if "seconds" in body and body["seconds"] is not None:
        seconds = whole(body["seconds"], N_("A round's length in seconds"), *SECONDS_RANGE)
        if "minutes" in body and body["minutes"] is not None:
            raise Invalid(N_("Give a round's length in minutes or in seconds, not both."))
    elif "minutes" in body and body["minutes"] is not None:
        seconds = 60 * whole(body["minutes"], N_("The minutes at each station"), *MINUTES_RANGE)
    else:
        seconds = base.seconds if base else DEFAULT_MINUTES * 60
    if "rounds" in body and body["rounds"] is not None:
        rounds = whole(body["rounds"], N_("The number of rounds"), 1, len(stations))
    elif base is not None and "stations" not in body:
        rounds = base.rounds
    else:
        rounds = len(stations)
    return RotationSpec(stations, seconds, rounds)


def title_of(value: object) -> str:
    return clean_text(value, what=N_("The title"), limit=MAX_TITLE, required=False)


# --- where everyone is -------------------------------------------------------------------


def round_at(rotation: Rotation, now: float) -> int | None:
    """The round now (0-based); None before the start, `rounds` once it is over."""
    if rotation.base_at is None:
        return None
    passed = max(0.0, now - rotation.base_at)
    return min(rotation.rounds, rotation.base_round + int(passed // rotation.seconds))


def state_at(rotation: Rotation, now: float) -> str:
    r = round_at(rotation, now)
    return WAITING if r is None else OVER if r >= rotation.rounds else RUNNING


def round_ends_at(rotation: Rotation, round_: int | None) -> float | None:
    """When round `round_` ends (and the next begins); None before the start and after."""
    if rotation.base_at is None or round_ is None or round_ >= rotation.rounds:
        return None
    return rotation.base_at + (round_ - rotation.base_round + 1) * rotation.seconds


def station_index(position: int, round_: int, count: int) -> int:
    """The station of the table at `position` (from 0) in round `round_`."""
    return (position + round_) % count


def positions(numbers: Sequence[int]) -> dict[int, int]:
    """Each table number's position in the rotation: in order of the numbers."""
    return {number: i for i, number in enumerate(sorted(set(numbers)))}


def station_for_post(
    rotation: Rotation, table: int, numbers: Sequence[int], now: float
) -> tuple[int | None, int | None]:
    """(station, round) a post from `table` goes to when it is stored at `now`: none before
    the start; after the end, the last station the table was at."""
    r = round_at(rotation, now)
    where = positions(numbers)
    if r is None or table not in where:
        return None, None
    r = min(r, rotation.rounds - 1)
    return station_index(where[table], r, len(rotation.stations)), r


def next_round(rotation: Rotation, now: float, seen: object = None) -> int:
    """The round "Next station" moves to. `seen` is the round the console saw: when the
    rotation moved on since (a double click, the clock), nothing happens."""
    r = round_at(rotation, now)
    if r is None:
        raise Conflict(N_("The station rotation has not started. Press Start first."))
    if r >= rotation.rounds:
        raise Conflict(N_("The station rotation is over: every table has been at its stations."))
    if seen is not None and seen != r:
        raise Conflict(N_("The rotation has already moved on. Look again, then press Next."))
    return r + 1


def check_start(rotation: Rotation, now: float) -> None:
    if state_at(rotation, now) == RUNNING:
        raise Conflict(N_("The station rotation is already running."))


def check_edit(rotation: Rotation, now: float) -> None:
    if state_at(rotation, now) == RUNNING:
        raise Conflict(N_("The station rotation is running. Change it when it is over."))


# --- views (plain data for the screen, the console and the phones) ------------------------


def _table(t: Table) -> dict[str, Any]:
    return {"number": t.number, "name": t.name}


def screen_part(rotation: Rotation | None, tables: Sequence[Table], now: float) -> Any:
    """The map: every station with the tables at it this round (the first round while it
    waits for the start, none once it is over), and the round's end."""
    if rotation is None:
        return None
    state = state_at(rotation, now)
    r = round_at(rotation, now)
    shown = 0 if r is None else r
    at: list[list[dict[str, Any]]] = [[] for _ in rotation.stations]
    if state != OVER:
        where = positions([t.number for t in tables])
        for t in sorted(tables, key=lambda t: t.number):
            at[station_index(where[t.number], shown, len(rotation.stations))].append(_table(t))
    return {
        "activity": rotation.activity_id,
        "state": state,
        "round": shown if state != OVER else rotation.rounds,
        "rounds": rotation.rounds,
        "seconds": rotation.seconds,
        "ends_at": round_ends_at(rotation, r),
        "stations": [
            {"index": i, "name": s.name, "prompt": s.prompt, "tables": at[i]}
            for i, s in enumerate(rotation.stations)
        ],
    }


def table_part(rotation: Rotation | None, table: int, numbers: Sequence[int], now: float) -> Any:
    """What one table's phones show: where to go now, where next and when."""
    if rotation is None:
        return None
    where = positions(numbers)
    if table not in where:
        return None
    state = state_at(rotation, now)
    r = round_at(rotation, now)
    shown = 0 if r is None else min(r, rotation.rounds - 1)
    count = len(rotation.stations)
    here = rotation.stations[station_index(where[table], shown, count)]
    following = None
    if state == RUNNING and r is not None and r + 1 < rotation.rounds:
        there = rotation.stations[station_index(where[table], r + 1, count)]
        following = {"name": there.name, "at": round_ends_at(rotation, r)}
    return {
        "activity": rotation.activity_id,
        "state": state,
        "round": shown,
        "rounds": rotation.rounds,
        "ends_at": round_ends_at(rotation, r),
        "station": {"index": station_index(where[table], shown, count), **_station(here)},
        "next": following,
    }


def _station(s: Station) -> dict[str, Any]:
    return {"name": s.name, "prompt": s.prompt}


def rotation_view(rotation: Rotation, now: float) -> dict[str, Any]:
    return {
        "activity": rotation.activity_id,
        "state": state_at(rotation, now),
        "round": round_at(rotation, now),
        "rounds": rotation.rounds,
        "seconds": rotation.seconds,
        "minutes": rotation.seconds / 60,
        "ends_at": round_ends_at(rotation, round_at(rotation, now)),
        "stations": [_station(s) for s in rotation.stations],
    }


def grouped(
    rotation: Rotation, posts: Sequence[dict[str, Any]], places: Mapping[str, int | None]
) -> list[dict[str, Any]]:
    """The posts by station, in station order; posts made before the start (no station)
    last, under `"index": null`. `posts` are result rows with an `id`."""
    groups: list[dict[str, Any]] = [
        {"index": i, "name": s.name, "prompt": s.prompt, "posts": []}
        for i, s in enumerate(rotation.stations)
    ]
    loose: list[dict[str, Any]] = []
    for post in posts:
        station = places.get(post["id"])
        if station is not None and 0 <= station < len(groups):
            groups[station]["posts"].append(post)
        else:
            loose.append(post)
    if loose:
        groups.append({"index": None, "name": "", "prompt": "", "posts": loose})
    return groups


def table_frame(found: tuple[Rotation, Sequence[int]] | None, table: int, now: float) -> Any:
    """The `station` of the table frame, from what `Store.table_station` read."""
    return table_part(found[0], table, found[1], now) if found is not None else None


# --- the session file (session_file.py writes it, session_read.py checks it) -------------

Place = tuple[int | None, int | None]  # a post's (station, round); None, None: no station


def rotation_json(rotation: Rotation) -> dict[str, Any]:
    """One entry of the file's `rotations` (`activity` is the activity's id in the file)."""
    return {
        "activity": rotation.activity_id,
        "stations": [_station(s) for s in rotation.stations],
        "seconds": rotation.seconds,
        "rounds": rotation.rounds,
        "base_round": rotation.base_round,
        "base_at": rotation.base_at,
    }


def place_json(place: Place | None) -> dict[str, Any]:
    """A post's `station` and `round` in the file; both null for a post at no station."""
    station, round_ = place if place is not None else (None, None)
    return {"station": station, "round": round_}


def rotation_of_file(raw: Mapping[str, Any], activity: Activity) -> Rotation:
    """An entry of the file's `rotations`, checked by the routes' rules, for the activity
    the caller found by `activity` (a reflection); its clock is kept as it was."""
    if activity.kind is not ActivityKind.REFLECTION:
        raise Invalid(N_("Only a reflection can be a station rotation."))
    spec = rotation_spec({k: raw.get(k) for k in ("stations", "seconds", "rounds")})
    base_at = raw.get("base_at")
    if base_at is not None and (
        isinstance(base_at, bool)
        or not isinstance(base_at, int | float)
        or not 0 <= base_at <= MAX_TIME  # NaN fails this too
    ):
        raise Invalid(N_("%(what)s must be a time in seconds since 1970."), what="base_at")
    return Rotation(
        activity.id,
        spec.stations,
        spec.seconds,
        spec.rounds,
        whole(raw.get("base_round", 0), "base_round", 0, spec.rounds),
        None if base_at is None else float(base_at),
    )


def place_of_file(raw: Mapping[str, Any], rotation: Rotation | None) -> Place:
    """A post's `station` (an index into its rotation's stations) and `round`, both null or
    missing (a file from before stations) for none; only a rotation's post has one."""
    station, round_ = raw.get("station"), raw.get("round")
    if rotation is None:
        if station is not None or round_ is not None:
            raise Invalid(NOTHING, what="station")
        return None, None
    if station is not None:
        station = whole(station, "station", 0, len(rotation.stations) - 1)
    if round_ is not None:
        round_ = whole(round_, "round", 0, rotation.rounds - 1)
    return station, round_


def station_name(rotation: Rotation | None, place: Place | None) -> str:
    """The name of the station a post was at ("" for none), for the CSV."""
    station = place[0] if place is not None else None
    if rotation is None or station is None or not 0 <= station < len(rotation.stations):
        return ""
    return rotation.stations[station].name


def mark_cards(activities: Sequence[dict[str, Any]], rotations: Mapping[int, Rotation]) -> None:
    """The console's activity cards: a rotation's carries `station_count`, so its badge
    says "Stations: 3" and not just "Reflection"."""
    for card in activities:
        found = rotations.get(card["id"])
        if found is not None:
            card["station_count"] = len(found.stations)
