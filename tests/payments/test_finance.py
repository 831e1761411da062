"""The finance officer's pages and API against the reference gateway as a real process: the
ledger by dossier, agency and account; reconciliation's mismatches with an action and a reason
(nothing corrected by itself); refunds to the card and through the State Treasury; the daily
reconciliation job scheduled like the other periodic jobs."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.core.models import AuditEntry
from motcua.identity.models import Role
from motcua.payments.events import PaymentEvent
from motcua.payments.models import LedgerEntry, Mismatch, Payment
from tests.dossiers.conftest import minh  # noqa: F401 (a fixture)
from tests.identity.world import make_official, official_client
from tests.payments.test_payments import (  # noqa: F401 (fixtures)
    gateway,
    inbox,
    paid_dossier,
    paying,
    start,
    submitted,
)

pytestmark = pytest.mark.django_db


def finance_client():
    _user, key = make_official("taichinh.stp", [(Role.FINANCE, "STP.01")])
    return official_client("taichinh.stp", key)


def test_the_ledger_page_and_api_by_dossier_agency_and_account(minh, paying, inbox) -> None:  # noqa: F811
    payment = paid_dossier(minh, paying, inbox)
    officer = finance_client()
    page = officer.get(f"/can-bo/tai-chinh/?dossier={payment.dossier.code}").content.decode()
    assert page.count(payment.dossier.code) >= 2  # the obligation and the payment lines
    assert 'id="ledger-total">100000 ₫' in page
    lines = officer.get("/api/v1/finance/ledger", {"account": payment.account}).json()
    assert [(line["kind"], line["amount_vnd"]) for line in lines] == [
        ("payment", 100_000),
        ("obligation", 100_000),
    ]
    assert officer.get("/api/v1/finance/ledger", {"agency": "UBND.00004"}).json() == []
    # a reception officer is no finance officer
    _user, key = make_official("tiepnhan.stp", [(Role.RECEPTION, "STP.01")])
    reception = official_client("tiepnhan.stp", key)
    assert reception.get("/can-bo/tai-chinh/").status_code == 403
    refused = reception.get("/api/v1/finance/ledger")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")


def test_refunds_from_the_page_and_the_api(minh, paying, inbox) -> None:  # noqa: F811
    payment = paid_dossier(minh, paying, inbox)
    officer = finance_client()
    url = f"/can-bo/tai-chinh/hoan-tien/{payment.reference}/"
    assert "100000 ₫" in officer.get(url).content.decode()
    too_much = officer.post(url, {"amount_vnd": "150000", "reason": "overpaid", "treasury": "0"})
    assert too_much.status_code == 400
    assert "100000" in too_much.content.decode()
    assert (
        officer.post(url, {"amount_vnd": "30000", "reason": "overpaid", "treasury": "0"}).status_code == 302
    )
    answer = officer.post(
        f"/api/v1/finance/payments/{payment.reference}/refunds",
        {"amount_vnd": 70_000, "reason": "refused", "treasury": True, "note": "Hồ sơ bị từ chối"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["refunded_vnd"] == 100_000
    assert list(
        LedgerEntry.objects.filter(payment=payment, kind="refund").values_list("amount_vnd", "treasury")
    ) == [(-30_000, False), (-70_000, True)]
    nothing_left = officer.post(
        f"/api/v1/finance/payments/{payment.reference}/refunds",
        {"amount_vnd": 1, "reason": "other", "treasury": False},
        content_type="application/json",
    )
    assert nothing_left.status_code == 400
    assert set(nothing_left.json()) >= {"code", "message"}


def test_reconciliation_mismatches_are_listed_and_resolved_with_a_reason(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    paying.set_fault("never")
    paying.pay(start(client, code))  # paid at the gateway; nobody told the platform
    silent = Payment.objects.get(dossier__code=code)
    officer = finance_client()
    today = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    ran = officer.post("/can-bo/tai-chinh/doi-soat/", {"day": today.isoformat()})
    assert ran.status_code == 302
    page = officer.get("/can-bo/tai-chinh/doi-soat/").content.decode()
    assert silent.reference in page
    assert code in page
    listed = officer.get("/api/v1/finance/mismatches").json()
    [mine] = [m for m in listed if m["reference"] == silent.reference]
    assert (mine["kind"], mine["statement_vnd"], mine["resolution"]) == ("paid_unknown", 100_000, "")
    assert Payment.objects.get(id=silent.id).status == "started"  # nothing corrected by itself
    no_reason = officer.post(
        f"/can-bo/tai-chinh/doi-soat/{mine['id']}/", {"resolution": "settled", "note": ""}
    )
    assert no_reason.status_code == 400
    assert Mismatch.objects.get(id=mine["id"]).resolved_at is None
    done = officer.post(
        f"/api/v1/finance/mismatches/{mine['id']}/resolve",
        {"resolution": "settled", "note": "Khớp sao kê ngân hàng"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["resolution"] == "settled"
    assert Payment.objects.get(id=silent.id).status == "success"
    assert AuditEntry.objects.filter(type=PaymentEvent.MISMATCH_RESOLVED, actor_id__isnull=False).exists()
    again = officer.post(
        f"/api/v1/finance/mismatches/{mine['id']}/resolve",
        {"resolution": "noted", "note": "again"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert officer.post("/can-bo/tai-chinh/doi-soat/", {"day": "hôm qua"}).status_code == 400


def test_the_daily_reconciliation_is_a_scheduled_job_over_yesterday(minh, paying, inbox) -> None:  # noqa: F811
    from huey.contrib.djhuey import HUEY

    from motcua.payments import tasks
    from motcua.payments.finance import yesterday

    [scheduled] = [
        task for task in HUEY._registry._periodic_tasks if task.__name__ == "reconcile_yesterday_task"
    ]
    assert scheduled().validate_datetime(datetime.datetime(2026, 12, 7, 19, 30))  # huey's clock: UTC
    assert not scheduled().validate_datetime(datetime.datetime(2026, 12, 7, 20, 30))
    today = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    assert yesterday() == today - datetime.timedelta(days=1)
    assert tasks.reconcile_yesterday_task.call() >= 0
    assert AuditEntry.objects.filter(
        type=PaymentEvent.RECONCILED, subject_id=yesterday().isoformat()
    ).exists()


def test_a_day_reconciled_again_through_the_api_is_queued_for_the_worker(minh, paying, inbox) -> None:  # noqa: F811
    from motcua.payments import tasks

    client, code = submitted(minh)
    paying.set_fault("never")
    paying.pay(start(client, code))
    silent = Payment.objects.get(dossier__code=code)
    officer = finance_client()
    today = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    queued = officer.post(
        "/api/v1/finance/reconciliations", {"day": today.isoformat()}, content_type="application/json"
    )
    assert queued.status_code == 200, queued.content
    assert queued.json() == {"day": today.isoformat(), "queued": True}
    assert not Mismatch.objects.filter(reference=silent.reference).exists()  # the worker's job
    assert tasks.reconcile_day_task.call(today.isoformat()) >= 1
    assert Mismatch.objects.filter(reference=silent.reference, kind="paid_unknown").exists()
    future = officer.post(
        "/api/v1/finance/reconciliations",
        {"day": (today + datetime.timedelta(days=5)).isoformat()},
        content_type="application/json",
    )
    assert future.status_code == 400
