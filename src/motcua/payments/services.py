"""Every write of the payments app (ADR 0041): obligations from submitted dossiers, starting a
payment, accepting the gateway's notifications, resolving a payment by query. Each change is one
transaction with its audit entry and outbox event (``record_change``) and, for money, its
ledger line. Refunds and reconciliation are in ``finance.py``."""

from __future__ import annotations

import datetime
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.selectors import definition
from motcua.core.actors import Actor, ActorRef
from motcua.core.errors import Conflict, MotcuaError
from motcua.core.logging import get_logger
from motcua.core.services import record_change
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.exchange.fines import mark_fine_paid
from motcua.payments import gateway
from motcua.payments.errors import PaymentErrorCode
from motcua.payments.events import PaymentEvent, PaymentSubject
from motcua.payments.models import (
    Channel,
    Due,
    GatewayNotification,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    reference_of,
)
from motcua.protocol import payments as wire

log = get_logger(__name__)
VIETNAM_TZ = gateway.VIETNAM
GATEWAY_ACTOR = ActorRef(kind="system", id="payment-gateway")
# the demo beneficiary account (development's MOTCUA_PAYMENT_DEFAULT_ACCOUNT)
DEFAULT_ACCOUNT = "970436:0011000123456"
# 766 DuocThanhToanTrucTuyen: this platform's own (ministry/local) gateway is channel 2
ONLINE_CHANNEL = 2
CLOSED = {DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED}


def fee_terms(dossier: Dossier) -> tuple[str, str]:
    """When the dossier's fee is due and whether it is a phí or a lệ phí (the spec's ``fees``)."""
    fees = definition(dossier.procedure, dossier.spec_sha256).fees
    return (fees.due, fees.category) if fees is not None else (Due.AT_RESULT, "le_phi")


def _payload(payment: Payment, **more: Any) -> dict[str, Any]:
    return {
        "dossier_id": payment.dossier_id,
        "dossier_code": payment.subject_code,
        **({"violation_id": payment.violation_id} if payment.violation_id else {}),
        "procedure_code": payment.procedure_code,
        "reference": payment.reference,
        **more,
    }


def _record(
    payment: Payment, *, actor: Actor, type: PaymentEvent, changes: Mapping[str, Any], **payload: Any
) -> None:
    record_change(
        actor=actor,
        type=type,
        subject_type=PaymentSubject.PAYMENT,
        subject_id=payment.id,
        agency_code=payment.agency_code,
        unit_code=payment.unit_code,
        changes=changes,
        payload=_payload(payment, **payload),
    )


def _ledger(
    payment: Payment,
    kind: LedgerKind,
    amount_vnd: int,
    *,
    source: str,
    treasury: bool = False,
    note: str = "",
) -> None:
    LedgerEntry.objects.create(
        payment=payment,
        kind=kind,
        dossier_code=payment.subject_code,
        agency_code=payment.agency_code,
        account=payment.account,
        amount_vnd=amount_vnd,
        treasury=treasury,
        source=source[:64],
        note=note[:255],
    )


def beneficiary_account(agency_code: str) -> str:
    """The account ("BIN:account") a collecting agency's fees are paid into: its own from
    ``MOTCUA_PAYMENT_ACCOUNTS``, else ``MOTCUA_PAYMENT_DEFAULT_ACCOUNT``. The obligation keeps the
    account it was created with (the ledger and the VietQR say where the money went)."""
    account = settings.MOTCUA_PAYMENT_ACCOUNTS.get(agency_code) or settings.MOTCUA_PAYMENT_DEFAULT_ACCOUNT
    bank_bin, _sep, number = account.partition(":")
    if not (bank_bin.isdigit() and len(bank_bin) == 6 and number.isalnum() and len(number) <= 19):
        log.error("beneficiary account misconfigured", agency_code=agency_code)
        return str(settings.MOTCUA_PAYMENT_DEFAULT_ACCOUNT)
    return account


def new_reference() -> str:
    """Our payment reference (``vnp_TxnRef``, VietQR 62/05): short, unguessable, upper case."""
    return "TT" + secrets.token_hex(6).upper()


@transaction.atomic
def create_obligation(*, actor: Actor, dossier_code: str) -> Payment | None:
    """The payment request ("Yêu cầu thanh toán") of a dossier whose fee is not zero; the same one
    when asked again (the outbox delivers at least once)."""
    dossier = (
        Dossier.objects.select_related("procedure").select_for_update(of=("self",)).get(code=dossier_code)
    )
    existing = Payment.objects.filter(dossier=dossier).first()
    if existing is not None or not dossier.fee_vnd:
        return existing
    due, category = fee_terms(dossier)
    fees = [{"kind": category, "amount_vnd": dossier.fee_vnd}]
    payment = Payment.objects.create(
        reference=new_reference(),
        dossier=dossier,
        agency_code=dossier.agency_code,
        unit_code=dossier.commune_code,
        procedure_code=dossier.procedure.code,
        amount_vnd=dossier.fee_vnd,
        fees=fees,
        due=due,
        account=beneficiary_account(dossier.agency_code),
    )
    _ledger(payment, LedgerKind.OBLIGATION, payment.amount_vnd, source="dossier")
    _record(
        payment,
        actor=actor,
        type=PaymentEvent.OBLIGATION_CREATED,
        changes={"status": [None, PaymentStatus.CREATED], "amount_vnd": [None, payment.amount_vnd]},
        amount_vnd=payment.amount_vnd,
        fees=[{"kind": fee["kind"], "amount_vnd": fee["amount_vnd"]} for fee in fees],
        due=due,
    )
    return payment


def start_payment(*, actor: Actor, payment: Payment, return_url: str, locale: str, ip: str) -> str:
    """The gateway URL the citizen's browser goes to; the payment becomes ``started``.

    A payment already started is first asked about (a failed attempt whose notification has not
    come yet gets a new gateway reference; a paid one is settled and refused here), so two
    attempts are never open at once: no paying twice by starting twice."""
    if payment.status == PaymentStatus.STARTED:
        try:
            resolve_by_query(payment)
        except MotcuaError:
            pass  # the gateway does not answer: the same attempt again
    return _start(actor=actor, payment=payment, return_url=return_url, locale=locale, ip=ip)


@transaction.atomic
def _start(*, actor: Actor, payment: Payment, return_url: str, locale: str, ip: str) -> str:
    payment = Payment.objects.select_for_update(of=("self",)).select_related("dossier").get(id=payment.id)
    if payment.paid:
        raise Conflict(_("This fee has already been paid."), code=PaymentErrorCode.ALREADY_PAID)
    if payment.dossier is not None and payment.dossier.status in CLOSED:
        raise Conflict(
            _("This dossier is closed: nothing is to be paid."), code=PaymentErrorCode.NOT_REFUNDABLE
        )
    old = payment.status
    if payment.attempts == 0 or old == PaymentStatus.FAILED:
        payment.attempts += 1  # a new gateway reference: the failed one is final at the gateway
    url = gateway.pay_url(
        reference=payment.txn_ref,
        amount_vnd=payment.amount_vnd,
        order_info=f"Thanh toan ho so {payment.dossier.code}"
        if payment.dossier is not None
        else f"Nop phat {payment.violation_id}",
        return_url=return_url,
        locale=locale,
        ip=ip,
    )
    if old != PaymentStatus.STARTED:
        payment.status, payment.updated_at = PaymentStatus.STARTED, timezone.now()
        payment.save(update_fields=["status", "updated_at", "attempts"])
        _record(
            payment,
            actor=actor,
            type=PaymentEvent.STARTED,
            changes={"status": [old, payment.status], "attempts": [None, payment.attempts]},
        )
    return url


class _ForgedCount:
    """Notifications refused for their signature, counted in this process's memory only: a forged
    notification must cost no database write (anyone can send one), so it is counted, limited per
    address, and logged at most once a minute, never stored."""

    PER_ADDRESS = 30  # refused signatures per address and minute before the address is refused
    ADDRESSES = 10_000  # the memory it may take: beyond, the oldest addresses are forgotten

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = 0
        self._logged_at = 0.0
        self._by_address: dict[str, tuple[float, int]] = {}

    def blocked(self, address: str) -> bool:
        with self._lock:
            since, count = self._by_address.get(address, (0.0, 0))
            return count >= self.PER_ADDRESS and time.monotonic() - since < 60

    def add(self, address: str = "") -> None:
        now = time.monotonic()
        with self._lock:
            self.total += 1
            since, count = self._by_address.get(address, (now, 0))
            if now - since >= 60:
                since, count = now, 0
            self._by_address[address] = (since, count + 1)
            if len(self._by_address) > self.ADDRESSES:
                del self._by_address[next(iter(self._by_address))]
            due = now - self._logged_at >= 60
            if due:
                self._logged_at = now
            total = self.total
        if due:
            log.warning("payment notifications refused for their signature", total=total)


FORGED = _ForgedCount()


def accept_notification(params: Mapping[str, str], *, address: str = "") -> wire.IpnReply:
    """The gateway's notification (IPN), in VNPay's order: signature, known reference, exact
    amount and currency, not already final; then the payment, its ledger line and its event, in
    one transaction holding the payment's lock. The raw notification is kept with its reply —
    unless its signature is not ours: a forged notification is counted in memory and writes
    nothing (docs/threat-model.md)."""
    reply = _accept(params)
    if reply == wire.IpnReply.INVALID_CHECKSUM:
        FORGED.add(address)
        return reply
    try:
        GatewayNotification.objects.create(
            reference=str(params.get("vnp_TxnRef", ""))[:100], params=dict(params), reply=reply
        )
    except Exception:  # the reply stands even if the copy cannot be kept
        log.exception("gateway notification not kept")
    return reply


def _accept(params: Mapping[str, str]) -> wire.IpnReply:
    try:
        if not gateway.verified(params):
            return wire.IpnReply.INVALID_CHECKSUM
    except MotcuaError:
        return wire.IpnReply.UNKNOWN_ERROR
    return settle(params, source="ipn")


@transaction.atomic
def settle(params: Mapping[str, str], *, source: str) -> wire.IpnReply:
    """Apply a verified result (a notification, or a query's answer) to its payment."""
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("dossier")
        .filter(reference=reference_of(str(params.get("vnp_TxnRef", ""))))
        .first()
    )
    if payment is None:
        return wire.IpnReply.ORDER_NOT_FOUND
    try:
        amount = wire.amount_from_wire(params.get("vnp_Amount", ""))
    except wire.ProtocolError:
        amount = -1
    if amount != payment.amount_vnd or params.get("vnp_CurrCode", wire.CURRENCY) != wire.CURRENCY:
        _record(
            payment,
            actor=GATEWAY_ACTOR,
            type=PaymentEvent.NOTIFICATION_REFUSED,
            changes={"reply": [None, wire.IpnReply.INVALID_AMOUNT]},
            reason="amount",
            amount_vnd=max(amount, 0),
        )
        return wire.IpnReply.INVALID_AMOUNT
    if payment.paid:
        return wire.IpnReply.ALREADY_CONFIRMED
    succeeded = (
        params.get("vnp_ResponseCode") == wire.ResponseCode.SUCCESS
        and params.get("vnp_TransactionStatus") == wire.TransactionStatus.SUCCESS
    )
    old = payment.status
    now = timezone.now()
    if not succeeded:
        if old == PaymentStatus.FAILED or str(params.get("vnp_TxnRef")) != payment.txn_ref:
            return wire.IpnReply.ALREADY_CONFIRMED  # already known, or an older attempt's
        payment.status, payment.updated_at = PaymentStatus.FAILED, now
        payment.save(update_fields=["status", "updated_at"])
        _record(
            payment,
            actor=GATEWAY_ACTOR,
            type=PaymentEvent.FAILED,
            changes={"status": [old, payment.status]},
            response_code=str(params.get("vnp_ResponseCode", ""))[:2],
        )
        return wire.IpnReply.CONFIRMED
    payment.status, payment.paid_at, payment.updated_at = PaymentStatus.SUCCESS, now, now
    payment.transaction_no = str(params.get("vnp_TransactionNo", ""))[:32]
    payment.channel = Channel.TRANSFER if params.get("vnp_CardType") == "QRCODE" else Channel.CARD
    payment.online_channel = ONLINE_CHANNEL
    payment.save(
        update_fields=["status", "paid_at", "updated_at", "transaction_no", "channel", "online_channel"]
    )
    _ledger(payment, LedgerKind.PAYMENT, payment.amount_vnd, source=f"{source}:{payment.transaction_no}")
    _record(
        payment,
        actor=GATEWAY_ACTOR,
        type=PaymentEvent.PAID,
        changes={"status": [old, payment.status], "transaction_no": [None, payment.transaction_no]},
        amount_vnd=payment.amount_vnd,
        online=True,
        online_channel=payment.online_channel,
        channel=payment.channel,
        fees=payment.fees,
        source=source,
    )
    if payment.violation_id:  # a traffic fine: marked paid in its registry after commit
        mark_fine_paid(
            actor=GATEWAY_ACTOR,
            owner_personal_id=payment.fine_owner,
            violation_id=payment.violation_id,
            amount_vnd=payment.amount_vnd,
            payment_reference=payment.reference,
            paid_on=timezone.localdate(now),
            request_id=uuid.uuid5(uuid.NAMESPACE_URL, f"motcua:fine-paid:{payment.reference}"),
        )
    return wire.IpnReply.CONFIRMED


def resolve_by_query(payment: Payment) -> str:
    """Ask the gateway about a payment whose notification has not come; apply a signed success.
    Returns the payment's status after."""
    answer = gateway.call(wire.Command.QUERY, vnp_TxnRef=payment.txn_ref, vnp_OrderInfo="querydr")
    if answer.get("vnp_ResponseCode") == "00" and answer.get("vnp_TransactionStatus") in {
        wire.TransactionStatus.SUCCESS,
        wire.TransactionStatus.ERROR,
    }:
        settle(answer, source="query")
    return Payment.objects.values_list("status", flat=True).get(id=payment.id)


def query_unresolved(*, older_than_seconds: int = 60) -> dict[str, int]:
    """The query job: every started payment without a final state after ``older_than_seconds``."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    counts = {"asked": 0, "paid": 0, "unavailable": 0}
    for payment in Payment.objects.filter(status=PaymentStatus.STARTED, updated_at__lte=cutoff).order_by(
        "id"
    )[:200]:
        counts["asked"] += 1
        try:
            if resolve_by_query(payment) == PaymentStatus.SUCCESS:
                counts["paid"] += 1
        except MotcuaError:
            counts["unavailable"] += 1
    return counts
