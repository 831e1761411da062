"""Notifications reach people by e-mail (SMTP, captured by the development capture server) and by
SMS (the reference SMS gateway), both real processes: addresses verified by a one-time code sent
through the channel itself; per-channel preferences; one delivery per notification and channel,
sent in the recipient's language, retried with backoff without sending twice, dead after the last
attempt and retried or resolved by an operator; delivery receipts signed by the gateway."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import AuditEntry, Event
from motcua.core.outbox import dispatch_pending_events
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import submission as submission_services
from motcua.identity.models import Role, User
from motcua.mailcapture import text_of
from motcua.notify.events import NotifyEvent
from motcua.notify.models import ContactPoint, Delivery, DeliveryStatus
from motcua.notify.services import deliveries
from tests.identity.world import (
    applicant_actor,
    applicant_client,
    complete_birth_draft,
    load_small_units,
    make_applicant,
    make_official,
    official_client,
)
from tests.notify.servers import MailCaptureServer, ReceiptCatcher, SmsGatewayServer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("channels")]

API = "/api/v1"
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def world(tmp_path: Any, settings: Any) -> None:
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)


_serial = iter(range(10_000, 99_999))


def person(name: str = "Nguyễn Văn An") -> User:
    number = next(_serial)
    return make_applicant(f"0010850{number:05d}", name, datetime.date(1985, 3, 2))


def phone() -> tuple[str, str]:
    """A fresh mobile number: as typed, and as stored."""
    digits = f"{next(_serial):05d}"
    return f"0912 3{digits[:2]} {digits[2:]}", f"+849123{digits}"


def mails_to(capture: MailCaptureServer, address: str) -> list[Any]:
    return [m for m in capture.mailbox() if m["To"] == address]


def sms_to(gateway: SmsGatewayServer, number: str) -> list[dict[str, Any]]:
    return [m for m in gateway.messages() if m["to"] == number]


def code_in(text: str) -> str:
    match = CODE.search(text)
    assert match, text
    return match.group(1)


def verified(client: Client, channel: str, address: str, read_code: Any, language: str = "vi") -> None:
    answer = client.put(
        f"{API}/contacts/{channel}",
        {"address": address, "language": language},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    answer = client.post(
        f"{API}/contacts/{channel}/verify", {"code": read_code()}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["verified"] is True


def submit(user: User) -> Dossier:
    actor = applicant_actor(user)
    return submission_services.submit_draft(actor=actor, public_id=str(complete_birth_draft(actor).public_id))


def dispatch_and_send() -> None:
    """The dossier event → the notification → its deliveries, then what the worker does with them
    (the periodic sweep: the task enqueued for each new delivery runs on commit, which a test's
    transaction never reaches)."""
    dispatch_pending_events()
    dispatch_pending_events()
    deliveries.send_due_deliveries()


def replay_receipts(catcher: ReceiptCatcher, since: int) -> list[int]:
    """Post the receipts the gateway sent (as it sent them) to the platform's endpoint."""
    statuses = []
    for caught in catcher.wait_for(since + 1)[since:]:
        headers = {k: v for k, v in caught.headers.items() if k.startswith("X-")}
        answer = Client().post(caught.path, caught.body, content_type="application/json", headers=headers)
        statuses.append(answer.status_code)
    return statuses


def test_an_email_address_is_verified_by_the_code_mailed_to_it(world, mail_capture):
    user = person()
    client = applicant_client(user)
    address = f"an.{next(_serial)}@example.vn"
    answer = client.put(
        f"{API}/contacts/email", {"address": address.upper()}, content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json() | {"code_expires_at": None} == {
        "channel": "email",
        "address": address,
        "verified": False,
        "notify": True,
        "language": "vi",
        "code_expires_at": None,
    }
    [mail] = mails_to(mail_capture, address)
    assert mail["Subject"].strip() == "Mã xác minh của bạn trên Cổng dịch vụ công"
    code = code_in(text_of(mail))
    wrong = "000000" if code != "000000" else "111111"

    refused = client.post(f"{API}/contacts/email/verify", {"code": wrong}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "contact_code_wrong",
        "message": "Mã không đúng. Kiểm tra lại rồi nhập lại.",
    }
    contact = ContactPoint.objects.get(applicant__user=user)
    assert (contact.verified_at, contact.code_attempts) == (None, 1)
    assert (
        AuditEntry.objects.filter(
            type=NotifyEvent.CONTACT_CODE_REFUSED, subject_id=str(contact.public_id)
        ).count()
        == 1
    )

    accepted = client.post(f"{API}/contacts/email/verify", {"code": code}, content_type="application/json")
    assert accepted.status_code == 200
    assert accepted.json()["verified"] is True
    audit = AuditEntry.objects.filter(subject_id=str(contact.public_id)).order_by("id")
    assert [a.type for a in audit] == [
        NotifyEvent.CONTACT_ADDED,
        NotifyEvent.CONTACT_CODE_REFUSED,
        NotifyEvent.CONTACT_VERIFIED,
    ]
    # the audit log keeps the address masked, never the code
    assert address not in str([a.changes for a in audit])
    assert code not in str([a.changes for a in audit])
    assert audit[0].changes["address"] == [None, f"a***@{address.split('@')[1]}"]


def test_a_phone_is_verified_by_sms_and_a_code_stops_working_after_its_tries_or_its_time(
    world, sms_gateway, settings
):
    settings.MOTCUA_CONTACT_CODE_ATTEMPTS = 2
    client = applicant_client(person())
    typed, number = phone()
    assert (
        client.put(f"{API}/contacts/sms", {"address": typed}, content_type="application/json").status_code
        == 200
    )
    [message] = sms_to(sms_gateway, number)
    code = code_in(message["text"])
    assert "http" not in message["text"]  # a code message carries no link
    for _try in range(2):
        client.post(f"{API}/contacts/sms/verify", {"code": "99999" + "9"}, content_type="application/json")
    spent = client.post(f"{API}/contacts/sms/verify", {"code": code}, content_type="application/json")
    assert spent.status_code == 400
    assert spent.json()["code"] == "contact_code_expired"

    # a new code, then too late for it
    assert client.post(f"{API}/contacts/sms/code").status_code == 200
    fresh = code_in(sms_to(sms_gateway, number)[-1]["text"])
    ContactPoint.objects.filter(address=number).update(
        code_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    late = client.post(f"{API}/contacts/sms/verify", {"code": fresh}, content_type="application/json")
    assert late.json()["code"] == "contact_code_expired"
    assert ContactPoint.objects.get(address=number).verified_at is None


def test_codes_are_rate_limited_per_address_whoever_asks(world, sms_gateway, settings):
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "contact_code_address": "2/h"}
    typed, number = phone()
    for _n in range(2):
        assert (
            applicant_client(person())
            .put(f"{API}/contacts/sms", {"address": typed}, content_type="application/json")
            .status_code
            == 200
        )
    bomber = person()
    events = Event.objects.count()
    refused = applicant_client(bomber).put(
        f"{API}/contacts/sms", {"address": typed}, content_type="application/json"
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert len(sms_to(sms_gateway, number)) == 2  # nothing sent
    assert not ContactPoint.objects.filter(applicant__user=bomber).exists()
    assert Event.objects.count() == events


def test_bad_addresses_are_refused_in_the_callers_language(world):
    client = applicant_client(person())
    answer = client.put(f"{API}/contacts/sms", {"address": "12345"}, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {
        "code": "contact_address_invalid",
        "message": "Nhập số điện thoại di động Việt Nam, ví dụ 0912 345 678.",
    }
    english = client.put(
        f"{API}/contacts/email",
        {"address": "not-an-address"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json()["message"] == "Enter an e-mail address like name@example.com."
    assert not ContactPoint.objects.exists()


def test_a_dossier_event_reaches_the_applicant_by_email_and_sms_each_in_its_language(
    world, mail_capture, sms_gateway, receipts
):
    user = person("Trần Thị Bình")
    client = applicant_client(user)
    address = f"binh.{next(_serial)}@example.vn"
    typed, number = phone()
    verified(client, "email", address, lambda: code_in(text_of(mails_to(mail_capture, address)[-1])), "en")
    verified(client, "sms", typed, lambda: code_in(sms_to(sms_gateway, number)[-1]["text"]), "vi")
    mails, texts, caught = (
        len(mails_to(mail_capture, address)),
        len(sms_to(sms_gateway, number)),
        len(receipts.caught),
    )

    dossier = submit(user)
    dispatch_and_send()

    [mail] = mails_to(mail_capture, address)[mails:]
    assert mail["Subject"].strip() == f"Dossier {dossier.code} has been received"
    assert mail["Content-Language"] == "en"
    assert f"/ho-so/{dossier.code}/" in text_of(mail) or dossier.code in text_of(mail)
    [sms] = sms_to(sms_gateway, number)[texts:]
    assert sms["text"].startswith(f"DVC: Hồ sơ đã được tiếp nhận, hồ sơ {dossier.code}.")
    # no personal data in the SMS: no name, no ID number, no birth date
    personal_id = user.applicant.personal_id
    assert personal_id
    assert personal_id not in sms["text"]
    assert "Bình" not in sms["text"]
    assert "Trần" not in sms["text"]
    assert "1985" not in sms["text"]

    email_delivery, sms_delivery = (
        Delivery.objects.get(channel=c, notification__recipient__user=user) for c in ("email", "sms")
    )
    assert (email_delivery.status, email_delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert (sms_delivery.status, sms_delivery.provider_id) == (DeliveryStatus.SENT, sms["id"])

    # the gateway's signed receipt moves the SMS on to delivered; a second copy changes nothing
    assert replay_receipts(receipts, caught) == [200]
    sms_delivery.refresh_from_db()
    assert sms_delivery.status == DeliveryStatus.DELIVERED
    assert replay_receipts(receipts, caught) == [200]
    assert (
        AuditEntry.objects.filter(
            type=NotifyEvent.DELIVERY_DELIVERED, subject_id=str(sms_delivery.public_id)
        ).count()
        == 1
    )

    # the dispatcher delivering the notification's event again makes no second delivery
    dispatch_and_send()
    assert Delivery.objects.filter(notification__recipient__user=user).count() == 2


def test_a_channel_turned_off_gets_nothing(world, mail_capture, sms_gateway):
    user = person()
    client = applicant_client(user)
    typed, number = phone()
    verified(client, "sms", typed, lambda: code_in(sms_to(sms_gateway, number)[-1]["text"]))
    answer = client.patch(f"{API}/contacts/sms", {"notify": False}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["notify"] is False
    texts = len(sms_to(sms_gateway, number))
    submit(user)
    dispatch_and_send()
    assert len(sms_to(sms_gateway, number)) == texts
    assert not Delivery.objects.filter(notification__recipient__user=user).exists()


def test_after_a_gateway_failure_the_retry_sends_once(world, sms_gateway, settings):
    settings.MOTCUA_SMS_GATEWAY_TIMEOUT = 1
    user = person()
    typed, number = phone()
    verified(applicant_client(user), "sms", typed, lambda: code_in(sms_to(sms_gateway, number)[-1]["text"]))
    texts = len(sms_to(sms_gateway, number))

    # the gateway refuses the first try, then takes the second but answers too late
    sms_gateway.faults(fail_next=1)
    submit(user)
    dispatch_and_send()
    delivery = Delivery.objects.get(notification__recipient__user=user, channel="sms")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at > timezone.now() + datetime.timedelta(seconds=25)  # backoff
    assert len(sms_to(sms_gateway, number)) == texts

    sms_gateway.faults(delay_ms=1500)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliveries.send_due_deliveries() == {DeliveryStatus.PENDING: 1}  # timed out
    assert len(sms_to(sms_gateway, number)) == texts + 1  # ... though the gateway took it

    sms_gateway.faults()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliveries.send_due_deliveries() == {DeliveryStatus.SENT: 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    assert len(sms_to(sms_gateway, number)) == texts + 1  # the same request id: sent once


def test_after_the_last_attempt_a_delivery_is_a_dead_letter_the_operator_retries_or_resolves(
    world, sms_gateway, settings
):
    settings.MOTCUA_NOTIFY_MAX_ATTEMPTS = 2
    user = person()
    typed, number = phone()
    verified(applicant_client(user), "sms", typed, lambda: code_in(sms_to(sms_gateway, number)[-1]["text"]))
    sms_gateway.faults(fail_next=-1)
    submit(user)
    dispatch_and_send()
    delivery = Delivery.objects.get(notification__recipient__user=user, channel="sms")
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliveries.send_due_deliveries() == {DeliveryStatus.DEAD: 1}

    _admin, admin_key = make_official("operator.notify", [(Role.PLATFORM_ADMIN, "")])
    operator = official_client("operator.notify", admin_key)
    listed = operator.get(f"{API}/notify/dead-letters")
    assert listed.status_code == 200
    [row] = [r for r in listed.json() if r["id"] == str(delivery.public_id)]
    assert (row["channel"], row["status"], row["attempts"]) == ("sms", "dead", 2)
    assert number not in listed.content.decode()  # operators see no address

    sms_gateway.faults()
    retried = operator.post(f"{API}/notify/dead-letters/{delivery.public_id}/retry")
    assert retried.status_code == 200
    assert retried.json()["status"] == "pending"
    assert deliveries.send_due_deliveries() == {DeliveryStatus.SENT: 1}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len([m for m in sms_to(sms_gateway, number) if m["request_id"] == str(delivery.public_id)]) == 1

    # a failed receipt makes it dead again; resolving closes it
    deliveries.record_receipt(
        request_id=str(delivery.public_id), provider_id="x", status="failed", error="off"
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    resolved = operator.post(f"{API}/notify/dead-letters/{delivery.public_id}/resolve")
    assert resolved.json()["status"] == "resolved"
    assert [a.type for a in AuditEntry.objects.filter(subject_id=str(delivery.public_id)).order_by("id")] == [
        NotifyEvent.DELIVERY_FAILED,
        NotifyEvent.DELIVERY_DEAD,
        NotifyEvent.DELIVERY_RETRIED,
        NotifyEvent.DELIVERY_SENT,
        NotifyEvent.DELIVERY_DEAD,
        NotifyEvent.DELIVERY_RESOLVED,
    ]


def test_a_receipt_with_a_bad_signature_changes_nothing(world, sms_gateway, receipts):
    user = person()
    typed, number = phone()
    verified(applicant_client(user), "sms", typed, lambda: code_in(sms_to(sms_gateway, number)[-1]["text"]))
    submit(user)
    caught = len(receipts.caught)
    dispatch_and_send()
    [receipt] = receipts.wait_for(caught + 1)[caught:]
    headers = {k: v for k, v in receipt.headers.items() if k.startswith("X-")}
    forged = receipt.body.replace(b'"delivered"', b'"failed"')
    answer = Client().post(receipt.path, forged, content_type="application/json", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["code"] == "bad_signature"
    assert (
        Delivery.objects.get(notification__recipient__user=user, channel="sms").status == DeliveryStatus.SENT
    )
