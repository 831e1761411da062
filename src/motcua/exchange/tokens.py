"""The platform as consent issuer: signing the consent token of each registry call (ADR 0022).

The consent-signing key is an ``AgencyKey`` like the agencies' (sealed at rest, rotated the same
way) whose owner is ``consent_key_owner()`` (``consent:<MOTCUA_CONSENT_ISSUER>``, a name no
agency code can take); the registration file lists its public half under ``consent_issuers``,
never as an agency, so it cannot sign a request and no agency key can sign a consent.

A token is made only while the applicant who consented acts (their consent, or their retry of
it), for exactly one request, and lives ``MOTCUA_CONSENT_TOKEN_SECONDS``; transport retries of
that request carry the same token.
"""

from __future__ import annotations

import time

from django.conf import settings

from motcua.exchange.keys import signing_key
from motcua.exchange.models import Consent
from motcua.identity import selectors as identity
from motcua.identity.models import Representation, RepresentationBasis
from motcua.protocol import ExchangeRequest, sign
from motcua.protocol.consent_token import CONSENT_TYPE, ConsentToken, OnBehalfOf

CONSENT_KEY_PREFIX = "consent:"
# the bases by law before an authorisation: a parent's or a legal representative's is checked
# in the registries' own records, an authorisation only as the platform states it
_BASIS_ORDER = [
    RepresentationBasis.PARENT,
    RepresentationBasis.LEGAL_REPRESENTATIVE,
    RepresentationBasis.AUTHORISATION,
]


def consent_issuer() -> str:
    return str(settings.MOTCUA_CONSENT_ISSUER)


def consent_key_owner() -> str:
    return CONSENT_KEY_PREFIX + consent_issuer()


def representation_for(consent: Consent) -> Representation | None:
    """The active representation under which the person who consented acts for the applicant."""
    if consent.applicant_id == consent.given_by_id:
        return None
    found = [
        representation
        for representation in identity.active_representations().filter(
            representative_id=consent.given_by_id, represented_id=consent.applicant_id
        )
        if representation.covers(consent.procedure_code)
    ]
    found.sort(key=lambda representation: _BASIS_ORDER.index(RepresentationBasis(representation.basis)))
    return found[0] if found else None


def on_behalf_of(consent: Consent) -> OnBehalfOf | None:
    representation = representation_for(consent)
    if representation is None:
        return None
    applicant = consent.applicant
    return OnBehalfOf(
        subject=applicant.personal_id or applicant.enterprise_code or "",
        basis=str(representation.basis),
        reference=str(representation.public_id),
        scope=tuple(representation.scope),
        valid_until=representation.valid_until.isoformat(),
    )


def requester_id(consent: Consent) -> str:
    """The personal ID number of the person who consented, as their eID sign-in established it."""
    return consent.given_by.personal_id or ""


def issue(
    consent: Consent, request: ExchangeRequest, *, assurance_level: int, acting_for: OnBehalfOf | None
) -> str:
    """The signed consent token for one request made on ``consent``."""
    now = int(time.time())
    token = ConsentToken(
        issuer=consent_issuer(),
        agency=request.agency,
        consent_id=str(consent.public_id),
        consented_by=requester_id(consent),
        assurance_level=assurance_level,
        registry=request.registry,
        subject=request.subject,
        procedure=request.procedure,
        dossier=request.dossier,
        purpose=request.purpose,
        legal_basis=request.legal_basis,
        fields=request.fields,
        on_behalf_of=acting_for,
        issued_at=now,
        expires_at=now + int(settings.MOTCUA_CONSENT_TOKEN_SECONDS),
    )
    return sign(token.claims(), signing_key(consent_key_owner()), typ=CONSENT_TYPE)
