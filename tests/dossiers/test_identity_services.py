"""Essential services 1, 2, 6 and 9 of Decision 06 end to end (confirmation of the former ID
number, renewal of the ID card, notification of stay, passport): Nguyễn Văn Minh applies with his
data taken from the reference registries (a separate process), the police accept, handle, approve
(the result is signed) and return it, and the result is in his wallet. Each service replaces by
data everything a registry holds; the passport photograph is the only upload."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from motcua.core.models import Event
from motcua.documents import results
from motcua.documents.models import ResultDocument, WalletItem
from motcua.dossiers.events import DossierEvent
from motcua.dossiers.models import Dossier, DossierStatus, Provenance
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity.models import Role, User
from tests.dossiers.conftest import MINH
from tests.identity.world import applicant_actor, make_official, official_actor

LAN = "048195018347"  # Phạm Thị Lan (Đà Nẵng), a demo person: Minh's guest
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _apply(
    minh: User,
    procedure: str,
    entries: Mapping[str, Any],
    *,
    subject_values: Mapping[str, str] | None = None,
    uploads: Sequence[str] = (),
) -> Dossier:
    """Start at Ba Đình, accept every data component, fill the form, upload, submit."""
    actor = applicant_actor(minh)
    draft = draft_services.start_draft(actor=actor, procedure_code=procedure, commune_code="00004")
    public_id = str(draft.public_id)
    data = [cid for cid, spec in _components(draft.procedure.spec).items() if spec["kind"] == "data"]
    draft_services.give_consent(
        actor=actor, public_id=public_id, accepted=data, subject_values=subject_values or {}
    )
    for component in uploads:
        draft_services.upload_component(
            actor=actor,
            public_id=public_id,
            component_id=component,
            chunks=[JPEG],
            file_name="anh.jpg",
            size=None,
        )
    _draft, errors = draft_services.save_entries(actor=actor, public_id=public_id, values=dict(entries))
    assert not errors, errors
    return submission_services.submit_draft(actor=actor, public_id=public_id)


def _components(spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {c["id"]: c for c in spec["components"]}


def _return(dossier: Dossier, agency: str, result: Mapping[str, Any] | None = None) -> ResultDocument:
    """Reception accepts, the handler proposes, the approver approves (signing the result), and
    reception returns it."""
    users = {
        role: official_actor(make_official(f"{role}.{agency.lower()}", [(role, agency)])[0])
        for role in (Role.RECEPTION, Role.HANDLER, Role.APPROVER)
    }
    for role, decision in ((Role.RECEPTION, "accept"), (Role.HANDLER, "propose"), (Role.APPROVER, "approve")):
        processing_services.decide(
            actor=users[role],
            code=dossier.code,
            decision=decision,
            result=dict(result or {}) if decision == "approve" else None,
        )
    returned = processing_services.decide(actor=users[Role.RECEPTION], code=dossier.code, decision="return")
    assert returned.status == DossierStatus.RESULT_RETURNED
    return ResultDocument.objects.get(dossier=dossier)


def _in_wallet(minh: User, result: ResultDocument, document_type: str) -> dict[str, str]:
    item = WalletItem.objects.get(result=result)
    assert (item.owner_id, item.document_type, item.file_id) == (
        minh.applicant.pk,
        document_type,
        result.file_id,
    )
    rows = results.rows_for(result.dossier, results.template_for(document_type))
    return dict(rows)


def _provenance(dossier: Dossier) -> dict[str, str]:
    return {cid: c["provenance"] for cid, c in dossier.components.items()}


def test_the_former_id_number_is_confirmed_from_the_population_data(minh, exchange):
    dossier = _apply(minh, "id-number-confirmation", {"purpose": "Giao dịch ngân hàng"})
    assert dossier.agency_code == "CAT.01"  # a provincial procedure goes to the province's police
    fetched = dossier.fetched
    [former] = fetched["applicant-identity"]["former_id_numbers"]
    assert len(former) == 9
    card = fetched["identity-card"]
    assert card["id_card_number"] == MINH[0]
    # prefilled from the registries, not typed: the number to confirm, and the card's issue date
    assert dossier.entries["former_id_number"] == former
    assert dossier.entries["id_card_issued_on"] == card["issued_on"]
    assert set(_provenance(dossier).values()) == {Provenance.REGISTRY}
    assert dossier.fee_vnd in (None, 0)
    rows = _in_wallet(minh, _return(dossier, "CAT.01"), "id-number-confirmation")
    assert rows["Số Chứng minh nhân dân đã được cấp"] == former
    assert rows["Số định danh cá nhân (số thẻ Căn cước công dân)"] == MINH[0]
    submitted = Event.objects.get(type=DossierEvent.DOSSIER_SUBMITTED, subject_id=dossier.code)
    assert (submitted.payload["reused_from_registries"], submitted.payload["uploaded"]) == (2, 0)


def test_an_id_card_renewal_is_priced_by_its_reason_and_returned_signed(minh, exchange):
    lost = _apply(minh, "id-card-reissue", {"reason": "lost"})
    assert lost.agency_code == "CAX.00004"
    assert lost.fee_vnd == 70_000
    card = lost.fetched["current-card"]
    assert "issued_by" not in card  # only the fields the spec asks for
    assert lost.entries["card_valid_until"] == card["valid_until"]
    assert lost.entries["delivery_address"].startswith("Số 12 ngõ 45 phố Đội Cấn")
    at_age = _apply(minh, "id-card-reissue", {"reason": "renewal_age"})
    assert at_age.fee_vnd == 0
    result = _return(lost, "CAX.00004", {"new_card_valid_until": "2046-04-12"})
    rows = _in_wallet(minh, result, "id-card-issuance")
    assert rows["Thẻ mới có giá trị đến"] == "12/04/2046"
    assert rows["Số định danh cá nhân"] == MINH[0]
    assert rows["Lý do cấp lại, đổi thẻ"] == "Thẻ bị mất"  # the choice's label, not its code
    assert set(_provenance(lost).values()) == {Provenance.REGISTRY}


def test_a_guest_stay_is_notified_with_the_guests_data_from_the_registry(minh, exchange):
    dossier = _apply(
        minh,
        "stay-notification",
        {
            "guest_personal_id": LAN,
            "stay_from": "2026-12-20",
            "stay_until": "2026-12-27",
            "reason": "Thăm bạn",
        },
        subject_values={"guest_personal_id": LAN},
    )
    assert dossier.agency_code == "CAX.00004"
    guest = dossier.fetched["guest-identity"]
    assert guest["personal_id"] == LAN
    assert guest["full_name"] == "Phạm Thị Lan"
    assert set(guest) == {"full_name", "date_of_birth", "personal_id"}  # the least data, nothing more
    assert dossier.entries["place_of_stay"].startswith("Số 12 ngõ 45 phố Đội Cấn")
    assert set(_provenance(dossier).values()) == {Provenance.REGISTRY}
    rows = _in_wallet(minh, _return(dossier, "CAX.00004"), "stay-notification")
    assert rows["Số định danh cá nhân của người lưu trú"] == LAN
    assert rows["Lưu trú đến ngày"] == "27/12/2026"


def test_a_passport_is_applied_for_with_the_photo_as_the_only_upload(minh, exchange):
    dossier = _apply(
        minh,
        "passport-issuance",
        {"passport_case": "expiring", "previous_passport_number": ""},
        uploads=["portrait"],
    )
    assert dossier.agency_code == "CAT.01"
    assert dossier.fee_vnd == 200_000
    card = dossier.fetched["identity-card"]
    assert card["status"] == "valid"
    passports = dossier.fetched["passports-held"] or []
    assert all(p["passport_number"][0] in "CP" and len(p["passport_number"]) == 8 for p in passports)
    provenance = _provenance(dossier)
    assert provenance.pop("portrait") == Provenance.UPLOAD
    assert set(provenance.values()) == {Provenance.REGISTRY}
    result = _return(dossier, "CAT.01", {"passport_number": "P1234567"})
    rows = _in_wallet(minh, result, "passport-issuance")
    assert rows["Số hộ chiếu mới"] == "P1234567"
    assert rows["Địa chỉ nhận hộ chiếu"].startswith("Số 12 ngõ 45 phố Đội Cấn")
