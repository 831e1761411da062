"""Interconnected applications (liên thông): one application, then each later member becomes a
dossier of its own agency once the member it follows has its result, filled from the earlier
dossiers without re-entry — the birth bundle (3 members) and the death bundle (2 to 4)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.errors import MotcuaError
from motcua.core.models import AuditEntry, Event
from motcua.core.outbox import dispatch_pending_events
from motcua.core.types import EventType
from motcua.dossiers.models import BundleApplication, Dossier, DossierStatus, Draft, Provenance, Step
from motcua.dossiers.presenters import bundles as bundle_presenters
from motcua.dossiers.selectors import bundles as bundle_selectors
from motcua.dossiers.services import bundles as bundle_services
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity.actors import OfficialActor, actor_for_user
from motcua.identity.models import Role
from motcua.units.models import Agency
from tests.identity.world import (
    AGENCY_A,
    AGENCY_A_POLICE,
    BIRTH_ENTRIES,
    PDF,
    applicant_actor,
    load_small_units,
    make_applicant,
    make_official,
)

CHILD_ID = "001226012345"
LATER_BIRTH = {
    "permanent-residence-registration__registration_case": "join_relative_household",
    "permanent-residence-registration__new_address": "12 Phố Đội Cấn",
    "permanent-residence-registration__new_commune_code": "00004",
    "health-insurance-card-under-6__primary_care_facility": "Bệnh viện Xanh Pôn",
}


@pytest.fixture
def town(db, tmp_path, settings):
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))


def officials_of(agency_code: str) -> dict[str, OfficialActor]:
    actors = {}
    for role in (Role.RECEPTION, Role.HANDLER, Role.APPROVER):
        user, _key = make_official(f"{role}.{agency_code}".lower(), [(role, agency_code)])
        actor = actor_for_user(user, verified=True)
        assert isinstance(actor, OfficialActor)
        actors[str(role)] = actor
    return actors


def complete(code: str, staff: dict[str, OfficialActor], result: dict | None = None) -> Dossier:
    processing_services.decide(actor=staff["reception"], code=code, decision="accept")
    processing_services.decide(actor=staff["handler"], code=code, decision="propose")
    return processing_services.decide(actor=staff["approver"], code=code, decision="approve", result=result)


def bundle_draft(
    applicant, bundle_code: str, procedure: str, members: list[str], entries: dict, fetch: dict | None = None
):
    """A bundle draft with every component uploaded, except the data in ``fetch`` (component ->
    the ID number it is about), fetched from the registries."""
    actor = applicant_actor(applicant)
    draft = bundle_services.start_bundle_draft(
        actor=actor, bundle_code=bundle_code, commune_code="00004", members=members
    )
    assert draft.procedure.code == procedure
    public_id = str(draft.public_id)
    fetch = fetch or {}
    draft_services.give_consent(
        actor=actor,
        public_id=public_id,
        accepted=list(fetch),
        subject_values={"deceased_personal_id": next(iter(fetch.values()))} if fetch else {},
    )
    for component in draft.components:
        if component in fetch:
            continue
        draft_services.upload_component(
            actor=actor,
            public_id=public_id,
            component_id=component,
            chunks=[PDF],
            file_name="a.pdf",
            size=None,
        )
    draft, errors = draft_services.save_entries(actor=actor, public_id=public_id, values=entries)
    return draft, errors


def test_the_birth_bundle_makes_three_linked_dossiers_from_one_application(town):
    actor = applicant_actor(town)
    members = ["birth-registration", "permanent-residence-registration", "health-insurance-card-under-6"]
    draft, errors = bundle_draft(town, "birth-bundle", "birth-registration", [], {**BIRTH_ENTRIES})
    assert draft.bundle_members == members
    assert errors == {}
    # what the later members need is asked on the same application, and checked at submission
    with pytest.raises(submission_services.IncompleteDossier) as incomplete:
        submission_services.submit_draft(actor=actor, public_id=str(draft.public_id))
    assert set(incomplete.value.fields) == {
        "permanent-residence-registration__registration_case",
        "permanent-residence-registration__new_address",
        "permanent-residence-registration__new_commune_code",
    }
    _draft, errors = draft_services.save_entries(
        actor=actor,
        public_id=str(draft.public_id),
        values={**LATER_BIRTH, "permanent-residence-registration__new_commune_code": "4"},
    )
    assert errors == {"permanent-residence-registration__new_commune_code": "Giá trị không đúng định dạng."}
    draft_services.save_entries(actor=actor, public_id=str(draft.public_id), values=LATER_BIRTH)
    birth = submission_services.submit_draft(actor=actor, public_id=str(draft.public_id))
    application = BundleApplication.objects.get()
    assert birth.bundle_application == application
    assert application.members == members
    assert Dossier.objects.count() == 1  # the later members wait for the birth's result
    # the birth result carries the child's new personal ID number, which the approver confirms
    commune = officials_of(AGENCY_A)
    processing_services.decide(actor=commune["reception"], code=birth.code, decision="accept")
    processing_services.decide(actor=commune["handler"], code=birth.code, decision="propose")
    with pytest.raises(processing_services.IncompleteResult) as no_id:
        processing_services.decide(actor=commune["approver"], code=birth.code, decision="approve")
    assert set(no_id.value.fields) == {"personal_id"}
    with pytest.raises(processing_services.IncompleteResult):
        processing_services.decide(
            actor=commune["approver"], code=birth.code, decision="approve", result={"personal_id": "12"}
        )
    processing_services.decide(
        actor=commune["approver"], code=birth.code, decision="approve", result={"personal_id": CHILD_ID}
    )
    dispatch_pending_events()
    dispatch_pending_events()  # at least once: running the handler again makes nothing more
    residence = Dossier.objects.get(procedure__code="permanent-residence-registration")
    card = Dossier.objects.get(procedure__code="health-insurance-card-under-6")
    assert Dossier.objects.count() == 3
    # each at its own agency, with its own deadline and process, filled without re-entry
    assert residence.agency_code == AGENCY_A_POLICE
    hanoi_vss = Agency.objects.get(code=card.agency_code)
    assert hanoi_vss.agency_type == "provincial_social_insurance"
    assert hanoi_vss.province.code == "01"
    assert residence.entries["registered_person_personal_id"] == CHILD_ID
    assert residence.entries["registered_person_full_name"] == BIRTH_ENTRIES["child_full_name"]
    assert residence.entries["new_address"] == "12 Phố Đội Cấn"
    assert card.entries["child_personal_id"] == CHILD_ID
    assert card.entries["child_sex"] == "male"
    assert card.entries["primary_care_facility"] == "Bệnh viện Xanh Pôn"
    assert residence.working_days == 7
    assert residence.due_on is not None
    assert birth.due_on is not None
    assert residence.due_on > birth.due_on
    assert residence.step == Step.RECEPTION
    assert residence.process is not None
    assert residence.linked_from == birth
    assert card.linked_from == birth
    assert {c["provenance"] for c in residence.components.values()} == {Provenance.LINKED}
    assert residence.components["registered-person"]["from"] == birth.code
    submitted = Event.objects.get(type=EventType.DOSSIER_SUBMITTED, subject_id=residence.code)
    assert submitted.payload["bundle"] == "birth-bundle"
    assert submitted.payload["linked_from"] == birth.code
    # the applicant sees one application with each member's status
    view = bundle_presenters.bundle_view(
        bundle_selectors.get_bundle_application(actor, str(application.public_id))
    )
    assert [(m.procedure_code, m.dossier_code) for m in view.members] == [
        ("birth-registration", birth.code),
        ("permanent-residence-registration", residence.code),
        ("health-insurance-card-under-6", card.code),
    ]
    assert [m.status for m in view.members] == ["processed", "received", "received"]
    # the police and VSS complete theirs; the whole application is done
    complete(residence.code, officials_of(AGENCY_A_POLICE))
    complete(card.code, officials_of(card.agency_code))
    dispatch_pending_events()
    view = bundle_presenters.bundle_view(
        bundle_selectors.get_bundle_application(actor, str(application.public_id))
    )
    assert [m.status for m in view.members] == ["processed", "processed", "processed"]
    assert view.complete
    assert Dossier.objects.count() == 3


def test_a_later_member_that_does_not_apply_refuses_the_application(town):
    """A child registered late, aged 6 or more on the day of submission, cannot have the health-
    insurance card under 6: the application says so on the date of birth, and nothing is made."""
    actor = applicant_actor(town)
    today = timezone.localdate()
    older = {**BIRTH_ENTRIES, "child_date_of_birth": datetime.date(today.year - 7, 1, 1).isoformat()}
    draft, errors = bundle_draft(town, "birth-bundle", "birth-registration", [], older)
    assert errors == {}
    draft_services.save_entries(actor=actor, public_id=str(draft.public_id), values=LATER_BIRTH)
    with pytest.raises(submission_services.IncompleteDossier) as refused:
        submission_services.submit_draft(actor=actor, public_id=str(draft.public_id))
    assert refused.value.fields == {
        "child_date_of_birth": (
            "Trẻ đã đủ 6 tuổi vào ngày nộp hồ sơ nên không thuộc thủ tục cấp thẻ bảo hiểm y tế "
            "cho trẻ em dưới 6 tuổi."
        )
    }
    assert not Dossier.objects.exists()
    assert not BundleApplication.objects.exists()
    assert Draft.objects.filter(public_id=draft.public_id).exists()  # the draft is kept
    # a child of five is still under 6: the same application goes through
    younger = datetime.date(today.year - 5, 1, 1).isoformat()
    draft_services.save_entries(
        actor=actor, public_id=str(draft.public_id), values={"child_date_of_birth": younger}
    )
    birth = submission_services.submit_draft(actor=actor, public_id=str(draft.public_id))
    assert birth.bundle_application is not None


def test_the_death_bundle_follows_the_chosen_members_in_order(minh, exchange):
    town = minh
    actor = applicant_actor(town)
    death_entries = {
        "deceased_personal_id": "040161069230",
        "deceased_full_name": "Đặng Thị Hoa",
        "date_of_death": "25/11/2026",
        "place_of_death": "Bệnh viện Bạch Mai",
        "cause_of_death": "Bệnh già",
        "requester_relationship": "child",
    }
    with pytest.raises(MotcuaError):  # the survivor benefit needs the funeral allowance
        bundle_draft(town, "death-bundle", "death-registration", ["survivor-benefit"], {})
    later = {
        "funeral-allowance__recipient_bank_account": "0123456789",
        "funeral-allowance__recipient_bank_code": "VCB",
    }
    draft, errors = bundle_draft(
        town,
        "death-bundle",
        "death-registration",
        ["funeral-allowance"],
        {**death_entries, **later},
        fetch={"deceased-record": "040161069230"},
    )
    assert draft.bundle_members == ["death-registration", "permanent-residence-deletion", "funeral-allowance"]
    assert errors == {}, errors
    death = submission_services.submit_draft(actor=actor, public_id=str(draft.public_id))
    complete(death.code, officials_of(AGENCY_A))
    dispatch_pending_events()
    # only the next one: the funeral allowance follows the deletion of residence
    deletion = Dossier.objects.get(procedure__code="permanent-residence-deletion")
    assert not Dossier.objects.filter(procedure__code="funeral-allowance").exists()
    assert deletion.entries["person_personal_id"] == "040161069230"
    assert deletion.entries["reason"] == "death"  # the member's default
    processing_services.decide(
        actor=officials_of(AGENCY_A_POLICE)["reception"],
        code=deletion.code,
        decision="refuse",
        reason="Sai nơi cư trú.",
    )
    dispatch_pending_events()
    assert not Dossier.objects.filter(procedure__code="funeral-allowance").exists()
    view = bundle_presenters.bundle_view(
        bundle_selectors.get_bundle_application(actor, str(death.bundle_application.public_id))
    )
    assert [m.status for m in view.members] == ["processed", DossierStatus.REFUSED, ""]
    assert not view.complete


def test_the_birth_bundle_through_the_pages(town):
    from tests.identity.world import applicant_client

    client = applicant_client(town)
    page = client.get("/lien-thong/birth-bundle/nop-ho-so/?province=01").content.decode()
    assert 'id="bundle-members"' in page
    assert "luôn có" in page
    response = client.post("/lien-thong/birth-bundle/nop-ho-so/", {"province": "01", "commune": "00004"})
    assert response.status_code == 302
    draft = Draft.objects.get(bundle_code="birth-bundle")
    assert str(draft.public_id) in response["Location"]
    actor = applicant_actor(town)
    draft_services.give_consent(actor=actor, public_id=str(draft.public_id), accepted=[])
    for component in draft.components:
        draft_services.upload_component(
            actor=actor,
            public_id=str(draft.public_id),
            component_id=component,
            chunks=[PDF],
            file_name="a.pdf",
            size=None,
        )
    page = client.get(f"/ho-so-nhap/{draft.public_id}/").content.decode()
    assert 'id="later-permanent-residence-registration"' in page
    assert 'name="permanent-residence-registration__new_address"' in page
    assert (
        'name="permanent-residence-registration__registered_person_full_name"' not in page
    )  # it is received
    form = {k: v for k, v in BIRTH_ENTRIES.items()}
    missing = client.post(f"/ho-so-nhap/{draft.public_id}/", {**form, "submit": "1"})
    assert missing.status_code == 400
    assert 'id="error-permanent-residence-registration__new_address"' in missing.content.decode()
    response = client.post(f"/ho-so-nhap/{draft.public_id}/", {**form, **LATER_BIRTH, "submit": "1"})
    assert response.status_code == 302
    birth = Dossier.objects.get()
    page = client.get(f"/ho-so/{birth.code}/").content.decode()
    assert 'id="bundle-link"' in page
    application = birth.bundle_application
    assert application is not None
    page = client.get(f"/ho-so/lien-thong/{application.public_id}/").content.decode()
    assert birth.code in page
    assert 'id="member-health-insurance-card-under-6"' in page
    assert "được nộp khi thủ tục này có kết quả: Đăng ký khai sinh" in page
    api = client.get(f"/api/v1/bundle-applications/{application.public_id}").json()
    assert [m["dossier_code"] for m in api["members"]] == [birth.code, "", ""]
    assert api["complete"] is False


def test_a_refused_bundle_start_leaves_no_draft_behind(town):
    """Starting an interconnected application is one service in one transaction
    (``start_bundle_draft``, used by the page and the API alike): a refusal leaves no draft and
    no audit entry behind, where starting the draft and then attaching the bundle could refuse
    after the draft was committed."""
    from tests.identity.world import applicant_client

    actor = applicant_actor(town)
    with pytest.raises(MotcuaError):  # the survivor benefit needs the funeral allowance
        bundle_services.start_bundle_draft(
            actor=actor, bundle_code="death-bundle", commune_code="00004", members=["survivor-benefit"]
        )
    with pytest.raises(MotcuaError):  # no such commune
        bundle_services.start_bundle_draft(
            actor=actor, bundle_code="birth-bundle", commune_code="99999", members=[]
        )
    client = applicant_client(town)
    refused_members = {"province": "01", "commune": "00004", "members": ["survivor-benefit"]}
    assert client.post("/lien-thong/death-bundle/nop-ho-so/", refused_members).status_code == 400
    api = client.post(
        "/api/v1/bundle-drafts",
        {"bundle": "death-bundle", "commune_code": "00004", "members": ["survivor-benefit"]},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["code"] == "invalid_input"
    assert not Draft.objects.exists()
    assert not AuditEntry.objects.filter(type__in=[EventType.DRAFT_STARTED, EventType.DRAFT_SAVED]).exists()
    # and the same start with members it allows makes the draft, with its audit entry
    draft = bundle_services.start_bundle_draft(
        actor=actor, bundle_code="death-bundle", commune_code="00004", members=["funeral-allowance"]
    )
    assert list(Draft.objects.values_list("pk", flat=True)) == [draft.pk]
    assert AuditEntry.objects.filter(type=EventType.DRAFT_STARTED, subject_id=str(draft.public_id)).exists()
