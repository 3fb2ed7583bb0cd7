"""A session's texts in a reader's own language, for a phone that chose one.

A session keeps one copy of each case, in its own language (`planning.case_plan`). A phone
that reads another language gets the library's text of the same case in that language, as
long as the session's copy is still the library's own text: a case or question the
facilitator edited, or wrote, stays as written. Every text goes out with the language it is
in, so the phone can mark it (`lang`) and say when it falls back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from workshop.agenda import SessionCase
from workshop.domain import Activity, ActivityKind
from workshop.evaluation import default_questions
from workshop.library.model import FALLBACK, ActivityText, Case, CaseText


def copied_in(case: Case, session_language: str) -> str:
    """The language a session copied `case` in: its own, or bokmål when the case has none."""
    return session_language if session_language in case.languages else FALLBACK


def _same_case(copy: SessionCase, text: CaseText) -> bool:
    return (
        copy.title == text.title
        and copy.narrative == text.narrative
        and copy.questions == tuple(text.questions)
    )


@dataclass(frozen=True)
class Translation:
    """The texts of one session as a reader of `language` sees them."""

    language: str
    session_language: str
    library: Mapping[str, Case]

    def _source(self, copy: SessionCase) -> Case | None:
        return self.library.get(copy.source) if copy.source else None

    def case(self, copy: SessionCase) -> tuple[SessionCase, str]:
        """The case in the reader's language where it can be, with the language it is in."""
        source = self._source(copy)
        if source is None:
            return copy, self.session_language
        copied = copied_in(source, self.session_language)
        if not _same_case(copy, source.text(copied)):
            return copy, copied  # edited for this session: as the facilitator wrote it
        if self.language not in source.languages:
            return copy, copied
        text = source.text(self.language)
        law = tuple((law.ref, law.text) for law in text.law)
        return (
            replace(
                copy,
                title=text.title,
                narrative=text.narrative,
                questions=tuple(text.questions),
                law=law,
            ),
            self.language,
        )

    def activity(
        self, activity: Activity, copy: SessionCase | None, activities: Sequence[Activity]
    ) -> tuple[Activity, str]:
        """The activity's texts in the reader's language where they can be, and their
        language. A case's activities are matched to the library's by their place."""
        if activity.kind is ActivityKind.EVALUATION:
            return self._evaluation(activity)
        source = self._source(copy) if copy is not None else None
        if source is None:
            return activity, self.session_language
        copied = copied_in(source, self.session_language)
        siblings = [a for a in activities if a.case_id == activity.case_id]
        place = next((i for i, a in enumerate(siblings) if a.id == activity.id), None)
        theirs = source.text(copied).activities
        if place is None or place >= len(theirs) or not _same_activity(activity, theirs[place]):
            return activity, copied
        if self.language not in source.languages:
            return activity, copied
        mine = source.text(self.language).activities[place]
        options = activity.options if activity.kind is ActivityKind.SCALE else mine.options
        return replace(activity, prompt=mine.prompt, title=mine.title, options=options), (
            self.language
        )

    def _evaluation(self, activity: Activity) -> tuple[Activity, str]:
        """The programme's own evaluation questions in the reader's language; questions the
        facilitator changed stay as written."""
        if activity.questions != default_questions(self.session_language):
            return activity, self.session_language
        return replace(activity, questions=default_questions(self.language)), self.language


def _same_activity(activity: Activity, text: ActivityText) -> bool:
    if activity.prompt != text.prompt or activity.title != text.title:
        return False
    return activity.kind is ActivityKind.SCALE or activity.options == tuple(text.options)
