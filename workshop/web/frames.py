"""One frame from a phone, answered: parse it, check the sender's pace, call the use case,
and say what to send back. The sockets (`sockets.py`) only carry frames to and from here."""

from __future__ import annotations

import logging

from workshop import messages
from workshop.domain import Participant, Session
from workshop.errors import N_, DomainError
from workshop.i18n import gettext_for
from workshop.messages import (
    EvaluationMessage,
    FrameError,
    HandMessage,
    NoteMessage,
    PingMessage,
    PongMessage,
    PostMessage,
    SeatMessage,
    SpokespersonMessage,
    TableAnswerMessage,
    VoteMessage,
)
from workshop.services import Workshop
from workshop.web.limits import SubmitLimiter

log = logging.getLogger(__name__)

TOO_FAST = N_("You are sending too fast. Wait a moment, and it is sent again by itself.")
FLOODING = N_("Too many messages too fast. This connection was closed.")
FAILED = N_("Something went wrong on the server. Your answer will be sent again.")


Reply = tuple[tuple[str, ...], str | None]  # the frames to send back, a reason to close


async def handle(
    service: Workshop,
    session: Session,
    participant: Participant | None,
    text: str,
    limiter: SubmitLimiter,
    language: str | None = None,
) -> Reply:
    """The answer to one frame: an ack, a pong, an error, or None for a heartbeat's pong;
    and a reason to close the socket, for a sender that floods. Never raises: an unexpected
    failure is logged and answered with an error that asks the phone to send it again."""
    client_id = None
    language = language or session.language  # the phone's, else the session's
    try:
        message = messages.parse(text)
        if isinstance(message, PongMessage):
            return (), None
        if isinstance(message, PingMessage):
            return (messages.PONG,), None
        client_id = message.id
        if participant is None:
            raise FrameError(N_("Only participants send answers."), id=client_id)
        verdict = limiter.take((session.id, participant.id))
        if not verdict.allowed:
            refusal = gettext_for(language, TOO_FAST)
            reply = messages.error(refusal, client_id, retry_after=verdict.retry_after)
            return (reply,), FLOODING if verdict.flooding else None
        if isinstance(message, VoteMessage):
            await service.vote(session, participant, message)
        elif isinstance(message, PostMessage):
            await service.post(session, participant, message)
        elif isinstance(message, EvaluationMessage):
            await service.evaluate(session, participant, message)
        elif isinstance(message, TableAnswerMessage):
            await service.answering.act(session, participant, message)
        elif isinstance(message, NoteMessage):  # table talk (workshop/talking.py)
            await service.talking.note(session, participant, message)
        elif isinstance(message, SpokespersonMessage):
            await service.talking.pick(session, participant, message)
        elif isinstance(message, HandMessage):
            await service.talking.hand(session, participant, message)
        elif isinstance(message, SeatMessage):
            moved, name = await service.running.change_table(session, participant, message.table)
            await service.broadcast.reseat(session.id, {moved.id: (moved.table, None)})
            return (messages.ack(client_id), messages.seat(moved.table, name)), None
        return (messages.ack(client_id),), None
    except DomainError as error:
        client_id = getattr(error, "id", None) or client_id
        text = gettext_for(language, error.message, **error.params)
        return (messages.error(text, client_id, retry=error.retry),), None
    except Exception:
        log.exception("a frame in session %s", session.id)
        failed = gettext_for(language, FAILED)
        return (messages.error(failed, client_id, retry=True),), None
