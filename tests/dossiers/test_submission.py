"""Submitting a draft: checks, the dossier code, the receipt (form 01) with its appointment date,
the status pages, and the public lookup — through the pages and the API, against the real
registries for the prefilled data."""

from __future__ import annotations

import datetime
import re
import threading

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from motcua.core.actors import SYSTEM
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import MotcuaError, NotFound
from motcua.core.models import AuditEntry, Event
from motcua.dossiers.events import DossierEvent
from motcua.dossiers.models import Dossier, DossierCounter, Draft, Provenance
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import lookup as lookup_selectors
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity import services as identity
from motcua.identity.actors import actor_for_user
from motcua.identity.models import Role
from tests.dossiers.conftest import MINH
from tests.dossiers.test_drafts import CHILD, start
from tests.identity.world import PDF, applicant_actor, applicant_client, make_applicant

ALL_DATA = ["requester-identity", "parents-marriage", "parents-residence"]
BIRTH_FORM = {
    "child_full_name": "Nguyễn Minh Khôi",
    "child_date_of_birth": "20/11/2026",
    "child_sex": "male",
    "child_place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    "requester_relationship": "father",
}
CODE = re.compile(r"^UBND\.00004-(\d{6})-(\d{4})$")


def text(response) -> str:
    return response.content.decode()


def prepared_draft(client, *, upload: bool = True, form: dict | None = None) -> str:
    """A birth-registration draft at Ba Đình with every data component fetched, the form filled
    and (unless ``upload`` is off) the birth certificate attached."""
    public_id = start(client)
    assert client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ALL_DATA}).status_code == 302
    if upload:
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            f"/ho-so-nhap/{public_id}/thanh-phan/birth-certificate/",
            {"file": SimpleUploadedFile("giay-chung-sinh.pdf", PDF, content_type="application/pdf")},
        )
        assert response.status_code == 302
    assert (
        client.post(f"/ho-so-nhap/{public_id}/", form if form is not None else BIRTH_FORM).status_code == 302
    )
    return public_id


def test_a_complete_application_is_received_with_its_code_receipt_and_appointment(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client)
    fetched = Draft.objects.get(public_id=public_id).fetched
    response = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "submit": "1"})
    assert response.status_code == 302, text(response)[:800]
    code = response["Location"].split("/")[-2]
    match = CODE.match(code)
    assert match, code
    assert match.group(1) == f"{timezone.localdate():%y%m%d}"
    assert match.group(2) == "0001"
    # the draft became the dossier: the fetched data moved with it, nothing was left behind
    assert not Draft.objects.filter(public_id=public_id).exists()
    dossier = Dossier.objects.get(code=code)
    assert dossier.fetched == fetched
    assert dossier.applicant.personal_id == MINH[0]
    assert dossier.channel == "online"
    assert dossier.status == "received"
    assert dossier.entries["child_date_of_birth"] == "2026-11-20"
    assert dossier.entries["requester_full_name"] == "Nguyễn Văn Minh"  # from the population registry
    provenance = {cid: c["provenance"] for cid, c in dossier.components.items()}
    assert provenance == {
        "requester-identity": Provenance.REGISTRY,
        "parents-marriage": Provenance.REGISTRY,
        "parents-residence": Provenance.REGISTRY,
        "birth-certificate": Provenance.UPLOAD,
    }
    # birth registration is decided the same working day (0 working days)
    assert dossier.due_on == submission_services.appointment_date(timezone.localdate(), 0)
    # audit and the typed event, with what Decision 766 counts
    [event] = Event.objects.filter(type=DossierEvent.DOSSIER_SUBMITTED)
    assert event.subject_id == code
    assert event.payload["channel"] == "online"
    assert event.payload["reused_from_registries"] == 3
    assert event.payload["uploaded"] == 1
    assert event.payload["due_on"] == dossier.due_on.isoformat()
    assert AuditEntry.objects.filter(type=DossierEvent.DOSSIER_SUBMITTED, subject_id=code).count() == 1
    # the status page and the receipt
    page = text(client.get(f"/ho-so/{code}/"))
    assert f'<strong id="dossier-code">{code}</strong>' in page
    assert "Đã tiếp nhận, đang giải quyết" in page
    assert "Từ cơ sở dữ liệu quốc gia: Cơ sở dữ liệu quốc gia về dân cư" in page
    assert "Tải lên bởi người nộp hồ sơ" in page
    assert "<dt>Hồ sơ của</dt><dd>Nguyễn Văn Minh</dd>" in page
    assert "<dt>Ngày, tháng, năm sinh</dt><dd>20/11/2026</dd>" in page  # the form as a person reads it
    assert "<dt>Giới tính</dt><dd>Nam</dd>" in page
    receipt = text(client.get(f"/ho-so/{code}/giay-tiep-nhan/"))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        code,
        "Nguyễn Văn Minh",
        "Ủy ban nhân dân phường Ba Đình",
        "Đăng ký khai sinh",
        f"{dossier.due_on:%d/%m/%Y}",
        lookup_selectors.lookup_pin(code),
        "Hình thức trả kết quả",
    ):
        assert expected in receipt, expected
    listing = text(client.get("/ho-so/"))
    assert code in listing
    # a second click on "submit", or the old draft link, leads to the same dossier
    again = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "submit": "1"})
    assert again.status_code == 302
    assert again["Location"] == f"/ho-so/{code}/"
    assert client.get(f"/ho-so-nhap/{public_id}/")["Location"] == f"/ho-so/{code}/"
    assert Dossier.objects.count() == 1


def test_an_incomplete_application_is_not_submitted_and_keeps_everything(minh, exchange):
    client = applicant_client(minh)
    form = {**BIRTH_FORM, "child_full_name": "", "child_date_of_birth": "31/02/2026"}
    public_id = prepared_draft(client, upload=False, form={**BIRTH_FORM, "child_full_name": ""})
    before = Draft.objects.get(public_id=public_id)
    response = client.post(f"/ho-so-nhap/{public_id}/", {**form, "submit": "1"})
    assert response.status_code == 400
    page = text(response)
    # a wrong date is refused at saving: the page says so next to the field, the draft keeps it
    assert re.search(r'id="error-child_date_of_birth"[^>]*>Ngày không hợp lệ', page)
    response = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "child_full_name": "", "submit": "1"})
    assert response.status_code == 400
    page = text(response)
    assert re.search(r'id="error-child_full_name"[^>]*>Trường này là bắt buộc', page)
    assert re.search(r'id="component-error-birth-certificate"[^>]*>Hãy tải giấy tờ này lên', page)
    assert "Hồ sơ chưa đầy đủ" in page
    after = Draft.objects.get(public_id=public_id)
    assert after.fetched == before.fetched
    assert after.components == before.components
    assert after.entries["child_place_of_birth"] == BIRTH_FORM["child_place_of_birth"]
    assert not Dossier.objects.exists()
    assert not DossierCounter.objects.exists()  # no number is spent on a refused submission
    assert not Event.objects.filter(type=DossierEvent.DOSSIER_SUBMITTED).exists()


def test_undecided_consent_and_registry_only_data_block_submission(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)  # consent screen never answered
    actor = applicant_actor(minh)
    with pytest.raises(submission_services.IncompleteDossier) as refused:
        submission_services.submit_draft(actor=actor, public_id=public_id)
    assert refused.value.components["requester-identity"].startswith("Hãy đồng ý hoặc từ chối")
    assert set(refused.value.fields) >= {"child_full_name", "child_sex", "requester_relationship"}
    assert Draft.objects.filter(public_id=public_id).exists()


def test_codes_count_per_agency_and_day(minh, exchange):
    first_client = applicant_client(minh)
    first = first_client.post(f"/ho-so-nhap/{prepared_draft(first_client)}/", {**BIRTH_FORM, "submit": "1"})
    other = make_applicant(CHILD, "Nguyễn Minh Anh", datetime.date(2018, 3, 14))
    # a second person at the same commune the same day gets the next number
    actor = applicant_actor(other)
    draft = draft_services.start_draft(actor=actor, procedure_code="birth-registration", commune_code="00004")
    draft_services.give_consent(actor=actor, public_id=str(draft.public_id), accepted=[])
    for component in [*ALL_DATA, "birth-certificate"]:
        draft_services.upload_component(
            actor=actor,
            public_id=str(draft.public_id),
            component_id=component,
            chunks=[PDF],
            file_name="a.pdf",
            size=len(PDF),
        )
    draft_services.save_entries(
        actor=actor,
        public_id=str(draft.public_id),
        values={**BIRTH_FORM, "requester_full_name": "Nguyễn Minh Anh"},
    )
    second = submission_services.submit_draft(actor=actor, public_id=str(draft.public_id))
    first_code = first["Location"].split("/")[-2]
    assert first_code.endswith("-0001")
    assert second.code.endswith("-0002")
    assert second.code[:-5] == first_code[:-5]
    assert {c["provenance"] for c in second.components.values()} == {Provenance.UPLOAD}
    # another agency, or another day, starts again at 0001
    with transaction.atomic():
        assert submission_services._next_code("UBND.00008", timezone.localdate()).endswith("-0001")
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        assert submission_services._next_code("UBND.00004", tomorrow) == f"UBND.00004-{tomorrow:%y%m%d}-0001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_number():
    """Threads, each in its own transaction on its own connection, taking numbers at once."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "the test database on SQLite is in memory with a cache shared by the threads, where "
            "SQLite reports 'table is locked' instead of waiting; the platform's SQLite file "
            "database serialises writers with BEGIN IMMEDIATE. The PostgreSQL pass runs this test."
        )
    day = datetime.date(2026, 12, 1)
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def take() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():
                    codes.append(submission_services._next_code("UBND.00004", day))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert not errors, errors
    assert sorted(codes) == [f"UBND.00004-261201-{n:04d}" for n in range(1, 41)]
    assert DossierCounter.objects.get(agency_code="UBND.00004", day=day).last_number == 40


@pytest.mark.parametrize(
    ("received", "working_days", "due"),
    [
        (datetime.date(2026, 12, 4), 1, datetime.date(2026, 12, 7)),  # Friday + 1 -> Monday
        (datetime.date(2026, 12, 5), 0, datetime.date(2026, 12, 7)),  # Saturday counts from Monday
        (datetime.date(2026, 12, 5), 1, datetime.date(2026, 12, 8)),  # ... so one day is Tuesday
        (datetime.date(2026, 12, 1), 0, datetime.date(2026, 12, 1)),  # a working day: the same day
        (datetime.date(2026, 8, 28), 1, datetime.date(2026, 9, 3)),  # National Day: 31/8-2/9 off
        (datetime.date(2026, 12, 1), None, None),  # no statutory time: set by the agency
    ],
)
def test_the_appointment_date_counts_working_days(received, working_days, due):
    assert submission_services.appointment_date(received, working_days, calendar=WorkingCalendar()) == due


def test_officials_see_the_dossiers_of_their_agencies_only(minh, exchange):
    client = applicant_client(minh)
    response = client.post(f"/ho-so-nhap/{prepared_draft(client)}/", {**BIRTH_FORM, "submit": "1"})
    code = response["Location"].split("/")[-2]
    for username, agency in (("tiepnhan.badinh", "UBND.00004"), ("tiepnhan.ngocha", "UBND.00008")):
        identity.create_official(actor=SYSTEM, username=username, full_name=username, password="x" * 16)
        identity.grant_role(actor=SYSTEM, username=username, role=Role.RECEPTION, agency_code=agency)
    from motcua.identity.models import User

    ba_dinh = actor_for_user(User.objects.get(username="tiepnhan.badinh"), verified=True)
    ngoc_ha = actor_for_user(User.objects.get(username="tiepnhan.ngocha"), verified=True)
    assert [d.code for d in dossier_selectors.dossiers_of(ba_dinh)] == [code]
    assert not dossier_selectors.dossiers_of(ngoc_ha).exists()
    with pytest.raises(NotFound):
        dossier_selectors.get_dossier(ngoc_ha, code)
    # another applicant does not see it either
    stranger = make_applicant("079190067890", "Trần Thị Bình", datetime.date(1990, 7, 9))
    assert applicant_client(stranger).get(f"/ho-so/{code}/").status_code == 404
    assert applicant_client(stranger).get(f"/ho-so/{code}/giay-tiep-nhan/").status_code == 404


def test_the_public_lookup_shows_the_status_and_no_personal_data(minh, exchange, client, settings):
    applicant = applicant_client(minh)
    response = applicant.post(f"/ho-so-nhap/{prepared_draft(applicant)}/", {**BIRTH_FORM, "submit": "1"})
    code = response["Location"].split("/")[-2]
    pin = lookup_selectors.lookup_pin(code)
    assert re.fullmatch(r"\d{8}", pin)
    for factor in (pin, MINH[0], f"{MINH[0][:4]} {MINH[0][4:8]} {MINH[0][8:]}"):
        page = text(client.post("/tra-cuu-ho-so/", {"code": code, "factor": factor}))
        assert '<dd id="lookup-status">Đã tiếp nhận, đang giải quyết</dd>' in page
        assert "Ủy ban nhân dân phường Ba Đình" in page
        assert "Đăng ký khai sinh" in page
        for personal in ("Nguyễn Văn Minh", "Nguyễn Minh Khôi", MINH[0], "Đội Cấn"):
            assert personal not in page.replace(f'value="{code}"', "")
    wrong_factor = client.post("/tra-cuu-ho-so/", {"code": code, "factor": "12345678"})
    wrong_code = client.post("/tra-cuu-ho-so/", {"code": code[:-1] + "9", "factor": pin})
    assert wrong_factor.status_code == wrong_code.status_code == 404
    message = "Không có hồ sơ nào khớp với mã và số này"
    assert message in text(wrong_factor)
    assert message in text(wrong_code)
    api = client.post(
        "/api/v1/dossier-status", {"code": code, "factor": pin}, content_type="application/json"
    )
    assert api.status_code == 200
    assert api.json() == {
        "code": code,
        "procedure_name": "Đăng ký khai sinh",
        "agency_name": "Ủy ban nhân dân phường Ba Đình",
        "status": "received",
        "status_label": "Đã tiếp nhận, đang giải quyết",
        "received_at": api.json()["received_at"],
        "due_on": Dossier.objects.get(code=code).due_on.isoformat(),
    }
    miss = client.post(
        "/api/v1/dossier-status", {"code": code, "factor": "1"}, content_type="application/json"
    )
    assert miss.status_code == 404
    assert miss.json()["code"] == "not_found"


def test_guessing_the_second_factor_is_cut_off(minh, exchange, client, settings):
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "lookup_failures_address": "3/h"}
    applicant = applicant_client(minh)
    response = applicant.post(f"/ho-so-nhap/{prepared_draft(applicant)}/", {**BIRTH_FORM, "submit": "1"})
    code = response["Location"].split("/")[-2]
    for guess in ("00000001", "00000002", "00000003"):
        assert client.post("/tra-cuu-ho-so/", {"code": code, "factor": guess}).status_code == 404
    # now even the right PIN is refused from this address until the window ends, pages and API alike
    blocked = client.post("/tra-cuu-ho-so/", {"code": code, "factor": lookup_selectors.lookup_pin(code)})
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    api = client.post(
        "/api/v1/dossier-status",
        {"code": code, "factor": lookup_selectors.lookup_pin(code)},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert api.json()["code"] == "rate_limited"


def test_the_api_submits_and_lists_like_the_pages(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client, upload=False)
    refused = client.post(f"/api/v1/drafts/{public_id}/submit")
    assert refused.status_code == 422
    assert refused.json()["code"] == "incomplete"
    assert refused.json()["components"] == {"birth-certificate": "Hãy tải giấy tờ này lên."}
    assert refused.json()["fields"] == {}
    upload = client.post(
        f"/api/v1/drafts/{public_id}/components/birth-certificate/file",
        {"file": __import__("io").BytesIO(PDF)},
    )
    assert upload.status_code == 200, upload.content[:300]
    created = client.post(f"/api/v1/drafts/{public_id}/submit")
    assert created.status_code == 201, created.content[:500]
    body = created.json()
    assert CODE.match(body["code"])
    assert body["status"] == "received"
    assert body["channel"] == "online"
    assert body["lookup_pin"] == lookup_selectors.lookup_pin(body["code"])
    components = {c["id"]: c for c in body["components"]}
    assert components["requester-identity"]["provenance"] == "registry"
    assert components["requester-identity"]["registry_label"] == "Cơ sở dữ liệu quốc gia về dân cư"
    assert components["birth-certificate"]["provenance"] == "upload"
    assert body["entries"]["child_full_name"] == "Nguyễn Minh Khôi"
    listed = client.get("/api/v1/dossiers").json()
    assert [d["code"] for d in listed] == [body["code"]]
    assert listed[0]["status_label"] == body["status_label"] == "Đã tiếp nhận, đang giải quyết"
    assert client.get(f"/api/v1/dossiers/{body['code']}").json()["code"] == body["code"]
    # submitting again (a retried request) gives the same dossier, and no second one
    again = client.post(f"/api/v1/drafts/{public_id}/submit")
    assert again.status_code == 201
    assert again.json()["code"] == body["code"]
    assert Dossier.objects.count() == 1
    assert Event.objects.filter(type=DossierEvent.DOSSIER_SUBMITTED).count() == 1
    stranger = applicant_client(make_applicant("079190067890", "Trần Thị Bình", datetime.date(1990, 7, 9)))
    assert stranger.get(f"/api/v1/dossiers/{body['code']}").status_code == 404
    assert stranger.post(f"/api/v1/drafts/{public_id}/submit").status_code == 404  # not theirs
    assert stranger.get("/api/v1/dossiers").json() == []


def test_submitting_a_draft_that_is_not_there_or_not_ones_own_is_not_found(minh, exchange):
    client = applicant_client(minh)
    public_id = prepared_draft(client)
    assert client.post("/api/v1/drafts/not-a-uuid/submit").status_code == 404
    assert client.post("/api/v1/drafts/00000000-0000-0000-0000-000000000000/submit").status_code == 404
    stranger = applicant_client(make_applicant("079190067890", "Trần Thị Bình", datetime.date(1990, 7, 9)))
    assert stranger.post(f"/api/v1/drafts/{public_id}/submit").status_code == 404
    assert stranger.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "submit": "1"}).status_code == 404
    assert Draft.objects.filter(public_id=public_id).exists()
    assert not Dossier.objects.exists()


def test_province_level_procedures_go_to_the_province_from_any_of_its_communes(minh, exchange):
    """Two-level local government: a commune procedure goes to that commune's People's
    Committee; a province procedure (criminal-record certificate: the Department of Justice) is
    accepted from any commune and routed to the province of that commune."""
    actor = applicant_actor(minh)
    routed = {
        commune: draft_services.start_draft(
            actor=actor, procedure_code="criminal-record-certificate", commune_code=commune
        ).agency_code
        for commune in ("00004", "00025", "01273")
    }
    assert routed == {"00004": "STP.01", "00025": "STP.01", "01273": "STP.04"}
    commune_level = draft_services.start_draft(
        actor=actor, procedure_code="birth-registration", commune_code="00025"
    )
    assert commune_level.agency_code == "UBND.00025"
    with pytest.raises(MotcuaError) as unknown:
        draft_services.start_draft(actor=actor, procedure_code="birth-registration", commune_code="99999")
    assert unknown.value.message == "Hãy chọn xã, phường nơi nộp hồ sơ."


def test_the_english_receipt_is_in_english_and_marked_so(minh, exchange):
    """The receipt's text follows the reader's language, and so does its `lang`: only the national
    motto stays Vietnamese, marked `lang="vi"` (ADR 0038)."""
    client = applicant_client(minh)
    public_id = prepared_draft(client)
    code = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "submit": "1"})["Location"].split("/")[-2]
    receipt = text(client.get(f"/ho-so/{code}/giay-tiep-nhan/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in receipt
    assert 'class="official-form" lang="vi"' not in receipt
    assert '<p lang="vi"><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong>' in receipt
    assert "Birth registration" in receipt
    assert "Ủy ban nhân dân phường Ba Đình" not in receipt  # the agency's English name instead
    assert "People's Committee" in receipt.replace("&#x27;", "'")
    status = text(client.get(f"/ho-so/{code}/", HTTP_ACCEPT_LANGUAGE="en")).replace("&#x27;", "'")
    assert "People's Committee" in status


# Statements of each call of a whole online submission through the API, on PostgreSQL (ADR 0054;
# issue 16's target, ≤ 45 per submission, bench/profile_submissions.py). Savepoints are left out:
# here every transaction is one (the test runs in its own), in production they are BEGIN/COMMIT.
# A regression guard: a call that reads or writes once more fails here, not only in the benchmark.
STATEMENTS_PER_CALL = {"draft": 6, "consent": 13, "entries": 6, "upload": 9, "submit": 9}  # 43


def test_a_whole_online_submission_makes_the_statements_it_needs_and_no_more(minh, exchange):
    from django.test.utils import CaptureQueriesContext

    from motcua.core import refdata

    client = applicant_client(minh)
    refdata.clear()  # the fixtures' reference data counts as published: kept, as in a running process
    counted: dict[str, list[str]] = {}

    def call(label: str, method: str, url: str, **kwargs) -> dict:
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, **kwargs)
        assert response.status_code in (200, 201), response.content[:300]
        counted[label] = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
        return response.json()

    def submission() -> dict:
        draft = call(
            "draft",
            "post",
            "/api/v1/drafts",
            data={"procedure": "birth-registration", "commune_code": "00004"},
            content_type="application/json",
        )
        consent = call(
            "consent",
            "post",
            f"/api/v1/drafts/{draft['id']}/consent",
            data={"accept": ALL_DATA},
            content_type="application/json",
        )
        assert {c["id"]: c["state"] for c in consent["components"]}["requester-identity"] == "fetched"
        call(
            "entries",
            "put",
            f"/api/v1/drafts/{draft['id']}/entries",
            data={"values": BIRTH_FORM},
            content_type="application/json",
        )
        call(
            "upload",
            "post",
            f"/api/v1/drafts/{draft['id']}/components/birth-certificate/file",
            data={"file": __import__("io").BytesIO(PDF)},
        )
        return call("submit", "post", f"/api/v1/drafts/{draft['id']}/submit")

    first = submission()  # the session's actor, the process definition, the reference data: once
    dossier = submission()
    assert CODE.match(dossier["code"])
    assert int(CODE.match(dossier["code"]).group(2)) == int(CODE.match(first["code"]).group(2)) + 1
    assert dossier["notices"] == []
    assert Dossier.objects.count() == 2

    if connection.vendor != "postgresql":  # SQLite writes an audit entry and its event apart
        return
    made = {label: len(statements) for label, statements in counted.items()}
    assert made == STATEMENTS_PER_CALL, "\n".join(
        f"{label}:\n  " + "\n  ".join(s[:120] for s in statements) for label, statements in counted.items()
    )
