"""The petition pages: someone not signed in sends one with a contact (nothing lost on an
error), follows it with its code and key and answers the agency's question; officials see it
in their inbox with its deadline and take its steps; the public reads the masked answer and
marks it, once per reader and within the rate limit."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from motcua.feedback.models import Petition
from motcua.feedback.services import petitions as services
from tests.identity.world import applicant_client, official_client

pytestmark = pytest.mark.django_db


def test_anonymous_send_follow_answer_publish_and_mark(people, settings):
    person = Client()
    page = person.get("/phan-anh-kien-nghi/gui/?province=01")
    assert page.status_code == 200
    key = page.context["submission_key"]
    form = {
        "submission_key": str(key),
        "category": "conduct",
        "subject": "Cán bộ hẹn nhiều lần",
        "content": "",
        "commune_code": "00004",
        "contact_name": "Phạm Thị Hoa",
        "contact_phone": "0987 654 321",
    }
    refused = person.post("/phan-anh-kien-nghi/gui/", form)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert 'href="#field-content"' in body
    assert 'value="Cán bộ hẹn nhiều lần"' in body  # nothing lost
    form["content"] = "Chị Phạm Thị Hoa bị cán bộ hẹn lại ba lần, gọi 0987654321."
    sent = person.post("/phan-anh-kien-nghi/gui/", form)
    assert sent.status_code == 200
    petition = Petition.objects.get()
    access_key = sent.context["key"]
    assert petition.code in sent.content.decode()
    assert person.post("/phan-anh-kien-nghi/gui/", form).status_code == 200  # the same send again
    assert Petition.objects.count() == 1

    handler = official_client("handler.feedback", people.keys["handler"])
    inbox = handler.get("/can-bo/phan-anh-kien-nghi/").content.decode()
    assert petition.code in inbox
    assert (
        handler.post(
            f"/can-bo/phan-anh-kien-nghi/{petition.code}/buoc/",
            {"step": "request_information", "question": ""},
        ).status_code
        == 422
    )
    handler.post(
        f"/can-bo/phan-anh-kien-nghi/{petition.code}/buoc/",
        {"step": "request_information", "question": "Cho biết ngày đến quầy."},
    )
    assert "Tạm dừng" in handler.get("/can-bo/phan-anh-kien-nghi/").content.decode()
    wrong = person.post("/phan-anh-kien-nghi/tra-cuu/", {"code": petition.code, "key": "sai"})
    assert wrong.status_code == 404
    followed = person.post("/phan-anh-kien-nghi/tra-cuu/", {"code": petition.code, "key": access_key})
    assert "Cho biết ngày đến quầy." in followed.content.decode()
    person.post(
        f"/phan-anh-kien-nghi/{petition.code}/bo-sung/",
        {"key": access_key, "information": "Ngày 3/8 và 10/8."},
    )
    assert Petition.objects.get().status == "received"
    handler.post(
        f"/can-bo/phan-anh-kien-nghi/{petition.code}/buoc/",
        {"step": "answer", "answer": "Đã nhắc nhở cán bộ tiếp nhận."},
    )
    approver = official_client("approver.feedback", people.keys["approver"])
    preview = approver.get(f"/can-bo/phan-anh-kien-nghi/{petition.code}/").content.decode()
    assert "0987654321" not in preview.split('id="publish"')[1]
    approver.post(f"/can-bo/phan-anh-kien-nghi/{petition.code}/buoc/", {"step": "publish"})

    public = Client().get("/phan-anh-kien-nghi/tra-loi/?q=hen+lai").content.decode()
    assert petition.code in public
    answer = Client().get(f"/phan-anh-kien-nghi/tra-loi/{petition.code}/").content.decode()
    assert "Đã nhắc nhở cán bộ tiếp nhận." in answer
    assert "Hoa" not in answer
    assert "0987" not in answer
    reader = Client()
    reader.post(f"/phan-anh-kien-nghi/tra-loi/{petition.code}/danh-dau/", {"useful": "0"})
    reader.post(f"/phan-anh-kien-nghi/tra-loi/{petition.code}/danh-dau/", {"useful": "0"})
    assert Petition.objects.get().not_useful_count == 1


def test_marks_are_limited_per_address(people):
    petition = services.send_petition(
        actor=None,
        category="regulation",
        subject="Quy định lệ phí",
        content="Lệ phí đăng ký khai sinh ghi không rõ ràng trên cổng.",
        commune_code="00004",
        contact_name="Người dân",
        contact_email="nguoidan@example.vn",
    ).petition
    services.answer_petition(actor=people.official("handler"), code=petition.code, answer="Đã sửa.")
    services.publish_answer(actor=people.official("approver"), code=petition.code)
    from motcua.feedback.views.answers import MARK_RATE

    for _ in range(MARK_RATE.limit + 1):
        Client().post(f"/phan-anh-kien-nghi/tra-loi/{petition.code}/danh-dau/", {"useful": "1"})
    assert Petition.objects.get().useful_count == MARK_RATE.limit


def test_a_signed_in_petitioner_links_their_dossier_and_sees_it_in_their_list(people):
    dossier = people.refused()
    client = applicant_client(people.an)
    client.post(
        "/phan-anh-kien-nghi/gui/",
        {
            "category": "dossier",
            "dossier_code": dossier.code,
            "subject": "Hồ sơ bị từ chối",
            "content": "Tôi không đồng ý với lý do từ chối hồ sơ.",
        },
    )
    petition = Petition.objects.get()
    assert (petition.dossier_id, petition.agency_code) == (dossier.pk, dossier.agency_code)
    assert petition.code in client.get("/phan-anh-kien-nghi/cua-toi/").content.decode()
    assert petition.due_on is not None
    assert petition.due_on > datetime.date.today()
    other = applicant_client(people.binh)
    assert other.get(f"/phan-anh-kien-nghi/{petition.code}/").status_code == 404


def test_the_officials_overview_and_the_footer_lead_to_petitions(people):
    services.send_petition(
        actor=None,
        category="conduct",
        subject="Thái độ",
        content="Cán bộ không hướng dẫn người dân điền tờ khai.",
        commune_code="00004",
        contact_name="Người dân",
        contact_phone="0912345678",
    )
    overview = (
        official_client("handler.feedback", people.keys["handler"]).get("/can-bo/tong-quan/").content.decode()
    )
    assert '<strong id="petitions-received">1</strong>' in overview
    assert 'href="/can-bo/danh-gia/"' in overview
    assert 'href="/phan-anh-kien-nghi/tra-loi/"' in Client().get("/").content.decode()
