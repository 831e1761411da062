"""Consent tokens: the platform's signed statement that a person consented to one data request.

When an applicant consents, the platform (the *consent issuer*) signs, for each registry call it
makes on that consent, a short-lived compact JWS (``typ: motcua-consent+jws``, Ed25519, as the
exchange protocol) with these claims:

    iss          the consent issuer (``MOTCUA_CONSENT_ISSUER``, ``motcua``): whose key signed it
    aud          the agency that may present it (the request's ``iss``)
    iat, exp     issued at, expires at (seconds); at most ``MAX_LIFETIME_SECONDS`` apart
    jti          the consent's public id on the platform (the registries log it)
    sub          the personal ID number of the person who consented, as the platform's eID
                 sign-in established it
    acr          that sign-in's assurance level (1 or 2)
    on_behalf_of when the person acts for someone (the application is that person's): their ID
                 number or enterprise code, the basis (``parent``, ``legal_representative``,
                 ``authorisation``), the platform's reference, the scope (procedure codes, empty
                 for all) and the last day (exclusive) it is valid
    registry, subject, procedure, dossier, purpose, legal_basis, fields: exactly the request it
                 allows

The registries verify it with the issuer's public key (registered like the agencies' keys, from
the registration file) and refuse a request whose token is missing (``missing_consent``), does
not verify or is not well formed (``invalid_consent``), has expired (``consent_expired``), or
names something other than the request does (``consent_mismatch``). Then, with the person the
token names, they check in their own records that this person may receive the subject's data
(``registries.relations``). ADR 0022.

Like the rest of ``motcua.protocol``, this module has no Django models: the registries import it too.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from motcua.protocol import (
    MAX_FIELDS,
    ExchangeErrorCode,
    ExchangeRequest,
    ProtocolError,
)

CONSENT_TYPE = "motcua-consent+jws"
MAX_LIFETIME_SECONDS = 3600  # the registries refuse a token meant to live longer: consent is short-lived
DEFAULT_LIFETIME_SECONDS = 600
REPRESENTATION_BASES = frozenset({"parent", "legal_representative", "authorisation"})


def _invalid(message: str) -> ProtocolError:
    return ProtocolError(ExchangeErrorCode.INVALID_CONSENT, message)


def _text(claims: Mapping[str, Any], name: str, *, max_length: int, required: bool = True) -> str:
    value = claims.get(name, "")
    if not isinstance(value, str) or len(value) > max_length or (required and not value.strip()):
        raise _invalid(f"The consent's claim {name!r} is missing or not a string of at most {max_length}.")
    return value


def _seconds(claims: Mapping[str, Any], name: str) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(f"The consent's claim {name!r} must be a whole number of seconds.")
    return value


@dataclass(frozen=True)
class OnBehalfOf:
    """The person an applicant acts for, as the platform recorded the representation."""

    subject: str  # personal ID number or enterprise code
    basis: str  # parent | legal_representative | authorisation
    reference: str  # the platform's representation id
    scope: tuple[str, ...] = ()  # procedure codes; empty: every procedure
    valid_until: str = ""  # ISO date, exclusive

    def claims(self) -> dict[str, Any]:
        return {
            "sub": self.subject,
            "basis": self.basis,
            "ref": self.reference,
            "scope": list(self.scope),
            "until": self.valid_until,
        }

    @classmethod
    def from_claims(cls, claims: Any) -> OnBehalfOf:
        if not isinstance(claims, dict):
            raise _invalid("The consent's 'on_behalf_of' must be an object.")
        basis = _text(claims, "basis", max_length=24)
        if basis not in REPRESENTATION_BASES:
            raise _invalid(f"Unknown representation basis {basis!r}.")
        scope = claims.get("scope", [])
        if not isinstance(scope, list) or not all(isinstance(code, str) and code for code in scope):
            raise _invalid("The representation's scope must be a list of procedure codes.")
        until = _text(claims, "until", max_length=10)
        try:
            datetime.date.fromisoformat(until)
        except ValueError:
            raise _invalid("The representation's 'until' must be a date (YYYY-MM-DD).") from None
        return cls(
            subject=_text(claims, "sub", max_length=16),
            basis=basis,
            reference=_text(claims, "ref", max_length=64),
            scope=tuple(scope),
            valid_until=until,
        )

    def covers(self, procedure: str, *, today: datetime.date) -> bool:
        return (not self.scope or procedure in self.scope) and today < datetime.date.fromisoformat(
            self.valid_until
        )


@dataclass(frozen=True)
class ConsentToken:
    issuer: str
    agency: str
    consent_id: str
    consented_by: str  # personal ID number, from the eID sign-in
    assurance_level: int
    registry: str
    subject: str
    procedure: str
    dossier: str
    purpose: str
    legal_basis: str
    fields: tuple[str, ...]
    on_behalf_of: OnBehalfOf | None = None
    issued_at: int = field(default_factory=lambda: int(time.time()))
    expires_at: int = 0  # 0: issued_at + DEFAULT_LIFETIME_SECONDS

    def __post_init__(self) -> None:
        if not self.expires_at:
            object.__setattr__(self, "expires_at", self.issued_at + DEFAULT_LIFETIME_SECONDS)

    @property
    def applicant(self) -> str:
        """Whose application it is: the person represented, or the person who consented."""
        return self.on_behalf_of.subject if self.on_behalf_of else self.consented_by

    def claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.agency,
            "iat": self.issued_at,
            "exp": self.expires_at,
            "jti": self.consent_id,
            "sub": self.consented_by,
            "acr": self.assurance_level,
            "registry": self.registry,
            "subject": self.subject,
            "procedure": self.procedure,
            "dossier": self.dossier,
            "purpose": self.purpose,
            "legal_basis": self.legal_basis,
            "fields": list(self.fields),
        }
        if self.on_behalf_of is not None:
            claims["on_behalf_of"] = self.on_behalf_of.claims()
        return claims

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> ConsentToken:
        fields = claims.get("fields")
        if (
            not isinstance(fields, list)
            or not fields
            or len(fields) > MAX_FIELDS
            or not all(isinstance(name, str) and 0 < len(name) <= 120 for name in fields)
        ):
            raise _invalid("The consent's 'fields' must be a list of field names.")
        return cls(
            issuer=_text(claims, "iss", max_length=64),
            agency=_text(claims, "aud", max_length=64),
            consent_id=_text(claims, "jti", max_length=64),
            consented_by=_text(claims, "sub", max_length=16),
            assurance_level=_seconds(claims, "acr"),
            registry=_text(claims, "registry", max_length=32),
            subject=_text(claims, "subject", max_length=16),
            procedure=_text(claims, "procedure", max_length=64),
            dossier=_text(claims, "dossier", max_length=64),
            purpose=_text(claims, "purpose", max_length=300),
            legal_basis=_text(claims, "legal_basis", max_length=64),
            fields=tuple(dict.fromkeys(fields)),
            on_behalf_of=OnBehalfOf.from_claims(claims["on_behalf_of"]) if "on_behalf_of" in claims else None,
            issued_at=_seconds(claims, "iat"),
            expires_at=_seconds(claims, "exp"),
        )

    def check_time(self, *, now: float | None = None, skew_seconds: int = 120) -> None:
        """Refuse a token that has expired, is not yet valid, or was made to live too long."""
        current = time.time() if now is None else now
        if self.expires_at - self.issued_at > MAX_LIFETIME_SECONDS or self.expires_at <= self.issued_at:
            raise _invalid(f"A consent token may live at most {MAX_LIFETIME_SECONDS} seconds.")
        if self.issued_at > current + skew_seconds:
            raise _invalid("The consent token is issued in the future.")
        if current >= self.expires_at:
            raise ProtocolError(ExchangeErrorCode.CONSENT_EXPIRED, "The consent token has expired.")

    def mismatches(self, request: ExchangeRequest) -> list[str]:
        """The claims on which the token and the request disagree (none: it allows this request).

        The request may ask for fewer fields than were consented to, never for others."""
        pairs = {
            "aud": (self.agency, request.agency),
            "registry": (self.registry, request.registry),
            "subject": (self.subject, request.subject),
            "procedure": (self.procedure, request.procedure),
            "dossier": (self.dossier, request.dossier),
            "purpose": (self.purpose, request.purpose),
            "legal_basis": (self.legal_basis, request.legal_basis),
            "sub": (self.consented_by, request.requester),
        }
        found = [name for name, (token, asked) in pairs.items() if token != asked]
        if not set(request.fields) <= set(self.fields):
            found.append("fields")
        return found
