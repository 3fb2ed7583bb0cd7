"""Use cases of the day's plan: building it from the library, editing it, exporting it, and
running it (the big "next", the timer). Publishes through the same Broadcast as `Workshop`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from workshop.agenda import (
    CaseSpec,
    PlanItem,
    PlanSegment,
    SegmentSpec,
    case_spec,
    day_start_for,
    days_of,
    schedule,
    segment_spec,
)
from workshop.domain import (
    Activity,
    ActivityKind,
    ActivitySpec,
    Session,
    activity_spec,
    is_row_id,
)
from workshop.errors import N_, Invalid, NotFound
from workshop.evaluation import default_questions, question_json
from workshop.hub import CONSOLE, PHONES, SCREEN
from workshop.i18n import gettext_for
from workshop.library import Case, Library
from workshop.plan_file import plan_file, read_plan
from workshop.store import Store

Publish = Callable[..., Awaitable[None]]
Forget = Callable[[int, int], None]


def _index(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid(N_("%(what)s must be a whole number, 0 or more."), what=what)
    return value


def case_plan(case: Case, language: str) -> PlanItem:
    """A library case as it is copied into a session in `language`."""
    text = case.text(language)
    return PlanItem(
        CaseSpec(
            case.id,
            text.title,
            text.narrative,
            tuple(text.questions),
            text.notes,
            case.minutes,
            tuple((law.ref, law.text) for law in text.law),
        ),
        tuple(
            ActivitySpec(
                ActivityKind(a.kind),
                a.prompt,
                a.title,
                tuple(a.options),
                a.kind == ActivityKind.DILEMMA,
            )
            for a in text.activities
        ),
    )


class Planning:
    def __init__(self, store: Store, library: Library, publish: Publish, forget: Forget) -> None:
        self.store = store
        self.library = library
        self._publish = publish
        self._forget = forget  # drops a cached activity definition after its text changed

    # --- the library --------------------------------------------------------------------

    def find_case(self, case_id: object) -> Case:
        case = self.library.cases.get(case_id) if isinstance(case_id, str) else None
        if case is None:
            raise NotFound(N_("The library has no such case."))
        return case

    def cases(self, language: str, text: object = "", tag: object = "") -> dict[str, Any]:
        text = text if isinstance(text, str) else ""
        tag = tag if isinstance(tag, str) else ""
        found = self.library.search(text=text[:200], tag=tag[:100], language=language)
        return {
            "cases": [case_summary(c, language) for c in found],
            "tags": [
                {"id": tag, "name": self.library.tag_name(tag, language)}
                for tag in self.library.tags
            ],
        }

    def case(self, case_id: object, language: str) -> dict[str, Any]:
        case = self.find_case(case_id)
        text = case.text(language)
        return {
            **case_summary(case, language),
            "narrative": text.narrative,
            "questions": list(text.questions),
            "notes": text.notes,
            "law": [{"ref": law.ref, "text": law.text} for law in text.law],
            "activities": [
                {"kind": a.kind, "title": a.title, "prompt": a.prompt, "options": list(a.options)}
                for a in text.activities
            ],
        }

    def agendas(self, language: str) -> dict[str, Any]:
        return {
            "agendas": [
                {
                    "id": agenda.id,
                    "title": agenda.title(language),
                    "description": agenda.description(language),
                    "segments": [
                        {
                            "day": s.day,
                            "start": s.start,
                            "minutes": s.minutes,
                            "title": s.title(language),
                            "cases": list(s.cases),
                        }
                        for s in agenda.segments
                    ],
                }
                for agenda in sorted(self.library.agendas.values(), key=lambda a: a.id)
            ]
        }

    # --- building the plan --------------------------------------------------------------

    async def apply_template(self, session: Session, template_id: object) -> list[int]:
        agenda = self.library.agendas.get(template_id) if isinstance(template_id, str) else None
        if agenda is None:
            raise NotFound(N_("The library has no such agenda."))
        plan = [
            PlanSegment(
                SegmentSpec(s.title(session.language), s.day, s.start, s.minutes),
                tuple(
                    case_plan(self.library.cases[c], session.language)
                    for c in s.cases
                    if c in self.library.cases
                ),
            )
            for s in agenda.segments
        ]
        made = await self.store.add_plan(session.id, plan, days=days_of(plan))
        # Every template's closing holds the programme's evaluation.
        if not any(a.is_evaluation for a in await self.store.activities(session.id)):
            await self.store.add_activity(session.id, evaluation_spec(session.language, {}))
        await self._publish(session, CONSOLE, SCREEN)
        return [segment_id for segment_id, _ in made]

    async def add_segment(self, session: Session, body: Mapping[str, Any]) -> int:
        made = await self.store.add_plan(session.id, [PlanSegment(segment_spec(body))])
        if body.get("start"):
            await self._pin(session, made[0][0], body["start"])
        await self._publish(session, CONSOLE, SCREEN)
        return made[0][0]

    async def update_segment(
        self, session: Session, segment_id: int, body: Mapping[str, Any]
    ) -> None:
        segment = next(
            (s for s in await self.store.segments(session.id) if s.id == segment_id), None
        )
        if segment is None:
            raise NotFound(N_("This session has no such segment."))
        base = SegmentSpec(segment.title, segment.day, segment.start, segment.minutes)
        spec = segment_spec(body, base)
        position = _index(body["position"], N_("The position")) if "position" in body else None
        await self.store.update_segment(session.id, segment_id, spec, position)
        if body.get("start"):
            await self._pin(session, segment_id, spec.start)
        await self._publish(session, CONSOLE, SCREEN, PHONES)

    async def _pin(self, session: Session, segment_id: int, start: str) -> None:
        """A start written on a segment sets its day's start so that it starts then: a
        plan's times are computed from the day's start and the lengths, never kept one by
        one, so a reorder moves them all."""
        segments = await self.store.segments(session.id)
        segment = next(s for s in segments if s.id == segment_id)
        offset = schedule(segments, {}, {})[segment_id].offset
        await self.store.set_day(session.id, segment.day, start=day_start_for(start, offset))

    async def delete_segment(self, session: Session, segment_id: int) -> None:
        if not is_row_id(segment_id):
            raise NotFound(N_("This session has no such segment."))
        await self.store.delete_segment(session.id, segment_id)
        await self._publish(session, CONSOLE, SCREEN, PHONES)

    async def add_case(
        self, session: Session, segment_id: int, case_id: object
    ) -> tuple[int | None, list[int]]:
        item = case_plan(self.find_case(case_id), session.language)
        made = await self.store.add_plan(
            session.id, [PlanSegment(SegmentSpec(""), (item,))], into=segment_id
        )
        await self._publish(session, CONSOLE)
        return made[0][1][0]

    async def update_case(self, session: Session, case_id: int, body: Mapping[str, Any]) -> None:
        cases = await self.store.session_cases(session.id)
        if case_id not in cases:
            raise NotFound(N_("This session has no such case."))
        old = cases[case_id]
        base = CaseSpec(
            old.source, old.title, old.narrative, old.questions, old.notes, old.minutes, old.law
        )
        await self.store.update_case(session.id, case_id, case_spec(body, base))
        await self._publish(session, CONSOLE, SCREEN, PHONES)

    async def add_activity(self, session: Session, body: Mapping[str, Any]) -> int:
        if body.get("kind") == ActivityKind.EVALUATION.value:
            spec = evaluation_spec(session.language, body)
        else:
            spec = activity_spec(
                body.get("kind"),
                body.get("prompt"),
                body.get("options"),
                body.get("title"),
                body.get("allow_why"),
                body.get("questions"),
                body.get("by"),
            )
        segment = body.get("segment")
        if segment is not None and (isinstance(segment, bool) or not isinstance(segment, int)):
            raise Invalid(N_("The segment must be a segment id."))
        activity = await self.store.add_activity(session.id, spec, segment)
        await self._publish(session, CONSOLE)
        return activity.id

    async def change_activity(
        self, session: Session, activity_id: int, body: Mapping[str, Any]
    ) -> None:
        """Move a draft within its segment (`position`), or change its text for this
        session (`title`, `prompt`, `options`, `allow_why`)."""
        edits = {"title", "prompt", "options", "allow_why", "questions"} & body.keys()
        if edits:
            activity = await self.store.activity(session.id, activity_id)
            if activity is None:
                raise NotFound(N_("This session has no such activity."))
            spec = activity_spec(
                activity.kind.value,
                body.get("prompt", activity.prompt),
                body.get("options", list(activity.options) or None),
                body.get("title", activity.title),
                body.get("allow_why", activity.allow_why),
                body.get("questions", [question_json(q) for q in activity.questions] or None),
                activity.by,
            )
            if len(spec.options) != len(activity.options) and await self._paired(activity):
                raise Invalid(
                    N_(
                        "This question is asked before and after table talk: both rounds keep"
                        " the same number of options."
                    )
                )
            await self.store.update_activity(session.id, activity_id, spec)
            self._forget(session.id, activity_id)
        if "position" in body:
            index = _index(body["position"], N_("The position"))
            await self.store.move_activity_to(session.id, activity_id, index)
        elif not edits:
            raise Invalid(N_("Say what to change: position, title, prompt or options."))
        await self._publish(session, CONSOLE)

    async def _paired(self, activity: Activity) -> bool:
        """Whether `activity` is an after round, or has one (`answering.again`)."""
        if activity.before is not None:
            return True
        activities = await self.store.activities(activity.session_id)
        return any(a.before == activity.id for a in activities)

    async def delete_activity(self, session: Session, activity_id: int) -> None:
        if not is_row_id(activity_id):
            raise NotFound(N_("This session has no such activity."))
        await self.store.delete_activity(session.id, activity_id)
        self._forget(session.id, activity_id)
        await self._publish(session, CONSOLE, SCREEN, PHONES)

    # --- the plan as a file -------------------------------------------------------------

    async def export(self, session: Session) -> dict[str, Any]:
        segments = await self.store.segments(session.id)
        cases = await self.store.session_cases(session.id)
        activities = await self.store.activities(session.id)
        timing = schedule(segments, await self.store.plan_days(session.id), {})
        return plan_file(session.title, session.language, segments, cases, activities, timing)

    async def import_plan(self, session: Session, data: object) -> list[int]:
        plan = read_plan(data)
        made = await self.store.add_plan(session.id, plan, days=days_of(plan))
        await self._publish(session, CONSOLE, SCREEN)
        return [segment_id for segment_id, _ in made]


def evaluation_spec(language: str, body: Mapping[str, Any]) -> ActivitySpec:
    """An evaluation: the programme's questions in the session's language unless the
    facilitator gives their own."""
    questions = body.get("questions")
    defaults = [question_json(q) for q in default_questions(language)]
    return activity_spec(
        ActivityKind.EVALUATION.value,
        body.get("prompt") or gettext_for(language, N_("Evaluation of the day")),
        None,
        body.get("title"),
        None,
        defaults if questions is None else questions,
    )


def case_summary(case: Case, language: str) -> dict[str, Any]:
    text = case.text(language)
    summary = text.narrative.strip().split("\n")[0]
    return {
        "id": case.id,
        "title": text.title,
        "minutes": case.minutes,
        "tags": list(case.tags),
        "languages": list(case.languages),  # of nb, nn, en, in that order
        "summary": summary[:240],
    }
