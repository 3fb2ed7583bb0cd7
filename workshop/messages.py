"""Every WebSocket message, in and out. `docs/api.md` documents each `type` listed here."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

from workshop.domain import is_row_id
from workshop.errors import N_, Invalid

MAX_FRAME = 16 * 1024


@dataclass(frozen=True)
class VoteMessage:
    id: str
    activity: int
    option: object
    why: object = None


@dataclass(frozen=True)
class PostMessage:
    id: str
    activity: int
    text: object


@dataclass(frozen=True)
class EvaluationMessage:
    """A participant's whole evaluation, one frame: {question key: answer}."""

    id: str
    activity: int
    answers: object


@dataclass(frozen=True)
class SeatMessage:
    """A participant moving themselves to another table."""

    id: str
    table: object


@dataclass(frozen=True)
class TableAnswerMessage:
    """A member's `propose` of the table's answer, or another member's `confirm` of it."""

    id: str
    kind: str  # "propose" or "confirm"
    activity: int
    option: object


@dataclass(frozen=True)
class NoteMessage:
    """An edit of the table's notes: a Yjs update, base64 (workshop/notes.py)."""

    id: str
    activity: int
    update: object
    generation: object = 0  # the document it was made on (cleared by the facilitator since?)


@dataclass(frozen=True)
class SpokespersonMessage:
    """The table picks who speaks for it on an activity."""

    id: str
    activity: int
    participant: object


@dataclass(frozen=True)
class HandMessage:
    """A table calls the facilitator (`raised`), or says never mind."""

    id: str
    raised: object


@dataclass(frozen=True)
class PingMessage:
    """A page asking whether the connection is alive (after waking up, say)."""


@dataclass(frozen=True)
class PongMessage:
    """A page's answer to the server's heartbeat `ping`."""


Inbound = (
    VoteMessage
    | PostMessage
    | EvaluationMessage
    | SeatMessage
    | PingMessage
    | PongMessage
    | TableAnswerMessage
    | NoteMessage
    | SpokespersonMessage
    | HandMessage
)

# type -> who may send it
INBOUND_TYPES = {
    "vote": "participant",
    "post": "participant",
    "evaluation": "participant",
    "seat": "participant",
    "propose": "participant",  # table answers (workshop/table_answers.py)
    "confirm": "participant",
    "note": "participant",  # table talk (workshop/table_talk.py)
    "spokesperson": "participant",
    "hand": "participant",
    "ping": "any",
    "pong": "any",
}
OUTBOUND_TYPES = (
    "welcome",
    "activity",
    "state",
    "table",
    "ack",
    "seat",
    "error",
    "ping",
    "pong",
)


class FrameError(Invalid):
    """A frame we cannot act on; `id` is the submission's id when it had a usable one."""

    def __init__(self, message: str, id: str | None = None, **params: object) -> None:
        super().__init__(message, **params)
        self.id = id


def _client_id(value: object) -> str:
    if not isinstance(value, str):
        raise FrameError(N_("Every answer needs an id."))
    try:
        uuid.UUID(value)
        return value  # acknowledged exactly as sent
    except ValueError:
        raise FrameError(N_("The answer's id is not a UUID.")) from None


def _usable_id(value: object) -> str | None:
    """The id to name in an error, when the frame has a valid one."""
    try:
        return _client_id(value)
    except FrameError:
        return None


def parse(text: str) -> Inbound:
    """A frame as a typed message, or FrameError saying what is wrong with it."""
    if len(text) > MAX_FRAME:
        raise FrameError(N_("The message is too large."))
    try:
        data: Any = json.loads(text)
    except ValueError:
        raise FrameError(N_("The message is not valid JSON.")) from None
    except RecursionError:  # `[[[[…` under the size limit, deeper than Python recurses
        raise FrameError(N_("The message is nested too deeply to be read.")) from None
    if not isinstance(data, dict):
        raise FrameError(N_("The message must be a JSON object."))
    kind = data.get("type")
    if kind == "pong":
        return PongMessage()
    if kind == "ping":
        return PingMessage()
    if not isinstance(kind, str):
        raise FrameError(N_("The message has no type."), id=_usable_id(data.get("id")))
    if kind not in INBOUND_TYPES:
        raise FrameError(
            N_("Unknown message type %(type)s."), id=_usable_id(data.get("id")), type=_shown(kind)
        )
    client_id = _client_id(data.get("id"))
    if kind == "seat":
        return SeatMessage(client_id, data.get("table"))
    if kind == "hand":
        return HandMessage(client_id, data.get("raised"))
    activity = data.get("activity")
    if not is_row_id(activity):
        raise FrameError(N_("The message must name an activity."), id=client_id)
    if kind == "vote":
        return VoteMessage(client_id, activity, data.get("option"), _text(data, "why", client_id))
    if kind == "note":
        return NoteMessage(client_id, activity, data.get("update"), data.get("generation"))
    if kind == "spokesperson":
        return SpokespersonMessage(client_id, activity, data.get("participant"))
    if kind in ("propose", "confirm"):
        return TableAnswerMessage(client_id, kind, activity, data.get("option"))
    if kind == "evaluation":
        answers = data.get("answers")
        if not isinstance(answers, dict):
            raise FrameError(N_("An evaluation's answers must be an object."), id=client_id)
        return EvaluationMessage(client_id, activity, answers)
    return PostMessage(client_id, activity, _text(data, "text", client_id))


def _text(data: dict[str, Any], key: str, client_id: str) -> object:
    """`data[key]`; a text with a lone surrogate (`"\\ud800"`: valid JSON, but no Unicode
    text) is refused here, as it can be neither stored nor sent on."""
    value = data.get(key)
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise FrameError(N_("The message is not valid JSON."), id=client_id) from None
    return value


def _shown(value: object) -> str:
    """A client's value quoted back in an error, cut short and encodable (a lone surrogate
    is valid JSON but cannot be sent as UTF-8)."""
    return str(value)[:40].encode("utf-8", "replace").decode("utf-8")


def dumps(message: dict[str, Any]) -> str:
    """Compact UTF-8 JSON. orjson: snapshots of big rooms are encoded ten times a second on
    the event loop, where every millisecond delays someone's acknowledgement."""
    return orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS).decode()


def ack(client_id: str) -> str:
    return dumps({"type": "ack", "id": client_id})


def seat(number: int, name: str, moved: bool | None = None) -> str:
    """Where a participant sits now, after they changed table; `moved` when the facilitator
    seated them (a reseat: true if their table changed, false if they stay)."""
    frame: dict[str, Any] = {"type": "seat", "table": {"number": number, "name": name}}
    if moved is not None:
        frame["moved"] = moved
    return dumps(frame)


def error(
    message: str,
    client_id: str | None = None,
    retry: bool = False,
    retry_after: float | None = None,
) -> str:
    """An `error` frame. `retry`: nothing was stored and the same frame may be sent again
    (after `retry_after` seconds, when given); without it, the frame was refused for good."""
    body: dict[str, Any] = {"type": "error", "message": message}
    if client_id is not None:
        body["id"] = client_id
    if retry or retry_after is not None:
        body["retry"] = True
    if retry_after is not None:
        body["retry_after"] = retry_after
    return dumps(body)


PING = dumps({"type": "ping"})
PONG = dumps({"type": "pong"})
