"""Broken rules as exceptions, and the marker for messages to translate.

Every layer raises these; the transport turns them into an HTTP status with a translated
message, or an `error` frame on a socket.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message for translation; the transport translates it for the reader."""
    return message


class DomainError(Exception):
    """A rule was broken. `message` is an English msgid; `params` fill its placeholders."""

    status = 400
    retry = False  # True: nothing was stored, and sending the same again later may work

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class Invalid(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class Busy(DomainError):
    """The server cannot do it now, and nothing was done: the database stayed locked (another
    process, a backup), or too many passwords are being checked. Trying again later works."""

    status = 503
    retry = True

    def __init__(
        self, message: str = N_("The server is busy. Your answer will be sent again.")
    ) -> None:
        super().__init__(message)
