"""Secrets: facilitator passwords (Argon2id) and participant tokens (only a hash is kept)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from workshop.domain import N_, Invalid

# argon2-cffi's defaults: Argon2id, 64 MiB, 3 passes (RFC 9106's second recommendation).
_hasher = PasswordHasher()
# Checked when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_USERNAME = 60


def check_new_credentials(username: str, password: str) -> str:
    """The user name to store, or Invalid saying what to fix."""
    name = username.strip()
    if not name or len(name) > MAX_USERNAME or any(ch.isspace() for ch in name):
        raise Invalid(N_("A user name is 1 to 60 characters without spaces."))
    if len(password) < MIN_PASSWORD:
        raise Invalid(N_("A password needs at least %(n)d characters."), n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise Invalid(N_("That password is too long."))
    return name


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches; always costs one Argon2 verification."""

    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
