"""Essential services 22, 24 and 25 of Decision 06 end to end: the high-school graduation exam
registration, a new electricity connection and a change of party to an electricity contract.
The applicants' data come from the reference registries (a separate process): the electricity
contracts and the students are generated from the households and people (ADR 0068). The power
company is a service provider outside the government hierarchy (ADR 0067): its dossiers reach
its own inbox, its officials return the signed result to the applicant's wallet, and the
officials of a commune (or a provincial supervisor) never see them, nor it theirs."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.errors import NotFound
from motcua.core.models import Event
from motcua.documents import results
from motcua.documents.models import ResultDocument, WalletItem
from motcua.dossiers.events import DossierEvent
from motcua.dossiers.models import Dossier, DossierStatus, Provenance
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import inbox as inbox_selectors
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity.models import Role, User
from motcua.registries.data.synthetic.tables import UNITS_FILE
from motcua.units.models import Agency
from motcua.units.services import reload_units
from tests.dossiers.conftest import MINH
from tests.identity.world import (
    applicant_actor,
    make_applicant,
    make_official,
    official_actor,
    official_client,
)

HOA = ("040161069230", "Đặng Thị Hoa", datetime.date(1961, 7, 8))  # a demo person: her home has no contract
HOA_COMMUNE = "16681"
LAN = "048195018347"  # Phạm Thị Lan, a demo person: the new party
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _load_units(directory: Path, communes: Mapping[str, Sequence[str]]) -> None:
    """Hà Nội's first three wards and the given communes of other provinces, from the shipped file."""
    raw = json.loads(UNITS_FILE.read_text(encoding="utf-8"))
    kept = []
    for province in raw:
        if province["Code"] == "01":
            province["Wards"] = province["Wards"][:3]
        elif province["Code"] in communes:
            province["Wards"] = [w for w in province["Wards"] if w["Code"] in communes[province["Code"]]]
        else:
            continue
        kept.append(province)
    path = directory / "units.json"
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    reload_units(actor=SYSTEM, source=path)


@pytest.fixture
def grade_12(exchange) -> dict[str, Any]:
    """A grade-12 student of the generated people, in a ward of Hồ Chí Minh City."""
    raw = json.loads(UNITS_FILE.read_text(encoding="utf-8"))
    [city] = [p for p in raw if p["Code"] == "79"]
    wards = {w["Code"] for w in city["Wards"] if w["AdministrativeUnitShortName"] == "Phường"}
    rows = exchange.query(
        "SELECT s.personal_id, s.school_commune_code, s.school_name, s.class_name, s.priority_area, "
        "p.full_name, p.date_of_birth FROM registry_data_student s JOIN registry_data_person p "
        "ON p.personal_id = s.personal_id WHERE s.grade = 12 ORDER BY s.personal_id"
    )
    found = [row for row in rows if row["school_commune_code"] in wards]
    assert found, "the generated population has grade-12 students in a ward of Hồ Chí Minh City"
    return found[0]


@pytest.fixture
def world(exchange, tmp_path, settings, grade_12) -> None:
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    _load_units(tmp_path, {"40": [HOA_COMMUNE], "79": [grade_12["school_commune_code"]]})
    sync_catalog(actor=SYSTEM)


@pytest.fixture
def minh_user(world) -> User:
    return make_applicant(*MINH)


def _apply(
    user: User,
    procedure: str,
    commune: str,
    entries: Mapping[str, Any],
    *,
    subject_values: Mapping[str, str] | None = None,
    uploads: Sequence[str] = (),
) -> Dossier:
    """Start at ``commune``, accept every data component, fill the form, upload, submit."""
    actor = applicant_actor(user)
    draft = draft_services.start_draft(actor=actor, procedure_code=procedure, commune_code=commune)
    public_id = str(draft.public_id)
    data = [c["id"] for c in draft.procedure.spec["components"] if c["kind"] == "data"]
    draft_services.give_consent(
        actor=actor, public_id=public_id, accepted=data, subject_values=subject_values or {}
    )
    for component in uploads:
        draft_services.upload_component(
            actor=actor,
            public_id=public_id,
            component_id=component,
            chunks=[JPEG],
            file_name="a.jpg",
            size=None,
        )
    _draft, errors = draft_services.save_entries(actor=actor, public_id=public_id, values=dict(entries))
    assert not errors, errors
    return submission_services.submit_draft(actor=actor, public_id=public_id)


def _staff(agency: str) -> dict[str, Any]:
    return {
        role: official_actor(make_official(f"{role}.{agency.lower()}", [(role, agency)])[0])
        for role in (Role.RECEPTION, Role.HANDLER, Role.APPROVER)
    }


def _return(dossier: Dossier, agency: str, result: Mapping[str, Any]) -> ResultDocument:
    """The agency's reception accepts, its handler proposes, its approver approves (signing the
    result), and reception returns it."""
    users = _staff(agency)
    for role, decision in ((Role.RECEPTION, "accept"), (Role.HANDLER, "propose"), (Role.APPROVER, "approve")):
        processing_services.decide(
            actor=users[role],
            code=dossier.code,
            decision=decision,
            result=dict(result) if decision == "approve" else None,
        )
    returned = processing_services.decide(actor=users[Role.RECEPTION], code=dossier.code, decision="return")
    assert returned.status == DossierStatus.RESULT_RETURNED
    return ResultDocument.objects.get(dossier=dossier)


def _in_wallet(user: User, result: ResultDocument, document_type: str) -> dict[str, str]:
    item = WalletItem.objects.get(result=result)
    assert (item.owner_id, item.document_type, item.file_id) == (
        user.applicant.pk,
        document_type,
        result.file_id,
    )
    # signed in the agency's name, like any government agency's result
    assert result.agency_code == result.dossier.agency_code
    assert result.certificate_serial
    assert result.signed_at is not None
    assert result.agency_name == Agency.objects.get(code=result.agency_code).name
    return dict(results.rows_for(result.dossier, results.template_for(document_type)))


def _provenance(dossier: Dossier) -> dict[str, str]:
    return {cid: c["provenance"] for cid, c in dossier.components.items()}


def test_the_power_companies_are_service_providers_of_each_province(world):
    company = Agency.objects.get(code="PC.01")
    assert (company.agency_type, company.level, company.province.code, company.commune) == (
        "power_company",
        "service_provider",
        "01",
        None,
    )
    assert company.name == "Công ty Điện lực Hà Nội"
    assert Agency.objects.get(code="SGDDT.79").level == "province"


def test_a_new_connection_reaches_the_power_company_with_the_household_from_the_registries(world, exchange):
    hoa = make_applicant(*HOA)
    dossier = _apply(
        hoa, "electricity-connection", HOA_COMMUNE, {"supply_purpose": "residential", "phases": "single"}
    )
    assert dossier.agency_code == "PC.40"  # the power company of her province, not a government agency
    place = dossier.fetched["place-of-use"]
    household = exchange.query(
        "SELECT number, address FROM registry_data_household WHERE head_personal_id = ?", HOA[0]
    )
    assert place["household"]["number"] == household[0]["number"]
    # prefilled from the residence database, not typed: the address and the household
    assert (
        dossier.entries["connection_address"]
        == household[0]["address"]
        == place["permanent_residence"]["address"]
    )
    assert dossier.entries["household_number"] == household[0]["number"]
    assert dossier.fetched["contracts-held"] == []  # no contract yet: a new connection's case
    assert set(_provenance(dossier).values()) == {Provenance.REGISTRY}
    assert dossier.fee_vnd in (None, 0)
    submitted = Event.objects.get(type=DossierEvent.DOSSIER_SUBMITTED, subject_id=dossier.code)
    assert (submitted.payload["reused_from_registries"], submitted.payload["uploaded"]) == (3, 0)
    result = _return(
        dossier,
        "PC.40",
        {"contract_number": "PE4012345678", "meter_number": "0123456789", "connected_on": "2026-12-10"},
    )
    rows = _in_wallet(hoa, result, "electricity-connection")
    assert rows["Mã khách hàng (số hợp đồng)"] == "PE4012345678"
    assert rows["Bên mua điện"] == HOA[1]
    assert rows["Địa chỉ sử dụng điện"] == household[0]["address"]
    assert rows["Mục đích sử dụng điện"] == "Sinh hoạt"


def test_a_contract_changes_party_with_the_current_contract_from_the_registry(world, exchange, minh_user):
    dossier = _apply(
        minh_user,
        "electricity-contract-change",
        "00004",
        {"new_party_personal_id": LAN, "reason": "sale"},
        subject_values={"new_party_personal_id": LAN},
        uploads=["premises-document"],
    )
    assert dossier.agency_code == "PC.01"
    [contract] = exchange.query(
        "SELECT contract_number, address FROM registry_data_electricity_contract "
        "WHERE customer_personal_id = ?",
        MINH[0],
    )
    [current] = dossier.fetched["current-contract"]
    assert current["contract_number"] == contract["contract_number"] == dossier.entries["contract_number"]
    assert dossier.entries["supply_address"] == contract["address"]
    new_party = dossier.fetched["new-party-identity"]
    assert (new_party["personal_id"], new_party["full_name"]) == (LAN, "Phạm Thị Lan")
    assert set(new_party) == {"full_name", "date_of_birth", "personal_id"}  # the least data
    provenance = _provenance(dossier)
    assert provenance.pop("premises-document") == Provenance.UPLOAD
    assert set(provenance.values()) == {Provenance.REGISTRY}
    result = _return(dossier, "PC.01", {"new_contract_number": "PE0187654321", "effective_on": "2026-12-15"})
    rows = _in_wallet(minh_user, result, "electricity-contract-change")
    assert rows["Mã khách hàng cũ"] == contract["contract_number"]
    assert rows["Số định danh cá nhân của bên nhận"] == LAN
    assert rows["Lý do thay đổi"] == "Bán nhà"
    assert rows["Ngày hợp đồng mới có hiệu lực"] == "15/12/2026"


def test_the_power_company_and_the_government_never_see_each_others_dossiers(world, minh_user):
    change = _apply(
        minh_user,
        "electricity-contract-change",
        "00004",
        {"new_party_personal_id": LAN, "reason": "lease"},
        subject_values={"new_party_personal_id": LAN},
        uploads=["premises-document"],
    )
    absence = _apply(
        minh_user,
        "temporary-absence-declaration",
        "00004",
        {
            "absence_case": "long_absence",
            "absent_from": "2026-12-20",
            "absent_until": "2027-03-20",
            "destination": "Đà Nẵng",
        },
    )
    assert (change.agency_code, absence.agency_code) == ("PC.01", "CAX.00004")
    power, commune_police = _staff("PC.01")[Role.RECEPTION], _staff("CAX.00004")[Role.RECEPTION]
    province_supervisor = official_actor(
        make_official("giam-sat.ubndt01", [(Role.SUPERVISOR, "UBNDT.01")])[0]
    )
    power_supervisor = official_actor(make_official("giam-sat.pc01", [(Role.SUPERVISOR, "PC.01")])[0])

    def codes(actor: Any) -> set[str]:
        return {row.code for row in inbox_selectors.inbox(actor, status="all").rows}

    assert codes(power) == codes(power_supervisor) == {change.code}
    assert codes(commune_police) == {absence.code}
    assert change.code not in codes(province_supervisor)  # the province's supervisor: government only
    assert absence.code in codes(province_supervisor)
    for actor, hidden in ((power, absence), (commune_police, change), (province_supervisor, change)):
        with pytest.raises(NotFound):
            dossier_selectors.get_dossier(actor, hidden.code)
    # and through the pages, signed in with password and TOTP
    user, key = make_official("le-tan.pc01", [(Role.RECEPTION, "PC.01")])
    client = official_client(user.username, key)
    assert client.get(f"/can-bo/ho-so/{change.code}/").status_code == 200
    assert client.get(f"/can-bo/ho-so/{absence.code}/").status_code == 404
    user, key = make_official("le-tan.cax00004", [(Role.RECEPTION, "CAX.00004")])
    client = official_client(user.username, key)
    assert client.get(f"/can-bo/ho-so/{change.code}/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{absence.code}/").status_code == 200


def test_a_grade_12_student_registers_for_the_exam_with_the_school_record_from_the_registry(world, grade_12):
    student = make_applicant(
        grade_12["personal_id"],
        grade_12["full_name"],
        datetime.date.fromisoformat(str(grade_12["date_of_birth"])),
    )
    dossier = _apply(
        student,
        "exam-registration",
        grade_12["school_commune_code"],
        {"elective_1": "physics", "elective_2": "foreign_language", "use_for_admission": "yes"},
    )
    assert dossier.agency_code == "SGDDT.79"  # the Department of Education of the student's province
    record = dossier.fetched["school-record"]
    assert (record["grade"], record["school_year"]) == (12, "2026-2027")
    # prefilled from the registries: the school, class and priority area, the ethnic group
    assert dossier.entries["school_name"] == grade_12["school_name"] == record["school_name"]
    assert dossier.entries["class_name"] == grade_12["class_name"]
    assert (
        dossier.entries["priority_area"] == grade_12["priority_area"] == "KV3"
    )  # a ward of Hồ Chí Minh City
    assert dossier.entries["ethnicity"] == dossier.fetched["candidate-identity"]["ethnicity"]
    assert set(_provenance(dossier).values()) <= {Provenance.REGISTRY, Provenance.NONE}
    assert _provenance(dossier)["school-record"] == Provenance.REGISTRY
    result = _return(
        dossier, "SGDDT.79", {"candidate_number": "02001234", "exam_site": "Trường THPT Tân Bình"}
    )
    rows = _in_wallet(student, result, "exam-registration")
    assert rows["Số báo danh"] == "02001234"
    assert rows["Trường THPT"] == grade_12["school_name"]
    assert rows["Môn tự chọn thứ hai"] == "Ngoại ngữ"
