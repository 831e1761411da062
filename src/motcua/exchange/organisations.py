"""Acting for an organisation (ADR 0065): the enterprise registry, asked with the person's
consent, confirms that it names them as the organisation's legal representative.

``check_legal_representative`` is what a signed-in person asks for when they choose to act for an
enterprise by its code: asking is their consent to this one read, recorded like any other
(``exchange.Consent``, whose applicant is the person: it is their request) and carried to the
registry as a consent token whose ``on_behalf_of`` *claims* the legal representation of the
enterprise. The registry checks the claim against its own record before it answers
(``registries.relations.check_representation``): an enterprise that does not name the person,
or that does not exist, is the same refusal, so codes cannot be probed for their
representatives. The portal asks under the legal basis the registries' policy grants it for
this platform service (not a catalog procedure) for the least data: the code, name, status and
the representative's ID number, which the platform compares with the person's again.

The answer is recorded through ``identity.organisations``: confirmed, the representation for one
day; refused, any representation recorded before is revoked (the registry changed its record).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.typed import Text
from motcua.core.services import record_change
from motcua.exchange import services
from motcua.exchange.client import PullStatus
from motcua.exchange.events import ExchangeEvent, ExchangeSubject
from motcua.exchange.models import Consent, Exchange
from motcua.exchange.sources import DataSource
from motcua.identity import organisations as identity_organisations
from motcua.identity.actors import ApplicantActor
from motcua.identity.models import Representation
from motcua.identity.validators import parse_enterprise_code
from motcua.protocol import ExchangeErrorCode
from motcua.protocol.consent_token import OnBehalfOf

REGISTRY = "enterprise"
PROCEDURE = "organisation-representation"  # a platform service, not a catalog procedure
LEGAL_BASIS = "nd-01-2021"  # [M] Decree 01/2021/NĐ-CP: see the registries' policy
CHECK_REF = "dai-dien-to-chuc"  # the "dossier" the registries log for the check
FIELDS = ("enterprise_code", "name", "status", "legal_representative.personal_id")
ACTIVE_STATUS = "active"
PURPOSE = Text(
    vi="Xác nhận người yêu cầu là người đại diện theo pháp luật của doanh nghiệp",
    en="Confirm that the requester is the enterprise's legal representative",
)
SOURCE = DataSource(
    component_id="legal-representative",
    name=Text(vi="Người đại diện theo pháp luật", en="Legal representative"),
    registry=REGISTRY,
    fields=FIELDS,
    legal_basis="Nghị định 01/2021/NĐ-CP",
    legal_basis_code=LEGAL_BASIS,
    purpose=PURPOSE,
    required=True,
    subject_field="",
    fallback="none",
)


class CheckOutcome(StrEnum):
    CONFIRMED = "confirmed"
    NOT_NAMED = "not_named"  # the registry does not name the person (or has no such enterprise)
    NOT_OPERATING = "not_operating"  # named, but the enterprise is not active
    UNAVAILABLE = "unavailable"  # the registry could not be asked now: nothing changes


@dataclass(frozen=True)
class RepresentativeCheck:
    outcome: CheckOutcome
    representation: Representation | None = None
    error_code: str = ""


@transaction.atomic
def _consent(actor: ApplicantActor, code: str) -> Consent:
    agency_code = services.portal_agency_code()
    consent = Consent.objects.create(
        given_by_id=actor.applicant_id,
        applicant_id=actor.applicant_id,
        procedure_code=PROCEDURE,
        dossier_ref=CHECK_REF,
        agency_code=agency_code,
        components=[
            {
                "component": SOURCE.component_id,
                "registry": REGISTRY,
                "fields": list(FIELDS),
                "legal_basis_code": LEGAL_BASIS,
                "subject": f"enterprise:{code}",
            }
        ],
    )
    record_change(
        actor=actor,
        type=ExchangeEvent.CONSENT_GIVEN,
        subject_type=ExchangeSubject.CONSENT,
        subject_id=str(consent.public_id),
        agency_code=agency_code,
        changes={"components": [None, [SOURCE.component_id]], "declined": [None, []]},
        payload={"dossier": CHECK_REF, "procedure": PROCEDURE},
    )
    return consent


def _named(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    nested = data.get("legal_representative")
    if isinstance(nested, dict):
        return str(nested.get("personal_id") or "")
    return str(data.get("legal_representative.personal_id") or "")


def check_legal_representative(*, actor: ApplicantActor, enterprise_code: str) -> RepresentativeCheck:
    """Ask the enterprise registry whether it names the actor as the enterprise's legal
    representative, and record the answer (module docstring). A registry that is down changes
    nothing and says so (``UNAVAILABLE``)."""
    code = parse_enterprise_code(enterprise_code)
    consent = _consent(actor, code)
    claimed = OnBehalfOf(
        subject=code,
        basis="legal_representative",
        reference=f"claim:{consent.public_id}",
        scope=(PROCEDURE,),
        valid_until=(timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
    )
    [result] = services.pull_data(
        actor=actor, consent=consent, sources=[SOURCE], subjects={SOURCE.component_id: code}, claimed=claimed
    )
    evidence = (
        Exchange.objects.filter(consent=consent).values_list("registry_log_entry", flat=True).first() or ""
    )
    if not result.status.is_answer:
        return RepresentativeCheck(CheckOutcome.UNAVAILABLE, error_code=result.error_code)
    person = consent.given_by.personal_id or ""
    data = result.data if result.status == PullStatus.OK else None
    named = result.status == PullStatus.OK and person and _named(data) == person
    refused_as_not_named = result.error_code in {
        ExchangeErrorCode.REPRESENTATION_NOT_VERIFIED,
        ExchangeErrorCode.NOT_RELATED,
        "not_found",
    }
    if not named:
        if result.status == PullStatus.OK or result.status == PullStatus.NOT_FOUND or refused_as_not_named:
            identity_organisations.withdraw_legal_representation(
                actor=actor, enterprise_code=code, evidence=evidence
            )
            return RepresentativeCheck(CheckOutcome.NOT_NAMED, error_code=result.error_code)
        return RepresentativeCheck(CheckOutcome.UNAVAILABLE, error_code=result.error_code)
    assert isinstance(data, dict)
    if str(data.get("status") or "") != ACTIVE_STATUS:
        identity_organisations.withdraw_legal_representation(
            actor=actor, enterprise_code=code, evidence=evidence
        )
        return RepresentativeCheck(CheckOutcome.NOT_OPERATING)
    representation = identity_organisations.confirm_legal_representation(
        actor=actor, enterprise_code=code, name=str(data.get("name") or ""), evidence=evidence
    )
    return RepresentativeCheck(CheckOutcome.CONFIRMED, representation=representation)
