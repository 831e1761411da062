"""REST API of payments: the gateway's notification (IPN, public, authenticated by its
signature), an applicant's payment request and starting to pay it, and an official's view of a
dossier's payment (docs/payments.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from motcua.api.errors import DENIALS, ErrorOut
from motcua.core import ratelimit
from motcua.core.errors import MotcuaError
from motcua.identity.permissions import agency_actor_of, applicant_auth, applicant_of, official_auth, public
from motcua.payments import finance, selectors, services
from motcua.payments.models import Mismatch, Payment
from motcua.payments.tasks import reconcile_day_task

router = Router(tags=["payments"])


class IpnReplyOut(Schema):
    RspCode: str
    Message: str


class FeeOut(Schema):
    kind: str  # phi | le_phi
    amount_vnd: int


class PaymentOut(Schema):
    reference: str
    dossier: str
    amount_vnd: int
    fees: list[FeeOut]
    due: str  # before_reception | at_result
    status: str  # created | started | success | failed
    status_label: str
    paid_at: datetime.datetime | None
    online: bool  # 766 DuocThanhToanTrucTuyen
    online_channel: int | None  # 1 national portal, 2 ministry/local gateway
    refunded_vnd: int


class StartOut(Schema):
    redirect_url: str


def payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "reference": payment.reference,
        "dossier": payment.subject_code,
        "amount_vnd": payment.amount_vnd,
        "fees": [{"kind": fee["kind"], "amount_vnd": fee["amount_vnd"]} for fee in payment.fees],
        "due": payment.due,
        "status": payment.status,
        "status_label": str(payment.get_status_display()),
        "paid_at": payment.paid_at,
        "online": payment.paid,
        "online_channel": payment.online_channel,
        "refunded_vnd": payment.refunded_vnd,
    }


@router.get(
    "/payments/ipn",
    response={200: IpnReplyOut, 429: ErrorOut},
    summary="The payment gateway's notification (IPN): signed; answers the protocol's reply codes",
    description=(
        "Called by the payment gateway, server to server, with the signed vnp_* parameters. Always "
        "200 with {RspCode, Message}: 00 confirmed, 01 order not found, 02 already confirmed, 04 "
        "invalid amount, 97 invalid checksum, 99 other (the protocol's replies, not {code, message})."
    ),
)
@public
def ipn(request: HttpRequest) -> dict[str, str] | Status[dict[str, str]]:
    address = ratelimit.client_address(request)
    if services.FORGED.blocked(address):  # many forged notifications from there: in memory only
        return Status(
            429, {"code": "rate_limited", "message": _("Too many requests. Please wait and try again.")}
        )
    params = {name: str(value) for name, value in request.GET.items()}
    return services.accept_notification(params, address=address).body()


@router.get(
    "/dossiers/{code}/payment",
    auth=applicant_auth,
    response={200: PaymentOut, **DENIALS},
    summary="The payment request of one of my dossiers and its state",
)
def my_payment(request: HttpRequest, code: str) -> dict[str, Any]:
    return payment_out(selectors.payment_of_dossier(applicant_of(request), code))


@router.post(
    "/dossiers/{code}/payment/start",
    auth=applicant_auth,
    response={200: StartOut, 400: ErrorOut, 409: ErrorOut, 503: ErrorOut, **DENIALS},
    summary="Start paying the fee of one of my dossiers: where to send the browser",
    description="The gateway sends the browser back to the portal's result page, which only displays.",
)
def start_payment(request: HttpRequest, code: str) -> dict[str, str]:
    actor = applicant_of(request)
    payment = selectors.payment_of_dossier(actor, code)
    return_url = request.build_absolute_uri(f"/thanh-toan/{payment.subject_code}/ket-qua/")
    url = services.start_payment(
        actor=actor,
        payment=payment,
        return_url=return_url,
        locale=get_language() or "vi",
        ip=ratelimit.client_address(request),
    )
    return {"redirect_url": url}


@router.get(
    "/official/dossiers/{code}/payment",
    auth=official_auth,
    response={200: PaymentOut, **DENIALS},
    summary="The payment request of a dossier in my scope and its state",
)
def official_payment(request: HttpRequest, code: str) -> dict[str, Any]:
    return payment_out(selectors.payment_of_dossier(agency_actor_of(request), code))


# --- the finance officer's (Role.FINANCE at the collecting agency, or a platform administrator) ---


class LedgerOut(Schema):
    id: int
    kind: str  # obligation | payment | refund
    reference: str
    dossier: str
    agency: str
    account: str  # beneficiary "BIN:account"
    amount_vnd: int  # refunds negative
    treasury: bool
    source: str
    at: datetime.datetime


class MismatchOut(Schema):
    id: int
    day: datetime.date
    kind: str  # paid_unknown | known_unpaid | amount_differs
    reference: str
    ledger_vnd: int | None
    statement_vnd: int | None
    transaction_no: str
    resolution: str  # "" while open | settled | escalated | noted
    note: str
    resolved_at: datetime.datetime | None


class ReconcileIn(Schema):
    day: datetime.date


class ResolveIn(Schema):
    resolution: str  # settled | escalated | noted
    note: str


class RefundIn(Schema):
    amount_vnd: int
    reason: str  # refused | withdrawn | overpaid | other
    treasury: bool  # a State-budget refund ordered through the Treasury, not sent to the card
    note: str = ""


def mismatch_out(mismatch: Mismatch) -> dict[str, Any]:
    return {
        "id": mismatch.id,
        "day": mismatch.day,
        "kind": mismatch.kind,
        "reference": mismatch.reference,
        "ledger_vnd": mismatch.ledger_vnd,
        "statement_vnd": mismatch.statement_vnd,
        "transaction_no": mismatch.transaction_no,
        "resolution": mismatch.resolution,
        "note": mismatch.note,
        "resolved_at": mismatch.resolved_at,
    }


@router.get(
    "/finance/ledger",
    auth=official_auth,
    response={200: list[LedgerOut], **DENIALS},
    summary="The ledger (obligations, payments, refunds) of my finance agencies, newest first",
)
def ledger(
    request: HttpRequest, dossier: str = "", agency: str = "", account: str = ""
) -> list[dict[str, Any]]:
    lines = selectors.ledger_filtered(
        agency_actor_of(request), dossier=dossier[:64], agency=agency[:64], account=account[:40]
    )
    return [
        {
            "id": line.id,
            "kind": line.kind,
            "reference": line.payment.reference,
            "dossier": line.dossier_code,
            "agency": line.agency_code,
            "account": line.account,
            "amount_vnd": line.amount_vnd,
            "treasury": line.treasury,
            "source": line.source,
            "at": line.created_at,
        }
        for line in lines
    ]


@router.get(
    "/finance/mismatches",
    auth=official_auth,
    response={200: list[MismatchOut], **DENIALS},
    summary="The reconciliation's mismatches of my finance agencies, open ones first",
)
def mismatches(request: HttpRequest) -> list[dict[str, Any]]:
    return [mismatch_out(found) for found in selectors.open_mismatches(agency_actor_of(request))]


class ReconcileOut(Schema):
    day: datetime.date
    queued: bool


@router.post(
    "/finance/reconciliations",
    auth=official_auth,
    response={200: ReconcileOut, 400: ErrorOut, **DENIALS},
    summary="Reconcile one day's ledger with the gateway's signed statement, in the background",
    description=(
        "The daily job reconciles yesterday by itself; this asks for a day again (after an outage "
        "of the gateway, say). The job runs in the worker: read the result at /finance/mismatches."
    ),
)
def reconcile(request: HttpRequest, body: ReconcileIn) -> dict[str, Any]:
    actor = agency_actor_of(request)
    selectors.require_finance_view(actor)
    if body.day > finance.yesterday() + datetime.timedelta(days=1):
        raise MotcuaError(_("A day in the future cannot be reconciled."))
    reconcile_day_task.enqueue(body.day.isoformat())
    return {"day": body.day, "queued": True}


@router.post(
    "/finance/mismatches/{mismatch_id}/resolve",
    auth=official_auth,
    response={200: MismatchOut, 400: ErrorOut, 409: ErrorOut, **DENIALS},
    summary="Resolve a mismatch with a reason: settled, escalated (tra soát) or noted",
)
def resolve(request: HttpRequest, mismatch_id: int, body: ResolveIn) -> dict[str, Any]:
    actor = agency_actor_of(request)
    found = selectors.finance_mismatch(actor, mismatch_id)
    return mismatch_out(
        finance.resolve_mismatch(
            actor=actor, mismatch_id=found.id, resolution=body.resolution, note=body.note
        )
    )


@router.post(
    "/finance/payments/{reference}/refunds",
    auth=official_auth,
    response={200: PaymentOut, 400: ErrorOut, 409: ErrorOut, 503: ErrorOut, **DENIALS},
    summary="Refund a paid fee: to the card through the gateway, or a State Treasury refund",
)
def refund(request: HttpRequest, reference: str, body: RefundIn) -> dict[str, Any]:
    actor = agency_actor_of(request)
    payment = selectors.finance_payment(actor, reference)
    done = finance.refund(
        actor=actor,
        payment=payment,
        amount_vnd=body.amount_vnd,
        reason=body.reason,
        treasury=body.treasury,
        note=body.note[:200],
    )
    return payment_out(done)
