"""Errors shared by the domain apps.

A ``MotcuaError`` carries a stable machine code (for the API and for tests) and a message
already phrased for the person who has to act on it.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID_INPUT = "invalid_input"
    INVALID_REFERENCE_DATA = "invalid_reference_data"
    INVALID_PROCEDURE_SPEC = "invalid_procedure_spec"
    NOT_IN_TRANSACTION = "not_in_transaction"
    CONFLICT = "conflict"
    WRONG_STEP = "wrong_step"
    SUPPLEMENT_LIMIT = "supplement_limit"
    APOLOGY_REQUIRED = "apology_required"
    CLAIMED_BY_OTHER = "claimed_by_other"
    UNAVAILABLE = "unavailable"
    DOCUMENT_REVOKED = "document_revoked"
    DOCUMENT_EXPIRED = "document_expired"
    RESULT_NOT_REMOVABLE = "result_not_removable"
    DRAFT_SUBMITTED = "draft_submitted"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a credential)
    RATE_LIMITED = "rate_limited"
    PDF_REFUSED = "pdf_refused"


class MotcuaError(Exception):
    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(MotcuaError):
    """Raised for both a missing and a forbidden object, so the two look the same."""

    code = ErrorCode.NOT_FOUND


class Forbidden(MotcuaError):
    """The actor may see the object but not do this to it (a supervisor changing a role).

    Use ``NotFound`` instead whenever the actor may not even see the object."""

    code = ErrorCode.FORBIDDEN


class Conflict(MotcuaError):
    """The request is well formed and allowed for the actor, but the object's present state
    forbids it (a second supplement request, a step already decided)."""

    code = ErrorCode.CONFLICT


class Unavailable(MotcuaError):
    """A service the operation needs (the signing key, the timestamp authority) cannot be
    reached; nothing was changed and the same request can be retried (API: 503)."""

    code = ErrorCode.UNAVAILABLE


class InvalidToken(MotcuaError):
    """A bearer token that is unknown, expired, or whose client was revoked (API: 401 with
    ``WWW-Authenticate: Bearer error="invalid_token"``, RFC 6750)."""

    code = ErrorCode.INVALID_TOKEN


class RateLimited(MotcuaError):
    """Over a rate limit; ``retry_after`` seconds until the next request may pass (API: 429)."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
