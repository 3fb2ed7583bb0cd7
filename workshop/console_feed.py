"""The console's state on the wire: the plan when it changes, the live part as deltas.

A console's full state (`Workshop.console_state`) is large with a day's plan (the cases'
stories, the glossary, every activity's texts) and most of it never changes while a room
votes. So a console socket gets three kinds of frame (docs/api.md):

- `plan` {hash, plan}: the cases, the glossary terms and each activity's texts; sent on
  connect and whenever its content (its hash) changes.
- `live` {seq, plan, live}: everything else, in full: on connect, and whenever this
  connection cannot take a delta (it just connected, or its previous frame is still unsent).
- `delta` {seq, base, plan, patch}: the change from the `live` state numbered `base`.

The hub renders the console once per tick (`hub.py`); `ConsoleFeed.send` makes one delta
frame and at most one full frame of it, whatever the number of consoles.

On the wire the live part is in keyed form: each list of objects is an object, so a patch
can name the one table, post or activity that changed: by id, `{"[]": [ids in order],
"<id>": item, ...}`, when every item has a distinct `id`; else by position, `{"[]": length,
"0": first, "1": second, ...}`. A patch is a JSON merge patch (RFC 7386) with one
difference: null is a value like any other, and the keys an object loses are listed under
"[-]".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from workshop.messages import dumps

if TYPE_CHECKING:
    from workshop.hub import Outbox

PLAN_SLOT = "console:plan"  # the outbox slot of the plan frame; the live part uses "console"
LIVE_SLOT = "console"
PLAN_KEYS = ("cases", "terms")
# An activity's fields that belong to the plan (what it asks, where it sits); every other
# field is live, also one added later.
ACTIVITY_TEXTS = frozenset(
    {"kind", "title", "prompt", "options", "allow_why", "by", "before", "questions", "case",
     "segment"}
)  # fmt: skip
LENGTH = "[]"  # a keyed list's length, or its items' ids in order
GONE = "[-]"  # a patch's removed keys


def split(state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(plan, live) of a console state; `join` puts them back together."""
    activities = state.get("activities") or []
    plan = {k: state[k] for k in PLAN_KEYS if k in state}
    plan["activities"] = [
        {"id": a["id"], **{k: v for k, v in a.items() if k in ACTIVITY_TEXTS}} for a in activities
    ]
    live = {k: v for k, v in state.items() if k not in PLAN_KEYS}
    if "activities" in state:
        live["activities"] = [
            {k: v for k, v in a.items() if k not in ACTIVITY_TEXTS} for a in activities
        ]
    return plan, live


def join(plan: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    """The full console state again, from `split`'s two parts."""
    state = {**live, **{k: v for k, v in plan.items() if k != "activities"}}
    if "activities" in live:
        texts = {a["id"]: a for a in plan.get("activities", ())}
        state["activities"] = [{**texts.get(a["id"], {}), **a} for a in live["activities"]]
    return state


def keyed(value: Any) -> Any:
    """`value` with each non-empty list of objects as an object keyed by id or position."""
    if isinstance(value, dict):
        return {k: keyed(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [keyed(v) for v in value]
        if not items or not all(isinstance(v, dict) for v in value):
            return items
        ids = [_id(v) for v in value]
        keys = [str(i) for i in ids]
        if None not in ids and len(set(keys)) == len(keys) and not {LENGTH, GONE} & set(keys):
            return {LENGTH: ids, **dict(zip(keys, items, strict=True))}
        return {LENGTH: len(items), **{str(i): v for i, v in enumerate(items)}}
    return value


def _id(item: dict[str, Any]) -> int | str | None:
    found = item.get("id")
    if isinstance(found, str) or (isinstance(found, int) and not isinstance(found, bool)):
        return found
    return None


def unkeyed(value: Any) -> Any:
    """The inverse of `keyed`."""
    if isinstance(value, dict):
        if LENGTH in value:
            order = value[LENGTH]
            keys = map(str, order) if isinstance(order, list) else map(str, range(order))
            return [unkeyed(value[k]) for k in keys]
        return {k: unkeyed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unkeyed(v) for v in value]
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The patch that turns `old` into `new` (both objects)."""
    patch: dict[str, Any] = {}
    for key, value in new.items():
        if key not in old:
            patch[key] = value
            continue
        before = old[key]
        if before == value and type(before) is type(value):
            continue
        if isinstance(before, dict) and isinstance(value, dict):
            patch[key] = diff(before, value)
        else:
            patch[key] = value
    gone = [key for key in old if key not in new]
    if gone:
        patch[GONE] = gone
    return patch


def apply(target: Any, patch: Any) -> Any:
    """`target` with `patch` applied (a new value; `target` is left as it was)."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key in patch.get(GONE, ()):
        out.pop(key, None)
    for key, value in patch.items():
        if key != GONE:
            out[key] = apply(out.get(key), value) if isinstance(value, dict) else value
    return out


def plan_frame(plan: dict[str, Any]) -> tuple[str, str]:
    """(the frame's text, the plan's hash)."""
    digest = hashlib.sha256(dumps(plan).encode()).hexdigest()[:16]
    return dumps({"type": "plan", "hash": digest, "plan": plan}), digest


def greet(outbox: Outbox, state: dict[str, Any]) -> None:
    """Queue a new console connection's first state: its plan and live frames. The next
    tick sends it a full `live` frame, then deltas."""
    plan, live = split(orjson.loads(dumps(state)))  # keys as the wire has them
    text, digest = plan_frame(plan)
    outbox.replace(PLAN_SLOT, text)
    frame = {"type": "live", "seq": -1, "plan": digest, "live": keyed(live)}
    outbox.replace(LIVE_SLOT, dumps(frame))
    outbox.feed = (digest, -1)


class ConsoleFeed:
    """One hub's console frames for one language: the last state sent, numbered."""

    def __init__(self) -> None:
        self._seq = 0
        self._live: dict[str, Any] | None = None
        self._plan: dict[str, Any] | None = None
        self._plan_text = ""
        self._hash = ""

    def send(self, text: str, outboxes: Iterable[Outbox]) -> None:
        """Hand each console the frames that bring it to the state `text` (a full state)."""
        plan, live = split(orjson.loads(text))
        live = keyed(live)
        if plan != self._plan:
            self._plan = plan
            self._plan_text, self._hash = plan_frame(plan)
        base, previous = self._seq, self._live
        self._seq += 1
        self._live = live
        full: str | None = None
        delta: str | None = None
        for outbox in outboxes:
            seen = outbox.feed
            if seen is None or seen[0] != self._hash:
                outbox.replace(PLAN_SLOT, self._plan_text)
            if (
                seen is not None
                and seen[1] == base
                and previous is not None
                and not outbox.pending(LIVE_SLOT)
            ):
                if delta is None:
                    frame = {"type": "delta", "seq": self._seq, "base": base, "plan": self._hash}
                    delta = dumps({**frame, "patch": diff(previous, live)})
                outbox.replace(LIVE_SLOT, delta)
            else:
                if full is None:
                    frame = {"type": "live", "seq": self._seq, "plan": self._hash, "live": live}
                    full = dumps(frame)
                outbox.replace(LIVE_SLOT, full)
            outbox.feed = (self._hash, self._seq)
