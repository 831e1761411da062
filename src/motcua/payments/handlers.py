"""The payments app's reactions to dossier events (at least once; each service is idempotent):
a submitted dossier with a fee gets its payment request; a paid one its receipt."""

from __future__ import annotations

from motcua.core.actors import SYSTEM
from motcua.core.models import Event
from motcua.core.outbox import event_handler
from motcua.dossiers.events import DossierEvent
from motcua.payments import receipts, services
from motcua.payments.events import PaymentEvent


@event_handler(DossierEvent.DOSSIER_SUBMITTED, name="payments.obligation")
def create_obligation(event: Event) -> None:
    if event.payload.get("fee_vnd"):
        services.create_obligation(actor=SYSTEM, dossier_code=event.subject_id)


@event_handler(PaymentEvent.PAID, name="payments.receipt")
def issue_receipt(event: Event) -> None:
    """The collecting agency's electronic receipt (``receipts``), after the payment committed."""
    receipts.issue_for(int(event.subject_id))
