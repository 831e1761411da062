"""REST API of payments: the gateway's notification (IPN, public, authenticated by its
signature), an applicant's payment request and starting to pay it, and an official's view of a
dossier's payment (docs/payments.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema

from motcua.api.errors import DENIALS, ErrorOut
from motcua.core import ratelimit
from motcua.identity.permissions import agency_actor_of, applicant_auth, applicant_of, official_auth, public
from motcua.payments import selectors, services
from motcua.payments.models import Payment

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
        "dossier": payment.dossier.code,
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
    response={200: IpnReplyOut},
    summary="The payment gateway's notification (IPN): signed; answers the protocol's reply codes",
    description=(
        "Called by the payment gateway, server to server, with the signed vnp_* parameters. Always "
        "200 with {RspCode, Message}: 00 confirmed, 01 order not found, 02 already confirmed, 04 "
        "invalid amount, 97 invalid checksum, 99 other (the protocol's replies, not {code, message})."
    ),
)
@public
def ipn(request: HttpRequest) -> dict[str, str]:
    params = {name: str(value) for name, value in request.GET.items()}
    return services.accept_notification(params).body()


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
    return_url = request.build_absolute_uri(f"/thanh-toan/{payment.dossier.code}/ket-qua/")
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
