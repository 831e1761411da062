"""A petitioner who is not signed in gets every step's news of their petition at the e-mail
address or mobile number they gave with it, once they verified it with the code sent there
(ADR 0058): real SMTP capture and the reference SMS gateway, as in test_delivery."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import AuditEntry
from motcua.feedback.services import petitions as petition_services
from motcua.mailcapture import text_of
from motcua.notify.events import NotifyEvent
from motcua.notify.models import ContactPoint, Delivery, Notification
from tests.feedback.conftest import People
from tests.identity.world import applicant_client, load_small_units
from tests.notify.test_delivery import code_in, dispatch_and_send, mails_to, phone, sms_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("channels")]

API = "/api/v1/public/petitions"
_serial = iter(range(1000, 9999))


@pytest.fixture
def people(tmp_path: Any, settings: Any) -> People:
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return People()


def send(client: Client, **contact: str) -> dict[str, Any]:
    body = {
        "category": "regulation",
        "subject": "Biểu mẫu khó hiểu",
        "content": "Tờ khai đăng ký khai sinh có nhiều mục khó hiểu với người dân.",
        "commune_code": "00004",
        "contact_name": "Đỗ Văn Nam",
        **contact,
    }
    answer = client.post(API, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/{path}", body, content_type="application/json")


def test_an_anonymous_petitioner_verifies_the_contact_given_and_hears_of_every_step(
    people, mail_capture, sms_gateway
):
    address = f"nam{next(_serial)}@example.vn"
    typed, number = phone()
    anonymous = Client()
    sent = send(anonymous, contact_email=address, contact_phone=typed)
    code, key = sent["code"], sent["access_key"]
    dispatch_and_send()
    # the receipt is noted for the petition, but nothing is sent to an address not verified
    [received] = Notification.objects.filter(petition__code=code)
    assert received.recipient_id is None
    assert mails_to(mail_capture, address) == []
    assert sms_to(sms_gateway, number) == []

    # e-mail, through the API, in English: a wrong key finds nothing; a wrong code is refused
    assert post(anonymous, f"{code}/contacts/email/code", {"access_key": "sai"}).status_code == 404
    asked = post(anonymous, f"{code}/contacts/email/code", {"access_key": key, "language": "en"})
    assert asked.status_code == 200, asked.content
    assert asked.json()["address"] == "n***@example.vn"
    assert asked.json()["verified"] is False
    [code_mail] = mails_to(mail_capture, address)
    otp = code_in(text_of(code_mail))
    other = "000000" if otp != "000000" else "111111"
    wrong = post(anonymous, f"{code}/contacts/email/verify", {"access_key": key, "code": other})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "contact_code_wrong")
    done = post(anonymous, f"{code}/contacts/email/verify", {"access_key": key, "code": otp})
    assert done.status_code == 200
    assert done.json()["verified"] is True
    dispatch_and_send()
    # the receipt, made before, is caught up: in English, linking to the look-up with the code only
    mail = mails_to(mail_capture, address)[-1]
    assert mail["Subject"] == f"Petition {code} has been received"
    body = text_of(mail)
    assert f"/phan-anh-kien-nghi/tra-cuu/?ma={code}" in body
    assert key not in body
    assert "Đỗ Văn Nam" not in body

    # SMS, through the pages, in Vietnamese
    page = anonymous.post("/nhan-tin-phan-anh/", {"code": code, "key": key})
    assert page.status_code == 200
    assert "+849****" not in page.content.decode()
    assert number[-3:] in page.content.decode()
    anonymous.post(
        "/nhan-tin-phan-anh/",
        {"code": code, "key": key, "action": "code", "channel": "sms", "language": "vi"},
    )
    [code_sms] = sms_to(sms_gateway, number)
    verified = anonymous.post(
        "/nhan-tin-phan-anh/",
        {"code": code, "key": key, "action": "verify", "channel": "sms", "otp": code_in(code_sms["text"])},
    )
    assert verified.status_code == 200
    shown = verified.content.decode()
    assert 'name="action" value="stop"' in shown
    assert 'name="otp"' not in shown
    assert ContactPoint.objects.get(petition__code=code, channel="sms").is_verified
    dispatch_and_send()
    assert len(sms_to(sms_gateway, number)) == 2  # the code, then the receipt caught up

    # a step: the question reaches both; the SMS says what happened and where, no name nor question
    petition_services.request_information(
        actor=people.official("handler"), code=code, question="Ông Nam ghi rõ mục nào khó hiểu?"
    )
    dispatch_and_send()
    mail = mails_to(mail_capture, address)[-1]
    assert mail["Subject"] == f"Petition {code} needs more information"
    assert "Ông Nam ghi rõ mục nào khó hiểu?" in text_of(mail)
    sms = sms_to(sms_gateway, number)[-1]["text"]
    assert sms.startswith("DVC: ")
    assert f"tra-cuu/?ma={code}" in sms
    assert "Nam" not in sms
    assert "khó hiểu" not in sms
    assert key not in sms
    # their own answer is not announced back to them
    petition_services.provide_information(actor=None, code=code, information="Mục nơi sinh.", access_key=key)
    dispatch_and_send()
    assert len(mails_to(mail_capture, address)) == 3
    assert len(sms_to(sms_gateway, number)) == 3

    # SMS stopped: the answer reaches the e-mail address only
    assert post(anonymous, f"{code}/contacts/sms/stop", {"access_key": key}).status_code == 204
    petition_services.answer_petition(actor=people.official("handler"), code=code, answer="Sẽ sửa biểu mẫu.")
    dispatch_and_send()
    assert mails_to(mail_capture, address)[-1]["Subject"] == f"Petition {code} has been answered"
    assert len(sms_to(sms_gateway, number)) == 3
    assert Delivery.objects.filter(notification__petition__code=code, channel="email").count() == 3

    # the audit log has the masked addresses, never the code
    entries = AuditEntry.objects.filter(type=NotifyEvent.CONTACT_VERIFIED)
    assert entries.count() >= 2
    logged = str(
        list(AuditEntry.objects.filter(actor_id=f"petitioner:{code}").values_list("changes", flat=True))
    )
    assert address not in logged
    assert number not in logged
    assert otp not in logged
    assert "n***@example.vn" in logged


def test_only_the_address_given_can_be_verified_a_landline_gets_no_sms_and_signed_in_petitions_are_not_here(
    people, sms_gateway
):
    anonymous = Client()
    sent = send(anonymous, contact_email="", contact_phone="024 3825 1234")
    code, key = sent["code"], sent["access_key"]
    landline = post(anonymous, f"{code}/contacts/sms/code", {"access_key": key})
    assert (landline.status_code, landline.json()["code"]) == (400, "contact_address_invalid")
    no_email = post(anonymous, f"{code}/contacts/email/code", {"access_key": key})
    assert (no_email.status_code, no_email.json()["code"]) == (400, "contact_address_invalid")
    assert not ContactPoint.objects.filter(petition__code=code).exists()
    # nothing else to type: the address cannot be pointed elsewhere
    assert "address" not in str(post(anonymous, f"{code}/contacts/fax/code", {"access_key": key}).json())

    client = applicant_client(people.an)
    mine = client.post(
        "/api/v1/petitions",
        {
            "category": "regulation",
            "subject": "Biểu mẫu khó hiểu",
            "content": "Tờ khai đăng ký khai sinh có nhiều mục khó hiểu với người dân.",
            "commune_code": "00004",
        },
        content_type="application/json",
    ).json()
    assert post(Client(), f"{mine['code']}/contacts/email/code", {"access_key": ""}).status_code == 404
    # a signed-in petitioner's notification is theirs, with a recipient, as before
    dispatch_and_send()
    assert Notification.objects.get(petition__code=mine["code"]).recipient_id is not None
    assert re.fullmatch(r"PAKN-\d{6}-[0-9A-F]{6}", mine["code"])
