from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core.actors import SYSTEM
from motcua.core.audit import seal_pending, verify_audit_log
from motcua.core.models import AuditEntry, Event
from motcua.units import selectors
from motcua.units.dataset import DEFAULT_SOURCE, ReferenceDataError
from motcua.units.events import UnitEvent
from motcua.units.models import Agency, Commune, Province
from motcua.units.services import reload_units

pytestmark = pytest.mark.django_db
RAW = json.loads(DEFAULT_SOURCE.read_text(encoding="utf-8"))
COMMUNE_TYPES = {"Xã": "commune", "Phường": "ward", "Đặc khu": "special_zone"}


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "units.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _small() -> list[dict]:
    """Two real provinces with three communes each, as a deep copy."""
    data = json.loads(json.dumps(RAW[:2]))
    for province in data:
        province["Wards"] = province["Wards"][:3]
    return data


def _db_state() -> tuple[int, int, int, int, int]:
    return (
        Province.objects.count(),
        Commune.objects.count(),
        Agency.objects.count(),
        AuditEntry.objects.count(),
        Event.objects.count(),
    )


def test_the_shipped_dataset_loads_34_provinces_and_3321_communes():
    report = reload_units(actor=SYSTEM)
    assert report.totals["provinces"] == 34
    assert report.totals["communes"] == 3321
    expected_types = Counter(COMMUNE_TYPES[w["AdministrativeUnitShortName"]] for p in RAW for w in p["Wards"])
    assert Counter(Commune.objects.values_list("unit_type", flat=True)) == expected_types
    assert expected_types == {"commune": 2611, "ward": 697, "special_zone": 13}
    # Every commune has its three agencies, every province its nine and its power company (ADR 0067).
    assert Agency.objects.filter(level="commune").count() == 3 * 3321
    assert Agency.objects.filter(level="province").count() == 9 * 34
    assert Agency.objects.filter(level="service_provider", agency_type="power_company").count() == 34
    ba_dinh = Agency.objects.get(code="UBND.00004")
    assert (ba_dinh.name, ba_dinh.commune.code, ba_dinh.province.code) == (
        "Ủy ban nhân dân phường Ba Đình",
        "00004",
        "01",
    )
    assert Agency.objects.get(code="STP.01").name == "Sở Tư pháp thành phố Hà Nội"
    entry = AuditEntry.objects.get(type=UnitEvent.UNITS_RELOADED)
    assert entry.changes["communes"] == {"created": 3321, "updated": 0, "deactivated": 0}


def test_reloading_the_same_file_changes_nothing():
    reload_units(actor=SYSTEM)
    before = _db_state()
    pks = dict(Agency.objects.values_list("code", "pk"))
    report = reload_units(actor=SYSTEM)
    assert not report.changed
    assert _db_state() == before
    assert dict(Agency.objects.values_list("code", "pk")) == pks


def test_a_renamed_commune_is_updated_audited_and_its_agencies_follow(tmp_path):
    data = _small()
    reload_units(actor=SYSTEM, source=_write(tmp_path, data))
    ward = data[0]["Wards"][0]
    ward["FullName"] = "Phường Ba Đình Mới"
    report = reload_units(actor=SYSTEM, source=_write(tmp_path, data))
    assert (report.communes.updated, report.agencies.updated) == (1, 3)
    assert Commune.objects.get(code=ward["Code"]).full_name == "Phường Ba Đình Mới"
    assert Agency.objects.get(code=f"UBND.{ward['Code']}").name == "Ủy ban nhân dân phường Ba Đình Mới"
    assert AuditEntry.objects.filter(type=UnitEvent.UNITS_RELOADED).count() == 2
    seal_pending()
    assert verify_audit_log().ok


def test_a_unit_missing_from_a_new_file_is_deactivated_not_deleted(tmp_path):
    data = _small()
    reload_units(actor=SYSTEM, source=_write(tmp_path, data))
    removed = data[1]["Wards"].pop()
    report = reload_units(actor=SYSTEM, source=_write(tmp_path, data))
    assert report.communes.deactivated == 1
    assert report.agencies.deactivated == 3
    assert not Commune.objects.get(code=removed["Code"]).is_active
    with pytest.raises(Exception, match="No commune-level unit"):
        selectors.get_commune(removed["Code"])
    data[1]["Wards"].append(removed)
    report = reload_units(actor=SYSTEM, source=_write(tmp_path, data))
    assert report.communes.updated == 1
    assert selectors.get_commune(removed["Code"]).is_active


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d[1].update(Code=d[0]["Code"]), "province 01: duplicate province code"),
        (
            lambda d: d[1]["Wards"].append(dict(d[0]["Wards"][0], ProvinceCode=d[1]["Code"])),
            "duplicate commune code",
        ),
        (lambda d: d[0]["Wards"][1].update(ProvinceCode="99"), "ProvinceCode '99' is not its province 01"),
        (lambda d: d[0]["Wards"][2].update(Code="123"), "commune code must be 5 digits, got '123'"),
        (lambda d: d[0].update(Code="1"), "province code must be 2 digits"),
        (lambda d: d[0]["Wards"][0].update(FullName=""), "missing or empty FullName"),
        (lambda d: d[0]["Wards"][0].update(AdministrativeUnitShortName="Huyện"), "unknown unit type 'Huyện'"),
        (lambda d: d[1].update(Wards=[]), "no commune-level units"),
    ],
)
def test_bad_reference_data_is_rejected_whole_and_nothing_changes(tmp_path, mutate, problem):
    reload_units(actor=SYSTEM, source=_write(tmp_path, _small()))
    before = _db_state()
    data = _small()
    mutate(data)
    with pytest.raises(ReferenceDataError) as caught:
        reload_units(actor=SYSTEM, source=_write(tmp_path, data))
    assert problem in caught.value.message
    assert "nothing was loaded" in caught.value.message
    assert _db_state() == before


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    data = _small()
    data[0]["Wards"][0]["Code"] = "x"
    data[1]["Wards"][1]["ProvinceCode"] = "00"
    with pytest.raises(ReferenceDataError) as caught:
        reload_units(actor=SYSTEM, source=_write(tmp_path, data))
    assert len(caught.value.problems) == 2


def test_invalid_json_is_a_clear_error(tmp_path):
    path = tmp_path / "units.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not valid JSON"):
        reload_units(actor=SYSTEM, source=path)


def test_load_command_reports_counts_and_fails_on_bad_data(tmp_path, capsys):
    call_command("units", "load", "--file", str(_write(tmp_path, _small())))
    assert "communes: 6 active (6 created" in capsys.readouterr().out
    bad = _small()
    bad[0]["Wards"][0]["ProvinceCode"] = "77"
    with pytest.raises(CommandError, match="ProvinceCode '77'"):
        call_command("units", "load", "--file", str(_write(tmp_path, bad)))
    assert Commune.objects.count() == 6


def test_competent_agencies_for_commune_and_province_level(tmp_path):
    reload_units(actor=SYSTEM)
    commune = selectors.competent_agencies(
        level="commune", agency_type="commune_police", province_code="01", commune_code="00004"
    )
    assert [a.code for a in commune] == ["CAX.00004"]
    province = selectors.competent_agencies(
        level="province",
        agency_type="provincial_justice_department",
        province_code="79",
        commune_code="26734",
    )
    assert [a.code for a in province] == ["STP.79"]
    assert not selectors.competent_agencies(
        level="ministry", agency_type="ministry", province_code="01"
    ).exists()


def test_api_lists_provinces_communes_and_agencies(client):
    reload_units(actor=SYSTEM)
    provinces = client.get("/api/v1/units/provinces").json()
    assert len(provinces) == 34
    assert provinces[0] == {
        "code": "01",
        "name": "Hà Nội",
        "name_en": "Hanoi",
        "full_name": "Thành phố Hà Nội",
        "full_name_en": "Hanoi City",
        "unit_type": "city",
    }
    communes = client.get("/api/v1/units/provinces/01/communes").json()
    assert len(communes) == len(RAW[0]["Wards"])
    assert {c["province_code"] for c in communes} == {"01"}
    agencies = client.get("/api/v1/units/agencies", {"commune": "00004"}).json()
    assert agencies["count"] == 3
    assert {a["code"] for a in agencies["items"]} == {"UBND.00004", "CAX.00004", "TTPV.00004"}
    agency = client.get("/api/v1/units/agencies/STP.01").json()
    assert (agency["agency_type"], agency["level"], agency["commune_code"]) == (
        "provincial_justice_department",
        "province",
        None,
    )


def test_api_not_found_has_the_error_shape(client):
    response = client.get("/api/v1/units/provinces/99/communes")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No province with code 99."}
    assert client.get("/api/v1/units/agencies/NOPE.1").json()["code"] == "not_found"
