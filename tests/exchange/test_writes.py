"""The platform's signed writes against the real registries (ADR 0043): a write is queued in the
deciding transaction, sent after commit through the outbox, written once; a refused or
undeliverable write is kept with its reason for an official to retry or resolve, never lost.
And the traffic fines: a person's own fines, read with their consent, and ``mark_fine_paid``."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import transaction

from motcua.core.actors import SYSTEM
from motcua.core.errors import Conflict, MotcuaError
from motcua.core.models import AuditEntry
from motcua.core.outbox import dispatch_pending_events
from motcua.core.tasks import pending_task_count
from motcua.exchange import fines, writes
from motcua.exchange.client import PullStatus
from motcua.exchange.events import ExchangeEvent
from motcua.exchange.models import Consent, Exchange, RegistryWrite, WriteStatus
from tests.conftest import reset_exchange_state
from tests.exchange.server import RegistriesServer
from tests.identity.world import applicant_actor, make_applicant

MINH = "001086027419"
MINH_PLATE = "29-E2 168.79"


@pytest.fixture
def minh(exchange):
    return applicant_actor(make_applicant(MINH, "Nguyễn Văn Minh", datetime.date(1986, 4, 12)))


def generated_unpaid(server: RegistriesServer) -> dict:
    """An unpaid generated fine nobody else's test touches (the newest ids; the registry-level
    tests take the oldest)."""
    [row] = server.query(
        "SELECT violation_id, owner_id, fine_vnd FROM registry_data_traffic_violation "
        "WHERE status = 'unpaid' AND violation_id NOT LIKE ? ORDER BY violation_id DESC LIMIT 1",
        "VPDEMO%",
    )
    return row


def registry_status(server: RegistriesServer, violation_id: str) -> dict:
    [row] = server.query(
        "SELECT status, payment_reference FROM registry_data_traffic_violation WHERE violation_id = ?",
        violation_id,
    )
    return row


def test_a_person_looks_up_their_own_fines_with_their_consent(minh, exchange):
    lookup = fines.look_up_fines(actor=minh)
    assert lookup.status == PullStatus.OK
    by_id = {fine.violation_id: fine for fine in lookup.fines}
    assert {"VPDEMO000001", "VPDEMO000003"} <= set(by_id)
    assert by_id["VPDEMO000001"].plate == MINH_PLATE
    assert by_id["VPDEMO000001"].fine_vnd == 4_000_000
    assert by_id["VPDEMO000003"].paid
    assert by_id["VPDEMO000003"].payment_reference
    consent = Consent.objects.get(procedure_code=fines.PROCEDURE)
    assert consent.given_by_id == minh.applicant_id
    [call] = Exchange.objects.filter(consent=consent)
    assert (call.registry, call.status) == ("traffic_fines", "ok")
    [entry] = exchange.log_entries(request_id=str(call.public_id))
    assert entry["subject_id"] == MINH
    assert entry["consent_ref"] == str(consent.public_id)


def test_paying_a_fine_queues_the_write_in_the_payments_transaction_and_sends_it_after_commit(
    minh, exchange, django_capture_on_commit_callbacks
):
    payment = f"PAY-{uuid.uuid4().hex[:10]}"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write = fines.mark_fine_paid(
            actor=SYSTEM,
            owner_personal_id=MINH,
            violation_id="VPDEMO000002",
            amount_vnd=400_000,
            payment_reference=payment,
            paid_on=datetime.date(2026, 11, 3),
        )
        assert write.status == WriteStatus.QUEUED
        assert registry_status(exchange, "VPDEMO000002")["status"] == "unpaid"  # not before commit
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_pending_events().deliveries >= 1
    assert pending_task_count() == 1  # the handler enqueued the send
    sent = writes.send_write(str(write.public_id))
    assert sent.status == WriteStatus.DONE
    assert sent.attempts == 1
    result = sent.result
    assert isinstance(result, dict)
    assert result["status"] == "paid"
    assert result["payment"]["reference"] == payment
    assert registry_status(exchange, "VPDEMO000002") == {"status": "paid", "payment_reference": payment}
    assert sent.registry_log_entry.startswith("traffic_fines-")
    # queued again for the same payment: the same write; the same write sent again: nothing more
    again = fines.mark_fine_paid(
        actor=SYSTEM, owner_personal_id=MINH, violation_id="VPDEMO000002", amount_vnd=400_000,
        payment_reference=payment, paid_on=datetime.date(2026, 11, 3), request_id=write.public_id,
    )  # fmt: skip
    assert again.pk == write.pk
    assert writes.send_write(str(write.public_id)).attempts == 1
    with pytest.raises(Conflict):
        fines.mark_fine_paid(
            actor=SYSTEM, owner_personal_id=MINH, violation_id="VPDEMO000002", amount_vnd=1,
            payment_reference=payment, request_id=write.public_id,
        )  # fmt: skip
    types = list(
        AuditEntry.objects.filter(subject_id=str(write.public_id))
        .order_by("id")
        .values_list("type", flat=True)
    )
    assert types == [ExchangeEvent.REGISTRY_WRITE_QUEUED, ExchangeEvent.REGISTRY_WRITE_DONE]
    # the owner sees it among the accesses to their data
    [entry] = exchange.log_entries(request_id=str(write.public_id))
    assert (entry["outcome"], entry["subject_id"]) == ("written", MINH)


def test_a_refused_write_is_kept_with_its_reason_and_an_official_resolves_it(minh, exchange):
    write = fines.mark_fine_paid(
        actor=SYSTEM, owner_personal_id=MINH, violation_id="VPDEMO000001", amount_vnd=1_000,
        payment_reference="PAY-WRONG-AMOUNT",
    )  # fmt: skip
    sent = writes.send_write(str(write.public_id))
    assert (sent.status, sent.error_code) == (WriteStatus.REFUSED, "write_rejected")
    assert "4000000" in sent.error_message
    assert registry_status(exchange, "VPDEMO000001")["status"] == "unpaid"
    with pytest.raises(MotcuaError):
        writes.resolve_write(actor=SYSTEM, write=sent, note="  ")
    resolved = writes.resolve_write(actor=SYSTEM, write=sent, note="Số tiền sai; đã hoàn tiền cho người nộp.")
    assert resolved.status == WriteStatus.RESOLVED
    with pytest.raises(MotcuaError):
        writes.retry_write(actor=SYSTEM, write=resolved)  # nothing left to do
    assert RegistryWrite.objects.filter(pk=write.pk).exists()  # never deleted


def test_an_undeliverable_write_is_retried_then_failed_and_an_official_sends_it_again(
    minh, exchange, settings
):
    fine = generated_unpaid(exchange)
    write = fines.mark_fine_paid(
        actor=SYSTEM, owner_personal_id=fine["owner_id"], violation_id=fine["violation_id"],
        amount_vnd=int(fine["fine_vnd"]), payment_reference="PAY-OUTAGE",
    )  # fmt: skip
    settings.MOTCUA_REGISTRIES_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 300
    settings.MOTCUA_EXCHANGE_WRITE_ATTEMPTS = 2
    reset_exchange_state()
    first = writes.send_write(str(write.public_id))
    assert (first.status, first.attempts) == (WriteStatus.QUEUED, 1)
    assert first.error_code in {"unavailable", "timeout"}
    assert first.next_attempt_at > write.next_attempt_at
    assert writes.send_due_writes() == 0  # not due yet
    RegistryWrite.objects.filter(pk=write.pk).update(next_attempt_at=first.updated_at)
    assert writes.send_due_writes() == 1
    failed = RegistryWrite.objects.get(pk=write.pk)
    assert (failed.status, failed.attempts) == (WriteStatus.FAILED, 2)
    assert registry_status(exchange, fine["violation_id"])["status"] == "unpaid"
    # the registries are back; an official sends it again: the same request id, written once
    settings.MOTCUA_REGISTRIES_URL = exchange.base_url
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 10_000
    reset_exchange_state()
    retried = writes.retry_write(actor=SYSTEM, write=failed)
    assert retried.status == WriteStatus.QUEUED
    assert retried.public_id == write.public_id
    assert writes.send_due_writes() == 1
    done = RegistryWrite.objects.get(pk=write.pk)
    assert done.status == WriteStatus.DONE
    assert registry_status(exchange, fine["violation_id"]) == {
        "status": "paid",
        "payment_reference": "PAY-OUTAGE",
    }
