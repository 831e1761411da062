"""The payment hold registered with ``dossiers.holds`` (ADR 0042): a dossier whose fee is due
before reception cannot be accepted, and one whose fee is due at result cannot have its result
returned, until the fee is paid. Registered when this module is imported (``AppConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.dossiers.events import Decision
from motcua.dossiers.holds import register_hold
from motcua.dossiers.models import Dossier
from motcua.payments.models import Due, Payment, PaymentStatus

HOLDS_BY_DUE = {Due.BEFORE_RECEPTION: {Decision.ACCEPT}, Due.AT_RESULT: {Decision.RETURN}}


def payment_hold(dossier: Dossier, decision: str) -> str | None:
    payment = Payment.objects.filter(dossier_id=dossier.id).only("status", "due").first()
    if payment is None or payment.status == PaymentStatus.SUCCESS:
        return None
    if decision in HOLDS_BY_DUE.get(Due(payment.due), set()):
        return _("The fee of this dossier has not been paid yet: it waits for the payment.")
    return None


register_hold("payments.fee", payment_hold)
