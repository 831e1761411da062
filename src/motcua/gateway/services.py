"""What the reference gateway does: open a payment from a signed request, settle it with a demo
card or a VietQR transfer, queue and deliver signed notifications (with the fault switch), answer
queries, refunds and the daily statement. Every answer to a merchant is signed."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.gateway import conf
from motcua.gateway.accounts import DEMO_CARDS
from motcua.gateway.models import (
    Fault,
    FaultSwitch,
    Merchant,
    Notification,
    NotificationStatus,
    Refund,
    Transaction,
    TransactionStatus,
)
from motcua.protocol import payments as wire

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class GatewayError(Exception):
    """A request the gateway refuses; ``code`` is the ``vnp_ResponseCode`` it answers."""

    def __init__(self, message: str, code: str = "99") -> None:
        super().__init__(message)
        self.code = code


def _secret(merchant: Merchant) -> bytes:
    return merchant.secret.encode("utf-8")


def fault() -> FaultSwitch:
    switch = FaultSwitch.objects.order_by("id").first()
    return switch or FaultSwitch(mode=Fault.NONE)


@transaction.atomic
def set_fault(mode: str, delay_ms: int = 0) -> FaultSwitch:
    if mode not in Fault.values:
        raise GatewayError(f"Unknown fault {mode!r}; one of {', '.join(Fault.values)}.")
    switch = FaultSwitch.objects.select_for_update().order_by("id").first() or FaultSwitch()
    switch.mode, switch.delay_ms, switch.updated_at = mode, max(0, delay_ms), timezone.now()
    switch.save()
    if mode != Fault.REORDER:  # nothing stays held once reordering stops
        Notification.objects.filter(status=NotificationStatus.HELD).update(status=NotificationStatus.PENDING)
    return switch


def failing() -> bool:
    return fault().mode == Fault.FAIL


# --- merchants ----------------------------------------------------------------------------------
def add_merchant(*, code: str, secret: str, ipn_url: str, name: str = "", accounts: list[str]) -> Merchant:
    merchant, _created = Merchant.objects.update_or_create(
        code=code, defaults={"secret": secret, "ipn_url": ipn_url, "name": name, "accounts": accounts}
    )
    return merchant


def _verified_merchant(params: Mapping[str, str]) -> Merchant:
    merchant = Merchant.objects.filter(code=params.get("vnp_TmnCode", "")).first()
    if merchant is None:
        raise GatewayError("Unknown merchant.", "02")
    if not wire.verify(params, _secret(merchant)):
        raise GatewayError("Invalid checksum.", "97")
    return merchant


# --- paying -------------------------------------------------------------------------------------
@transaction.atomic
def open_payment(params: Mapping[str, str]) -> Transaction:
    """The transaction a signed ``pay`` request names (created the first time, the same after)."""
    merchant = _verified_merchant(params)
    try:
        wire.require(params, "vnp_Version", "vnp_Command", "vnp_Amount", "vnp_TxnRef", "vnp_ReturnUrl")
        amount = wire.amount_from_wire(params["vnp_Amount"])
    except wire.ProtocolError as error:
        raise GatewayError(str(error), "03") from None
    if params["vnp_Version"] != wire.VERSION or params["vnp_Command"] != wire.Command.PAY:
        raise GatewayError("Unsupported version or command.", "03")
    if params.get("vnp_CurrCode", wire.CURRENCY) != wire.CURRENCY:
        raise GatewayError("Only VND is accepted.", "03")
    existing = Transaction.objects.filter(merchant=merchant, txn_ref=params["vnp_TxnRef"]).first()
    if existing is not None:
        if existing.amount_vnd != amount:
            raise GatewayError("This reference was opened with another amount.", "03")
        return existing
    return Transaction.objects.create(
        merchant=merchant,
        txn_ref=params["vnp_TxnRef"],
        number=_number(),
        amount_vnd=amount,
        order_info=params.get("vnp_OrderInfo", "")[:255],
        return_url=params["vnp_ReturnUrl"],
    )


def _number() -> str:
    return f"{secrets.randbelow(10**8):08d}{secrets.randbelow(10**6):06d}"


@transaction.atomic
def pay_with_card(txn_id: int, *, card_number: str, cancel: bool) -> Transaction:
    """Settle a pending transaction: the card's demo outcome, or the citizen's cancelling."""
    txn = Transaction.objects.select_for_update().get(id=txn_id)
    if txn.status != TransactionStatus.PENDING:
        return txn  # a second submission of the page changes nothing
    if cancel:
        txn.status, txn.response_code = TransactionStatus.CANCELLED, wire.ResponseCode.CANCELLED
    else:
        card = DEMO_CARDS.get(card_number.replace(" ", ""))
        if card is None:
            raise GatewayError("This card is not one of the demo cards.", "09")
        txn.bank_code, txn.card_type, txn.response_code = card.bank_code, card.card_type, card.outcome
        txn.status = (
            TransactionStatus.SUCCESS
            if card.outcome == wire.ResponseCode.SUCCESS
            else TransactionStatus.FAILED
        )
    txn.paid_at = timezone.now()
    txn.save()
    queue_notification(txn)
    return txn


@transaction.atomic
def transfer(payload: str) -> Transaction:
    """A VietQR transfer from the demo bank app: the money reaches the beneficiary account the
    QR names, and its merchant is notified with the QR's reference."""
    try:
        qr = wire.parse_vietqr(payload.strip())
    except wire.ProtocolError as error:
        raise GatewayError(str(error), "03") from None
    if not qr.amount_vnd or not qr.reference:
        raise GatewayError("This QR has no amount or no reference.", "03")
    account = f"{qr.bank_bin}:{qr.account}"
    merchant = next((m for m in Merchant.objects.all() if account in m.accounts), None)
    if merchant is None:
        raise GatewayError("No merchant receives payments into this account.", "02")
    txn = Transaction.objects.select_for_update().filter(merchant=merchant, txn_ref=qr.reference).first()
    if txn is not None and txn.status == TransactionStatus.SUCCESS:
        raise GatewayError("This reference has already been paid.", "02")
    if txn is None:  # a counter QR: no card payment was opened for it
        txn = Transaction(merchant=merchant, txn_ref=qr.reference, number=_number())
    # the money that arrived is what the QR said, even if the reference was opened for another
    # amount: the merchant checks the amount, the gateway reports what happened
    txn.amount_vnd, txn.order_info, txn.channel = qr.amount_vnd, qr.purpose or txn.order_info, "transfer"
    txn.status, txn.response_code = TransactionStatus.SUCCESS, wire.ResponseCode.SUCCESS
    txn.bank_code, txn.card_type, txn.paid_at = f"NAPAS{qr.bank_bin}", "QRCODE", timezone.now()
    txn.save()
    queue_notification(txn)
    return txn


def result_params(txn: Transaction) -> dict[str, str]:
    """The signed parameters of the IPN and of the browser's return (VNPay's field set)."""
    paid = timezone.localtime(txn.paid_at or txn.created_at, VIETNAM)
    status = {
        TransactionStatus.SUCCESS: wire.TransactionStatus.SUCCESS,
        TransactionStatus.PENDING: wire.TransactionStatus.PENDING,
    }.get(TransactionStatus(txn.status), wire.TransactionStatus.ERROR)
    params = {
        "vnp_Amount": wire.amount_to_wire(txn.amount_vnd),
        "vnp_BankCode": txn.bank_code or "NCB",
        "vnp_CardType": txn.card_type or "ATM",
        "vnp_CurrCode": wire.CURRENCY,
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": paid.strftime(wire.DATE_FORMAT),
        "vnp_ResponseCode": txn.response_code or wire.ResponseCode.OTHER,
        "vnp_TmnCode": txn.merchant.code,
        "vnp_TransactionNo": txn.number,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": txn.txn_ref,
    }
    return wire.signed(params, _secret(txn.merchant))


def queue_notification(txn: Transaction) -> None:
    """Queue the IPN for ``txn`` as the fault switch says."""
    switch, now = fault(), timezone.now()
    params = result_params(txn)
    if switch.mode == Fault.NEVER:
        Notification.objects.create(transaction=txn, params=params, status=NotificationStatus.SUPPRESSED)
        return
    if switch.mode == Fault.DELAY:
        Notification.objects.create(
            transaction=txn, params=params, next_attempt_at=now + timedelta(milliseconds=switch.delay_ms)
        )
        return
    if switch.mode == Fault.DUPLICATE:
        Notification.objects.bulk_create([Notification(transaction=txn, params=params) for _ in range(2)])
        return
    if switch.mode == Fault.REORDER:
        held = list(Notification.objects.filter(status=NotificationStatus.HELD).order_by("id"))
        if not held:
            Notification.objects.create(transaction=txn, params=params, status=NotificationStatus.HELD)
            return
        Notification.objects.create(transaction=txn, params=params, next_attempt_at=now)
        for position, older in enumerate(reversed(held), start=1):  # the newest goes first
            older.status, older.next_attempt_at = (
                NotificationStatus.PENDING,
                now + timedelta(seconds=position),
            )
            older.save(update_fields=["status", "next_attempt_at"])
        return
    Notification.objects.create(transaction=txn, params=params)


# --- delivering notifications ---------------------------------------------------------------------
def deliver_due(client: httpx.Client, *, limit: int = 20) -> int:
    """Send the notifications that are due, oldest due first; each is claimed by one conditional
    update, so two workers never send the same attempt. Returns how many were sent."""
    sent = 0
    for _ in range(limit):
        candidate = (
            Notification.objects.filter(
                status=NotificationStatus.PENDING, next_attempt_at__lte=timezone.now()
            )
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)
            .first()
        )
        if candidate is None:
            break
        if not Notification.objects.filter(id=candidate, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.SENDING
        ):
            continue
        _send(client, Notification.objects.select_related("transaction__merchant").get(id=candidate))
        sent += 1
    return sent


def _send(client: httpx.Client, notification: Notification) -> None:
    merchant = notification.transaction.merchant
    reply, confirmed = "", False
    try:
        response = client.get(merchant.ipn_url, params=notification.params, timeout=10)
        reply = response.text[:500]
        code = response.json().get("RspCode") if response.status_code == 200 else None
        confirmed = code in {wire.IpnReply.CONFIRMED, wire.IpnReply.ALREADY_CONFIRMED}
    except (httpx.HTTPError, ValueError, AttributeError) as error:
        reply = f"{type(error).__name__}: {error}"[:500]
    notification.attempts += 1
    notification.last_reply = reply
    if confirmed:
        notification.status, notification.confirmed_at = NotificationStatus.CONFIRMED, timezone.now()
    elif notification.attempts >= conf.attempts():
        notification.status = NotificationStatus.GAVE_UP
    else:
        notification.status = NotificationStatus.PENDING
        wait = conf.retry_seconds() * 2 ** (notification.attempts - 1)
        notification.next_attempt_at = timezone.now() + timedelta(seconds=wait)
    notification.save(update_fields=["attempts", "last_reply", "status", "confirmed_at", "next_attempt_at"])


# --- the merchant's API -------------------------------------------------------------------------
def _answer(merchant: Merchant, fields: Mapping[str, str]) -> dict[str, str]:
    return wire.signed({"vnp_TmnCode": merchant.code, **fields}, _secret(merchant))


def _transaction(merchant: Merchant, params: Mapping[str, str]) -> Transaction:
    txn = Transaction.objects.filter(merchant=merchant, txn_ref=params.get("vnp_TxnRef", "")).first()
    if txn is None:
        raise GatewayError("Transaction not found.", "91")
    return txn


def api(params: Mapping[str, Any]) -> dict[str, str]:
    """One signed API call (query, refund or statement); the answer is signed for the merchant."""
    text = {name: value for name, value in params.items() if isinstance(value, str)}
    merchant = _verified_merchant(text)
    command = text.get("vnp_Command")
    if command == wire.Command.QUERY:
        txn = _transaction(merchant, text)
        result = result_params(txn)
        result.pop(wire.HASH_FIELD)
        return _answer(
            merchant,
            {
                **result,
                "vnp_ResponseCode": "00",
                "vnp_Message": "QueryDR Success",
                "vnp_PayResponseCode": txn.response_code or "",
                "vnp_RefundedAmount": wire.amount_to_wire(txn.refunded_vnd) if txn.refunded_vnd else "0",
            },
        )
    if command == wire.Command.REFUND:
        return _answer(merchant, refund(merchant, text))
    if command == wire.Command.STATEMENT:
        return _answer(merchant, statement(merchant, text.get("vnp_Date", "")))
    raise GatewayError("Unknown command.", "03")


@transaction.atomic
def refund(merchant: Merchant, params: Mapping[str, str]) -> dict[str, str]:
    try:
        wire.require(params, "vnp_RequestId", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionType")
        amount = wire.amount_from_wire(params["vnp_Amount"])
    except wire.ProtocolError as error:
        raise GatewayError(str(error), "03") from None
    txn = (
        Transaction.objects.select_for_update()
        .filter(merchant=merchant, txn_ref=params["vnp_TxnRef"])
        .first()
    )
    if txn is None:
        raise GatewayError("Transaction not found.", "91")
    previous = Refund.objects.filter(transaction=txn, request_id=params["vnp_RequestId"]).first()
    if previous is not None:
        if previous.amount_vnd != amount:
            raise GatewayError("This request id was used for another refund.", "94")
        return _refund_answer(txn, previous)
    if txn.status != TransactionStatus.SUCCESS:
        raise GatewayError("Only a successful payment can be refunded.", "95")
    remaining = txn.amount_vnd - txn.refunded_vnd
    kind = params["vnp_TransactionType"]
    if (
        kind not in {wire.RefundType.FULL, wire.RefundType.PARTIAL}
        or amount > remaining
        or (kind == wire.RefundType.FULL and amount != remaining)
    ):
        raise GatewayError(f"Invalid refund amount: {remaining} đồng can still be refunded.", "93")
    made = Refund.objects.create(
        transaction=txn,
        request_id=params["vnp_RequestId"],
        amount_vnd=amount,
        kind=kind,
        created_by=params.get("vnp_CreateBy", "")[:100],
    )
    txn.refunded_vnd += amount
    txn.save(update_fields=["refunded_vnd"])
    return _refund_answer(txn, made)


def _refund_answer(txn: Transaction, made: Refund) -> dict[str, str]:
    return {
        "vnp_ResponseCode": "00",
        "vnp_Message": "Refund success",
        "vnp_TxnRef": txn.txn_ref,
        "vnp_TransactionNo": txn.number,
        "vnp_Amount": wire.amount_to_wire(made.amount_vnd),
        "vnp_RequestId": made.request_id,
        "vnp_TransactionType": made.kind,
        "vnp_RefundedAmount": wire.amount_to_wire(txn.refunded_vnd),
    }


def statement(merchant: Merchant, day_text: str) -> dict[str, str]:
    """The transactions settled on one day (Vietnam time), as a JSON list inside the signed answer."""
    try:
        day = datetime.strptime(day_text, "%Y%m%d").replace(tzinfo=VIETNAM).date()
    except ValueError:
        raise GatewayError("vnp_Date must be YYYYMMDD.", "03") from None
    start = datetime.combine(day, datetime.min.time(), tzinfo=VIETNAM)
    rows = (
        Transaction.objects.filter(
            merchant=merchant, paid_at__gte=start, paid_at__lt=start + timedelta(days=1)
        )
        .filter(Q(status=TransactionStatus.SUCCESS))
        .order_by("paid_at", "id")
    )
    items = [
        {
            "txn_ref": row.txn_ref,
            "transaction_no": row.number,
            "amount_vnd": row.amount_vnd,
            "refunded_vnd": row.refunded_vnd,
            "channel": row.channel,
            "paid_at": timezone.localtime(row.paid_at, VIETNAM).strftime(wire.DATE_FORMAT)
            if row.paid_at
            else "",
        }
        for row in rows
    ]
    return {
        "vnp_ResponseCode": "00",
        "vnp_Date": day.strftime("%Y%m%d"),
        "vnp_Items": json.dumps(items, ensure_ascii=False, separators=(",", ":")),
    }


def today() -> date:
    return timezone.localtime(timezone.now(), VIETNAM).date()
