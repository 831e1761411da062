"""Errors shared by the domain apps.

A ``MotcuaError`` carries a stable machine code (for the API and for tests) and a message
already phrased for the person who has to act on it.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """The base of every app's error codes (no members of its own): the generic ones below, and
    each domain's in ``<app>/errors.py``, registered with ``core.vocabulary`` (ADR 0032). The
    values are the API's ``code``: unique across apps, never renamed."""


class ErrorCode(ErrorKind):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID_INPUT = "invalid_input"
    NOT_IN_TRANSACTION = "not_in_transaction"
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a credential)
    RATE_LIMITED = "rate_limited"


class MotcuaError(Exception):
    code: ErrorKind = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, *, code: ErrorKind | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(MotcuaError):
    """Raised for both a missing and a forbidden object, so the two look the same."""

    code: ErrorKind = ErrorCode.NOT_FOUND


class Forbidden(MotcuaError):
    """The actor may see the object but not do this to it (a supervisor changing a role).

    Use ``NotFound`` instead whenever the actor may not even see the object."""

    code: ErrorKind = ErrorCode.FORBIDDEN


class Conflict(MotcuaError):
    """The request is well formed and allowed for the actor, but the object's present state
    forbids it (a second supplement request, a step already decided)."""

    code: ErrorKind = ErrorCode.CONFLICT


class Unavailable(MotcuaError):
    """A service the operation needs (the signing key, the timestamp authority) cannot be
    reached; nothing was changed and the same request can be retried (API: 503)."""

    code: ErrorKind = ErrorCode.UNAVAILABLE


class InvalidToken(MotcuaError):
    """A bearer token that is unknown, expired, or whose client was revoked (API: 401 with
    ``WWW-Authenticate: Bearer error="invalid_token"``, RFC 6750)."""

    code: ErrorKind = ErrorCode.INVALID_TOKEN


class RateLimited(MotcuaError):
    """Over a rate limit; ``retry_after`` seconds until the next request may pass (API: 429)."""

    code: ErrorKind = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
