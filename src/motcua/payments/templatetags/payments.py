"""Template tags that put the payments app's panels on the dossier pages (which belong to
``dossiers`` and ``backoffice``, below payments): the applicant's payment request ("Yêu cầu
thanh toán") with its amount and state, and the officials' payment panel (obligation, state,
payments, refunds, and the links to the counter VietQR and to refunds)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.documents import selectors as documents_selectors
from motcua.dossiers.models import Dossier
from motcua.identity.actors import OfficialActor, actor_for
from motcua.identity.models import Role
from motcua.payments import selectors
from motcua.payments.models import LedgerKind

register = template.Library()


@register.inclusion_tag("payments/_payment_request.html", takes_context=True)
def payment_request(context: dict[str, Any], dossier: Dossier) -> dict[str, Any]:
    payment = selectors.payment_shown_with(actor_for(context["request"]), dossier)
    return {"payment": payment, "receipt": _receipt(payment, dossier)}


def _receipt(payment: Any, dossier: Dossier) -> Any:
    """The fee's electronic receipt, once issued (whoever sees the payment sees its receipt)."""
    return documents_selectors.receipt_for_dossier(dossier) if payment is not None and payment.paid else None


@register.inclusion_tag("payments/_payment_panel.html", takes_context=True)
def payment_panel(context: dict[str, Any], dossier: Dossier) -> dict[str, Any]:
    actor = actor_for(context["request"])
    payment = selectors.payment_shown_with(actor, dossier)
    if payment is None:
        return {"payment": None}
    lines = selectors.ledger_of_payment(payment)
    official = actor if isinstance(actor, OfficialActor) else None
    agency = payment.agency_code
    return {
        "payment": payment,
        "receipt": _receipt(payment, dossier),
        "payments": [line for line in lines if line.kind == LedgerKind.PAYMENT],
        "refunds": [line for line in lines if line.kind == LedgerKind.REFUND],
        "may_collect": official is not None
        and not payment.paid
        and (official.is_platform_admin or official.has_role(Role.RECEPTION, agency_code=agency)),
        "may_refund": official is not None
        and payment.paid
        and payment.refunded_vnd < payment.amount_vnd
        and (official.is_platform_admin or official.has_role(Role.FINANCE, agency_code=agency)),
    }
