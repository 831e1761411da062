"""Essential services 10 and 11 of Decision 06 (a new seal and its registration certificate; a
replacement seal and a new certificate), end to end, applied for by an organisation: the demo
company's legal representative is confirmed by the enterprise registry (a separate process), acts
for the company, applies with the company's data from that registry and the seal's design as
the one upload; the provincial police accept, handle, approve (the certificate is signed) and
return it, into the company's data wallet, not hers. The replacement takes the certificate in use
from the company's wallet. A person acting for themself cannot apply."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from motcua.core.errors import MotcuaError
from motcua.demo.people import DEMO_COMPANY
from motcua.documents.models import ResultDocument, WalletItem
from motcua.documents.selectors import wallet_of
from motcua.dossiers.models import Dossier, DossierStatus, Provenance
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.exchange import organisations
from motcua.exchange.models import Exchange
from motcua.identity.actors import ApplicantActor, acting_for_organisation
from motcua.identity.models import Role, User
from tests.identity.world import applicant_actor, make_applicant, make_official, official_actor

DIRECTOR = ("079192031586", "Trần Thị Thu Hà")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
POLICE = "CAT.01"


@pytest.fixture
def director(minh) -> User:  # minh: units, catalog and the registries wired in
    import datetime

    return make_applicant(DIRECTOR[0], DIRECTOR[1], datetime.date(1992, 9, 3))


def _for_company(director: User) -> ApplicantActor:
    person = applicant_actor(director)
    check = organisations.check_legal_representative(actor=person, enterprise_code=DEMO_COMPANY[0])
    assert check.outcome == organisations.CheckOutcome.CONFIRMED
    assert check.representation is not None
    acting = acting_for_organisation(person, str(check.representation.represented.public_id))
    assert acting is not None
    return acting


def _apply(
    actor: ApplicantActor, procedure: str, entries: Mapping[str, Any], wallet: Mapping[str, str] | None = None
) -> Dossier:
    draft = draft_services.start_draft(actor=actor, procedure_code=procedure, commune_code="00004")
    public_id = str(draft.public_id)
    draft = draft_services.give_consent(actor=actor, public_id=public_id, accepted=["organisation"])
    exchanges = list(Exchange.objects.values_list("registry", "status", "error_code"))
    assert "organisation" in draft.fetched, exchanges
    for component, item in (wallet or {}).items():
        draft_services.use_wallet_item(
            actor=actor, public_id=public_id, component_id=component, item_public_id=item
        )
    draft_services.upload_component(
        actor=actor,
        public_id=public_id,
        component_id="seal-design",
        chunks=[JPEG],
        file_name="mau-dau.jpg",
        size=None,
    )
    _draft, errors = draft_services.save_entries(actor=actor, public_id=public_id, values=dict(entries))
    assert not errors, errors
    return submission_services.submit_draft(actor=actor, public_id=public_id)


def _return(dossier: Dossier, number: str) -> ResultDocument:
    users = {
        role: official_actor(make_official(f"{role}.seal.{number.lower()}", [(role, POLICE)])[0])
        for role in (Role.RECEPTION, Role.HANDLER, Role.APPROVER)
    }
    for role, decision in ((Role.RECEPTION, "accept"), (Role.HANDLER, "propose"), (Role.APPROVER, "approve")):
        processing_services.decide(
            actor=users[role],
            code=dossier.code,
            decision=decision,
            result={"seal_number": number} if decision == "approve" else None,
        )
    returned = processing_services.decide(actor=users[Role.RECEPTION], code=dossier.code, decision="return")
    assert returned.status == DossierStatus.RESULT_RETURNED
    return ResultDocument.objects.get(dossier=dossier)


def test_a_company_registers_a_new_seal_and_replaces_it(director, exchange):
    company = _for_company(director)
    dossier = _apply(company, "seal-registration", {"seal_kind": "ink", "seal_count": 1})
    assert dossier.agency_code == POLICE
    assert dossier.applicant.enterprise_code == DEMO_COMPANY[0]
    assert dossier.submitted_by.personal_id == DIRECTOR[0]  # who acted, recorded beside for whom
    # the company's details come from the enterprise registry, not typed
    assert dossier.entries["organisation_name"] == DEMO_COMPANY[1]
    assert dossier.entries["enterprise_code"] == DEMO_COMPANY[0]
    assert dossier.entries["legal_representative_name"] == DIRECTOR[1]
    assert dossier.components["organisation"]["provenance"] == Provenance.REGISTRY
    assert dossier.fee_vnd == 50_000
    certificate = _return(dossier, "MCD-0001")
    item = WalletItem.objects.get(result=certificate)
    assert (item.owner_id, item.document_type) == (dossier.applicant_id, "seal-registration-certificate")
    # in the company's wallet, not in the director's own
    assert item in wallet_of(company)
    assert item not in wallet_of(applicant_actor(director))

    replaced = _apply(
        company,
        "seal-replacement",
        {"reason": "worn", "seal_kind": "ink"},
        wallet={"current-certificate": str(item.public_id)},
    )
    assert replaced.components["current-certificate"]["provenance"] == Provenance.WALLET
    assert replaced.entries["head_office_address"]
    new_certificate = _return(replaced, "MCD-0002")
    assert WalletItem.objects.get(result=new_certificate).owner_id == dossier.applicant_id


def test_a_person_acting_for_themself_cannot_apply_for_a_seal(director, exchange):
    with pytest.raises(MotcuaError, match="Chỉ tổ chức"):
        draft_services.start_draft(
            actor=applicant_actor(director), procedure_code="seal-registration", commune_code="00004"
        )
