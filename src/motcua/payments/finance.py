"""The finance officer's writes: refunds (to the card through the gateway, or a State-budget
refund ordered through the Treasury, recorded as such) and the daily reconciliation of the ledger
with the gateway's signed statement, whose mismatches are listed and resolved only by a recorded
action — nothing is corrected silently (docs/payments.md)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.actors import Actor
from motcua.core.errors import Conflict, Forbidden, MotcuaError, Unavailable
from motcua.core.services import record_change
from motcua.identity.actors import IntegratorActor, OfficialActor
from motcua.identity.models import Role
from motcua.payments import gateway
from motcua.payments.errors import PaymentErrorCode
from motcua.payments.events import PaymentEvent, PaymentSubject
from motcua.payments.models import LedgerEntry, LedgerKind, Mismatch, MismatchKind, Payment, PaymentStatus
from motcua.payments.services import VIETNAM_TZ, _ledger, _record
from motcua.protocol import payments as wire

FinanceActor = OfficialActor | IntegratorActor
REFUND_REASONS = {"refused", "withdrawn", "overpaid", "other"}
RESOLUTIONS = {"settled", "escalated", "noted"}


def require_finance(actor: FinanceActor, agency_code: str) -> None:
    if not (actor.is_platform_admin or actor.has_role(Role.FINANCE, agency_code=agency_code)):
        raise Forbidden(_("Only a finance officer of the collecting agency may do this."))


def refund(
    *, actor: FinanceActor, payment: Payment, amount_vnd: int, reason: str, treasury: bool, note: str = ""
) -> Payment:
    """Refund ``amount_vnd`` of a paid fee. ``treasury``: the money has reached the State budget, so
    the agency orders a Treasury refund (hoàn trả khoản thu NSNN) — recorded here, nothing is sent
    to the card; otherwise the gateway reverses it to the original card or account."""
    require_finance(actor, payment.agency_code)
    if reason not in REFUND_REASONS:
        raise MotcuaError(_("Choose why the fee is refunded."))
    if not payment.paid:
        raise Conflict(_("Only a paid fee can be refunded."), code=PaymentErrorCode.NOT_REFUNDABLE)
    left = payment.amount_vnd - payment.refunded_vnd
    if isinstance(amount_vnd, bool) or not 0 < amount_vnd <= left:
        raise MotcuaError(_("The refund must be more than 0 and at most %(left)s đồng.") % {"left": left})
    number = payment.ledger.filter(kind=LedgerKind.REFUND).count() + 1
    request_id = f"{payment.reference}-R{number}"
    if not treasury:
        # what the gateway still holds: the payment less the card refunds (a Treasury refund is
        # paid from the State budget, not reversed at the gateway)
        card_refunds = payment.ledger.filter(kind=LedgerKind.REFUND, treasury=False)
        card_refunded = -(card_refunds.aggregate(total=Sum("amount_vnd"))["total"] or 0)
        at_gateway = payment.amount_vnd - card_refunded
        kind = wire.RefundType.FULL if amount_vnd == at_gateway else wire.RefundType.PARTIAL
        answer = gateway.call(
            wire.Command.REFUND,
            vnp_TxnRef=payment.txn_ref,
            vnp_TransactionType=kind,
            vnp_Amount=wire.amount_to_wire(amount_vnd),
            vnp_TransactionNo=payment.transaction_no,
            vnp_CreateBy=actor.actor_id,
            vnp_RequestId=request_id,
        )
        if answer.get("vnp_ResponseCode") != "00":
            raise Unavailable(
                _("The gateway refused the refund: %(message)s") % {"message": answer.get("vnp_Message", "")},
                code=PaymentErrorCode.NOT_REFUNDABLE,
            )
    return _record_refund(
        actor=actor,
        payment_id=payment.id,
        amount_vnd=amount_vnd,
        reason=reason,
        treasury=treasury,
        request_id=request_id,
        note=note,
    )


@transaction.atomic
def _record_refund(
    *, actor: Actor, payment_id: int, amount_vnd: int, reason: str, treasury: bool, request_id: str, note: str
) -> Payment:
    payment = Payment.objects.select_for_update(of=("self",)).select_related("dossier").get(id=payment_id)
    if payment.ledger.filter(kind=LedgerKind.REFUND, source=request_id).exists():
        return payment  # the same refund recorded already (a retry)
    old = payment.refunded_vnd
    payment.refunded_vnd += amount_vnd
    payment.updated_at = timezone.now()
    payment.save(update_fields=["refunded_vnd", "updated_at"])
    _ledger(
        payment, LedgerKind.REFUND, -amount_vnd, source=request_id, treasury=treasury, note=f"{reason} {note}"
    )
    _record(
        payment,
        actor=actor,
        type=PaymentEvent.REFUNDED,
        changes={"refunded_vnd": [old, payment.refunded_vnd]},
        amount_vnd=amount_vnd,
        treasury=treasury,
        reason=reason,
    )
    return payment


def reconcile(*, actor: Actor, day: datetime.date) -> list[Mismatch]:
    """Match the ledger's payments of ``day`` (Vietnam time) with the gateway's signed statement;
    record each mismatch once. Returns the open mismatches of that day."""
    answer = gateway.call(wire.Command.STATEMENT, vnp_Date=gateway.statement_day(day))
    if answer.get("vnp_ResponseCode") != "00":
        raise Unavailable(
            _("The gateway did not give its statement."), code=PaymentErrorCode.GATEWAY_UNAVAILABLE
        )
    try:
        items: list[dict[str, Any]] = json.loads(answer.get("vnp_Items", "[]"))
    except ValueError:
        raise Unavailable(
            _("The gateway's statement cannot be read."), code=PaymentErrorCode.GATEWAY_UNAVAILABLE
        ) from None
    return _record_reconciliation(actor=actor, day=day, items=items)


@transaction.atomic
def _record_reconciliation(
    *, actor: Actor, day: datetime.date, items: list[dict[str, Any]]
) -> list[Mismatch]:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=VIETNAM_TZ)
    end = start + datetime.timedelta(days=1)
    ledger_paid: dict[str, int] = {
        row["payment__reference"]: int(row["total"])
        for row in LedgerEntry.objects.filter(
            kind=LedgerKind.PAYMENT, created_at__gte=start, created_at__lt=end
        )
        .values("payment__reference")
        .annotate(total=Sum("amount_vnd"))
    }
    statement: dict[str, dict[str, Any]] = {}
    for item in items:
        reference = str(item.get("txn_ref", "")).split("-", 1)[0]
        statement[reference] = {**item, "amount_vnd": int(item.get("amount_vnd", 0))}
    found: list[tuple[str, str, int | None, int | None, str]] = []
    for reference, item in statement.items():
        if reference not in ledger_paid:
            found.append(
                (
                    MismatchKind.PAID_UNKNOWN,
                    reference,
                    None,
                    item["amount_vnd"],
                    str(item.get("transaction_no", "")),
                )
            )
        elif ledger_paid[reference] != item["amount_vnd"]:
            found.append(
                (
                    MismatchKind.AMOUNT_DIFFERS,
                    reference,
                    ledger_paid[reference],
                    item["amount_vnd"],
                    str(item.get("transaction_no", "")),
                )
            )
    for reference, amount in ledger_paid.items():
        if reference not in statement:
            found.append((MismatchKind.KNOWN_UNPAID, reference, amount, None, ""))
    payments = {p.reference: p for p in Payment.objects.filter(reference__in=[f[1] for f in found])}
    new = 0
    for kind, reference, ledger_vnd, statement_vnd, number in found:
        try:
            with transaction.atomic():
                Mismatch.objects.create(
                    day=day,
                    kind=kind,
                    reference=reference,
                    payment=payments.get(reference),
                    ledger_vnd=ledger_vnd,
                    statement_vnd=statement_vnd,
                    transaction_no=number,
                )
                new += 1
        except IntegrityError:
            pass  # found by an earlier run of the same day
    record_change(
        actor=actor,
        type=PaymentEvent.RECONCILED,
        subject_type=PaymentSubject.RECONCILIATION,
        subject_id=day.isoformat(),
        changes={"mismatches": [None, len(found)]},
        payload={
            "day": day.isoformat(),
            "statement": len(statement),
            "ledger": len(ledger_paid),
            "mismatches": len(found),
            "new": new,
        },
    )
    return list(Mismatch.objects.filter(day=day, resolved_at__isnull=True).order_by("id"))


@transaction.atomic
def resolve_mismatch(*, actor: FinanceActor, mismatch_id: int, resolution: str, note: str) -> Mismatch:
    """A finance officer's action on a mismatch: ``settled`` (a paid-but-unknown transfer of a known
    payment request is recorded as paid, from the statement), ``escalated`` (to the gateway's
    dispute process, tra soát) or ``noted``; always with a note, always audited."""
    mismatch = Mismatch.objects.select_for_update(of=("self",)).select_related("payment").get(id=mismatch_id)
    agency = mismatch.payment.agency_code if mismatch.payment else ""
    if agency:
        require_finance(actor, agency)
    elif not actor.is_platform_admin:
        raise Forbidden(_("Only a platform administrator may act on money nobody asked for."))
    if mismatch.resolved_at is not None:
        raise Conflict(_("This mismatch has already been resolved."))
    if resolution not in RESOLUTIONS or not note.strip():
        raise MotcuaError(_("Choose an action and say why."))
    if resolution == "settled":
        payment = mismatch.payment
        if payment is None or mismatch.kind != MismatchKind.PAID_UNKNOWN or payment.paid:
            raise Conflict(_("Only money the gateway received for an unpaid payment request can be settled."))
        if mismatch.statement_vnd != payment.amount_vnd:
            raise Conflict(_("The amount the gateway received is not the amount due: escalate it instead."))
        payment = Payment.objects.select_for_update(of=("self",)).get(id=payment.id)
        old = payment.status
        now = timezone.now()
        payment.status, payment.paid_at, payment.updated_at = PaymentStatus.SUCCESS, now, now
        payment.transaction_no, payment.online_channel = mismatch.transaction_no, 2
        payment.save(update_fields=["status", "paid_at", "updated_at", "transaction_no", "online_channel"])
        _ledger(
            payment, LedgerKind.PAYMENT, payment.amount_vnd, source=f"finance:{actor.actor_id}", note=note
        )
        _record(
            payment,
            actor=actor,
            type=PaymentEvent.PAID,
            changes={"status": [old, payment.status]},
            amount_vnd=payment.amount_vnd,
            online=True,
            online_channel=2,
            fees=payment.fees,
            source="reconciliation",
        )
    mismatch.resolved_at, mismatch.resolved_by = timezone.now(), actor.actor_id
    mismatch.resolution, mismatch.note = resolution, note.strip()[:500]
    mismatch.save(update_fields=["resolved_at", "resolved_by", "resolution", "note"])
    record_change(
        actor=actor,
        type=PaymentEvent.MISMATCH_RESOLVED,
        subject_type=PaymentSubject.RECONCILIATION,
        subject_id=mismatch.day.isoformat(),
        agency_code=agency,
        changes={"resolution": [None, resolution]},
        payload={"mismatch_id": mismatch.id, "kind": mismatch.kind, "reference": mismatch.reference},
    )
    return mismatch


def yesterday() -> datetime.date:
    """Yesterday in Vietnam: the day the daily reconciliation covers."""
    return timezone.localtime(timezone.now(), VIETNAM_TZ).date() - datetime.timedelta(days=1)
