"""Use cases of station rotations ("kommunetorg"): make one in a segment, change it, start
it, move it on, read it with its posts by station, and group the results by station.

The round follows the clock (stations.py), so nothing has to fire for the rotation to move
on; a timer here only tells the screen, the console and the tables' phones when a round ends.
Publishes through the same Broadcast as `Workshop`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from workshop.domain import ActivityKind, ActivityState, Session, activity_spec, is_row_id
from workshop.errors import N_, Conflict, Invalid, NotFound
from workshop.hub import CONSOLE, SCREEN, TABLES
from workshop.i18n import gettext_for
from workshop.stations import (
    RUNNING,
    Rotation,
    RotationSpec,
    check_edit,
    check_start,
    grouped,
    next_round,
    rotation_spec,
    rotation_view,
    round_at,
    round_ends_at,
    state_at,
)
from workshop.store import Store

Publish = Callable[..., Awaitable[None]]
DEFAULT_PROMPT = N_("Talk about this station's question at your table, and post what you think.")


class Stationing:
    def __init__(self, store: Store, publish: Publish) -> None:
        self.store = store
        self._publish = publish
        self._timers: dict[int, tuple[float, asyncio.TimerHandle]] = {}  # activity -> (at, call)
        self._publishing: set[asyncio.Task[None]] = set()

    # --- making and changing -------------------------------------------------------------

    async def create(self, session: Session, body: Mapping[str, Any]) -> dict[str, Any]:
        """A reflection with stations, in `segment` (or outside the plan's segments)."""
        if not isinstance(body, Mapping):
            raise Invalid(N_("Send the station rotation as a JSON object."))
        spec = rotation_spec(body)  # checked before anything is stored
        segment = body.get("segment")
        if segment is not None and not is_row_id(segment):
            raise Invalid(N_("The segment must be a segment id."))
        segments = await self.store.segments(session.id)
        if segment is not None and all(s.id != segment for s in segments):
            raise NotFound(N_("This session has no such segment."))
        prompt = body.get("prompt")
        if prompt is None or (isinstance(prompt, str) and not prompt.strip()):
            prompt = gettext_for(session.language, DEFAULT_PROMPT)
        reflection = activity_spec(ActivityKind.REFLECTION.value, prompt, None, body.get("title"))
        activity = await self.store.add_activity(session.id, reflection, segment)
        await self.store.save_rotation(session.id, activity.id, spec)
        await self._publish(session, CONSOLE)
        made = await self._rotation(session, activity.id)
        return {"id": activity.id, **rotation_view(made, time.time())}

    async def change(
        self, session: Session, activity_id: object, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """New stations, round length or rounds (the rotation starts over, not started); an
        existing reflection without stations becomes a rotation."""
        if not isinstance(body, Mapping):
            raise Invalid(N_("Send the station rotation as a JSON object."))
        activity = await self._activity(session, activity_id)
        if activity.kind is not ActivityKind.REFLECTION:
            raise Invalid(N_("Only a reflection can be a station rotation."))
        found = await self.store.rotation(session.id, activity.id)
        base = None
        if found is not None:
            check_edit(found, time.time())
            base = RotationSpec(found.stations, found.seconds, found.rounds)
        spec = rotation_spec(body, base)
        await self.store.save_rotation(session.id, activity.id, spec)
        self._cancel(activity.id)
        await self._publish(session, CONSOLE, SCREEN, TABLES)
        return rotation_view(await self._rotation(session, activity.id), time.time())

    # --- running ------------------------------------------------------------------------

    async def start(self, session: Session, activity_id: object) -> dict[str, Any]:
        """Round one begins now. The rotation must be what the room is at, and open."""
        activity = await self._activity(session, activity_id)
        rotation = await self._rotation(session, activity.id)
        session = await self.store.session(session.code) or session
        if session.current_activity_id != activity.id or activity.state is not ActivityState.OPEN:
            raise Conflict(N_("Open the station rotation first, so the room is at it."))
        now = time.time()
        check_start(rotation, now)
        return await self._set_clock(session, rotation, 0, now)

    async def next(self, session: Session, activity_id: object, seen: object) -> dict[str, Any]:
        """Every table moves to its next station now (after the last round: it is over)."""
        activity = await self._activity(session, activity_id)
        rotation = await self._rotation(session, activity.id)
        if seen is not None and (isinstance(seen, bool) or not isinstance(seen, int)):
            raise Invalid(N_("round must be the round the console saw, a whole number."))
        now = time.time()
        return await self._set_clock(session, rotation, next_round(rotation, now, seen), now)

    async def _set_clock(
        self, session: Session, rotation: Rotation, base_round: int, now: float
    ) -> dict[str, Any]:
        changed = await self.store.set_rotation_clock(
            session.id, rotation.activity_id, base_round, now
        )
        if changed is None:
            raise NotFound(N_("This activity has no stations."))
        self._schedule(session, changed)
        await self._publish(session, SCREEN, CONSOLE, TABLES)
        return rotation_view(changed, now)

    def watch(self, session: Session, rotation: Rotation | None) -> None:
        """Make sure a running rotation's next round end is announced (after a restart too:
        the screen's first snapshot calls this)."""
        if rotation is None or state_at(rotation, time.time()) != RUNNING:
            return
        ends = round_ends_at(rotation, round_at(rotation, time.time()))
        held = self._timers.get(rotation.activity_id)
        if held is not None and ends is not None and abs(held[0] - ends) < 0.001:
            return
        self._schedule(session, rotation)

    def _schedule(self, session: Session, rotation: Rotation) -> None:
        self._cancel(rotation.activity_id)
        now = time.time()
        ends = round_ends_at(rotation, round_at(rotation, now))
        if ends is None:
            return
        loop = asyncio.get_running_loop()

        def up() -> None:
            self._timers.pop(rotation.activity_id, None)
            task = loop.create_task(self._round_over(session, rotation))
            self._publishing.add(task)
            task.add_done_callback(self._publishing.discard)

        self._timers[rotation.activity_id] = (
            ends,
            loop.call_later(max(0.0, ends - now) + 0.05, up),
        )

    async def _round_over(self, session: Session, rotation: Rotation) -> None:
        await self._publish(session, SCREEN, CONSOLE, TABLES)
        self._schedule(session, rotation)  # the round after, if there is one

    def _cancel(self, activity_id: int) -> None:
        held = self._timers.pop(activity_id, None)
        if held is not None:
            held[1].cancel()

    # --- reading ------------------------------------------------------------------------

    async def view(self, session: Session, activity_id: object) -> dict[str, Any]:
        """The rotation and its posts by station (the console's; hidden posts marked)."""
        activity = await self._activity(session, activity_id)
        rotation = await self._rotation(session, activity.id)
        page = await self.store.posts_page(activity.id, 0, 10**6)
        places = await self.store.post_stations(session.id)
        posts = [
            {
                "id": p.id,
                "table": p.table,
                "text": p.text,
                "hidden": p.hidden,
                "station": places.get(p.id),
            }
            for p in reversed(page[0])  # in the order they were written
        ]
        return {
            **rotation_view(rotation, time.time()),
            "title": activity.title,
            "prompt": activity.prompt,
            "groups": grouped(rotation, posts, places),
        }

    async def results(self, session: Session, results: dict[str, Any]) -> dict[str, Any]:
        """`GET …/results` with each rotation's posts carrying their station, and grouped."""
        rotations = {
            a["id"]: await self.store.rotation(session.id, a["id"])
            for a in results.get("activities", [])
            if a.get("kind") == ActivityKind.REFLECTION.value
        }
        rotations = {k: v for k, v in rotations.items() if v is not None}
        if not rotations:
            return results
        places = await self.store.post_stations(session.id)
        for activity in results["activities"]:
            rotation = rotations.get(activity["id"])
            if rotation is None:
                continue
            for post in activity.get("posts", []):
                post["station"] = places.get(post["id"])
            in_order = list(reversed(activity.get("posts", [])))  # oldest first
            activity["stations"] = grouped(rotation, in_order, places)
        return results

    # --- helpers --------------------------------------------------------------------------

    async def _activity(self, session: Session, activity_id: object) -> Any:
        found = None
        if is_row_id(activity_id):
            found = await self.store.activity(session.id, activity_id)
        if found is None:
            raise NotFound(N_("This session has no such activity."))
        return found

    async def _rotation(self, session: Session, activity_id: int) -> Rotation:
        found = await self.store.rotation(session.id, activity_id)
        if found is None:
            raise NotFound(N_("This activity has no stations."))
        return found
