"""Paying a camera-detected traffic fine (essential service #8) through the reference gateway and
the reference registries, both real processes: the obligation's amount read from the registry,
one obligation per fine, the signed notification settling it and queuing the registry write
``mark_paid`` in the same transaction, the write retried through a registry outage."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from motcua.core.outbox import dispatch_pending_events
from motcua.documents.models import ResultDocument
from motcua.exchange import writes
from motcua.exchange.models import RegistryWrite, WriteStatus
from motcua.payments.events import PaymentEvent
from motcua.payments.models import LedgerEntry, Payment
from tests.conftest import reset_exchange_state
from tests.exchange.server import RegistriesServer
from tests.identity.world import applicant_client, make_applicant
from tests.payments.gateway import GatewayServer
from tests.payments.inbox import PlatformInbox
from tests.payments.test_payments import ACCOUNT, SECRET, events

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def inbox() -> Iterator[PlatformInbox]:
    made = PlatformInbox()
    yield made
    made.close()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, inbox: PlatformInbox) -> Iterator[GatewayServer]:
    with GatewayServer(tmp_path_factory.mktemp("gateway")) as server:
        server.add_merchant("MOTCUA", SECRET, inbox.url, [ACCOUNT])
        yield server


@pytest.fixture
def paying(settings, exchange, gateway: GatewayServer, inbox: PlatformInbox) -> Iterator[GatewayServer]:
    settings.MOTCUA_PAYMENT_GATEWAY_URL = gateway.base_url
    settings.MOTCUA_PAYMENT_SECRET = SECRET
    settings.MOTCUA_PAYMENT_MERCHANT = "MOTCUA"
    settings.MOTCUA_PAYMENT_DEFAULT_ACCOUNT = ACCOUNT
    gateway.set_fault("none")
    yield gateway
    gateway.set_fault("none")
    inbox.drain()


def unpaid_fine(server: RegistriesServer, offset: int) -> dict:
    """A generated unpaid fine of a person that no other test touches (the other tests take the
    demo fines, the oldest and the newest generated ones)."""
    [row] = server.query(
        "SELECT violation_id, owner_id, fine_vnd FROM registry_data_traffic_violation "
        "WHERE status = 'unpaid' AND violation_id NOT LIKE ? AND length(owner_id) = 12 "
        "ORDER BY violation_id DESC LIMIT 1 OFFSET " + str(int(offset)),
        "VPDEMO%",
    )
    return row


def registry_status(server: RegistriesServer, violation_id: str) -> dict:
    [row] = server.query(
        "SELECT status, payment_reference FROM registry_data_traffic_violation WHERE violation_id = ?",
        violation_id,
    )
    return row


def owner_client(fine: dict):
    return applicant_client(make_applicant(fine["owner_id"], "Chủ phương tiện", datetime.date(1980, 1, 1)))


def pay_url(client, violation_id: str) -> str:
    response = client.post(f"/ca-nhan/phat-nguoi/{violation_id}/thanh-toan/")
    assert response.status_code == 302, response.content
    return str(response["Location"])


def test_a_fine_is_paid_online_once_and_marked_paid_in_its_registry(paying, inbox, exchange) -> None:
    fine = unpaid_fine(exchange, 5)
    violation = fine["violation_id"]
    client = owner_client(fine)
    listed = client.post("/ca-nhan/phat-nguoi/").content.decode()
    assert f'action="/ca-nhan/phat-nguoi/{violation}/thanh-toan/"' in listed
    url = pay_url(client, violation)
    assert url.startswith(paying.base_url)
    payment = Payment.objects.get(violation_id=violation)
    # the amount is the registry's, read again on the server; the subject is the fine, no dossier
    assert (payment.amount_vnd, payment.dossier_id, payment.fine_owner) == (
        int(fine["fine_vnd"]),
        None,
        fine["owner_id"],
    )
    # a second attempt before paying reuses the same obligation
    assert pay_url(client, violation).startswith(paying.base_url)
    assert Payment.objects.filter(violation_id=violation).count() == 1
    assert LedgerEntry.objects.filter(payment=payment, kind="obligation").count() == 1
    # someone else cannot pay (or see) it
    other = applicant_client(make_applicant("001090000001", "Người khác", datetime.date(1990, 1, 1)))
    assert other.post(f"/ca-nhan/phat-nguoi/{violation}/thanh-toan/").status_code == 404
    assert other.get(f"/ca-nhan/phat-nguoi/{violation}/thanh-toan/").status_code == 404

    paying.pay(url)
    # the browser's return shows nothing paid before the notification
    assert "payment-status" in client.get(f"/ca-nhan/phat-nguoi/{violation}/thanh-toan/").content.decode()
    [reply] = inbox.serve(1)
    assert reply["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == "success"
    assert LedgerEntry.objects.filter(payment=payment, kind="payment").count() == 1
    assert [entry.dossier_code for entry in LedgerEntry.objects.filter(payment=payment)] == [
        f"PN:{violation}"
    ] * 2
    [paid] = events(PaymentEvent.PAID)
    assert paid.payload["violation_id"] == violation
    # the registry write was queued with the payment, for the owner, with the registry's amount
    [write] = RegistryWrite.objects.filter(registry="traffic_fines", dossier_ref=payment.reference)
    assert (write.status, write.operation) == (WriteStatus.QUEUED, "mark_paid")
    assert write.subject == fine["owner_id"]
    assert write.body["amount_vnd"] == payment.amount_vnd
    assert registry_status(exchange, violation)["status"] == "unpaid"  # not sent yet
    assert writes.send_due_writes() >= 1
    write.refresh_from_db()
    assert write.status == WriteStatus.DONE
    assert registry_status(exchange, violation) == {"status": "paid", "payment_reference": payment.reference}
    # the fines page shows it paid, with no pay button; paying again is refused
    shown = client.post("/ca-nhan/phat-nguoi/").content.decode()
    assert f'class="fine paid" id="fine-{violation}"' in shown
    assert f'id="pay-{violation}"' not in shown
    again = client.post(f"/ca-nhan/phat-nguoi/{violation}/thanh-toan/")
    assert again.status_code == 409
    assert "Đã thanh toán" in again.content.decode()
    assert Payment.objects.filter(violation_id=violation).count() == 1
    assert LedgerEntry.objects.filter(payment=payment, kind="payment").count() == 1
    # the payment's handlers run after commit without failing: no receipt yet for a fine (docs/payments.md)
    report = dispatch_pending_events()
    assert paid.id in report.dispatched
    assert paid.id not in report.failed
    assert not ResultDocument.objects.filter(kind="receipt").exists()


def test_a_registry_outage_leaves_the_write_queued_and_it_is_retried_to_success(
    paying, inbox, exchange, settings
) -> None:
    fine = unpaid_fine(exchange, 6)
    violation = fine["violation_id"]
    client = owner_client(fine)
    paying.set_fault("duplicate")  # the same notification twice: one payment, one write
    paying.pay(pay_url(client, violation))
    assert [reply["RspCode"] for reply in inbox.serve(2)] == ["00", "02"]
    payment = Payment.objects.get(violation_id=violation)
    assert payment.status == "success"
    [write] = RegistryWrite.objects.filter(registry="traffic_fines", dossier_ref=payment.reference)
    settings.MOTCUA_REGISTRIES_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 300
    reset_exchange_state()
    assert writes.send_due_writes() >= 1
    write.refresh_from_db()
    assert (write.status, write.attempts) == (WriteStatus.QUEUED, 1)  # kept, to be sent again
    assert payment.status == "success"
    settings.MOTCUA_REGISTRIES_URL = exchange.base_url
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 10_000
    reset_exchange_state()
    RegistryWrite.objects.filter(pk=write.pk).update(next_attempt_at=write.updated_at)
    assert writes.send_due_writes() >= 1
    write.refresh_from_db()
    assert (write.status, write.attempts) == (WriteStatus.DONE, 2)
    assert registry_status(exchange, violation) == {"status": "paid", "payment_reference": payment.reference}
    assert LedgerEntry.objects.filter(payment=payment, kind="payment").count() == 1
