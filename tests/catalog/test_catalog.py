"""Publishing, lint, search, pages and API of the catalog."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.catalog import selectors
from motcua.catalog.events import CatalogEvent
from motcua.catalog.lint import ESSENTIAL_SERVICES, format_text, lint_catalog, lint_procedure
from motcua.catalog.models import Bundle, Procedure
from motcua.catalog.services import sync_catalog
from motcua.catalog.specs import load_catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import AuditEntry, Event
from motcua.units.services import reload_units

from .conftest import birth_spec
from .test_specs import _bundle, _child_card

pytestmark = pytest.mark.django_db


def _published(spec_dir):
    spec_dir.procedure(birth_spec())
    spec_dir.procedure(_child_card())
    spec_dir.bundle(_bundle())
    return sync_catalog(actor=SYSTEM, directory=spec_dir.root)


def test_sync_publishes_procedures_with_their_fields(spec_dir):
    report = _published(spec_dir)
    assert sorted(report.published) == ["birth-registration", "child-card", "test-bundle"]
    birth = Procedure.objects.get(code="birth-registration")
    assert (birth.name_vi, birth.name_en, birth.level, birth.agency_type) == (
        "Đăng ký khai sinh",
        "Birth registration",
        "commune",
        "commune_peoples_committee",
    )
    assert (birth.processing_days, birth.online_level, birth.fee_kind, birth.sector_code) == (
        0,
        "full",
        "none",
        "civil-status",
    )
    assert " dang ky khai sinh " in birth.search_text
    assert AuditEntry.objects.filter(type=CatalogEvent.PROCEDURE_PUBLISHED).count() == 2
    assert Event.objects.filter(type=CatalogEvent.BUNDLE_PUBLISHED, subject_id="test-bundle").count() == 1
    bundle = Bundle.objects.get(code="test-bundle")
    assert list(bundle.members.values_list("procedure__code", flat=True)) == [
        "birth-registration",
        "child-card",
    ]


def test_sync_is_idempotent(spec_dir):
    _published(spec_dir)
    audit, events = AuditEntry.objects.count(), Event.objects.count()
    report = sync_catalog(actor=SYSTEM, directory=spec_dir.root)
    assert not report.changed
    assert sorted(report.unchanged) == ["birth-registration", "child-card", "test-bundle"]
    assert (AuditEntry.objects.count(), Event.objects.count()) == (audit, events)


def test_a_changed_spec_is_updated_with_old_and_new_hash(spec_dir):
    _published(spec_dir)
    old_hash = Procedure.objects.get(code="birth-registration").spec_sha256
    spec_dir.procedure(birth_spec(processing_time={"working_days": 3}))
    report = sync_catalog(actor=SYSTEM, directory=spec_dir.root)
    assert report.updated == ["birth-registration"]
    birth = Procedure.objects.get(code="birth-registration")
    assert birth.processing_days == 3
    entry = AuditEntry.objects.filter(type=CatalogEvent.PROCEDURE_UPDATED).get()
    assert entry.changes["spec_sha256"] == [old_hash, birth.spec_sha256]


def test_a_removed_spec_is_withdrawn_not_deleted(spec_dir):
    _published(spec_dir)
    spec_dir.remove("bundles", "test-bundle")
    spec_dir.remove("procedures", "child-card")
    report = sync_catalog(actor=SYSTEM, directory=spec_dir.root)
    assert sorted(report.withdrawn) == ["child-card", "test-bundle"]
    assert not Procedure.objects.get(code="child-card").is_active
    assert [p.code for p in selectors.search_procedures()] == ["birth-registration"]
    assert AuditEntry.objects.filter(type=CatalogEvent.PROCEDURE_WITHDRAWN, subject_id="child-card").exists()


def test_lint_computes_shares_gaps_and_blockers():
    spec = birth_spec()
    spec["components"][3]["registry_could_provide"] = "civil_status"
    spec["components"].append(
        {
            "id": "old-extract",
            "name": {"vi": "Trích lục", "en": "Extract"},
            "kind": "wallet",
            "result_type": "x",
        }
    )
    spec["online_level"] = "partial"
    spec["partial_reason"] = "Both parents must sign in person."
    spec["fees"] = {"kind": "unconfirmed", "note": "not known"}
    spec["legal_basis"] = [{"title": "Some law", "confirmed": False}]
    del spec["steps"]
    from motcua.catalog.specs import ProcedureSpec

    result = lint_procedure(
        ProcedureSpec(
            code=spec["code"],
            source=None,  # type: ignore[arg-type]
            sha256="",
            raw=spec,
        )
    )
    assert (result.components, result.data_components, result.wallet_components) == (5, 3, 1)
    assert (result.data_share, result.data_or_wallet_share) == (0.6, 0.8)
    assert result.replaceable_uploads == ["birth-certificate (from civil_status)"]
    assert result.missing_elements == ["steps", "fees", "legal basis"]
    assert not result.full_process_capable
    assert result.full_process_blockers == ["declared partial: Both parents must sign in person."]


def test_lint_of_the_shipped_catalog():
    report = lint_catalog(load_catalog())
    birth = next(p for p in report.procedures if p.code == "birth-registration")
    assert birth.full_process_capable
    assert birth.missing_elements == []
    assert report.summary["procedures"] == len(report.procedures) >= 1
    # the share of the whole catalog counts components, not procedures
    summary = report.summary
    assert summary["components"] == sum(p.components for p in report.procedures)
    assert summary["data_components"] == sum(p.data_components for p in report.procedures)
    assert summary["catalog_data_share"] == round(summary["data_components"] / summary["components"], 3)
    confirmation = next(p for p in report.procedures if p.code == "id-number-confirmation")
    assert (confirmation.data_share, confirmation.full_process_capable) == (1.0, True)


def test_lint_command_prints_text_and_json(capsys):
    call_command("catalog", "lint")
    text = capsys.readouterr().out
    assert "birth-registration — Đăng ký khai sinh" in text
    assert "full-process capable: yes" in text
    call_command("catalog", "lint", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["procedures"] == len(data["procedures"])


def test_validate_command_fails_with_the_problem(spec_dir):
    spec = birth_spec()
    spec["methods"] = ["fax"]
    spec_dir.procedure(spec)
    with pytest.raises(CommandError, match=r"birth-registration.yaml: methods\[0\]: 'fax' is not one of"):
        call_command("catalog", "validate", "--dir", str(spec_dir.root))


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "Đăng ký KHAI SINH", "  khai   sinh ", "birth", "ho tich"]
)
def test_search_ignores_diacritics_and_case(spec_dir, query):
    _published(spec_dir)
    assert "birth-registration" in [p.code for p in selectors.search_procedures(query=query)]


def test_search_requires_every_word_and_filters(spec_dir):
    _published(spec_dir)
    assert not selectors.search_procedures(query="khai tu").exists()
    assert selectors.search_procedures(level="province").count() == 0
    assert selectors.search_procedures(level="commune", sector="civil-status").count() == 2
    assert selectors.search_procedures(agency_type="commune_police").count() == 0


def test_api_lists_and_details_procedures(client, spec_dir):
    _published(spec_dir)
    page = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"}).json()
    assert page["count"] == 1
    item = page["items"][0]
    assert item["name"] == {"vi": "Đăng ký khai sinh", "en": "Birth registration"}
    assert (item["level"], item["processing_days"], item["online_level"]) == ("commune", 0, "full")
    detail = client.get("/api/v1/procedures/birth-registration").json()
    assert detail["bundles"] == ["test-bundle"]
    assert [c["kind"] for c in detail["spec"]["components"]] == ["data", "data", "data", "document"]
    assert detail["spec"]["steps"][0]["vi"].startswith("Người yêu cầu")
    bundle = client.get("/api/v1/bundles/test-bundle").json()
    assert [m["procedure"] for m in bundle["members"]] == ["birth-registration", "child-card"]
    assert bundle["members"][1]["receives"][0]["target"] == "form.child_name"


def test_api_not_found_shape(client):
    response = client.get("/api/v1/procedures/no-such")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No published procedure with code no-such."}
    assert client.get("/api/v1/bundles/no-such").status_code == 404


def test_openapi_schema_documents_the_endpoints_and_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "404" in schema["paths"]["/api/v1/procedures/{code}"]["get"]["responses"]
    assert "/api/v1/units/agencies" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_catalog_page_searches_and_shows_where_to_apply(client, spec_dir):
    reload_units(actor=SYSTEM)
    _published(spec_dir)
    html = client.get(
        "/thu-tuc/", {"q": "dang ky khai sinh", "province": "01", "commune": "00004"}
    ).content.decode()
    assert "Tìm thấy 1 thủ tục" in html
    assert "Đăng ký khai sinh" in html
    assert "Ủy ban nhân dân phường Ba Đình" in html
    english = client.get("/thu-tuc/", {"q": "khai sinh"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Birth registration" in english


def test_catalog_page_rejects_bad_filters_in_vietnamese(client, spec_dir):
    reload_units(actor=SYSTEM)
    _published(spec_dir)
    html = client.get("/thu-tuc/", {"level": "galaxy", "province": "01", "commune": "26734"}).content.decode()
    assert "Vui lòng sửa các trường được đánh dấu." in html
    assert "galaxy không phải là một trong các lựa chọn" in html
    assert "26734 không phải là một trong các lựa chọn" in html  # a commune of another province
    assert "Tìm thấy" not in html


def test_procedure_page_publishes_every_element(client, spec_dir):
    reload_units(actor=SYSTEM)
    _published(spec_dir)
    html = client.get("/thu-tuc/birth-registration/", {"province": "79", "commune": "25747"}).content.decode()
    for fragment in (
        "Trình tự thực hiện",
        "Thành phần hồ sơ",
        "Khai thác từ cơ sở dữ liệu quốc gia: Cơ sở dữ liệu quốc gia về dân cư",
        "Giấy chứng sinh",
        "Trong ngày làm việc nhận đủ hồ sơ hợp lệ",
        "Căn cứ pháp lý",
        "căn cứ chưa được kiểm chứng",
        "Trích lục khai sinh điện tử",
        "Nhóm thử",
        "UBND.25747",
    ):
        assert fragment in html, fragment
    assert client.get("/thu-tuc/no-such/").status_code == 404


def test_bundle_page_lists_members_and_data_flow(client, spec_dir):
    _published(spec_dir)
    html = client.get("/lien-thong/test-bundle/").content.decode()
    assert html.index("Đăng ký khai sinh") < html.index("/thu-tuc/child-card/")
    # what the member receives, named as the applicant knows it (its form's field title), not
    # as the spec maps it ("form.child_full_name → form.child_name", ADR 0038)
    assert "Họ tên trẻ" in html
    assert "form.child_name" not in html


def test_lint_gives_the_share_of_the_essential_services_and_every_upload_that_remains():
    report = lint_catalog(load_catalog())
    summary = report.summary
    essential = [p for p in report.procedures if p.code in ESSENTIAL_SERVICES]
    assert summary["essential_components"] == sum(p.components for p in essential)
    assert summary["essential_data_components"] == sum(p.data_components for p in essential)
    assert summary["essential_services"] == len({ESSENTIAL_SERVICES[p.code] for p in essential}) >= 21
    by_code = {p.code: p for p in report.procedures}
    assert (by_code["electricity-connection"].data_share, by_code["electricity-connection"].uploads) == (
        1.0,
        [],
    )
    assert by_code["electricity-contract-change"].uploads == [
        "premises-document (a registry could provide it: land)"
    ]
    assert by_code["exam-registration"].uploads == ["priority-certificate (no registry holds it, optional)"]
    assert by_code["exam-registration"].essential_service == 22
    assert "essential services of Decision 06" in format_text(report)
