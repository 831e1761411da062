"""Registry requests made by hand, for the tests that talk to the registries directly.

The agencies and consent issuer here are registered by the ``agencies`` fixture
(``tests/exchange/conftest.py``) through the operator's import, once per module that uses it, so
that each refusal can be provoked exactly.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from motcua import protocol
from motcua.protocol import ExchangeRequest
from tests.exchange.consents import ConsentIssuer
from tests.exchange.server import RegistriesServer

MINH = "001086027419"  # Nguyễn Văn Minh, Ba Đình (a demo person of every generated dataset)
CHILD = "001318046203"  # his daughter
DIRECTOR = "079192031586"  # Trần Thị Thu Hà, legal representative of the demo company
COMMITTEE = "TEST.UBND.1"  # a commune People's Committee registered by the fixture
POLICE = "TEST.CAX.1"
PORTAL = "TEST.PORTAL"
ISSUER = ConsentIssuer("test-registries-platform")  # the consent issuer the fixture registers


class Agency:
    def __init__(self, code: str, agency_type: str) -> None:
        self.code = code
        self.agency_type = agency_type
        self.key = protocol.generate_key()

    def registration(self) -> dict:
        return {
            "code": self.code,
            "name": self.code,
            "agency_type": self.agency_type,
            "keys": [protocol.public_jwk(self.key)],
        }


def register_agencies(registries_server: RegistriesServer) -> dict[str, Agency]:
    registered = {
        COMMITTEE: Agency(COMMITTEE, "commune_peoples_committee"),
        POLICE: Agency(POLICE, "commune_police"),
        PORTAL: Agency(PORTAL, "portal"),
    }
    registries_server.import_registrations(
        {
            "agencies": [agency.registration() for agency in registered.values()],
            "consent_issuers": [ISSUER.registration()],
        }
    )
    return registered


def request_for(agency: Agency, **overrides) -> ExchangeRequest:
    """A request for a person's own data (Minh's unless ``subject`` says whose; they consented,
    unless ``requester`` says who did), with a consent token for exactly it unless ``consent``
    is given."""
    values: dict[str, Any] = {
        "agency": agency.code,
        "registry": "population",
        "procedure": "birth-registration",
        "dossier": str(uuid.uuid4()),
        "purpose": "Xác định người yêu cầu đăng ký khai sinh",
        "legal_basis": "qd-06-2022",
        "subject": MINH,
        "fields": ("full_name", "date_of_birth", "permanent_residence"),
        "consent": "",
        "request_id": str(uuid.uuid4()),
    }
    values.update(overrides)
    values.setdefault("requester", values["subject"])
    request = ExchangeRequest(**values)
    return request if "consent" in overrides else ISSUER.consented(request)


def send(server: RegistriesServer, token: str, registry: str = "population") -> tuple[int, dict]:
    """POST a token; verify the answer's signature with the registries' published keys."""
    response = httpx.post(
        server.query_url(registry), content=token, headers={"Content-Type": "application/jose"}
    )
    claims = verified_answer(server, response.text)
    assert claims["request_digest"] == protocol.digest(token)
    return response.status_code, claims


def verified_answer(server: RegistriesServer, answer: str) -> dict:
    keys = protocol.key_set(server.jwks())
    kid = protocol.unverified_header(answer, max_bytes=protocol.MAX_RESPONSE_BYTES)["kid"]
    return protocol.verify(
        answer, keys[kid], typ=protocol.RESPONSE_TYPE, max_bytes=protocol.MAX_RESPONSE_BYTES
    )


def signed(agency: Agency, request: ExchangeRequest) -> str:
    return protocol.sign(request.claims(), agency.key, typ=protocol.REQUEST_TYPE)
