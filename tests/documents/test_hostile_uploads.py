"""Hostile PDFs through the real endpoints, as applicants, officials and anonymous verifiers send
them: the applicant's files (page and API), a draft's component (page and API), the answer to a
supplement request (page and API), and the public verifier (page and API). Refused files leave
nothing behind and the draft as it was; cleaned ones keep both hashes in the audit record; a
normal PDF and a signed result pass byte for byte. Messages are checked in Vietnamese, the
platform's default language. (Counter scans: ``tests/dossiers/test_counter.py``.)"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.core.models import AuditEntry, Event
from motcua.core.types import EventType
from motcua.documents import storage
from motcua.documents.models import StoredFile
from motcua.dossiers.models import Draft
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity.models import Role
from tests.documents import hostile
from tests.documents.test_results import file_bytes, issued, office  # noqa: F401
from tests.identity.world import (
    AGENCY_A,
    BIRTH_ENTRIES,
    PDF,
    applicant_actor,
    applicant_client,
    complete_birth_draft,
    make_official,
    official_client,
)

REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "launch": (hostile.launch_action, "lệnh khởi chạy chương trình hoặc mở tệp khác (Launch)"),
    "embedded": (hostile.embedded_file, "tệp đính kèm nhúng bên trong"),
    "xfa": (hostile.xfa_form, "biểu mẫu XFA"),
}
BOMB_MESSAGE = "Tệp PDF chứa hơn 256 MB dữ liệu sau khi giải nén"
JS_NOTICE = (
    "Tệp đã được nhận sau khi nền tảng gỡ bỏ mã JavaScript, hành động tự chạy khi mở tệp (OpenAction). "
    "Mọi nội dung khác của tệp được giữ nguyên."
)
AA_NOTICE = "gỡ bỏ mã JavaScript, hành động tự chạy trên trang, trường nhập liệu hoặc chú thích (AA)"


def _file(data: bytes, name: str = "giay-to.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _kept() -> tuple[int, int, int, int]:
    root = storage.upload_root()
    on_disk = sum(1 for path in root.rglob("*") if path.is_file())
    return StoredFile.objects.count(), AuditEntry.objects.count(), Event.objects.count(), on_disk


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _active_content(data: bytes) -> set[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        keys: set[str] = set()
        for item in pdf.objects:
            if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                keys |= set(item.keys()) & {"/OpenAction", "/AA", "/JS", "/JavaScript"}
        return keys


# --- The applicant's files ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_the_files_api_refuses_launch_embedded_files_and_xfa_and_keeps_nothing(office, kind):  # noqa: F811
    build, named = REFUSED[kind]
    client = applicant_client(office.applicant)
    before = _kept()
    response = client.post("/api/v1/files", {"file": _file(build())})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "pdf_refused"
    assert body["message"].startswith("Tệp PDF bị từ chối vì chứa ")
    assert named in body["message"]
    assert _kept() == before


def test_the_files_api_refuses_the_decompression_bomb(office):  # noqa: F811
    client = applicant_client(office.applicant)
    before = _kept()
    response = client.post("/api/v1/files", {"file": _file(hostile.decompression_bomb(512))})
    assert response.status_code == 400
    assert response.json()["code"] == "pdf_refused"
    assert response.json()["message"].startswith(BOMB_MESSAGE)
    assert _kept() == before


def test_the_files_api_removes_javascript_and_the_audit_record_keeps_both_hashes(office):  # noqa: F811
    original = hostile.javascript_open_action()
    client = applicant_client(office.applicant)
    response = client.post("/api/v1/files", {"file": _file(original)})
    assert response.status_code == 201
    body = response.json()
    assert body["removed_content"] == ["javascript", "open_action"]
    assert body["notice"] == JS_NOTICE
    assert body["original_sha256"] == _sha(original)
    download = client.get(f"/api/v1/files/{body['id']}")
    stored = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert body["sha256"] == _sha(stored) != _sha(original)
    assert _active_content(stored) == set()
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert pdf.pages[0].Contents.read_bytes() == hostile.PAGE_TEXT
    entry = AuditEntry.objects.get(type=EventType.FILE_UPLOADED, subject_id=body["id"])
    assert entry.changes["original_sha256"] == [None, _sha(original)]
    assert entry.changes["sha256"] == [None, _sha(stored)]
    assert entry.changes["removed_content"] == [None, ["javascript", "open_action"]]
    record = StoredFile.objects.get(public_id=body["id"])
    assert (record.original_sha256, record.sha256, record.removed_content) == (
        _sha(original),
        _sha(stored),
        ["javascript", "open_action"],
    )


def test_a_normal_pdf_and_a_signed_result_pass_unchanged(office, issued):  # noqa: F811
    _dossier, result = issued
    signed = file_bytes(result)
    client = applicant_client(office.applicant)
    for data in (hostile.plain(), PDF, signed):
        body = client.post("/api/v1/files", {"file": _file(data)}).json()
        assert body["sha256"] == body["original_sha256"] == _sha(data)
        assert (body["removed_content"], body["notice"]) == ([], "")
        download = client.get(f"/api/v1/files/{body['id']}")
        assert b"".join(download.streaming_content) == data  # type: ignore[attr-defined]
    # the result, re-uploaded from the wallet, still verifies as the agency signed it
    assert StoredFile.objects.get(public_id=body["id"]).signature["status"] == "valid"


def test_the_my_space_page_says_what_was_removed_or_refused(office):  # noqa: F811
    client = applicant_client(office.applicant)
    page = client.post("/ca-nhan/tep-tin/", {"file": _file(hostile.page_additional_action())}, follow=True)
    text = page.content.decode()
    assert "Đã tải tệp lên." in text
    assert AA_NOTICE in text
    before = _kept()
    page = client.post("/ca-nhan/tep-tin/", {"file": _file(hostile.xfa_form())}, follow=True)
    assert "Tệp PDF bị từ chối vì chứa biểu mẫu XFA." in page.content.decode()
    assert _kept() == before


# --- A draft's components ------------------------------------------------------------------------


def _draft(office) -> tuple[Client, Draft]:  # noqa: F811
    actor = applicant_actor(office.applicant)
    draft = draft_services.start_draft(actor=actor, procedure_code="birth-registration", commune_code="00004")
    draft_services.give_consent(actor=actor, public_id=str(draft.public_id), accepted=[])
    draft, _errors = draft_services.save_entries(
        actor=actor, public_id=str(draft.public_id), values=BIRTH_ENTRIES
    )
    return applicant_client(office.applicant), draft


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_a_refused_file_on_the_draft_page_loses_nothing(office, kind):  # noqa: F811
    build, named = REFUSED[kind]
    client, draft = _draft(office)
    url = f"/ho-so-nhap/{draft.public_id}/thanh-phan/birth-certificate/"
    before = _kept()
    page = client.post(url, {"file": _file(build())}, follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert named in text
    assert "Tệp PDF bị từ chối vì chứa" in text
    assert BIRTH_ENTRIES["child_full_name"] in text  # what the applicant typed is still there
    kept = Draft.objects.get(pk=draft.pk)
    assert kept.entries == draft.entries
    assert kept.components == draft.components
    assert _kept() == before


def test_the_draft_api_refuses_a_bomb_and_cleans_page_actions(office):  # noqa: F811
    client, draft = _draft(office)
    url = f"/api/v1/drafts/{draft.public_id}/components/birth-certificate/file"
    refused = client.post(url, {"file": _file(hostile.decompression_bomb(512))})
    assert refused.status_code == 400
    assert refused.json()["code"] == "pdf_refused"
    assert refused.json()["message"].startswith(BOMB_MESSAGE)
    assert Draft.objects.get(pk=draft.pk).components == draft.components
    accepted = client.post(url, {"file": _file(hostile.page_additional_action())})
    assert accepted.status_code == 200
    (component,) = [c for c in accepted.json()["components"] if c["id"] == "birth-certificate"]
    assert component["state"] == "uploaded"
    assert component["removed_content"] == ["javascript", "additional_actions"]
    assert AA_NOTICE in component["notice"]
    # the draft page tells the applicant too
    page = client.get(f"/ho-so-nhap/{draft.public_id}/").content.decode()
    assert AA_NOTICE in page


def test_the_draft_page_upload_says_what_was_removed(office):  # noqa: F811
    client, draft = _draft(office)
    url = f"/ho-so-nhap/{draft.public_id}/thanh-phan/birth-certificate/"
    page = client.post(url, {"file": _file(hostile.javascript_open_action())}, follow=True)
    assert JS_NOTICE in page.content.decode()
    entry = Draft.objects.get(pk=draft.pk).components["birth-certificate"]
    assert entry["removed_content"] == ["javascript", "open_action"]
    stored = StoredFile.objects.get(public_id=entry["file"])
    assert _active_content(storage.path_of(stored.storage_name).read_bytes()) == set()


# --- The answer to a supplement request ------------------------------------------------------------


def _asked_for_the_birth_certificate(office) -> str:  # noqa: F811
    actor = applicant_actor(office.applicant)
    dossier = submission_services.submit_draft(
        actor=actor, public_id=str(complete_birth_draft(actor).public_id)
    )
    processing_services.decide(actor=office.official("reception"), code=dossier.code, decision="accept")
    processing_services.decide(
        actor=office.official("handler"),
        code=dossier.code,
        decision="supplement",
        reason="Giấy chứng sinh không đọc được.",
        items=[{"component": "birth-certificate"}],
    )
    return dossier.code


def test_a_supplement_with_an_embedded_file_is_refused_and_one_with_javascript_cleaned(office):  # noqa: F811
    code = _asked_for_the_birth_certificate(office)
    client = applicant_client(office.applicant)
    page = client.post(f"/ho-so/{code}/bo-sung/", {"file-birth-certificate": _file(hostile.embedded_file())})
    assert page.status_code == 400
    assert "Tệp PDF bị từ chối vì chứa tệp đính kèm nhúng bên trong." in page.content.decode()
    api = client.post(
        f"/api/v1/dossiers/{code}/supplement", {"birth-certificate": _file(hostile.launch_action())}
    )
    assert api.status_code == 422
    assert "(Launch)" in api.json()["components"]["birth-certificate"]
    assert client.get(f"/api/v1/dossiers/{code}").json()["status"] == "supplement_requested"
    # now a file with a script: accepted without it, and the official is told
    done = client.post(
        f"/ho-so/{code}/bo-sung/",
        {"file-birth-certificate": _file(hostile.javascript_open_action())},
        follow=True,
    )
    assert JS_NOTICE in done.content.decode()
    (component,) = [
        c
        for c in client.get(f"/api/v1/dossiers/{code}").json()["components"]
        if c["id"] == "birth-certificate"
    ]
    assert component["removed_content"] == ["javascript", "open_action"]
    _user, key = make_official("xem.kq", [(Role.HANDLER, AGENCY_A)])
    official = official_client("xem.kq", key)
    assert JS_NOTICE in official.get(f"/can-bo/ho-so/{code}/").content.decode()


# --- The public verifier ------------------------------------------------------------------------------


def test_the_verifier_refuses_a_bomb_before_reading_it_and_checks_the_rest(issued):  # noqa: F811
    _dossier, result = issued
    client = Client()
    bomb = hostile.decompression_bomb(512)
    api = client.post("/api/v1/verify", {"file": _file(bomb)})
    assert api.status_code == 400
    assert api.json()["code"] == "pdf_refused"
    assert api.json()["message"].startswith(BOMB_MESSAGE)
    page = client.post("/xac-minh/", {"file": _file(bomb)})
    assert page.status_code == 400
    assert BOMB_MESSAGE in page.content.decode()
    # active content is no concern of the verifier: nothing is kept or handed on
    body = client.post("/api/v1/verify", {"file": _file(hostile.javascript_open_action())}).json()
    assert body["verdict"] == "unsigned"
    assert client.post("/api/v1/verify", {"file": _file(file_bytes(result))}).json()["verdict"] == "valid"
