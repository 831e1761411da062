"""Consent tokens made by hand, for tests that send registry requests themselves.

The platform signs one token per request (``exchange.tokens``); tests that bypass the platform
(to provoke one refusal exactly) sign theirs with a test consent issuer's key that they
registered through the operator's import, as the platform's is.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from joserfc.jwk import OKPKey

from motcua import protocol
from motcua.protocol import ExchangeRequest
from motcua.protocol.consent_token import CONSENT_TYPE, ConsentToken


class ConsentIssuer:
    """A consent issuer (a platform) with its own key."""

    def __init__(self, issuer: str = "test-platform", key: OKPKey | None = None) -> None:
        self.issuer = issuer
        self.key: OKPKey = key or protocol.generate_key()

    def registration(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "keys": [protocol.public_jwk(self.key)]}

    def token(self, request: ExchangeRequest, **overrides: Any) -> str:
        """A token for exactly ``request`` (``overrides`` change its claims: ``subject``,
        ``consented_by``, ``expires_at``, ...)."""
        values: dict[str, Any] = {
            "issuer": self.issuer,
            "agency": request.agency,
            "consent_id": str(uuid.uuid4()),
            "consented_by": request.requester,
            "assurance_level": 2,
            "registry": request.registry,
            "subject": request.subject,
            "procedure": request.procedure,
            "dossier": request.dossier,
            "purpose": request.purpose,
            "legal_basis": request.legal_basis,
            "fields": request.fields,
        }
        values.update(overrides)
        key = values.pop("key", self.key)
        return protocol.sign(ConsentToken(**values).claims(), key, typ=CONSENT_TYPE)

    def consented(self, request: ExchangeRequest, **overrides: Any) -> ExchangeRequest:
        """``request`` carrying a token for it."""
        return dataclasses.replace(request, consent=self.token(request, **overrides))
