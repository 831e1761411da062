"""The feedback API answers as the pages do: a refused rating or petition names its fields in
Vietnamese (422), a rating that cannot change says why (409), an anonymous petition returns its
key once and its information can be sent with it, and marks are one per address."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.feedback.models import Petition
from motcua.feedback.services import petitions as services
from tests.identity.world import applicant_client

pytestmark = pytest.mark.django_db


def test_rating_through_the_api(people):
    open_dossier, ended = people.submit(), people.refused()
    client = applicant_client(people.an)
    url = f"/api/v1/dossiers/{ended.code}/rating"
    assert client.get(url).json() == {"may_rate": True, "rating": None}
    refused = client.put(url, {"overall": "good"}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"overall": "Hãy chọn mức độ hài lòng chung của bạn."}
    too_early = client.put(
        f"/api/v1/dossiers/{open_dossier.code}/rating",
        {"overall": "satisfied"},
        content_type="application/json",
    )
    assert (too_early.status_code, too_early.json()["code"]) == (409, "rating_not_open")
    done = client.put(url, {"overall": "very_satisfied", "comment": "Nhanh"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["overall"] == "very_satisfied"
    assert client.get(url).json()["rating"]["comment"] == "Nhanh"


def test_an_anonymous_petition_through_the_api_and_its_marks(people):
    anonymous = Client()
    body = {
        "category": "regulation",
        "subject": "Biểu mẫu khó hiểu",
        "content": "Tờ khai đăng ký khai sinh có nhiều mục khó hiểu với người dân.",
        "commune_code": "00004",
        "contact_name": "Đỗ Văn Nam",
        "contact_email": "",
    }
    missing = anonymous.post("/api/v1/public/petitions", body, content_type="application/json")
    assert missing.status_code == 422
    assert set(missing.json()["fields"]) == {"contact_email"}
    body["contact_email"] = "nam@example.vn"
    sent = anonymous.post("/api/v1/public/petitions", body, content_type="application/json").json()
    assert sent["access_key"]
    assert sent["due_on"]
    services.request_information(actor=people.official("handler"), code=sent["code"], question="Mục nào?")
    wrong = anonymous.post(
        f"/api/v1/public/petitions/{sent['code']}/information",
        {"information": "Mục nơi sinh.", "access_key": "sai"},
        content_type="application/json",
    )
    assert wrong.status_code == 404
    answered = anonymous.post(
        f"/api/v1/public/petitions/{sent['code']}/information",
        {"information": "Mục nơi sinh.", "access_key": sent["access_key"]},
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert [s["step"] for s in answered.json()["steps"]] == ["received", "info_requested", "info_received"]
    services.answer_petition(actor=people.official("handler"), code=sent["code"], answer="Sẽ sửa biểu mẫu.")
    services.publish_answer(actor=people.official("approver"), code=sent["code"])
    listed = Client().get("/api/v1/petition-answers?q=bieu+mau").json()
    assert [a["code"] for a in listed] == [sent["code"]]
    assert "Nam" not in str(listed)
    for useful in (True, True, False):
        marked = Client().post(
            f"/api/v1/petition-answers/{sent['code']}/marks",
            {"useful": useful},
            content_type="application/json",
        )
    assert (marked.json()["useful"], marked.json()["not_useful"]) == (0, 1)  # one address: one mark
    assert Petition.objects.get(code=sent["code"]).not_useful_count == 1
