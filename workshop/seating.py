"""Who may join a session and where a newcomer sits: plain rules, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from workshop.domain import MAX_PARTICIPANTS, Table
from workshop.errors import N_, Forbidden, Invalid


def choose_table(tables: Sequence[Table], seated: Mapping[int, int], wanted: int | None) -> int:
    """The table a newcomer sits at: the one they picked, or the one with fewest people.

    A full table never refuses anyone: capacity is advice, not a wall.
    """
    numbers = [t.number for t in tables]
    if wanted is not None:
        if wanted not in numbers:
            raise Invalid(N_("There is no table %(table)s."), table=wanted)
        return wanted
    return min(numbers, key=lambda n: (seated.get(n, 0), n))


REMOVED = N_("The facilitator removed you from this session.")


def participant_cap(value: object, seats: int) -> int:
    """The participant cap a new session asks for: `max_participants`, or twice its seats."""
    if value is None:
        return max(1, min(2 * seats, MAX_PARTICIPANTS))
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PARTICIPANTS:
        raise Invalid(
            N_("max_participants must be a whole number from 1 to %(max)d."), max=MAX_PARTICIPANTS
        )
    return value


SESSION_ENDED = N_("This session has ended. Thank you for taking part!")


def check_joining(locked: bool, joined: int, cap: int | None, closed: bool = False) -> None:
    """Refuse a newcomer when the session is closed, joining is locked or the room has
    reached its cap. Checked by the store in the same step as the seat, so concurrent joins
    cannot pass the cap."""
    if closed:
        raise Forbidden(SESSION_ENDED)
    if locked:
        raise Forbidden(
            N_("Joining is closed for this session. Ask the facilitator to let you in.")
        )
    if cap is not None and joined >= cap:
        raise Forbidden(
            N_("This session is full (%(max)d participants). Ask the facilitator to let you in."),
            max=cap,
        )
