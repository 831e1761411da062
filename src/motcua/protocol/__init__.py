"""The once-only data-exchange protocol, shared by the platform and the reference registries.

Every request and every response is a compact JWS (RFC 7515) signed with Ed25519 (``alg`` is
the fully specified ``Ed25519`` of RFC 9864; the verifier accepts nothing else). The protected
header names the key (``kid``, its RFC 7638 thumbprint) and the message type (``typ``); the
payload is a JSON object of claims:

request (``typ: motcua-exchange-request+jws``), signed by the requesting agency's key:
    iss          requesting agency code (``UBND.00004``)
    aud          ``registry:<code>`` — the one registry it is for, so it cannot be redirected
    iat          issued at, seconds since the epoch; the registry refuses it outside its window
    nonce        random, single use: a second request with the same nonce is a replay
    request_id   the platform's id of this exchange (its log row), kept in both logs
    procedure    catalog code of the procedure the data is for
    dossier      the platform's reference of the draft or dossier
    purpose      why, in words (shown to the applicant before consent, kept in both logs)
    legal_basis  code of the legal basis; the registry's policy says which fields it allows
    subject      the personal ID number or enterprise code the data is about
    fields       the requested fields (dotted paths); nothing beyond the legal basis is served
    requester    the personal ID number of the person who consented, as the agency recorded it
    consent      the consent token: a compact JWS the platform signed when that person consented
                 (``consent_token``), naming who consented, for whom, about whom, for which
                 procedure, purpose and fields, until when; the registries verify it and check
                 it against this request

write (``typ: motcua-exchange-write+jws``, ``POST /v1/<registry>/write``), signed by the writing
agency's key: the request's ``iss``, ``aud``, ``iat``, ``nonce``, ``request_id``, ``procedure``,
``dossier``, ``purpose``, ``legal_basis`` and ``subject``, plus
    operation    what to write (``mark_paid``, ``register_birth``): the registries' policy says
                 which agency types may do it under which legal basis for which procedure
    body         the operation's arguments (a JSON object); the same ``request_id`` with the same
                 body gets the same answer, with another body ``idempotency_conflict``
    requester    optional: the personal ID number of the person the write is for, if any
A write carries no consent token: the agency writes under its legal duty (the legal basis),
not under the person's consent. ADR 0043.

response (``typ: motcua-exchange-response+jws``), signed by the registries' key:
    iss, aud, iat, registry, in_reply_to (the request's nonce), request_digest (SHA-256 of the
    request's compact form), status (``ok`` | ``not_found`` | ``refused``), data, error
    ({code, message}), log_entry (the registry's access-log reference)

This package has no Django models and imports no app: it is the neutral ground the platform
(``motcua.exchange``) and the reference registries (a separate Django project) both import, and the
only code they share besides core's model-free helpers (ADR 0036).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey

ALGORITHM = "Ed25519"
ALGORITHMS = [ALGORITHM]  # nothing else is ever accepted
REQUEST_TYPE = "motcua-exchange-request+jws"
RESPONSE_TYPE = "motcua-exchange-response+jws"
CONTENT_TYPE = "application/jose"
REGISTRIES_ISSUER = "registries"
ACCESS_LOG_AUDIENCE = "registries:access-log"
PING_AUDIENCE = "registries:ping"
MAX_MESSAGE_BYTES = 32 * 1024  # a request: a few hundred bytes in practice
MAX_RESPONSE_BYTES = 126 * 1024  # an answer; joserfc refuses payloads over ~126 KB
ACCESS_LOG_PAGE = 100  # entries per access-log answer (~50 KB), newest first
MAX_FIELDS = 64
MAX_CONSENT_BYTES = 4096  # a consent token: about a kilobyte in practice
WRITE_TYPE = "motcua-exchange-write+jws"
MAX_WRITE_BODY_BYTES = 4096  # a write's body: a few hundred bytes in practice


class ExchangeErrorCode(StrEnum):
    """Why a registry refused a request (or why the platform refused a response)."""

    MALFORMED_REQUEST = "malformed_request"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    UNREGISTERED_AGENCY = "unregistered_agency"
    WRONG_AUDIENCE = "wrong_audience"
    OUTSIDE_TIME_WINDOW = "outside_time_window"
    REPLAY = "replay"
    UNKNOWN_REGISTRY = "unknown_registry"
    UNKNOWN_LEGAL_BASIS = "unknown_legal_basis"
    NOT_COVERED_BY_LEGAL_BASIS = "not_covered_by_legal_basis"
    FIELDS_NOT_ALLOWED = "fields_not_allowed"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_SUBJECT = "invalid_subject"
    MISSING_CONSENT = "missing_consent"
    INVALID_CONSENT = "invalid_consent"
    CONSENT_EXPIRED = "consent_expired"
    CONSENT_MISMATCH = "consent_mismatch"
    NOT_RELATED = "not_related"
    REPRESENTATION_NOT_VERIFIED = "representation_not_verified"
    INVALID_RESPONSE = "invalid_response"
    UNKNOWN_OPERATION = "unknown_operation"
    INVALID_WRITE = "invalid_write"
    WRITE_REJECTED = "write_rejected"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"


# The HTTP status a registry answers each refusal with: 4xx are final (a retry cannot help).
HTTP_STATUS: dict[ExchangeErrorCode, int] = {
    ExchangeErrorCode.MALFORMED_REQUEST: 400,
    ExchangeErrorCode.INVALID_SUBJECT: 400,
    ExchangeErrorCode.UNKNOWN_FIELD: 400,
    ExchangeErrorCode.MISSING_CONSENT: 400,
    ExchangeErrorCode.BAD_SIGNATURE: 401,
    ExchangeErrorCode.UNKNOWN_KEY: 401,
    ExchangeErrorCode.OUTSIDE_TIME_WINDOW: 401,
    ExchangeErrorCode.UNREGISTERED_AGENCY: 403,
    ExchangeErrorCode.WRONG_AUDIENCE: 403,
    ExchangeErrorCode.UNKNOWN_LEGAL_BASIS: 403,
    ExchangeErrorCode.NOT_COVERED_BY_LEGAL_BASIS: 403,
    ExchangeErrorCode.FIELDS_NOT_ALLOWED: 403,
    ExchangeErrorCode.INVALID_CONSENT: 403,
    ExchangeErrorCode.CONSENT_EXPIRED: 403,
    ExchangeErrorCode.CONSENT_MISMATCH: 403,
    ExchangeErrorCode.NOT_RELATED: 403,
    ExchangeErrorCode.REPRESENTATION_NOT_VERIFIED: 403,
    ExchangeErrorCode.UNKNOWN_REGISTRY: 404,
    ExchangeErrorCode.REPLAY: 409,
    ExchangeErrorCode.UNKNOWN_OPERATION: 400,
    ExchangeErrorCode.INVALID_WRITE: 400,
    ExchangeErrorCode.WRITE_REJECTED: 409,
    ExchangeErrorCode.IDEMPOTENCY_CONFLICT: 409,
    ExchangeErrorCode.INVALID_RESPONSE: 502,
}


class ProtocolError(Exception):
    """A message that cannot be accepted, with the typed reason."""

    def __init__(self, code: ExchangeErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# --- keys ---------------------------------------------------------------------------------------


def generate_key() -> OKPKey:
    """A new Ed25519 key whose ``kid`` is its RFC 7638 thumbprint."""
    key = OKPKey.generate_key("Ed25519", auto_kid=True)
    return key


def key_from_jwk(data: Mapping[str, Any]) -> OKPKey:
    """An Ed25519 key from its JWK (public or private); the ``kid`` is recomputed, never trusted."""
    if data.get("kty") != "OKP" or data.get("crv") != "Ed25519":
        raise ProtocolError(ExchangeErrorCode.UNKNOWN_KEY, "Only Ed25519 (OKP) keys are accepted.")
    try:
        key = OKPKey.import_key(dict(data))
    except (JoseError, ValueError, TypeError) as exc:
        raise ProtocolError(ExchangeErrorCode.UNKNOWN_KEY, f"Not a usable Ed25519 JWK: {exc}") from None
    key.ensure_kid()
    thumbprint = key.thumbprint()
    if "kid" in data and data["kid"] != thumbprint:
        raise ProtocolError(ExchangeErrorCode.UNKNOWN_KEY, "The key's kid is not its RFC 7638 thumbprint.")
    return OKPKey.import_key({**{k: v for k, v in data.items() if k != "kid"}, "kid": thumbprint})


def public_jwk(key: OKPKey) -> dict[str, Any]:
    """The public half of a key, with its ``kid``."""
    data: dict[str, Any] = dict(key.as_dict(private=False))
    data["kid"] = key.kid
    return data


def private_jwk(key: OKPKey) -> dict[str, Any]:
    data: dict[str, Any] = dict(key.as_dict(private=True))
    data["kid"] = key.kid
    return data


def key_set(jwks: Mapping[str, Any]) -> dict[str, OKPKey]:
    """``{kid: key}`` from a JWK set document (``{"keys": [...]}``)."""
    keys = {}
    for data in jwks.get("keys", []):
        key = key_from_jwk(data)
        keys[str(key.kid)] = key
    return keys


# --- messages -----------------------------------------------------------------------------------


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def digest(token: str) -> str:
    """The SHA-256 (hex) of a compact JWS: how a response names the request it answers."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _text(claims: Mapping[str, Any], name: str, *, max_length: int, required: bool = True) -> str:
    value = claims.get(name, "")
    if not isinstance(value, str) or len(value) > max_length or (required and not value.strip()):
        raise ProtocolError(
            ExchangeErrorCode.MALFORMED_REQUEST,
            f"Claim {name!r} must be a {'non-empty ' if required else ''}string "
            f"of at most {max_length} characters.",
        )
    return value


def _time(claims: Mapping[str, Any], name: str) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(
            ExchangeErrorCode.MALFORMED_REQUEST, f"Claim {name!r} must be a number of seconds."
        )
    return int(value)


def _registry_audience(claims: Mapping[str, Any]) -> str:
    """The registry a request or a write is for (``aud: registry:<code>``)."""
    audience = _text(claims, "aud", max_length=80)
    kind, _sep, registry = audience.partition(":")
    if kind != "registry" or not registry:
        raise ProtocolError(ExchangeErrorCode.WRONG_AUDIENCE, f"Audience {audience!r} is not a registry.")
    return registry


def _envelope(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The claims a query and a write share, checked: who, for which registry, procedure,
    dossier, purpose and legal basis, about whom, the request id, the nonce and the time."""
    return {
        "agency": _text(claims, "iss", max_length=64),
        "registry": _registry_audience(claims),
        "procedure": _text(claims, "procedure", max_length=64),
        "dossier": _text(claims, "dossier", max_length=64),
        "purpose": _text(claims, "purpose", max_length=300),
        "legal_basis": _text(claims, "legal_basis", max_length=64),
        "subject": _text(claims, "subject", max_length=16),
        "request_id": _text(claims, "request_id", max_length=64),
        "nonce": _text(claims, "nonce", max_length=64),
        "issued_at": _time(claims, "iat"),
    }


def _envelope_claims(request: ExchangeRequest | WriteRequest) -> dict[str, Any]:
    return {
        "iss": request.agency,
        "aud": request.audience,
        "iat": request.issued_at,
        "nonce": request.nonce,
        "request_id": request.request_id,
        "procedure": request.procedure,
        "dossier": request.dossier,
        "purpose": request.purpose,
        "legal_basis": request.legal_basis,
        "subject": request.subject,
    }


@dataclass(frozen=True)
class ExchangeRequest:
    agency: str
    registry: str
    procedure: str
    dossier: str
    purpose: str
    legal_basis: str
    subject: str
    fields: tuple[str, ...]
    requester: str
    consent: str
    request_id: str
    nonce: str = field(default_factory=new_nonce)
    issued_at: int = field(default_factory=lambda: int(time.time()))

    @property
    def audience(self) -> str:
        return f"registry:{self.registry}"

    def claims(self) -> dict[str, Any]:
        return {
            **_envelope_claims(self),
            "fields": list(self.fields),
            "requester": self.requester,
            "consent": self.consent,
        }

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> ExchangeRequest:
        envelope = _envelope(claims)
        fields = claims.get("fields")
        if (
            not isinstance(fields, list)
            or not fields
            or len(fields) > MAX_FIELDS
            or not all(isinstance(item, str) and 0 < len(item) <= 120 for item in fields)
        ):
            raise ProtocolError(
                ExchangeErrorCode.MALFORMED_REQUEST,
                f"Claim 'fields' must be a list of 1 to {MAX_FIELDS} field names.",
            )
        return cls(
            **envelope,
            fields=tuple(dict.fromkeys(fields)),
            requester=_text(claims, "requester", max_length=16),
            consent=_text(claims, "consent", max_length=MAX_CONSENT_BYTES, required=False),
        )


@dataclass(frozen=True)
class AccessLogRequest:
    """The portal asks, for a signed-in person, who used their data (or, ``ping``, whether the
    registries accept its key at all)."""

    agency: str
    subject: str
    legal_basis: str
    purpose: str
    request_id: str
    audience: str = ACCESS_LOG_AUDIENCE
    before: int = 0  # page through older entries: only entries with a smaller id (0: the newest)
    consent: str = ""  # ping only: a consent token whose signature the registries should check
    nonce: str = field(default_factory=new_nonce)
    issued_at: int = field(default_factory=lambda: int(time.time()))

    def claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "iss": self.agency,
            "aud": self.audience,
            "iat": self.issued_at,
            "nonce": self.nonce,
            "request_id": self.request_id,
            "subject": self.subject,
            "legal_basis": self.legal_basis,
            "purpose": self.purpose,
            "before": self.before,
        }
        if self.consent:
            claims["consent"] = self.consent
        return claims

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> AccessLogRequest:
        audience = _text(claims, "aud", max_length=80)
        if audience not in {ACCESS_LOG_AUDIENCE, PING_AUDIENCE}:
            raise ProtocolError(
                ExchangeErrorCode.WRONG_AUDIENCE, f"Audience {audience!r} is not this endpoint."
            )
        ping = audience == PING_AUDIENCE
        return cls(
            agency=_text(claims, "iss", max_length=64),
            subject=_text(claims, "subject", max_length=16, required=not ping),
            legal_basis=_text(claims, "legal_basis", max_length=64, required=not ping),
            purpose=_text(claims, "purpose", max_length=300, required=not ping),
            request_id=_text(claims, "request_id", max_length=64),
            audience=audience,
            before=max(0, _time(claims, "before")) if "before" in claims else 0,
            consent=_text(claims, "consent", max_length=MAX_CONSENT_BYTES, required=False) if ping else "",
            nonce=_text(claims, "nonce", max_length=64),
            issued_at=_time(claims, "iat"),
        )


def body_digest(body: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of a write's body in canonical JSON (sorted keys): what idempotency
    compares, so the same body sent twice, however its keys are ordered, is the same write."""
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class WriteRequest:
    """An agency writes to one registry (ADR 0043): one operation on one subject."""

    agency: str
    registry: str
    procedure: str
    dossier: str
    purpose: str
    legal_basis: str
    subject: str
    operation: str
    body: Mapping[str, Any]
    request_id: str
    requester: str = ""
    nonce: str = field(default_factory=new_nonce)
    issued_at: int = field(default_factory=lambda: int(time.time()))

    @property
    def audience(self) -> str:
        return f"registry:{self.registry}"

    def claims(self) -> dict[str, Any]:
        return {
            **_envelope_claims(self),
            "operation": self.operation,
            "body": dict(self.body),
            "requester": self.requester,
        }

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> WriteRequest:
        envelope = _envelope(claims)
        body = claims.get("body")
        if not isinstance(body, dict) or len(_json(body)) > MAX_WRITE_BODY_BYTES:
            raise ProtocolError(
                ExchangeErrorCode.MALFORMED_REQUEST,
                f"Claim 'body' must be a JSON object of at most {MAX_WRITE_BODY_BYTES} bytes.",
            )
        return cls(
            **envelope,
            operation=_text(claims, "operation", max_length=40),
            body=body,
            requester=_text(claims, "requester", max_length=16, required=False),
        )


@dataclass(frozen=True)
class ExchangeResponse:
    registry: str
    agency: str
    in_reply_to: str
    request_digest: str
    status: str  # ok | not_found | refused
    data: Any = None
    error_code: str = ""
    error_message: str = ""
    log_entry: str = ""
    issued_at: int = field(default_factory=lambda: int(time.time()))

    def claims(self) -> dict[str, Any]:
        return {
            "iss": REGISTRIES_ISSUER,
            "aud": self.agency,
            "iat": self.issued_at,
            "registry": self.registry,
            "in_reply_to": self.in_reply_to,
            "request_digest": self.request_digest,
            "status": self.status,
            "data": self.data,
            "error": {"code": self.error_code, "message": self.error_message} if self.error_code else None,
            "log_entry": self.log_entry,
        }

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> ExchangeResponse:
        error = claims.get("error") or {}
        if not isinstance(error, dict):
            raise ProtocolError(ExchangeErrorCode.INVALID_RESPONSE, "The response's error is not an object.")
        status = claims.get("status")
        if status not in {"ok", "not_found", "refused"}:
            raise ProtocolError(ExchangeErrorCode.INVALID_RESPONSE, f"Unknown response status {status!r}.")
        if claims.get("iss") != REGISTRIES_ISSUER:
            raise ProtocolError(
                ExchangeErrorCode.INVALID_RESPONSE, "The response is not from the registries."
            )
        return cls(
            registry=str(claims.get("registry", "")),
            agency=str(claims.get("aud", "")),
            in_reply_to=str(claims.get("in_reply_to", "")),
            request_digest=str(claims.get("request_digest", "")),
            status=str(status),
            data=claims.get("data"),
            error_code=str(error.get("code", "")),
            error_message=str(error.get("message", "")),
            log_entry=str(claims.get("log_entry", "")),
            issued_at=_time(claims, "iat"),
        )


# --- signing and verifying ----------------------------------------------------------------------


def _json(claims: Mapping[str, Any]) -> bytes:
    # The signature covers these exact bytes, so no canonical form is needed: compact UTF-8 JSON.
    return json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()


# Compact JWS (RFC 7515) with Ed25519 only, written and checked here rather than through joserfc's
# general machinery (its registry, header validation and key dispatch cost about as much as the
# signature itself, on every one of the six signatures of a signed exchange; ADR 0052). The
# signature is the same EdDSA over the same signing input, made and checked by ``cryptography``.
_BASE64URL = re.compile(rb"[A-Za-z0-9_-]*")
_HEADER_NAMES = frozenset({"alg", "kid", "typ"})


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(segment: bytes) -> bytes:
    """Base64url without padding, strictly (no other character, no impossible length)."""
    if len(segment) % 4 == 1 or not _BASE64URL.fullmatch(segment):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4))


def sign(claims: Mapping[str, Any], key: OKPKey, *, typ: str) -> str:
    """A compact JWS of ``claims`` signed with ``key`` (whose ``kid`` goes in the header)."""
    header = _json({"alg": ALGORITHM, "kid": key.kid, "typ": typ})
    signing_input = _b64(header) + b"." + _b64(_json(claims))
    private = key.private_key
    if not isinstance(private, Ed25519PrivateKey):
        raise ProtocolError(ExchangeErrorCode.UNKNOWN_KEY, "Only Ed25519 keys sign exchange messages.")
    signature = private.sign(signing_input)
    return (signing_input + b"." + _b64(signature)).decode("ascii")


@dataclass(frozen=True)
class Compact:
    """A compact JWS split and its header decoded, not yet verified (read once, verified once)."""

    header: dict[str, Any]
    signing_input: bytes
    payload: bytes
    signature: bytes


def parse(token: str, *, max_bytes: int = MAX_MESSAGE_BYTES) -> Compact:
    """Split a compact JWS and check its header: Ed25519 and a key id, or ``ProtocolError``."""
    if not token or len(token) > max_bytes or token.count(".") != 2:
        raise ProtocolError(ExchangeErrorCode.MALFORMED_REQUEST, "Not a compact JWS.")
    try:
        raw = token.encode("ascii")
        header_segment, payload_segment, signature_segment = raw.split(b".")
        header = json.loads(_unb64(header_segment))
        payload = _unb64(payload_segment)
        signature = _unb64(signature_segment)
    except (ValueError, UnicodeError) as exc:
        raise ProtocolError(ExchangeErrorCode.MALFORMED_REQUEST, f"Not a compact JWS: {exc}") from None
    if not isinstance(header, dict):
        raise ProtocolError(
            ExchangeErrorCode.MALFORMED_REQUEST, "Not a compact JWS: the header is not an object."
        )
    if header.get("alg") != ALGORITHM:
        raise ProtocolError(ExchangeErrorCode.BAD_SIGNATURE, f"Algorithm must be {ALGORITHM}.")
    if not isinstance(header.get("kid"), str):
        raise ProtocolError(ExchangeErrorCode.UNKNOWN_KEY, "The header names no key (kid).")
    if not header.keys() <= _HEADER_NAMES:
        # ``crit``, ``b64``, ``jku``, ``x5u``…: nothing else is used, so nothing else is accepted
        raise ProtocolError(
            ExchangeErrorCode.MALFORMED_REQUEST, "The header has parameters this protocol does not use."
        )
    return Compact(
        header=header,
        signing_input=header_segment + b"." + payload_segment,
        payload=payload,
        signature=signature,
    )


def unverified_header(token: str, *, max_bytes: int = MAX_MESSAGE_BYTES) -> dict[str, Any]:
    """The protected header, read before verifying (to choose the key); never trust it alone."""
    return parse(token, max_bytes=max_bytes).header


def _public_key(key: OKPKey | KeySet, kid: str) -> Ed25519PublicKey:
    chosen = key.get_by_kid(kid) if isinstance(key, KeySet) else key
    public = chosen.public_key if isinstance(chosen, OKPKey) else None
    if not isinstance(public, Ed25519PublicKey):
        raise ProtocolError(
            ExchangeErrorCode.BAD_SIGNATURE, "The signature does not verify: not an Ed25519 key."
        )
    return public


def verify(
    message: str | Compact, key: OKPKey | KeySet, *, typ: str, max_bytes: int = MAX_MESSAGE_BYTES
) -> dict[str, Any]:
    """The claims of a compact JWS (or of one already ``parse``d) whose signature ``key``
    verifies; ``ProtocolError`` otherwise."""
    compact = parse(message, max_bytes=max_bytes) if isinstance(message, str) else message
    if compact.header.get("typ") != typ:
        raise ProtocolError(ExchangeErrorCode.MALFORMED_REQUEST, f"Message type must be {typ}.")
    try:
        public = _public_key(key, str(compact.header["kid"]))
    except (ValueError, KeyError):  # a key set without that kid
        raise ProtocolError(ExchangeErrorCode.BAD_SIGNATURE, "The signature does not verify.") from None
    try:
        public.verify(compact.signature, compact.signing_input)
    except InvalidSignature:
        raise ProtocolError(ExchangeErrorCode.BAD_SIGNATURE, "The signature does not verify.") from None
    try:
        claims = json.loads(compact.payload)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(ExchangeErrorCode.MALFORMED_REQUEST, "The payload is not JSON.") from None
    if not isinstance(claims, dict):
        raise ProtocolError(ExchangeErrorCode.MALFORMED_REQUEST, "The payload is not a JSON object.")
    return claims


def check_time(issued_at: int, *, window_seconds: int, now: float | None = None) -> None:
    """Refuse a message issued too long ago or too far in the future (clock skew included)."""
    current = time.time() if now is None else now
    if abs(current - issued_at) > window_seconds:
        raise ProtocolError(
            ExchangeErrorCode.OUTSIDE_TIME_WINDOW,
            f"Issued at {issued_at}, outside ±{window_seconds} s of the registry's clock.",
        )


def unknown_fields(fields: Sequence[str], allowed: frozenset[str] | set[str]) -> list[str]:
    return [name for name in fields if name not in allowed]
