"""The registries verify the consent token of every request, and serve another person's data only
under a relation their own records show (ADR 0021, 0022).

Requests are made by hand (``tests/exchange/requests.py``), so that each refusal can be provoked
exactly: the agencies and consent issuer are registered through the operator's import.
Every refusal is checked three ways: its typed code, no data at all in the answer, and one
refused entry in the access log.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import time
import uuid
from typing import Any

import pytest

from motcua import protocol
from motcua.demo.people import DEMO_COMPANY
from motcua.protocol.consent_token import OnBehalfOf
from tests.exchange.consents import ConsentIssuer
from tests.exchange.requests import (
    CHILD,
    COMMITTEE,
    DIRECTOR,
    ISSUER,
    MINH,
    POLICE,
    Agency,
    request_for,
    send,
    signed,
)
from tests.exchange.server import RegistriesServer

LAN = "048195018347"  # Phạm Thị Lan, Đà Nẵng: no relation to Minh
HOA = "040161069230"  # Đặng Thị Hoa, widowed: her husband died in 2021, in their household
NOBODY = "001190999999"  # a valid number nobody in the registries has
DEATH_FIELDS = ("full_name", "date_of_birth", "sex", "personal_id")


def refused(server: RegistriesServer, agency: Agency, request: protocol.ExchangeRequest) -> tuple[int, str]:
    """Send; assert the answer carries no data and the log one refused entry; the status and code."""
    status, answer = send(server, signed(agency, request), request.registry)
    assert answer["status"] == "refused"
    assert answer["data"] is None
    [entry] = server.log_entries(request_id=request.request_id)
    assert entry["outcome"] == "refused"
    assert entry["error_code"] == answer["error"]["code"]
    assert entry["is_verified"] in (1, True)
    return status, answer["error"]["code"]


def death_request(agency: Agency, subject: str, requester: str, **overrides: Any) -> protocol.ExchangeRequest:
    return request_for(
        agency,
        procedure="death-registration",
        legal_basis="nd-63-2024",
        purpose="Xác định đúng người chết để ghi vào Sổ hộ tịch",
        fields=DEATH_FIELDS,
        subject=subject,
        requester=requester,
        **overrides,
    )


# --- the consent token ---------------------------------------------------------------------------


def test_a_request_with_a_valid_consent_token_is_served_and_the_log_keeps_who_consented(
    registries_server, agencies
):
    committee = agencies[COMMITTEE]
    bare = request_for(committee, consent="")
    token = ISSUER.token(bare, consent_id="consent-1234")
    status, answer = send(registries_server, signed(committee, dataclasses.replace(bare, consent=token)))
    assert (status, answer["status"]) == (200, "ok")
    [entry] = registries_server.log_entries(request_id=bare.request_id)
    assert entry["consent_ref"] == "consent-1234"
    assert entry["detail"]["requester"] == MINH
    assert entry["detail"]["consent_issuer"] == ISSUER.issuer
    assert entry["detail"]["relation"] == "self"


def test_a_made_up_consent_string_is_no_longer_served(registries_server, agencies):
    committee = agencies[COMMITTEE]
    request = request_for(committee, consent=str(uuid.uuid4()))
    assert refused(registries_server, committee, request) == (403, "invalid_consent")


def test_a_missing_consent_is_refused(registries_server, agencies):
    committee = agencies[COMMITTEE]
    assert refused(registries_server, committee, request_for(committee, consent="")) == (
        400,
        "missing_consent",
    )


def test_an_expired_consent_is_refused(registries_server, agencies):
    committee = agencies[COMMITTEE]
    bare = request_for(committee, consent="")
    an_hour_ago = int(time.time()) - 3600
    request = ISSUER.consented(bare, issued_at=an_hour_ago, expires_at=an_hour_ago + 600)
    assert refused(registries_server, committee, request) == (403, "consent_expired")


def test_a_consent_made_to_live_too_long_is_refused(registries_server, agencies):
    committee = agencies[COMMITTEE]
    bare = request_for(committee, consent="")
    now = int(time.time())
    request = ISSUER.consented(bare, issued_at=now, expires_at=now + 30 * 24 * 3600)
    assert refused(registries_server, committee, request) == (403, "invalid_consent")


@pytest.mark.parametrize("part", [1, 2])
def test_an_altered_consent_is_refused(registries_server, agencies, part):
    committee = agencies[COMMITTEE]
    request = request_for(committee)
    pieces = request.consent.split(".")
    middle = len(pieces[part]) // 2
    pieces[part] = (
        pieces[part][:middle] + ("A" if pieces[part][middle] != "A" else "B") + pieces[part][middle + 1 :]
    )
    altered = dataclasses.replace(request, consent=".".join(pieces))
    assert refused(registries_server, committee, altered) == (403, "invalid_consent")


def test_a_consent_signed_by_an_unregistered_or_revoked_issuer_key_is_refused(registries_server, agencies):
    committee = agencies[COMMITTEE]
    impostor = ConsentIssuer(ISSUER.issuer)  # the same name, another key
    request = impostor.consented(request_for(committee, consent=""))
    assert refused(registries_server, committee, request) == (403, "invalid_consent")
    # a registered issuer whose key the operator revokes
    revoked = ConsentIssuer("test-revoked-platform")
    registries_server.import_registrations({"agencies": [], "consent_issuers": [revoked.registration()]})
    assert (
        send(registries_server, signed(committee, revoked.consented(request_for(committee, consent=""))))[1][
            "status"
        ]
        == "ok"
    )
    registries_server.checked("agencies", "revoke-key", "--reason", "test", "--", revoked.key.kid)
    request = revoked.consented(request_for(committee, consent=""))
    assert refused(registries_server, committee, request) == (403, "invalid_consent")
    # and a key registered for one issuer cannot sign for another
    request = ISSUER.consented(request_for(committee, consent=""), issuer="another-platform")
    assert refused(registries_server, committee, request) == (403, "invalid_consent")


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("subject", LAN),  # a token for Lan's data presented for Minh's
        ("procedure", "criminal-record-certificate"),
        ("fields", ("full_name",)),  # the request asks for more than was consented
        ("consented_by", LAN),  # someone else consented than the agency says
        ("agency", POLICE),  # a token given to another agency
        ("dossier", "another-dossier"),
        ("purpose", "Mục đích khác"),
        ("registry", "residence"),
    ],
)
def test_a_consent_for_something_else_is_refused(registries_server, agencies, claim, value):
    committee = agencies[COMMITTEE]
    request = ISSUER.consented(request_for(committee, consent=""), **{claim: value})
    assert refused(registries_server, committee, request) == (403, "consent_mismatch")


def test_a_request_may_ask_for_fewer_fields_than_were_consented(registries_server, agencies):
    committee = agencies[COMMITTEE]
    bare = request_for(committee, consent="", fields=("full_name",))
    request = ISSUER.consented(bare, fields=("full_name", "date_of_birth"))
    status, answer = send(registries_server, signed(committee, request))
    assert (status, set(answer["data"])) == (200, {"full_name"})


# --- another person's data -----------------------------------------------------------------------


def test_a_parent_may_receive_a_deceased_childs_data_and_the_log_says_how_related(
    registries_server, agencies
):
    committee = agencies[COMMITTEE]
    request = death_request(committee, CHILD, MINH)
    status, answer = send(registries_server, signed(committee, request))
    assert (status, answer["data"]["full_name"]) == (200, "Nguyễn Minh Anh")
    [entry] = registries_server.log_entries(request_id=request.request_id)
    assert entry["detail"]["relation"] == "parent"
    # and the child (as the applicant) of her father
    request = death_request(committee, MINH, CHILD)
    assert send(registries_server, signed(committee, request))[1]["status"] == "ok"
    assert registries_server.log_entries(request_id=request.request_id)[0]["detail"]["relation"] == "child"


def test_an_unrelated_person_gets_nothing_not_even_a_name(registries_server, agencies):
    committee = agencies[COMMITTEE]
    request = death_request(committee, LAN, MINH)
    status, answer = send(registries_server, signed(committee, request))
    assert (status, answer["error"]["code"]) == (403, "not_related")
    assert answer["data"] is None
    assert "Phạm" not in json.dumps(answer, ensure_ascii=False)
    assert refused(registries_server, committee, death_request(committee, LAN, MINH)) == (403, "not_related")
    # a number nobody has is refused the same way: the answer does not say who exists
    assert refused(registries_server, committee, death_request(committee, NOBODY, MINH)) == (
        403,
        "not_related",
    )


def test_a_widow_is_the_spouse_of_her_late_husband_and_lived_with_him(registries_server, agencies):
    committee = agencies[COMMITTEE]
    [husband] = registries_server.query(
        "SELECT husband_personal_id AS id FROM registry_data_marriage WHERE wife_personal_id = ?", HOA
    )
    request = death_request(committee, husband["id"], HOA)
    status, answer = send(registries_server, signed(committee, request))
    assert (status, answer["data"]["personal_id"]) == (200, husband["id"])
    [entry] = registries_server.log_entries(request_id=request.request_id)
    assert entry["detail"]["relation"] == "spouse"
    # the household he lived in when he died (his residence history's last entry) is hers
    assert entry["detail"]["relations_found"] == ["household", "spouse"]


def _kin(person: dict[str, Any], other: dict[str, Any]) -> bool:
    parents = {person["father_personal_id"], person["mother_personal_id"]} - {None}
    others = {other["father_personal_id"], other["mother_personal_id"]} - {None}
    return (
        bool(person["personal_id"] in others or other["personal_id"] in parents or parents & others)
        or person["spouse_personal_id"] == other["personal_id"]
    )


def test_a_household_member_who_is_no_relative_may_receive_the_data(registries_server, agencies):
    """The head's parent and the head's spouse (a parent-in-law and a child-in-law) live in one
    household and are no kin."""
    rows = registries_server.query(
        "SELECT personal_id, father_personal_id, mother_personal_id, spouse_personal_id, household_number, "
        "relation_to_head FROM registry_data_person WHERE household_number IS NOT NULL ORDER BY personal_id"
    )
    pair = next(
        (member, other)
        for member in rows
        if member["relation_to_head"] == "parent"
        for other in rows
        if other["household_number"] == member["household_number"]
        and other["relation_to_head"] == "spouse"
        and not _kin(member, other)
    )
    member, in_law = pair
    committee = agencies[COMMITTEE]
    request = death_request(committee, in_law["personal_id"], member["personal_id"])
    status, answer = send(registries_server, signed(committee, request))
    assert (status, answer["status"]) == (200, "ok")
    [entry] = registries_server.log_entries(request_id=request.request_id)
    assert (entry["detail"]["relation"], entry["detail"]["relations_found"]) == ("household", ["household"])


def test_a_party_to_a_marriage_sees_only_whether_the_other_is_free_to_marry(registries_server, agencies):
    committee = agencies[COMMITTEE]

    def marriage(registry: str, fields: tuple[str, ...]) -> protocol.ExchangeRequest:
        return request_for(
            committee,
            procedure="marriage-registration",
            registry=registry,
            fields=fields,
            subject=LAN,
            requester=MINH,
        )

    request = marriage("civil_status", ("marital_status",))
    status, answer = send(registries_server, signed(committee, request), "civil_status")
    assert (status, answer["data"]) == (200, {"marital_status": "single"})
    assert (
        registries_server.log_entries(request_id=request.request_id)[0]["detail"]["relation"] == "named_party"
    )
    # the date of a past marriage, or the other party's name, are not the applicant's to see
    assert refused(
        registries_server, committee, marriage("civil_status", ("marital_status", "marriage.registered_on"))
    ) == (
        403,
        "fields_not_allowed",
    )
    assert refused(registries_server, committee, marriage("population", ("full_name",))) == (
        403,
        "not_related",
    )


# --- representation --------------------------------------------------------------------------------


def _on_behalf(subject: str, basis: str, **overrides: Any) -> OnBehalfOf:
    values: dict[str, Any] = {
        "subject": subject,
        "basis": basis,
        "reference": str(uuid.uuid4()),
        "valid_until": (datetime.date.today() + datetime.timedelta(days=365)).isoformat(),
    }
    values.update(overrides)
    return OnBehalfOf(**values)


def test_a_parent_acting_for_a_minor_child_is_checked_in_the_civil_status_records(
    registries_server, agencies
):
    committee = agencies[COMMITTEE]
    bare = request_for(committee, consent="", subject=CHILD, requester=MINH, fields=("full_name",))
    request = ISSUER.consented(bare, on_behalf_of=_on_behalf(CHILD, "parent"))
    status, answer = send(registries_server, signed(committee, request))
    assert (status, answer["data"]) == (200, {"full_name": "Nguyễn Minh Anh"})
    [entry] = registries_server.log_entries(request_id=request.request_id)
    assert entry["detail"]["relation"] == "represented"
    assert entry["detail"]["on_behalf_of"]["basis"] == "parent"
    # a stranger who claims to be her parent
    bare = request_for(committee, consent="", subject=CHILD, requester=LAN, fields=("full_name",))
    request = ISSUER.consented(bare, on_behalf_of=_on_behalf(CHILD, "parent"))
    assert refused(registries_server, committee, request) == (403, "representation_not_verified")
    # without any representation, the child's data is another person's: birth registration has no rule for it
    request = request_for(committee, subject=CHILD, requester=LAN, fields=("full_name",))
    assert refused(registries_server, committee, request) == (403, "not_related")


def test_a_parent_no_longer_represents_an_adult_child(registries_server, agencies):
    committee = agencies[COMMITTEE]
    [lan] = registries_server.query(
        "SELECT father_personal_id AS father FROM registry_data_person WHERE personal_id = ?", LAN
    )
    bare = request_for(committee, consent="", subject=LAN, requester=lan["father"], fields=("full_name",))
    request = ISSUER.consented(bare, on_behalf_of=_on_behalf(LAN, "parent"))
    assert refused(registries_server, committee, request) == (403, "representation_not_verified")


def test_a_legal_representative_is_checked_in_the_enterprise_registry(registries_server, agencies):
    police = agencies[POLICE]

    def company_request(requester: str) -> protocol.ExchangeRequest:
        bare = request_for(
            police,
            consent="",
            registry="enterprise",
            procedure="motorcycle-registration",
            fields=("enterprise_code", "name"),
            subject=DEMO_COMPANY[0],
            requester=requester,
        )
        return ISSUER.consented(bare, on_behalf_of=_on_behalf(DEMO_COMPANY[0], "legal_representative"))

    request = company_request(DIRECTOR)
    status, answer = send(registries_server, signed(police, request), "enterprise")
    assert (status, answer["data"]["name"]) == (200, DEMO_COMPANY[1])
    assert refused(registries_server, police, company_request(MINH)) == (403, "representation_not_verified")


def test_an_authorisation_is_held_to_its_scope_and_period(registries_server, agencies):
    committee = agencies[COMMITTEE]

    def authorised(**overrides: Any) -> protocol.ExchangeRequest:
        bare = request_for(committee, consent="", subject=LAN, requester=MINH, fields=("full_name",))
        return ISSUER.consented(bare, on_behalf_of=_on_behalf(LAN, "authorisation", **overrides))

    status, answer = send(registries_server, signed(committee, authorised(scope=("birth-registration",))))
    assert (status, answer["data"]) == (200, {"full_name": "Phạm Thị Lan"})
    assert refused(registries_server, committee, authorised(scope=("marriage-registration",))) == (
        403,
        "representation_not_verified",
    )
    ended = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    assert refused(registries_server, committee, authorised(valid_until=ended)) == (
        403,
        "representation_not_verified",
    )
