"""Results written back to the registries (ADR 0043, 0061), end to end through the real
registries process: a birth registration's approval waits for the population registry, which
creates the civil-status record and issues the child's personal ID number into the result (the
official types nothing); the birth bundle's later members receive that number, and the
residence registration's approval writes the child's permanent residence after commit, through
the outbox. A refused write stops the approval with the registry's reason; an approval taken
again gets the same number; an outage leaves an after-commit write for an official."""

from __future__ import annotations

import datetime
import uuid

import pytest

from motcua.catalog.selectors import definition
from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import AuditEntry
from motcua.core.outbox import dispatch_pending_events
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.dossiers.services import writeback
from motcua.exchange import writes
from motcua.exchange.events import ExchangeEvent
from motcua.exchange.models import RegistryWrite, WriteStatus
from motcua.identity.models import Role
from tests.conftest import reset_exchange_state
from tests.dossiers.test_bundles import LATER_BIRTH, bundle_draft, complete, officials_of
from tests.identity.world import (
    AGENCY_A,
    AGENCY_A_POLICE,
    BIRTH_ENTRIES,
    applicant_actor,
    load_small_units,
    make_applicant,
    make_official,
    official_client,
)

MINH = ("001086027419", "Nguyễn Văn Minh", datetime.date(1986, 4, 12))
MEMBERS = ["birth-registration", "permanent-residence-registration", "health-insurance-card-under-6"]


@pytest.fixture
def minh(exchange, tmp_path, settings):
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return make_applicant(*MINH)


def person(server, personal_id: str) -> dict:
    rows = server.query(
        "SELECT full_name, father_personal_id, birth_commune_code, household_number, relation_to_head, "
        "status FROM registry_data_person WHERE personal_id = ?",
        personal_id,
    )
    assert rows, f"no {personal_id} in the registry"
    return rows[0]


def submitted_birth(applicant, name: str, **entries: str) -> Dossier:
    values = {
        **BIRTH_ENTRIES,
        "child_full_name": name,
        "father_personal_id": MINH[0],
        **LATER_BIRTH,
        **entries,
    }
    draft, errors = bundle_draft(applicant, "birth-bundle", "birth-registration", [], values)
    assert errors == {}
    return submission_services.submit_draft(actor=applicant_actor(applicant), public_id=str(draft.public_id))


def to_approval(code: str, staff: dict) -> None:
    processing_services.decide(actor=staff["reception"], code=code, decision="accept")
    processing_services.decide(actor=staff["handler"], code=code, decision="propose")


def test_the_birth_bundle_runs_with_the_number_the_population_registry_issues(
    minh, exchange, django_capture_on_commit_callbacks
):
    birth = submitted_birth(
        minh,
        "Nguyễn Minh Khôi",
        **{
            "permanent-residence-registration__household_head_personal_id": MINH[0],
            "permanent-residence-registration__relationship_to_household_head": "con",
        },
    )
    commune = officials_of(AGENCY_A)
    to_approval(birth.code, commune)
    # the official enters nothing, and what they would type is not what is kept
    approved = processing_services.decide(
        actor=commune["approver"], code=birth.code, decision="approve", result={"personal_id": "001226099999"}
    )
    child_id = approved.result["personal_id"]
    assert child_id != "001226099999"
    assert child_id.startswith("0")
    assert len(child_id) == 12
    child = person(exchange, child_id)
    assert (child["full_name"], child["father_personal_id"], child["birth_commune_code"]) == (
        "Nguyễn Minh Khôi",
        MINH[0],
        "00004",
    )
    [kept] = RegistryWrite.objects.filter(dossier_ref=birth.code)
    assert (kept.registry, kept.operation, kept.status) == ("population", "register_birth", WriteStatus.DONE)
    assert isinstance(kept.result, dict)
    assert kept.result["personal_id"] == child_id
    assert kept.public_id == writeback_request_id(
        birth, datetime.date.fromisoformat(kept.body["registered_on"])
    )
    [entry] = exchange.log_entries(request_id=str(kept.public_id))
    assert (entry["outcome"], entry["subject_id"], entry["dossier_ref"]) == ("written", MINH[0], birth.code)
    assert AuditEntry.objects.filter(
        subject_id=str(kept.public_id), type=ExchangeEvent.REGISTRY_WRITE_DONE
    ).exists()
    # the later members receive the registry's number
    dispatch_pending_events()
    residence = Dossier.objects.get(procedure__code="permanent-residence-registration")
    card = Dossier.objects.get(procedure__code="health-insurance-card-under-6")
    assert residence.entries["registered_person_personal_id"] == child_id
    assert card.entries["child_personal_id"] == child_id
    # the police's approval writes the child's permanent residence, after commit
    with django_capture_on_commit_callbacks(execute=True):
        complete(residence.code, officials_of(AGENCY_A_POLICE))
    [queued] = RegistryWrite.objects.filter(dossier_ref=residence.code)
    assert (queued.registry, queued.operation, queued.subject) == (
        "residence",
        "register_permanent_residence",
        child_id,
    )
    assert queued.status == WriteStatus.QUEUED
    assert person(exchange, child_id)["household_number"] is None  # not before it is sent
    sent = writes.send_write(str(queued.public_id))
    assert sent.status == WriteStatus.DONE, (sent.error_code, sent.error_message)
    [minh_home] = exchange.query(
        "SELECT household_number FROM registry_data_person WHERE personal_id = ?", MINH[0]
    )
    assert person(exchange, child_id)["household_number"] == minh_home["household_number"]
    assert isinstance(sent.result, dict)
    assert (
        sent.result["household"]["head_personal_id"]
        == exchange.query(
            "SELECT head_personal_id FROM registry_data_household WHERE number = ?",
            minh_home["household_number"],
        )[0]["head_personal_id"]
    )
    assert writes.send_write(str(queued.public_id)).attempts == 1  # done: nothing is sent again


def writeback_request_id(dossier: Dossier, day: datetime.date) -> uuid.UUID:
    """The request id is derived from the dossier and the write: the same approval, the same id."""
    spec = definition(dossier.procedure, dossier.spec_sha256)
    request = writeback.build_request(spec, spec.writes[0], dossier, day)
    assert request is not None
    return uuid.UUID(request.request_id)


def test_a_refused_birth_write_stops_the_approval_with_the_registrys_reason(minh, exchange):
    # a birth date after today: the population registry refuses it (write_rejected)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    birth = submitted_birth(minh, "Nguyễn Minh Tương Lai")
    Dossier.objects.filter(pk=birth.pk).update(entries={**birth.entries, "child_date_of_birth": future})
    commune = officials_of(AGENCY_A)
    to_approval(birth.code, commune)
    with pytest.raises(writeback.WriteNotMade) as refused:
        processing_services.decide(actor=commune["approver"], code=birth.code, decision="approve")
    assert "write_rejected" in str(refused.value)
    birth.refresh_from_db()
    assert (birth.step, birth.result) == ("approval", {})
    assert not RegistryWrite.objects.filter(dossier_ref=birth.code).exists()
    assert not exchange.query(
        "SELECT personal_id FROM registry_data_person WHERE full_name = ?", "Nguyễn Minh Tương Lai"
    )
    refusals = [e for e in exchange.log_entries(dossier_ref=birth.code) if e["outcome"] == "refused"]
    assert refusals
    assert refusals[-1]["error_code"] == "write_rejected"


def test_an_approval_taken_again_gets_the_same_number_and_an_outage_stops_it(minh, exchange, settings):
    birth = submitted_birth(minh, "Nguyễn Minh Đức")
    commune = officials_of(AGENCY_A)
    to_approval(birth.code, commune)
    spec_day = datetime.date.today()
    spec = definition(birth.procedure, birth.spec_sha256)
    # the approval's write went through, then its transaction rolled back (simulated: sent alone)
    first = writeback.write_before_result(spec, Dossier.objects.get(pk=birth.pk), spec_day)
    number = first.result["personal_id"]
    # the registries are down: the approval waits, then stops, and nothing is approved
    settings.MOTCUA_REGISTRIES_URL = "http://127.0.0.1:9"
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 300
    reset_exchange_state()
    with pytest.raises(writeback.WriteNotMade):
        processing_services.decide(actor=commune["approver"], code=birth.code, decision="approve")
    assert Dossier.objects.get(pk=birth.pk).step == "approval"
    # back: the same approval gets the kept answer, the same child and number
    settings.MOTCUA_REGISTRIES_URL = exchange.base_url
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 10_000
    reset_exchange_state()
    approved = processing_services.decide(actor=commune["approver"], code=birth.code, decision="approve")
    assert approved.result == {"personal_id": number}
    assert (
        len(
            exchange.query(
                "SELECT personal_id FROM registry_data_person WHERE full_name = ?", "Nguyễn Minh Đức"
            )
        )
        == 1
    )
    [kept] = RegistryWrite.objects.filter(dossier_ref=birth.code)
    first_entry, again = exchange.log_entries(request_id=str(kept.public_id))
    assert (first_entry["outcome"], again["outcome"]) == ("written", "written")
    assert again["detail"].get("repeated") is True
    assert "repeated" not in first_entry["detail"]


def test_the_approval_page_asks_nothing_the_registry_issues(minh, exchange):
    birth = submitted_birth(minh, "Nguyễn Minh Trang", child_sex="female")
    commune = officials_of(AGENCY_A)
    to_approval(birth.code, commune)
    _user, key = make_official("lanhdao.trang", [(Role.APPROVER, AGENCY_A)])
    leader = official_client("lanhdao.trang", key)
    page = leader.get(f"/can-bo/ho-so/{birth.code}/").content.decode()
    assert 'name="result-personal_id"' not in page
    assert "Cấp khi phê duyệt từ cơ sở dữ liệu" in page
    response = leader.post(f"/can-bo/ho-so/{birth.code}/quyet-dinh/", {"decision": "approve"})
    assert response.status_code == 302
    number = Dossier.objects.get(pk=birth.pk).result["personal_id"]
    [row] = exchange.query("SELECT full_name, sex FROM registry_data_person WHERE personal_id = ?", number)
    assert (row["full_name"], row["sex"]) == ("Nguyễn Minh Trang", "female")
    assert number[3] == "3"  # century and sex digit: a girl born in the 2000s
