"""The reference payment gateway as a real process: its pages, its signed notifications and API,
and every fault its switch can make."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest

from motcua.protocol import payments as wire
from tests.payments.gateway import FRAUD_CARD, POOR_CARD, GatewayServer
from tests.payments.receiver import Receiver

SECRET = "s" * 40
KEY = SECRET.encode()
ACCOUNT = "970436:0011000123456"
RETURN = "http://127.0.0.1:1/thanh-toan/ket-qua"
pytestmark = pytest.mark.usefixtures("_no_fault")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, receiver: Receiver) -> Iterator[GatewayServer]:
    with GatewayServer(tmp_path_factory.mktemp("gateway")) as server:
        server.add_merchant("MOTCUA", SECRET, receiver.url, [ACCOUNT])
        yield server


@pytest.fixture
def _no_fault(gateway: GatewayServer, receiver: Receiver) -> Iterator[None]:
    gateway.set_fault("none")
    receiver.received.clear()
    receiver.replies.clear()
    yield
    gateway.set_fault("none")


def pay_url(gateway: GatewayServer, reference: str, amount_vnd: int, secret: bytes = KEY) -> str:
    params = wire.signed(
        {
            "vnp_Version": wire.VERSION,
            "vnp_Command": wire.Command.PAY,
            "vnp_TmnCode": "MOTCUA",
            "vnp_Amount": wire.amount_to_wire(amount_vnd),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": reference,
            "vnp_OrderInfo": f"Lệ phí hồ sơ {reference}",
            "vnp_ReturnUrl": RETURN,
            "vnp_CreateDate": datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime(wire.DATE_FORMAT),
        },
        secret,
    )
    return f"{gateway.base_url}/paymentv2/vpcpay.html?{urlencode(params)}"


def api(gateway: GatewayServer, **fields: str) -> httpx.Response:
    body = wire.signed({"vnp_TmnCode": "MOTCUA", "vnp_RequestId": fields.pop("request", "r1"), **fields}, KEY)
    return httpx.post(f"{gateway.base_url}/merchant_webapi/api/transaction", json=body, timeout=10)


def ref(name: str) -> str:
    return f"{name}-{time.monotonic_ns()}"


def test_a_card_payment_returns_the_browser_and_notifies_the_merchant_signed(
    gateway: GatewayServer, receiver: Receiver
) -> None:
    reference = ref("OK")
    answer = gateway.pay(pay_url(gateway, reference, 50_000))
    assert answer.status_code == 302
    back = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
    assert answer.headers["Location"].startswith(RETURN + "?")
    assert back["vnp_TxnRef"] == reference
    assert back["vnp_ResponseCode"] == "00"
    assert wire.verify(back, KEY)
    [ipn] = receiver.wait_for(1)
    assert wire.verify(ipn, KEY)
    assert ipn["vnp_Amount"] == "5000000"
    assert ipn["vnp_CurrCode"] == "VND"
    assert (ipn["vnp_ResponseCode"], ipn["vnp_TransactionStatus"]) == ("00", "00")
    # paying the same reference again changes nothing: back to the merchant, no new notification
    again = httpx.get(pay_url(gateway, reference, 50_000), timeout=10)
    assert again.status_code == 302
    query = api(gateway, vnp_Command="querydr", vnp_TxnRef=reference).json()
    assert wire.verify(query, KEY)
    assert (query["vnp_ResponseCode"], query["vnp_TransactionStatus"]) == ("00", "00")
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("card", "cancel", "code"), [(POOR_CARD, False, "51"), (FRAUD_CARD, False, "07"), ("", True, "24")]
)
def test_a_failed_or_cancelled_payment_is_notified_as_such(
    gateway: GatewayServer, receiver: Receiver, card: str, cancel: bool, code: str
) -> None:
    answer = gateway.pay(pay_url(gateway, ref("NO"), 20_000), card=card, cancel=cancel)
    assert dict(parse_qsl(urlsplit(answer.headers["Location"]).query))["vnp_ResponseCode"] == code
    [ipn] = receiver.wait_for(1)
    assert (ipn["vnp_ResponseCode"], ipn["vnp_TransactionStatus"]) == (code, "02")


def test_a_request_not_signed_by_the_merchant_is_refused(gateway: GatewayServer) -> None:
    page = httpx.get(pay_url(gateway, ref("BAD"), 10_000, secret=b"x" * 40), timeout=10)
    assert page.status_code == 400
    assert "97" in page.text
    tampered = pay_url(gateway, ref("BAD"), 10_000).replace("vnp_Amount=1000000", "vnp_Amount=100")
    assert httpx.get(tampered, timeout=10).status_code == 400


def test_an_unconfirmed_notification_is_sent_again(gateway: GatewayServer, receiver: Receiver) -> None:
    receiver.replies.extend(["99", "97"])
    gateway.pay(pay_url(gateway, ref("RETRY"), 10_000))
    first, second, third = receiver.wait_for(3)
    assert first == second == third


def test_fault_duplicate_sends_each_notification_twice(gateway: GatewayServer, receiver: Receiver) -> None:
    gateway.set_fault("duplicate")
    gateway.pay(pay_url(gateway, ref("DUP"), 10_000))
    first, second = receiver.wait_for(2)
    assert first == second


def test_fault_delay_holds_the_notification_back(gateway: GatewayServer, receiver: Receiver) -> None:
    gateway.set_fault("delay", delay_ms=1500)
    paid = time.monotonic()
    gateway.pay(pay_url(gateway, ref("LATE"), 10_000))
    receiver.wait_for(1)
    assert time.monotonic() - paid >= 1.4  # it cannot come sooner than it was told to wait


def test_fault_reorder_sends_the_newer_notification_first(gateway: GatewayServer, receiver: Receiver) -> None:
    gateway.set_fault("reorder")
    older, newer = ref("FIRST"), ref("SECOND")
    gateway.pay(pay_url(gateway, older, 10_000))
    gateway.pay(pay_url(gateway, newer, 10_000))
    assert [ipn["vnp_TxnRef"] for ipn in receiver.wait_for(2)] == [newer, older]


def test_fault_never_sends_nothing_but_query_and_statement_know_the_payment(
    gateway: GatewayServer, receiver: Receiver
) -> None:
    gateway.set_fault("never")
    silent = ref("SILENT")
    gateway.pay(pay_url(gateway, silent, 30_000))
    gateway.set_fault("none")
    heard = ref("HEARD")
    gateway.pay(pay_url(gateway, heard, 10_000))
    # the sender takes due notifications in order: had the silent one been sent, it came first
    assert [ipn["vnp_TxnRef"] for ipn in receiver.wait_for(1)] == [heard]
    query = api(gateway, vnp_Command="querydr", vnp_TxnRef=silent).json()
    assert (query["vnp_TransactionStatus"], query["vnp_Amount"]) == ("00", "3000000")
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y%m%d")
    statement = api(gateway, vnp_Command="statement", vnp_Date=today).json()
    assert wire.verify(statement, KEY)
    items = {item["txn_ref"]: item for item in json.loads(statement["vnp_Items"])}
    assert items[silent]["amount_vnd"] == 30_000
    assert heard in items


def test_fault_fail_makes_the_gateway_unavailable(gateway: GatewayServer) -> None:
    gateway.set_fault("fail")
    assert httpx.get(pay_url(gateway, ref("DOWN"), 10_000), timeout=10).status_code == 503
    assert api(gateway, vnp_Command="querydr", vnp_TxnRef="x").status_code == 503


def test_refunds_partial_then_full_never_more_than_paid_and_idempotent(
    gateway: GatewayServer, receiver: Receiver
) -> None:
    reference = ref("REFUND")
    gateway.pay(pay_url(gateway, reference, 100_000))
    receiver.wait_for(1)

    def refund(request: str, kind: str, amount: int) -> dict[str, str]:
        fields = {
            "vnp_TxnRef": reference,
            "vnp_TransactionType": kind,
            "vnp_Amount": wire.amount_to_wire(amount),
        }
        return dict(api(gateway, vnp_Command="refund", request=request, **fields).json())

    part = refund("a", "03", 30_000)
    assert wire.verify(part, KEY)
    assert (part["vnp_ResponseCode"], part["vnp_RefundedAmount"]) == ("00", "3000000")
    assert refund("a", "03", 30_000)["vnp_RefundedAmount"] == "3000000"  # the same request again
    assert refund("a", "03", 40_000)["vnp_ResponseCode"] == "94"
    assert refund("b", "03", 80_000)["vnp_ResponseCode"] == "93"  # only 70,000 is left
    assert refund("c", "02", 50_000)["vnp_ResponseCode"] == "93"  # a full refund is all that is left
    assert refund("d", "02", 70_000)["vnp_RefundedAmount"] == "10000000"
    assert refund("e", "03", 1)["vnp_ResponseCode"] == "93"
    unknown = api(
        gateway, vnp_Command="refund", vnp_TxnRef="nope", vnp_TransactionType="02", vnp_Amount="100"
    ).json()
    assert unknown["vnp_ResponseCode"] == "91"


def test_a_vietqr_transfer_is_notified_with_the_qr_reference(
    gateway: GatewayServer, receiver: Receiver
) -> None:
    reference = ref("QR")
    payload = wire.VietQr(
        bank_bin="970436", account="0011000123456", amount_vnd=25_000, reference=reference
    ).payload()
    page = gateway.transfer(payload)
    assert page.status_code == 200
    assert reference in page.text
    [ipn] = receiver.wait_for(1)
    assert (ipn["vnp_TxnRef"], ipn["vnp_Amount"], ipn["vnp_CardType"]) == (reference, "2500000", "QRCODE")
    assert gateway.transfer(payload).status_code == 400  # paid already
    altered = payload[:-4] + ("0000" if payload[-4:] != "0000" else "1111")
    assert gateway.transfer(altered).status_code == 400
    unknown = wire.VietQr(bank_bin="970436", account="999", amount_vnd=1_000, reference="x").payload()
    assert gateway.transfer(unknown).status_code == 400


def test_unsigned_api_calls_are_refused(gateway: GatewayServer) -> None:
    body = {"vnp_TmnCode": "MOTCUA", "vnp_Command": "querydr", "vnp_TxnRef": "x", "vnp_SecureHash": "00"}
    answer = httpx.post(f"{gateway.base_url}/merchant_webapi/api/transaction", json=body, timeout=10).json()
    assert answer["vnp_ResponseCode"] == "97"
    assert (
        httpx.post(
            f"{gateway.base_url}/merchant_webapi/api/transaction", content=b"[1]", timeout=10
        ).status_code
        == 400
    )


def test_log_is_clean(gateway: GatewayServer, tmp_path: Path) -> None:
    assert "Traceback" not in gateway.log()
