"""Payments in the platform against the reference gateway as a real process: the obligation from
the DMN fee, paying by card, only the signed notification (or a signed query) marking it paid,
once, whatever the gateway's faults; forged and tampered notifications refused with nothing
changed; reception waiting for a fee due before reception."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client

from motcua.core.errors import MotcuaError
from motcua.core.models import AuditEntry, Event
from motcua.core.outbox import dispatch_pending_events
from motcua.identity.models import Role
from motcua.payments import services
from motcua.payments.events import PaymentEvent
from motcua.payments.models import LedgerEntry, Payment
from motcua.protocol import payments as wire
from tests.dossiers.conftest import minh  # noqa: F401 (a fixture)
from tests.dossiers.test_decisions import CRIMINAL_FORM, criminal_draft
from tests.identity.world import applicant_client, make_official, official_client
from tests.payments.gateway import POOR_CARD, GatewayServer
from tests.payments.inbox import PlatformInbox

pytestmark = pytest.mark.django_db
SECRET = "platform-merchant-secret-for-the-tests-0123456789"
ACCOUNT = "970436:0011000123456"


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
def paying(settings, gateway: GatewayServer, inbox: PlatformInbox) -> Iterator[GatewayServer]:
    settings.MOTCUA_PAYMENT_GATEWAY_URL = gateway.base_url
    settings.MOTCUA_PAYMENT_SECRET = SECRET
    settings.MOTCUA_PAYMENT_MERCHANT = "MOTCUA"
    gateway.set_fault("none")
    yield gateway
    gateway.set_fault("none")
    inbox.drain()


def submitted(person) -> tuple[Client, str]:
    client = applicant_client(person)
    public_id = criminal_draft(client)
    response = client.post(f"/ho-so-nhap/{public_id}/", {**CRIMINAL_FORM, "submit": "1"})
    assert response.status_code == 302
    code = response["Location"].split("/")[-2]
    dispatch_pending_events()
    return client, code


def start(client, code: str) -> str:
    answer = client.post(f"/api/v1/dossiers/{code}/payment/start")
    assert answer.status_code == 200, answer.content
    return str(answer.json()["redirect_url"])


def events(kind: PaymentEvent) -> list[Event]:
    return list(Event.objects.filter(type=kind).order_by("id"))


def test_a_fee_bearing_dossier_gets_its_payment_request_once(minh, paying) -> None:  # noqa: F811
    client, code = submitted(minh)
    payment = Payment.objects.get(dossier__code=code)
    assert (payment.amount_vnd, payment.due, payment.status) == (100_000, "before_reception", "created")
    assert payment.fees == [{"kind": "phi", "amount_vnd": 100_000}]
    [event] = events(PaymentEvent.OBLIGATION_CREATED)
    assert event.agency_code == "STP.01"
    assert event.payload["amount_vnd"] == 100_000
    assert event.payload["fees"] == [{"kind": "phi", "amount_vnd": 100_000}]
    assert (event.payload["dossier_code"], event.payload["procedure_code"]) == (
        code,
        "criminal-record-certificate",
    )
    # the outbox delivers at least once: a second delivery makes nothing new
    services.create_obligation(actor=services.GATEWAY_ACTOR, dossier_code=code)
    assert Payment.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="obligation").count() == 1
    shown = client.get(f"/api/v1/dossiers/{code}/payment").json()
    assert (shown["status"], shown["amount_vnd"], shown["online"]) == ("created", 100_000, False)


def test_paid_by_card_only_when_the_signed_notification_arrives(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    url = start(client, code)
    assert url.startswith(paying.base_url)
    back = paying.pay(url)
    assert back.status_code == 302
    returned = dict(parse_qsl(urlsplit(back.headers["Location"]).query))
    assert returned["vnp_ResponseCode"] == "00"
    # the browser's return (signed, and saying success) changes nothing
    assert Payment.objects.get(dossier__code=code).status == "started"
    assert client.get(f"/api/v1/payments/ipn?{urlencode(returned)}").json()["RspCode"] == "00"
    payment = Payment.objects.get(dossier__code=code)
    # ... the return carries the same signed fields as the IPN, so the platform accepts it as a
    # notification: what it never does is mark paid from the portal's return page (see ADR 0041)
    assert payment.status == "success"
    [reply] = inbox.serve(1)
    assert reply == {"RspCode": "02", "Message": "Order already confirmed"}
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    [paid] = events(PaymentEvent.PAID)
    assert (paid.payload["amount_vnd"], paid.payload["online"], paid.payload["online_channel"]) == (
        100_000,
        True,
        2,
    )
    assert AuditEntry.objects.filter(type=PaymentEvent.PAID, actor_id="payment-gateway").count() == 1


def test_the_notification_alone_marks_paid_and_a_duplicate_is_already_confirmed(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    paying.set_fault("duplicate")
    paying.pay(start(client, code))
    assert Payment.objects.get(dossier__code=code).status == "started"
    replies = inbox.serve(2)
    assert [reply["RspCode"] for reply in replies] == ["00", "02"]
    payment = Payment.objects.get(dossier__code=code)
    assert (payment.status, payment.online_channel, payment.channel) == ("success", 2, "card")
    assert LedgerEntry.objects.filter(kind="payment", payment=payment).count() == 1
    assert len(events(PaymentEvent.PAID)) == 1


def test_forged_tampered_and_unknown_notifications_change_nothing(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    start(client, code)
    payment = Payment.objects.get(dossier__code=code)
    good = {
        "vnp_Amount": wire.amount_to_wire(100_000),
        "vnp_CurrCode": "VND",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TmnCode": "MOTCUA",
        "vnp_TransactionNo": "99999999",
        "vnp_TxnRef": payment.txn_ref,
    }
    before = (AuditEntry.objects.count(), Event.objects.count(), LedgerEntry.objects.count())

    def reply(params: dict[str, str]) -> str:
        return str(client.get(f"/api/v1/payments/ipn?{urlencode(params)}").json()["RspCode"])

    assert reply(wire.signed(good, b"not-the-merchant-secret-0123456789")) == "97"
    assert reply({**wire.signed(good, SECRET.encode()), "vnp_Amount": "100"}) == "97"  # altered after signing
    assert reply(wire.signed({**good, "vnp_TxnRef": "TTNOSUCHREF-1"}, SECRET.encode())) == "01"
    assert (AuditEntry.objects.count(), Event.objects.count(), LedgerEntry.objects.count()) == before
    # signed by the merchant's secret but for another amount or currency: refused, and recorded
    assert reply(wire.signed({**good, "vnp_Amount": wire.amount_to_wire(1_000)}, SECRET.encode())) == "04"
    assert reply(wire.signed({**good, "vnp_CurrCode": "USD"}, SECRET.encode())) == "04"
    assert Payment.objects.get(id=payment.id).status == "started"
    assert LedgerEntry.objects.count() == before[2]
    assert len(events(PaymentEvent.NOTIFICATION_REFUSED)) == 2
    assert not events(PaymentEvent.PAID)


def test_a_notification_that_never_comes_is_resolved_by_query(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    paying.set_fault("never")
    paying.pay(start(client, code))
    assert services.query_unresolved(older_than_seconds=0) == {"asked": 1, "paid": 1, "unavailable": 0}
    payment = Payment.objects.get(dossier__code=code)
    assert payment.status == "success"
    [paid] = events(PaymentEvent.PAID)
    assert paid.payload["source"] == "query"
    assert services.query_unresolved(older_than_seconds=0)["asked"] == 0


def test_the_query_job_survives_a_gateway_outage(minh, paying) -> None:  # noqa: F811
    client, code = submitted(minh)
    start(client, code)
    paying.set_fault("fail")
    assert services.query_unresolved(older_than_seconds=0) == {"asked": 1, "paid": 0, "unavailable": 1}
    assert Payment.objects.get(dossier__code=code).status == "started"
    failed = client.post(f"/api/v1/dossiers/{code}/payment/start")
    # starting only signs a URL; the gateway's own page then answers 503 to the browser
    assert failed.status_code == 200


def test_a_failed_attempt_then_a_paid_one_reordered_stays_paid(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    paying.set_fault("reorder")
    paying.pay(start(client, code), card=POOR_CARD)
    # starting again asks the gateway first: the failure is learnt by query, a new attempt opens
    paying.pay(start(client, code))
    assert len(events(PaymentEvent.FAILED)) == 1
    first, second = inbox.serve(2)
    assert (first["RspCode"], second["RspCode"]) == ("00", "02")  # success first, then the old failure
    payment = Payment.objects.get(dossier__code=code)
    assert (payment.status, payment.attempts) == ("success", 2)
    assert len(events(PaymentEvent.PAID)) == 1


def test_a_failed_payment_is_recorded_and_can_be_tried_again(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    paying.pay(start(client, code), card=POOR_CARD)
    assert inbox.serve(1)[0]["RspCode"] == "00"
    assert Payment.objects.get(dossier__code=code).status == "failed"
    assert len(events(PaymentEvent.FAILED)) == 1
    paying.pay(start(client, code))
    assert inbox.serve(1)[0]["RspCode"] == "00"
    assert Payment.objects.get(dossier__code=code).status == "success"


def test_reception_waits_for_a_fee_due_before_reception(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    _user, key = make_official("tiepnhan.stp", [(Role.RECEPTION, "STP.01")])
    official = official_client("tiepnhan.stp", key)
    refused = official.post(
        f"/api/v1/inbox/{code}/decision", {"decision": "accept"}, content_type="application/json"
    )
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "on_hold"
    assert "chưa được thanh toán" in refused.json()["message"] or "not been paid" in refused.json()["message"]
    assert official.get(f"/api/v1/official/dossiers/{code}/payment").json()["status"] == "created"
    paying.pay(start(client, code))
    inbox.serve(1)
    accepted = official.post(
        f"/api/v1/inbox/{code}/decision", {"decision": "accept"}, content_type="application/json"
    )
    assert accepted.status_code == 200, accepted.content


def finance_officer():
    from tests.identity.world import official_actor

    user, _key = make_official("taichinh.stp", [(Role.FINANCE, "STP.01")])
    return official_actor(user)


def paid_dossier(person, gateway: GatewayServer, inbox: PlatformInbox) -> Payment:
    client, code = submitted(person)
    gateway.pay(start(client, code))
    inbox.serve(1)
    return Payment.objects.get(dossier__code=code)


def test_refunds_by_card_partial_then_full_and_by_treasury(minh, paying, inbox) -> None:  # noqa: F811
    from motcua.core.errors import Forbidden, MotcuaError
    from motcua.payments import finance

    payment = paid_dossier(minh, paying, inbox)
    officer = finance_officer()
    reception = make_official("tiepnhan.stp", [(Role.RECEPTION, "STP.01")])[0]
    from tests.identity.world import official_actor

    with pytest.raises(Forbidden):
        finance.refund(
            actor=official_actor(reception),
            payment=payment,
            amount_vnd=10_000,
            reason="other",
            treasury=False,
        )
    finance.refund(actor=officer, payment=payment, amount_vnd=30_000, reason="overpaid", treasury=False)
    with pytest.raises(MotcuaError):
        finance.refund(
            actor=officer,
            payment=Payment.objects.get(id=payment.id),
            amount_vnd=80_000,
            reason="refused",
            treasury=False,
        )
    finance.refund(
        actor=officer,
        payment=Payment.objects.get(id=payment.id),
        amount_vnd=50_000,
        reason="refused",
        treasury=True,
    )
    finance.refund(
        actor=officer,
        payment=Payment.objects.get(id=payment.id),
        amount_vnd=20_000,
        reason="refused",
        treasury=False,
    )
    payment = Payment.objects.get(id=payment.id)
    assert payment.refunded_vnd == 100_000
    refunds = list(
        LedgerEntry.objects.filter(payment=payment, kind="refund").values_list("amount_vnd", "treasury")
    )
    assert refunds == [(-30_000, False), (-50_000, True), (-20_000, False)]
    assert [e.payload["treasury"] for e in events(PaymentEvent.REFUNDED)] == [False, True, False]
    # at the gateway only the card refunds: 30,000 + 20,000
    answer = paying_query(payment)
    assert answer["vnp_RefundedAmount"] == wire.amount_to_wire(50_000)


def paying_query(payment: Payment) -> dict[str, str]:
    from motcua.payments import gateway as client

    return client.call(wire.Command.QUERY, vnp_TxnRef=payment.txn_ref)


def test_reconciliation_lists_what_the_ledger_and_the_statement_disagree_on(minh, paying, inbox) -> None:  # noqa: F811
    import datetime
    from zoneinfo import ZoneInfo

    from motcua.core.actors import SYSTEM
    from motcua.core.errors import Conflict
    from motcua.payments import finance

    known = paid_dossier(minh, paying, inbox)
    client, code = submitted(minh)
    paying.set_fault("never")
    paying.pay(start(client, code))  # paid at the gateway; nobody told the platform
    silent = Payment.objects.get(dossier__code=code)
    today = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    mismatches = finance.reconcile(actor=SYSTEM, day=today)
    ours = [m for m in mismatches if m.reference in {known.reference, silent.reference}]
    assert [(m.kind, m.reference, m.statement_vnd) for m in ours] == [
        ("paid_unknown", silent.reference, 100_000)
    ]
    assert Payment.objects.get(id=silent.id).status == "started"  # nothing corrected by itself
    assert len(finance.reconcile(actor=SYSTEM, day=today)) == len(mismatches)  # a second run adds nothing
    officer = finance_officer()
    with pytest.raises(MotcuaError):
        finance.resolve_mismatch(actor=officer, mismatch_id=ours[0].id, resolution="settled", note="")
    finance.resolve_mismatch(
        actor=officer, mismatch_id=ours[0].id, resolution="settled", note="Khớp sao kê ngân hàng"
    )
    settled = Payment.objects.get(id=silent.id)
    assert settled.status == "success"
    assert LedgerEntry.objects.filter(payment=settled, kind="payment").get().source.startswith("finance:")
    with pytest.raises(Conflict):
        finance.resolve_mismatch(actor=officer, mismatch_id=ours[0].id, resolution="noted", note="again")


def test_the_pages_pay_and_the_return_page_only_displays(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    page = client.get(f"/thanh-toan/{code}/").content.decode()
    assert "Yêu cầu thanh toán" in page
    assert "100000 ₫" in page
    to_gateway = client.post(f"/thanh-toan/{code}/")
    assert to_gateway.status_code == 302
    assert to_gateway["Location"].startswith(paying.base_url)
    back = paying.pay(to_gateway["Location"])
    location = back.headers["Location"]
    assert location.startswith(f"http://testserver/thanh-toan/{code}/ket-qua/?")
    # the browser comes back with the gateway's signed success: the page still only waits
    waiting = client.get(location.removeprefix("http://testserver")).content.decode()
    assert "Đang chờ cổng thanh toán xác nhận" in waiting
    assert Payment.objects.get(dossier__code=code).status == "started"
    inbox.serve(1)
    assert "Đã thanh toán" in client.get(f"/thanh-toan/{code}/ket-qua/").content.decode()
    assert "Khoản phí, lệ phí này đã được thanh toán" in client.get(f"/thanh-toan/{code}/").content.decode()
