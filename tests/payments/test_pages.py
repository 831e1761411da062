"""The payment panels on the dossier pages and the counter's VietQR, against the reference
gateway as a real process: the applicant's dossier page links to its payment request; the
officials' dossier page shows the obligation, its state, payments and refunds; a reception
officer collects by VietQR (never cash) and the transfer the gateway notifies appears on the
dossier."""

from __future__ import annotations

import re
from html import unescape

import pytest

from motcua.identity.models import Role
from motcua.payments.models import Payment
from motcua.protocol import payments as wire
from tests.dossiers.conftest import minh  # noqa: F401 (a fixture)
from tests.identity.world import make_official, official_client
from tests.payments.test_payments import (  # noqa: F401 (fixtures)
    ACCOUNT,
    gateway,
    inbox,
    paying,
    start,
    submitted,
)

pytestmark = pytest.mark.django_db


def test_the_applicants_dossier_page_shows_the_payment_request_and_links_to_pay(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    page = client.get(f"/ho-so/{code}/").content.decode()
    section = page[page.index('id="payment-request"') :]
    assert "Yêu cầu thanh toán" in section
    assert "100000 ₫" in section
    assert 'id="payment-request-status">Yêu cầu thanh toán' in section  # created: not yet paid
    assert f'href="/thanh-toan/{code}/"' in section
    paying.pay(start(client, code))
    inbox.serve(1)
    page = client.get(f"/ho-so/{code}/").content.decode()
    assert 'id="payment-request-status">Đã thanh toán' in page
    assert 'id="payment-request-pay"' not in page


def test_the_officials_dossier_page_shows_the_payment_panel(minh, paying, inbox) -> None:  # noqa: F811
    client, code = submitted(minh)
    _user, key = make_official("tiepnhan.stp", [(Role.RECEPTION, "STP.01")])
    official = official_client("tiepnhan.stp", key)
    page = official.get(f"/can-bo/ho-so/{code}/").content.decode()
    panel = page[page.index('id="payment-panel"') :]
    assert "100000 ₫" in panel
    assert "Phí" in panel
    assert f'href="/can-bo/ho-so/{code}/thu-phi/"' in panel
    assert 'id="payment-panel-payments"' not in panel
    paying.pay(start(client, code))
    inbox.serve(1)
    page = official.get(f"/can-bo/ho-so/{code}/").content.decode()
    assert 'id="payment-panel-status">Đã thanh toán' in page
    payments = page[page.index('id="payment-panel-payments"') :]
    assert "100000 ₫ · ipn:" in payments
    assert 'id="payment-counter-link"' not in page


def test_the_counter_collects_by_vietqr_and_the_notified_transfer_appears_on_the_dossier(
    minh,  # noqa: F811
    paying,  # noqa: F811
    inbox,  # noqa: F811
) -> None:
    _client, code = submitted(minh)
    _user, key = make_official("tiepnhan.stp", [(Role.RECEPTION, "STP.01")])
    official = official_client("tiepnhan.stp", key)
    page = official.get(f"/can-bo/ho-so/{code}/thu-phi/").content.decode()
    assert "<svg" in page
    assert "<script" not in page
    assert "tiền mặt" in page  # "Cash is not accepted"
    payload = unescape(re.search(r'id="counter-payload"[^>]*>([^<]+)<', page).group(1))
    qr = wire.parse_vietqr(payload)
    payment = Payment.objects.get(dossier__code=code)
    assert (qr.bank_bin + ":" + qr.account, qr.amount_vnd, qr.reference) == (
        ACCOUNT,
        100_000,
        payment.reference,
    )
    # nothing counts until the gateway notifies the transfer
    assert Payment.objects.get(id=payment.id).status == "created"
    assert paying.transfer(payload).status_code in {200, 302}
    assert inbox.serve(1)[0]["RspCode"] == "00"
    paid = Payment.objects.get(id=payment.id)
    assert (paid.status, paid.channel) == ("success", "transfer")
    page = official.get(f"/can-bo/ho-so/{code}/").content.decode()
    assert 'id="payment-panel-status">Đã thanh toán' in page
    assert "counter-payload" not in official.get(f"/can-bo/ho-so/{code}/thu-phi/").content.decode()


def test_only_reception_officers_of_the_agency_open_the_counter(minh, paying) -> None:  # noqa: F811
    _client, code = submitted(minh)
    _user, key = make_official("xuly.stp", [(Role.HANDLER, "STP.01")])
    assert official_client("xuly.stp", key).get(f"/can-bo/ho-so/{code}/thu-phi/").status_code == 403
    _user, key = make_official("tiepnhan.khac", [(Role.RECEPTION, "UBND.00004")])
    assert official_client("tiepnhan.khac", key).get(f"/can-bo/ho-so/{code}/thu-phi/").status_code == 404


FORGER = "203.0.113.66"


def test_a_forged_notification_writes_nothing_to_the_database(minh, paying) -> None:  # noqa: F811
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.payments import services

    _client, code = submitted(minh)
    payment = Payment.objects.get(dossier__code=code)
    forged = wire.signed(
        {
            "vnp_Amount": wire.amount_to_wire(100_000),
            "vnp_CurrCode": "VND",
            "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00",
            "vnp_TmnCode": "MOTCUA",
            "vnp_TransactionNo": "66666666",
            "vnp_TxnRef": payment.reference,
        },
        b"an-attackers-guess-at-the-secret-0123456789",
    )
    before = services.FORGED.total
    anonymous = Client()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            reply = anonymous.get(f"/api/v1/payments/ipn?{urlencode(forged)}", REMOTE_ADDR=FORGER).json()
            assert reply["RspCode"] == "97"
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert services.FORGED.total == before + 3
    # an address that keeps forging is refused before its signature is even checked, in memory
    for _ in range(services.FORGED.PER_ADDRESS - 3):
        anonymous.get(f"/api/v1/payments/ipn?{urlencode(forged)}", REMOTE_ADDR=FORGER)
    with CaptureQueriesContext(connection) as queries:
        refused = anonymous.get(f"/api/v1/payments/ipn?{urlencode(forged)}", REMOTE_ADDR=FORGER)
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert services.FORGED.total == before + services.FORGED.PER_ADDRESS
    assert Payment.objects.get(id=payment.id).status == "created"


def test_the_obligation_is_paid_into_the_collecting_agencys_own_account(
    minh,  # noqa: F811
    paying,  # noqa: F811
    settings,
) -> None:
    settings.MOTCUA_PAYMENT_ACCOUNTS = {"STP.01": "970415:1122334455", "UBND.00004": "970436:99"}
    _client, code = submitted(minh)
    payment = Payment.objects.get(dossier__code=code)
    assert payment.account == "970415:1122334455"
    from motcua.payments.models import LedgerEntry

    assert LedgerEntry.objects.get(payment=payment, kind="obligation").account == "970415:1122334455"
    _user, key = make_official("tiepnhan.stp", [(Role.RECEPTION, "STP.01")])
    page = official_client("tiepnhan.stp", key).get(f"/can-bo/ho-so/{code}/thu-phi/").content.decode()
    payload = unescape(re.search(r'id="counter-payload"[^>]*>([^<]+)<', page).group(1))
    qr = wire.parse_vietqr(payload)
    assert (qr.bank_bin, qr.account) == ("970415", "1122334455")
    # an agency not listed collects into the default account
    from motcua.payments.services import beneficiary_account

    assert beneficiary_account("UBND.00008") == settings.MOTCUA_PAYMENT_DEFAULT_ACCOUNT
