"""Dossiers received at the counter or by post: a reception officer identifies the person,
fills the form with them and scans the paper documents — through the back-office page and the
API, signing in through the real password + TOTP pages."""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client

from motcua.core.errors import Forbidden
from motcua.core.models import AuditEntry, Event
from motcua.core.types import EventType
from motcua.documents.models import StoredFile
from motcua.documents.storage import path_of
from motcua.dossiers.models import Dossier, DossierCounter, Provenance
from motcua.dossiers.services import counter as counter_services
from motcua.identity.models import Applicant, Role, User
from tests.documents import hostile
from tests.dossiers.conftest import MINH
from tests.identity.world import PDF, applicant_client, make_applicant, make_official, official_client

PERSON = ("001190012345", "Phạm Thị Hoa", "1990-05-17")  # born 1990, female: digit 4 is 1
BIRTH_FORM = {
    "child_full_name": "Phạm Gia Huy",
    "child_date_of_birth": "20/11/2026",
    "child_sex": "male",
    "child_place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    "requester_relationship": "mother",
    "requester_full_name": "Phạm Thị Hoa",
}
SCANNED = ["requester-identity", "parents-residence", "birth-certificate"]  # parents-marriage is optional
COUNTER_URL = "/can-bo/tiep-nhan/?agency=UBND.00004&procedure=birth-registration&channel=counter"
API_URL = "/api/v1/counter/dossiers"


def text(response) -> str:
    return response.content.decode()


def pdf(name: str = "ban-quet.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def officials(minh) -> dict[str, tuple[User, Client]]:
    """Reception officers of Ba Đình and Ngọc Hà, and a handler of Ba Đình (no reception role)."""
    made = {}
    for username, role, agency in [
        ("tiepnhan.badinh", Role.RECEPTION, "UBND.00004"),
        ("tiepnhan.ngocha", Role.RECEPTION, "UBND.00008"),
        ("chuyenvien.badinh", Role.HANDLER, "UBND.00004"),
    ]:
        user, key = make_official(username, [(role, agency)])
        made[username] = (user, official_client(username, key))
    return made


def page_form(
    client: Client, url: str = COUNTER_URL, person: tuple[str, str, str] = PERSON, check: str = "chip_card"
) -> dict:
    """What the officer posts: the key from the page, the person, the form, the scans."""
    page = text(client.get(url))
    key = re.search(r'name="counter-key" value="([0-9a-f-]{36})"', page)
    assert key, page[:2000]
    return {
        "counter-key": key.group(1),
        "applicant-personal_id": person[0],
        "applicant-full_name": person[1],
        "applicant-birth_date": person[2],
        "applicant-identity_check": check,
        **BIRTH_FORM,
        **{f"scan-{component}": pdf(f"{component}.pdf") for component in SCANNED},
    }


def state() -> tuple[int, ...]:
    return (
        Dossier.objects.count(),
        Applicant.objects.count(),
        StoredFile.objects.count(),
        DossierCounter.objects.count(),
        AuditEntry.objects.count(),
        Event.objects.count(),
    )


def stored_bytes(upload_dir: Path) -> list[Path]:
    return [path for path in upload_dir.rglob("*") if path.is_file()] if upload_dir.exists() else []


def test_a_reception_officer_receives_a_dossier_at_the_counter_with_scans(officials, settings):
    officer, client = officials["tiepnhan.badinh"]
    start = text(client.get("/can-bo/tiep-nhan/"))
    assert "Ủy ban nhân dân phường Ba Đình (UBND.00004)" in start
    assert '<option value="birth-registration">Đăng ký khai sinh</option>' in start
    assert "Trực tiếp tại Bộ phận Một cửa" in start
    assert "Qua dịch vụ bưu chính công ích" in start
    assert "Tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính" in text(client.get("/can-bo/"))
    form = page_form(client)
    response = client.post(COUNTER_URL, form)
    assert response.status_code == 302, text(response)[:3000]
    code = re.fullmatch(
        r"/can-bo/ho-so/(UBND\.00004-\d{6}-0001)/giay-tiep-nhan/", response["Location"]
    ).group(1)

    dossier = Dossier.objects.get(code=code)
    assert dossier.channel == "counter"
    assert dossier.received_by == officer
    assert dossier.identity_check == "chip_card"
    assert dossier.submission_key == uuid.UUID(form["counter-key"])
    assert dossier.commune_code == "00004"
    assert dossier.entries["child_date_of_birth"] == "2026-11-20"
    assert dossier.entries["requester_full_name"] == "Phạm Thị Hoa"
    person = dossier.applicant
    assert (person.personal_id, person.name, person.birthdate, person.user) == (
        PERSON[0],
        PERSON[1],
        datetime.date(1990, 5, 17),
        None,
    )
    assert dossier.submitted_by == person  # the person submits; the officer receives
    # the database itself refuses a counter dossier nobody received, or an online one with an officer
    for changes in ({"received_by": None}, {"identity_check": ""}, {"channel": "online"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Dossier.objects.filter(pk=dossier.pk).update(**changes)
    assert {cid: c["provenance"] for cid, c in dossier.components.items()} == {
        "requester-identity": Provenance.SCAN,
        "parents-marriage": Provenance.NONE,
        "parents-residence": Provenance.SCAN,
        "birth-certificate": Provenance.SCAN,
    }
    scans = StoredFile.objects.filter(public_id__in=[dossier.components[c]["file"] for c in SCANNED])
    assert sorted(scan.original_name for scan in scans) == sorted(f"{c}.pdf" for c in SCANNED)
    for scan in scans:
        assert (scan.owner, scan.scanned_by, scan.uploaded_by) == (person, officer, None)
        assert path_of(scan.storage_name).read_bytes() == PDF
    assert {dossier.components[c]["scanned_by"] for c in SCANNED} == {officer.pk}

    # the audit names the official and the channel; the event carries what Decision 766 counts
    audit = AuditEntry.objects.get(type=EventType.DOSSIER_SUBMITTED, subject_id=code)
    assert (audit.actor_kind, audit.actor_id, audit.actor_agency_code) == (
        "official",
        f"user:{officer.pk}",
        "UBND.00004",
    )
    assert audit.changes["channel"] == [None, "counter"]
    assert audit.changes["received_by"] == [None, f"user:{officer.pk}"]
    event = Event.objects.get(type=EventType.DOSSIER_SUBMITTED, subject_id=code)
    assert event.payload["channel"] == "counter"
    assert event.payload["scanned"] == 3
    assert event.payload["uploaded"] == event.payload["reused_from_registries"] == 0
    assert event.payload["identity_check"] == "chip_card"
    assert event.payload["eid_assurance_level"] is None
    assert AuditEntry.objects.filter(type=EventType.FILE_SCANNED, actor_id=f"user:{officer.pk}").count() == 3
    registered = AuditEntry.objects.get(type=EventType.APPLICANT_REGISTERED, subject_id=str(person.public_id))
    assert registered.actor_id == f"user:{officer.pk}"

    # the receipt to print and hand over, and the official's page
    receipt = text(client.get(response["Location"]))
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        code,
        "Phạm Thị Hoa",
        "Trực tiếp tại Bộ phận Một cửa",
        "Đã đọc chip căn cước",
        '<strong id="receipt-received-by">Cán bộ tiepnhan.badinh</strong>',
    ):
        assert expected in receipt, expected
    page = text(client.get(f"/can-bo/ho-so/{code}/"))
    assert '<span id="dossier-channel">Trực tiếp tại Bộ phận Một cửa</span>' in page
    assert '<dd id="dossier-received-by">Cán bộ tiepnhan.badinh</dd>' in page
    assert page.count("Số hóa tại bộ phận một cửa") == 3
    assert page.count('<span class="scanned-by">số hóa bởi Cán bộ tiepnhan.badinh</span>') == 3
    scan_url = f"/can-bo/ho-so/{code}/tep-tin/{dossier.components['birth-certificate']['file']}/"
    assert f'href="{scan_url}"' in page
    assert b"".join(client.get(scan_url).streaming_content) == PDF
    assert officials["tiepnhan.ngocha"][1].get(scan_url).status_code == 404

    # the same form sent again (a double click, a retry) leads to the same dossier
    before = state()
    again = client.post(COUNTER_URL, {**form, **{f"scan-{c}": pdf() for c in SCANNED}})
    assert again["Location"] == response["Location"]
    assert state() == before
    assert len(stored_bytes(settings.MOTCUA_UPLOAD_DIR)) == 3

    # the person signs in later with that ID number: the dossier and its scans are theirs
    own = applicant_client(make_applicant(PERSON[0], PERSON[1], datetime.date(1990, 5, 17)))
    assert f'href="/ho-so/{code}/"' in text(own.get("/ho-so/"))
    status = text(own.get(f"/ho-so/{code}/"))
    assert '<span id="dossier-channel">Trực tiếp tại Bộ phận Một cửa</span>' in status
    assert "số hóa bởi Cán bộ tiepnhan.badinh" in status
    download = own.get(f"/tep-tin/{dossier.components['birth-certificate']['file']}/")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


def test_mistakes_are_marked_next_to_their_fields_and_nothing_is_kept(officials, settings):
    _officer, client = officials["tiepnhan.badinh"]
    form = page_form(client, person=("00119001234", "", "1991-05-17"))
    form["child_full_name"] = ""
    del form["scan-birth-certificate"]
    before = state()
    response = client.post(COUNTER_URL, form)
    assert response.status_code == 400
    page = text(response)
    assert re.search(r'id="error-applicant-personal_id"[^>]*>Số định danh cá nhân gồm 12 chữ số', page)
    assert re.search(r'id="error-applicant-full_name"[^>]*>Trường này là bắt buộc', page)
    assert re.search(r'id="error-child_full_name"[^>]*>Trường này là bắt buộc', page)
    assert re.search(r'id="component-error-birth-certificate"[^>]*>Hãy quét giấy tờ này', page)
    assert 'value="Bệnh viện Phụ sản Hà Nội"' in page  # what was typed is still there
    assert state() == before
    # the birth year must be the one the ID number encodes
    form = page_form(client, person=(PERSON[0], PERSON[1], "1991-05-17"))
    page = text(client.post(COUNTER_URL, form))
    assert re.search(
        r'id="error-applicant-birth_date"[^>]*>Theo số định danh cá nhân, người này sinh năm 1990', page
    )
    # one scan that is not a PDF, PNG or JPEG: the good ones are not kept either
    form = page_form(client)
    form["scan-birth-certificate"] = pdf("giay-chung-sinh.pdf", b"#!/bin/sh\necho hi\n")
    response = client.post(COUNTER_URL, form)
    assert response.status_code == 400
    assert re.search(
        r'id="component-error-birth-certificate"[^>]*>Chỉ nhận tệp PDF, PNG và JPEG', text(response)
    )
    assert state() == before
    assert stored_bytes(settings.MOTCUA_UPLOAD_DIR) == []


def test_the_identity_must_match_the_person_on_record(officials, minh):
    _officer, client = officials["tiepnhan.badinh"]
    before = state()
    form = page_form(client, person=(MINH[0], "Nguyễn Văn Mạnh", MINH[2].isoformat()))
    response = client.post(COUNTER_URL, form)
    assert response.status_code == 400
    assert re.search(r'id="error-applicant-full_name"[^>]*>Họ tên hoặc ngày sinh khác', text(response))
    assert state() == before
    # the right name (in any case and spacing) reuses the applicant: Minh sees the dossier
    form = page_form(client, person=(MINH[0], "  nguyễn văn  MINH ", MINH[2].isoformat()), check="paper_id")
    response = client.post(COUNTER_URL, form)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant.user == minh
    assert dossier.applicant.name == MINH[1]
    assert Applicant.objects.count() == before[1]
    assert dossier.code in text(applicant_client(minh).get("/ho-so/"))


def api_form(key: str, **changes) -> dict:
    return {
        "key": key,
        "procedure": "birth-registration",
        "channel": "post",
        "personal_id": PERSON[0],
        "full_name": PERSON[1],
        "birth_date": "17/05/1990",
        "identity_check": "post_copy",
        "entries": '{"child_full_name": "Phạm Gia Huy", "child_date_of_birth": "2026-11-20", '
        '"child_sex": "male", "child_place_of_birth": "Nhà riêng", "requester_relationship": "mother"}',
        "scan_components": SCANNED,
        "scans": [pdf(f"{component}.pdf") for component in SCANNED],
        **changes,
    }


def test_a_dossier_by_post_through_the_api_and_its_retry(officials):
    officer, client = officials["tiepnhan.badinh"]
    key = str(uuid.uuid4())
    response = client.post(API_URL, api_form(key))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["channel"] == "post"
    assert body["agency_code"] == "UBND.00004"
    assert body["received_by"] == "Cán bộ tiepnhan.badinh"
    assert body["identity_check"] == "post_copy"
    scanned = {c["id"]: (c["provenance"], c["scanned_by"]) for c in body["components"]}
    assert scanned["birth-certificate"] == ("scan", "Cán bộ tiepnhan.badinh")
    assert scanned["parents-marriage"] == ("none", "")
    assert [entry["what"] for entry in body["history"]] == ["Nộp và tiếp nhận hồ sơ"]
    event = Event.objects.get(type=EventType.DOSSIER_SUBMITTED, subject_id=body["code"])
    assert event.payload["channel"] == "post"
    assert event.actor_id == f"user:{officer.pk}"
    # retried with the same key: the same dossier, nothing new
    before = state()
    again = client.post(API_URL, api_form(key))
    assert again.status_code == 201
    assert again.json()["code"] == body["code"]
    assert state() == before
    # a post dossier is identified by the enclosed copy; every problem is listed, nothing kept
    refused = client.post(
        API_URL,
        api_form(str(uuid.uuid4()), identity_check="chip_card", entries="{}", scan_components=[], scans=[]),
    )
    assert refused.status_code == 422
    problems = refused.json()
    assert problems["code"] == "incomplete"
    assert problems["person"] == {
        "identity_check": "Hồ sơ gửi qua bưu chính được xác định bằng bản sao căn cước gửi kèm."
    }
    assert set(problems["fields"]) == {
        "child_full_name",
        "child_date_of_birth",
        "child_sex",
        "child_place_of_birth",
        "requester_relationship",
    }
    assert set(problems["components"]) == {"requester-identity", "parents-residence", "birth-certificate"}
    assert state() == before
    # scans and their components must pair up; the entries must be a JSON object
    assert client.post(API_URL, api_form(str(uuid.uuid4()), scan_components=SCANNED[:1])).status_code == 400
    assert client.post(API_URL, api_form(str(uuid.uuid4()), entries="[1]")).status_code == 400
    # a key another officer used is not theirs to replay
    _other, ngoc_ha = officials["tiepnhan.ngocha"]
    reused = ngoc_ha.post(API_URL, api_form(key, agency="UBND.00008"))
    assert reused.status_code == 400
    assert state() == before


def test_only_reception_officers_of_the_agency_may_receive(officials, minh):
    before = state()
    _user, ngoc_ha = officials["tiepnhan.ngocha"]
    _user, handler = officials["chuyenvien.badinh"]
    # another commune's reception officer: Ba Đình is not theirs (404), nor its commune (422)
    assert ngoc_ha.post(API_URL, api_form(str(uuid.uuid4()), agency="UBND.00004")).status_code == 404
    assert ngoc_ha.post(COUNTER_URL, page_form(officials["tiepnhan.badinh"][1])).status_code == 404
    wrong_commune = ngoc_ha.post(API_URL, api_form(str(uuid.uuid4()), commune_code="00004"))
    assert wrong_commune.status_code == 422
    assert wrong_commune.json()["person"] == {
        "commune_code": "Cơ quan của bạn chỉ tiếp nhận hồ sơ của xã, phường mình."
    }
    # a handler without the reception role, an applicant, nobody: refused
    assert handler.get("/can-bo/tiep-nhan/").status_code == 403
    assert handler.post(API_URL, api_form(str(uuid.uuid4()))).status_code == 403
    assert "tiep-nhan" not in text(handler.get("/can-bo/"))
    assert applicant_client(minh).post(API_URL, api_form(str(uuid.uuid4()))).status_code == 403
    assert applicant_client(minh).get("/can-bo/tiep-nhan/").status_code == 403
    assert Client().post(API_URL, api_form(str(uuid.uuid4()))).status_code == 401
    assert state() == before
    with pytest.raises(Forbidden):
        counter_services.reception_agencies(None)


def test_registry_only_data_cannot_be_replaced_by_a_scan(officials):
    """A province agency receives from any commune of its province, which must be named; a
    judicial record can only come from its registry, so the counter cannot take it yet."""
    _user, key = make_official("tiepnhan.stp", [(Role.RECEPTION, "STP.01")])
    client = official_client("tiepnhan.stp", key)
    before = state()
    response = client.post(
        API_URL,
        api_form(
            str(uuid.uuid4()),
            procedure="criminal-record-certificate",
            scan_components=["judicial-record"],
            scans=[pdf()],
        ),
    )
    assert response.status_code == 422, response.json()
    problems = response.json()
    assert problems["person"]["commune_code"] == "Hãy chọn xã, phường nơi người đó nộp hồ sơ."
    assert problems["components"]["judicial-record"].startswith("Dữ liệu này chỉ có thể lấy từ cơ sở dữ liệu")
    assert state() == before


def test_a_scan_with_active_content_is_refused_or_cleaned_page_and_api(officials, settings):
    """A PDF handed in at the counter (from a USB stick, an e-mail) gets the same check as an
    upload: a Launch action is refused and named next to its document, nothing kept; a script
    is taken out and both hashes stay in the scan's audit record."""
    _officer, client = officials["tiepnhan.badinh"]
    form = page_form(client)
    form["scan-birth-certificate"] = pdf("giay-chung-sinh.pdf", hostile.launch_action())
    before = state()
    response = client.post(COUNTER_URL, form)
    assert response.status_code == 400
    assert re.search(
        r'id="component-error-birth-certificate"[^>]*>Tệp PDF bị từ chối vì chứa lệnh khởi chạy chương trình '
        r"hoặc mở tệp khác \(Launch\)",
        text(response),
    )
    assert state() == before
    assert stored_bytes(settings.MOTCUA_UPLOAD_DIR) == []
    # through the API, a decompression bomb
    refused = client.post(
        API_URL,
        api_form(str(uuid.uuid4()), scans=[pdf(f"{c}.pdf", hostile.decompression_bomb()) for c in SCANNED]),
    )
    assert refused.status_code == 422
    assert all(m.startswith("Tệp PDF chứa hơn 256 MB") for m in refused.json()["components"].values())
    assert state() == before
    # a script: received without it
    original = hostile.javascript_open_action()
    form = page_form(client)
    form["scan-birth-certificate"] = pdf("giay-chung-sinh.pdf", original)
    response = client.post(COUNTER_URL, form, follow=True)
    assert "gỡ bỏ mã JavaScript, hành động tự chạy khi mở tệp (OpenAction)" in text(response)
    dossier = Dossier.objects.latest("pk")
    entry = dossier.components["birth-certificate"]
    assert entry["removed_content"] == ["javascript", "open_action"]
    scan = StoredFile.objects.get(public_id=entry["file"])
    audit = AuditEntry.objects.get(type=EventType.FILE_SCANNED, subject_id=str(scan.public_id))
    assert audit.changes["original_sha256"] == [None, hashlib.sha256(original).hexdigest()]
    assert audit.changes["sha256"] == [
        None,
        hashlib.sha256(path_of(scan.storage_name).read_bytes()).hexdigest(),
    ]
    assert audit.changes["sha256"] != audit.changes["original_sha256"]
    assert b"app.alert" not in path_of(scan.storage_name).read_bytes()
