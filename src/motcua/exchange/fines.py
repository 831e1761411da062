"""Camera-detected traffic fines (essential service #8): a person's fines, read from the
traffic-fines registry with their consent, and the registry write that marks one paid.

``look_up_fines`` is the lookup a signed-in person asks for (the portal page and
``POST /api/v1/me/fines``): asking is their consent to this one read, recorded like any other
(``exchange.Consent``) and carried to the registry as a consent token; the portal asks, under
the legal basis the registries' policy grants it for this platform service, for the person's own
fines (by their personal ID number: the registry answers the fines of every vehicle they own).

``mark_fine_paid`` is what the payments app calls, inside the transaction that records a fine's
payment as settled: it queues the signed write ``mark_paid`` (``writes.queue_write``), sent after
commit, retried, and shown to an official if the registry refuses it (ADR 0043). The registry
checks that the fine is owed by that person, that the amount is the fine, and that no other
payment settled it; the same payment reference again changes nothing.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.typed import Text
from motcua.core.actors import Actor
from motcua.core.services import record_change
from motcua.exchange import services
from motcua.exchange.client import PullStatus
from motcua.exchange.events import ExchangeEvent, ExchangeSubject
from motcua.exchange.models import Consent, RegistryWrite
from motcua.exchange.sources import DataSource
from motcua.exchange.writes import queue_write
from motcua.identity.actors import ApplicantActor
from motcua.identity.selectors import own_applicant

REGISTRY = "traffic_fines"
PROCEDURE = "traffic-fine-payment"  # a platform service, not a catalog procedure
LEGAL_BASIS = "nd-118-2021"  # [M] Decree 118/2021/NĐ-CP: see the registries' policy
LOOKUP_REF = "tra-cuu-phat-nguoi"  # the "dossier" the registries log for a lookup
FIELDS = (
    "violation_id", "plate", "vehicle_kind", "detected_at", "place", "offence", "legal_reference",
    "fine_vnd", "status", "payment",
)  # fmt: skip
PURPOSE = Text(
    vi="Tra cứu các vi phạm giao thông phát hiện qua hình ảnh (phạt nguội) của người yêu cầu",
    en="Look up the requester's camera-detected traffic violations",
)
WRITE_PURPOSE = "Ghi nhận đã nộp tiền phạt vi phạm giao thông trực tuyến"
SOURCE = DataSource(
    component_id="traffic_fines",
    name=Text(vi="Vi phạm giao thông phát hiện qua hình ảnh", en="Camera-detected traffic violations"),
    registry=REGISTRY,
    fields=FIELDS,
    legal_basis="Nghị định 118/2021/NĐ-CP",
    legal_basis_code=LEGAL_BASIS,
    purpose=PURPOSE,
    required=False,
    subject_field="",
    fallback="none",
)


@dataclass(frozen=True)
class Fine:
    violation_id: str
    plate: str
    vehicle_kind: str
    detected_at: str
    place: str
    offence: str
    legal_reference: str
    fine_vnd: int
    paid: bool
    paid_on: str
    payment_reference: str


@dataclass(frozen=True)
class FinesLookup:
    status: PullStatus
    fines: list[Fine]
    error_code: str = ""

    @property
    def available(self) -> bool:
        return self.status.is_answer

    @property
    def unpaid(self) -> list[Fine]:
        return [fine for fine in self.fines if not fine.paid]


def _fine(record: dict[str, Any]) -> Fine:
    place = record.get("place") or {}
    payment = record.get("payment") or {}
    return Fine(
        violation_id=str(record.get("violation_id", "")),
        plate=str(record.get("plate", "")),
        vehicle_kind=str(record.get("vehicle_kind", "")),
        detected_at=str(record.get("detected_at", "")),
        place=", ".join(str(part) for part in (place.get("address"), place.get("province_name")) if part),
        offence=str(record.get("offence", "")),
        legal_reference=str(record.get("legal_reference", "")),
        fine_vnd=int(record.get("fine_vnd") or 0),
        paid=record.get("status") == "paid",
        paid_on=str(payment.get("paid_on") or ""),
        payment_reference=str(payment.get("reference") or ""),
    )


@transaction.atomic
def _consent(actor: ApplicantActor) -> Consent:
    applicant = own_applicant(actor)
    agency_code = services.portal_agency_code()
    consent = Consent.objects.create(
        given_by_id=actor.applicant_id,
        applicant=applicant,
        procedure_code=PROCEDURE,
        dossier_ref=LOOKUP_REF,
        agency_code=agency_code,
        components=[
            {
                "component": SOURCE.component_id,
                "registry": REGISTRY,
                "fields": list(FIELDS),
                "legal_basis_code": LEGAL_BASIS,
                "subject": "applicant",
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
        payload={"dossier": LOOKUP_REF, "procedure": PROCEDURE},
    )
    return consent


def look_up_fines(*, actor: ApplicantActor) -> FinesLookup:
    """The signed-in person's camera-detected fines, newest first, asked of the registry now
    (their asking is their consent to this read). A registry that is down is a status, not an
    exception."""
    consent = _consent(actor)
    personal_id = consent.given_by.personal_id or ""
    results = services.pull_data(
        actor=actor, consent=consent, sources=[SOURCE], subjects={SOURCE.component_id: personal_id}
    )
    if not results:  # no personal ID number on the account: nothing to ask about
        return FinesLookup(status=PullStatus.NOT_FOUND, fines=[])
    [result] = results
    records = result.data if result.status == PullStatus.OK and isinstance(result.data, list) else []
    return FinesLookup(
        status=result.status, fines=[_fine(record) for record in records], error_code=result.error_code
    )


def mark_fine_paid(
    *,
    actor: Actor,
    owner_personal_id: str,
    violation_id: str,
    amount_vnd: int,
    payment_reference: str,
    paid_on: datetime.date | None = None,
    dossier_ref: str = "",
    request_id: str | uuid.UUID = "",
) -> RegistryWrite:
    """Queue the signed write that marks a camera-detected fine paid in the traffic-fines registry.

    Call it inside the transaction that settles the payment (it joins it): the write is queued
    with the payment and sent after commit, retried while the registry cannot be reached, and
    kept for an official if the registry refuses it (the fine is not this person's, the amount
    is not the fine, another payment settled it). ``payment_reference`` is the payment's own
    reference (the registry records it); ``request_id`` (default: a new one) makes a repeated
    call for the same payment return the same queued write. Returns the ``RegistryWrite``;
    its ``status`` tells the outcome once sent (``done``, ``refused``, ``failed``)."""
    return queue_write(
        actor=actor,
        registry=REGISTRY,
        operation="mark_paid",
        subject=owner_personal_id,
        body={
            "violation_id": violation_id,
            "payment_reference": payment_reference,
            "amount_vnd": int(amount_vnd),
            "paid_on": (paid_on or timezone.localdate()).isoformat(),
        },
        agency_code=services.portal_agency_code(),
        procedure_code=PROCEDURE,
        dossier_ref=dossier_ref or payment_reference,
        legal_basis_code=LEGAL_BASIS,
        purpose=WRITE_PURPOSE,
        request_id=str(request_id),
    )
