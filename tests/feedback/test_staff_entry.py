"""Petitions received by letter, by phone or in person, entered by an official of the agency on
the petitioner's behalf: the channel and the official recorded, the scans kept under the upload
rules, the same steps and deadlines as online, the petitioner following it with code and key."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.core.errors import Forbidden
from motcua.core.models import AuditEntry, Event
from motcua.feedback.events import FeedbackEvent
from motcua.feedback.models import Petition, PetitionScan
from motcua.feedback.services import entry
from motcua.feedback.services import petitions as services
from tests.identity.world import AGENCY_A, AGENCY_B, PDF, applicant_client, official_client

pytestmark = pytest.mark.django_db


def _form(**values: object) -> dict[str, object]:
    return {
        "submission_key": str(uuid.uuid4()),
        "agency_code": AGENCY_A,
        "channel": "letter",
        "category": "conduct",
        "subject": "Cán bộ hẹn nhiều lần",
        "content": "Ông Lê Văn Tư gửi thư phản ánh cán bộ hẹn lại ba lần.",
        "contact_name": "Lê Văn Tư",
        "contact_phone": "0987 111 222",
        **values,
    }


def test_an_official_enters_a_letter_with_its_scan_and_it_follows_the_same_steps(people):
    client = official_client(people.users["reception"].username, people.keys["reception"])
    inbox = client.get("/can-bo/phan-anh-kien-nghi/")
    assert "/can-bo/phan-anh-kien-nghi/ghi-nhan/" in inbox.content.decode()
    # a refusal keeps what was typed: no channel chosen, a file that is not a PDF or an image
    refused = client.post(
        "/can-bo/phan-anh-kien-nghi/ghi-nhan/",
        {**_form(channel=""), "attachments": SimpleUploadedFile("thu.txt", b"plain text")},
    )
    assert refused.status_code == 422
    assert 'href="#field-channel"' in refused.content.decode()
    assert 'value="Cán bộ hẹn nhiều lần"' in refused.content.decode()
    not_a_scan = client.post(
        "/can-bo/phan-anh-kien-nghi/ghi-nhan/",
        {**_form(), "attachments": SimpleUploadedFile("thu.txt", b"plain text")},
    )
    assert not_a_scan.status_code == 422
    assert 'href="#field-attachments"' in not_a_scan.content.decode()
    assert not Petition.objects.exists()
    assert not PetitionScan.objects.exists()

    done = client.post(
        "/can-bo/phan-anh-kien-nghi/ghi-nhan/",
        {
            **_form(),
            "attachments": SimpleUploadedFile("thu-phan-anh.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert done.status_code == 200
    petition = Petition.objects.get()
    key = done.context["key"]
    assert key
    assert petition.code in done.content.decode()
    assert (petition.channel, petition.entered_by_id, petition.agency_code) == (
        "letter",
        people.users["reception"].pk,
        AGENCY_A,
    )
    assert petition.applicant_id is None
    assert petition.contact_name == "Lê Văn Tư"
    [scan] = petition.scans.all()
    assert scan.original_name == "thu-phan-anh.pdf"
    assert scan.content_type == "application/pdf"
    # the audit names the official; the event carries the channel
    event = Event.objects.get(type=FeedbackEvent.PETITION_RECEIVED, subject_id=petition.code)
    assert event.payload["channel"] == "letter"
    audit = AuditEntry.objects.get(type=FeedbackEvent.PETITION_RECEIVED, subject_id=petition.code)
    assert (audit.actor_kind, audit.actor_id) == ("official", f"user:{people.users['reception'].pk}")
    assert audit.changes["scans"] == [None, ["thu-phan-anh.pdf"]]
    # the agency reads it with its channel and the scan; another agency does not
    page = client.get(f"/can-bo/phan-anh-kien-nghi/{petition.code}/")
    assert "thu-phan-anh.pdf" in page.content.decode()
    assert 'id="petition-channel"' in page.content.decode()
    assert (
        client.get(f"/can-bo/phan-anh-kien-nghi/{petition.code}/tep-tin/{scan.public_id}/").status_code == 200
    )
    other = official_client(people.users["reception_b"].username, people.keys["reception_b"])
    assert (
        other.get(f"/can-bo/phan-anh-kien-nghi/{petition.code}/tep-tin/{scan.public_id}/").status_code == 404
    )
    # the same steps and time limits: the petitioner answers with the code and key
    assert petition.due_on is not None
    assert petition.clock_started_on == datetime.date.today()
    services.request_information(actor=people.official("handler"), code=petition.code, question="Ngày nào?")
    followed = Client().post("/phan-anh-kien-nghi/tra-cuu/", {"code": petition.code, "key": key})
    assert "Ngày nào?" in followed.content.decode()
    services.provide_information(actor=None, code=petition.code, information="Ngày 2/12.", access_key=key)
    assert services.answer_petition(
        actor=people.official("handler"), code=petition.code, answer="Đã nhắc nhở."
    )


def test_entry_is_for_the_officials_own_agency_and_roles_and_through_the_api(people):
    # another agency's officer cannot enter for agency A; a supervisor holds no entry role
    with pytest.raises(Forbidden):
        entry.record_petition(
            actor=people.official("reception_b"),
            agency_code=AGENCY_A,
            channel="phone",
            category="procedure",
            subject="Thủ tục rườm rà",
            content="Bà Hoa phản ánh thủ tục cần quá nhiều bản sao giấy tờ.",
            contact_name="Phạm Thị Hoa",
            contact_phone="0987 654 321",
        )
    supervisor = official_client(people.users["supervisor"].username, people.keys["supervisor"])
    assert supervisor.get("/can-bo/phan-anh-kien-nghi/ghi-nhan/").status_code == 403
    assert applicant_client(people.an).get("/can-bo/phan-anh-kien-nghi/ghi-nhan/").status_code in {302, 403}
    # a phone call through the API: no scan allowed, idempotent by its key
    handler = official_client(people.users["handler_b"].username, people.keys["handler_b"])
    body = _plain(agency_code=AGENCY_B, channel="phone")
    key = str(uuid.uuid4())
    first = handler.post("/api/v1/officials/petitions", {**body, "submission_key": key})
    assert first.status_code == 200, first.content
    again = handler.post("/api/v1/officials/petitions", {**body, "submission_key": key})
    assert again.json()["code"] == first.json()["code"]
    assert again.json()["access_key"] == ""
    assert Petition.objects.get(code=first.json()["code"]).channel == "phone"
    scanned_call = handler.post(
        "/api/v1/officials/petitions",
        {**body, "attachments": SimpleUploadedFile("ghi-am.pdf", PDF, content_type="application/pdf")},
    )
    assert scanned_call.status_code == 422
    assert "attachments" in scanned_call.json()["fields"]
    wrong_agency = handler.post("/api/v1/officials/petitions", _plain(agency_code=AGENCY_A))
    assert (wrong_agency.status_code, wrong_agency.json()["code"]) == (403, "forbidden")
    assert Petition.objects.count() == 1


def _plain(**values: str) -> dict[str, str]:
    return {
        "agency_code": AGENCY_A,
        "channel": "in_person",
        "category": "procedure",
        "subject": "Thủ tục rườm rà",
        "content": "Bà Hoa đến trụ sở phản ánh thủ tục cần quá nhiều bản sao giấy tờ.",
        "contact_name": "Phạm Thị Hoa",
        "contact_phone": "0987 654 321",
        **values,
    }
