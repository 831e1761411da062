"""The SMS-gateway protocol, shared by the platform's SMS channel and the reference SMS gateway
(``motcua smsgw``), ADR 0050.

Small and symmetric: every request, both ways, is a JSON body POSTed with three headers:

    X-Request-Id   the sender's id of this request; the receiver acts on it once (a repeated id
                   gets the first answer again, nothing is sent or recorded twice)
    X-Timestamp    seconds since the epoch; refused outside ``WINDOW_SECONDS`` of the receiver's clock
    X-Signature    ``v1=`` + hex HMAC-SHA256 over ``method \\n path \\n request id \\n timestamp \\n body``
                   with the secret the two parties share (one per direction is not needed: the
                   path is signed, so a message cannot be replayed as a receipt or the other way)

The platform → gateway: ``POST /v1/messages`` ``{"to": "+8491…", "text": "…", "callback": url}``
answers ``202 {"id": <gateway id>, "status": "accepted"}`` (``200`` with the same body when the
request id was seen before); ``503 {"code": "unavailable"}`` when it cannot take messages now.

The gateway → platform: ``POST <callback>`` with ``{"id": <gateway id>, "request_id": <the
message's request id>, "status": "delivered" | "failed", "error": "…"}`` as the delivery receipt.

The timestamp window and the request id together stop replays: an old request is refused, a
recent one already acted on. No personal data travels beyond the phone number and the text.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass

REQUEST_ID_HEADER = "X-Request-Id"
TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_HEADER = "X-Signature"
WINDOW_SECONDS = 300
MESSAGES_PATH = "/v1/messages"
MAX_TEXT_LENGTH = 320  # five segments of UCS-2 (Vietnamese with its diacritics)


class BadSignature(Exception):
    """The request's signature, timestamp or request id is missing, stale or wrong."""


def _digest(secret: bytes, method: str, path: str, request_id: str, timestamp: str, body: bytes) -> str:
    message = b"\n".join(
        [method.upper().encode(), path.encode(), request_id.encode(), timestamp.encode(), body]
    )
    return "v1=" + hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_headers(
    secret: bytes, *, method: str, path: str, request_id: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """The three headers that make ``body`` a signed request to ``path``."""
    timestamp = str(int(time.time() if now is None else now))
    return {
        "Content-Type": "application/json",
        REQUEST_ID_HEADER: request_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: _digest(secret, method, path, request_id, timestamp, body),
    }


@dataclass(frozen=True)
class Verified:
    request_id: str
    timestamp: int


def verify(
    secret: bytes,
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
) -> Verified:
    """Check a request's signature and timestamp; returns its request id or raises ``BadSignature``."""
    request_id = headers.get(REQUEST_ID_HEADER, "")
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    signature = headers.get(SIGNATURE_HEADER, "")
    if not request_id or len(request_id) > 64 or not timestamp.isdigit() or not signature:
        raise BadSignature("missing or malformed X-Request-Id, X-Timestamp or X-Signature")
    clock = time.time() if now is None else now
    if abs(clock - int(timestamp)) > WINDOW_SECONDS:
        raise BadSignature("X-Timestamp is outside the accepted window")
    expected = _digest(secret, method, path, request_id, timestamp, body)
    if not hmac.compare_digest(expected, signature):
        raise BadSignature("X-Signature does not match")
    return Verified(request_id=request_id, timestamp=int(timestamp))
