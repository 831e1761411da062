"""Reads of the exchange: a person's data-access history (from the registries' own logs) and the
registration file for the registries.

"Who used my data" is assembled from the registries' access logs, not from the platform's:
a registry logs every request it answers, from this platform or any other system, so the
person sees every access. The portal asks for it with its own key, under the data subject's
right of access, for the signed-in person (or someone they represent) only.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.catalog.labels import label_for
from motcua.catalog.selectors import procedure_titles, purpose_translations
from motcua.core.errors import NotFound
from motcua.core.logging import get_logger
from motcua.exchange import tokens
from motcua.exchange.client import PullStatus, default_client
from motcua.exchange.keys import NoSigningKey, signing_key
from motcua.exchange.labels import (
    PLATFORM_SERVICE_TITLES,
    field_label,
    operation_label,
    refusal_label,
    relation_label,
)
from motcua.exchange.models import NEEDS_ATTENTION, AgencyKey, KeyStatus, RegistryWrite
from motcua.exchange.services import portal_agency_code
from motcua.identity import selectors as identity
from motcua.identity.actors import AgencyActor, ApplicantActor, RequestActor
from motcua.identity.models import Applicant, ApplicantKind, RepresentationBasis, Role
from motcua.protocol import AccessLogRequest
from motcua.units.models import Agency
from motcua.units.selectors import agency_names

logger = get_logger(__name__)
ACCESS_LOG_LEGAL_BASIS = "luat-bvdlcn-2025"
PORTAL_AGENCY_TYPE = "portal"
PORTAL_NAME = "Cổng Dịch vụ công (motcua)"
PORTAL_NAME_EN = "Public service portal (motcua)"
# The purpose the portal states when a person asks who used their data (logged by the registries).
OWN_LOOKUP_PURPOSE = {
    "vi": "Người dân tra cứu việc sử dụng dữ liệu của mình",
    "en": "A person looks up who used their data",
}


def portal_name() -> str:
    """The portal's own name in the reader's language (it asks the registries as an agency)."""
    return PORTAL_NAME_EN if (get_language() or "vi").startswith("en") else PORTAL_NAME


@dataclass(frozen=True)
class DataAccess:
    reference: str
    occurred_at: datetime.datetime | None
    registry: str
    registry_label: str
    agency_code: str
    agency_name: str
    purpose: str
    procedure_code: str
    procedure_name: str
    dossier_ref: str
    fields: list[str]
    outcome: str
    error_code: str
    relation: str = ""  # how the applicant who asked stood to the person (never who they were)

    @property
    def outcome_label(self) -> str:
        if self.outcome == "refused":
            return refusal_label(self.error_code)
        return str(
            {
                "served": _("Data provided"),
                "not_found": _("No record found"),
                "written": _("Recorded in the database"),
            }.get(self.outcome, self.outcome)
        )

    @property
    def relation_label(self) -> str:
        return relation_label(self.relation)


@dataclass(frozen=True)
class DataAccessHistory:
    subject: Applicant
    available: bool
    accesses: list[DataAccess]
    next_before: int | None = None  # pass as ``before`` for the next, older page


def _represented(actor: ApplicantActor, public_id: str) -> Applicant:
    """A child or organisation the actor represents by law (not under an authorisation: an
    authorised person acts for some procedures, and does not get to read someone's history)."""
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        raise NotFound(_("No such applicant.")) from None
    representation = (
        identity.active_representations()
        .filter(
            representative_id=actor.applicant_id,
            represented__public_id=key,
            basis__in=[RepresentationBasis.PARENT, RepresentationBasis.LEGAL_REPRESENTATIVE],
        )
        # an organisation's history only while acting for it (ADR 0065)
        .exclude(represented__kind=ApplicantKind.ORGANISATION)
        .select_related("represented")
        .first()
    )
    if representation is None:
        raise NotFound(_("No such applicant."))
    return representation.represented


def _subject_id(applicant: Applicant) -> str:
    return applicant.personal_id or applicant.enterprise_code or ""


def data_access_history(
    actor: RequestActor | None, *, applicant_public_id: str = "", before: int = 0
) -> DataAccessHistory:
    """Every access the registries logged to the records of the actor (or of a child or an
    organisation they represent), newest first. ``available`` is false when the registries could
    not be asked now."""
    if not isinstance(actor, ApplicantActor):
        raise NotFound(_("No such applicant."))
    if actor.acts_for_organisation:  # the organisation's history, for its legal representative only
        organisation = identity.acting_organisation(actor)
        if (
            organisation is None
            or actor.organisation_basis != RepresentationBasis.LEGAL_REPRESENTATIVE
            or (applicant_public_id and applicant_public_id != actor.organisation_public_id)
        ):
            raise NotFound(_("No such applicant."))
        subject = organisation
    else:
        subject = identity.own_applicant(actor)
        if applicant_public_id and applicant_public_id != str(subject.public_id):
            subject = _represented(actor, applicant_public_id)
    request = AccessLogRequest(
        agency=portal_agency_code(),
        subject=_subject_id(subject),
        legal_basis=ACCESS_LOG_LEGAL_BASIS,
        purpose=OWN_LOOKUP_PURPOSE["vi"],
        request_id=str(uuid.uuid4()),
        before=max(0, before),
    )
    client = default_client()
    try:
        outcome = client.signed_call(
            request, signing_key(request.agency), url=client.endpoints.access_log_url
        )
    except NoSigningKey:
        return DataAccessHistory(subject=subject, available=False, accesses=[])
    if outcome.status != PullStatus.OK or not isinstance(outcome.data, dict):
        logger.warning(
            "access log unavailable",
            status=str(outcome.status),
            error=outcome.error_code,
            detail=outcome.error_message,
        )
        return DataAccessHistory(subject=subject, available=False, accesses=[])
    entries: list[dict[str, Any]] = [
        entry for entry in outcome.data.get("entries", []) if isinstance(entry, dict)
    ]
    # names in the reader's language: the reference data and the catalog carry English
    agencies = agency_names({str(entry.get("agency_code")) for entry in entries})
    agencies[portal_agency_code()] = portal_name()
    procedures = procedure_titles(sorted({str(entry.get("procedure", "")) for entry in entries}))
    procedures.update({code: str(title) for code, title in PLATFORM_SERVICE_TITLES.items()})
    purposes: dict[str, str] = {}
    if (get_language() or "vi").startswith("en"):
        purposes = purpose_translations(sorted({str(entry.get("procedure", "")) for entry in entries}))
        purposes[OWN_LOOKUP_PURPOSE["vi"]] = OWN_LOOKUP_PURPOSE["en"]
    accesses = [
        DataAccess(
            reference=str(entry.get("reference", "")),
            occurred_at=parse_datetime(str(entry.get("occurred_at", ""))),
            registry=str(entry.get("registry", "")),
            registry_label=label_for("registry", str(entry.get("registry", ""))),
            agency_code=str(entry.get("agency_code", "")),
            agency_name=agencies.get(str(entry.get("agency_code", "")), str(entry.get("agency_code", ""))),
            purpose=purposes.get(str(entry.get("purpose", "")), str(entry.get("purpose", ""))),
            procedure_code=str(entry.get("procedure", "")),
            procedure_name=procedures.get(str(entry.get("procedure", "")), str(entry.get("procedure", ""))),
            # a platform service (the fines lookup, a fine's payment) has no dossier to link
            dossier_ref=""
            if entry.get("procedure") in PLATFORM_SERVICE_TITLES
            else str(entry.get("dossier", "")),
            fields=[operation_label(str(entry["operation"]))]
            if entry.get("operation")
            else [field_label(str(name)) for name in entry.get("fields", []) if isinstance(name, str)],
            outcome=str(entry.get("outcome", "")),
            error_code=str(entry.get("error_code", "")),
            relation=str(entry.get("relation", "")),
        )
        for entry in entries
    ]
    next_before = outcome.data.get("next_before")
    return DataAccessHistory(
        subject=subject,
        available=True,
        accesses=accesses,
        next_before=next_before if isinstance(next_before, int) else None,
    )


def registration_document() -> dict[str, Any]:
    """The registration file for the registries: every agency with a key, its current and pending
    public keys, and the kids of retired keys the registries should revoke; and the same for the
    platform's consent-signing key, under ``consent_issuers`` (never as an agency)."""
    rows = list(
        AgencyKey.objects.order_by("agency_code", "created_at").values_list(
            "agency_code", "public_jwk", "status", "kid"
        )
    )
    codes = sorted({row[0] for row in rows})
    agencies = {
        agency.code: agency for agency in Agency.objects.filter(code__in=codes).select_related("province")
    }
    document: dict[str, Any] = {"format": "motcua-registration/1", "agencies": [], "consent_issuers": []}
    by_code: dict[str, dict[str, Any]] = {}
    issuers: dict[str, dict[str, Any]] = {}
    for code, jwk, status, kid in rows:
        if code.startswith(tokens.CONSENT_KEY_PREFIX):
            issuer = issuers.get(code)
            if issuer is None:
                issuer = issuers[code] = {
                    "issuer": code.removeprefix(tokens.CONSENT_KEY_PREFIX),
                    "keys": [],
                    "retired_keys": [],
                }
                document["consent_issuers"].append(issuer)
            issuer["retired_keys" if status == KeyStatus.RETIRED else "keys"].append(
                kid if status == KeyStatus.RETIRED else jwk
            )
            continue
        entry = by_code.get(code)
        if entry is None:
            agency = agencies.get(code)
            if agency is None and code != portal_agency_code():
                continue
            entry = {
                "code": code,
                "name": agency.name if agency else PORTAL_NAME,
                "agency_type": agency.agency_type if agency else PORTAL_AGENCY_TYPE,
                "province_code": agency.province.code if agency and agency.province else "",
                "keys": [],
                "retired_keys": [],
            }
            by_code[code] = entry
            document["agencies"].append(entry)
        if status == KeyStatus.RETIRED:
            entry["retired_keys"].append(kid)
        else:
            entry["keys"].append(jwk)
    return document


# --- signed writes (ADR 0043) ----------------------------------------------------------------


def registry_writes(actor: AgencyActor, *, attention_only: bool = True) -> QuerySet[RegistryWrite]:
    """The registry writes an official may act on: those of the agencies where they handle,
    approve or administer (the platform administrator: every agency's, and the portal's own,
    such as paid fines); by default only those needing attention (refused or undelivered)."""
    writes = RegistryWrite.objects.all()
    if not actor.is_platform_admin:
        writes = writes.filter(
            agency_code__in=actor.agency_codes(Role.HANDLER, Role.APPROVER, Role.AGENCY_ADMIN)
        )
    if attention_only:
        writes = writes.filter(status__in=NEEDS_ATTENTION)
    return writes.order_by("-id")


def get_registry_write(actor: AgencyActor, public_id: uuid.UUID | str) -> RegistryWrite:
    try:
        return registry_writes(actor, attention_only=False).get(public_id=uuid.UUID(str(public_id)))
    except (RegistryWrite.DoesNotExist, ValueError):
        raise NotFound(_("No such registry write.")) from None


def masked_subject(write: RegistryWrite) -> str:
    """The subject as an official sees it in a list (``0010******19``)."""
    subject = write.subject
    return subject[:4] + "*" * max(len(subject) - 6, 0) + subject[-2:] if len(subject) > 6 else subject
