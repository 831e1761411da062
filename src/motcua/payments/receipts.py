"""The electronic receipt of a paid fee (ADR 0057): on ``payments.paid`` (the IPN, the query job
or a reconciliation settling it), after the payment's transaction has committed, the collecting
agency issues the receipt through ``documents.receipts`` (render, sign the results' way, wallet).
At least once and idempotent: one receipt per payment. A refund leaves the receipt as it is."""

from __future__ import annotations

from motcua.core.actors import ActorRef
from motcua.documents import receipts as documents_receipts
from motcua.documents.models import ResultDocument
from motcua.payments.models import Payment

RECEIPT_ACTOR = ActorRef(kind="system", id="payments-receipt")


def facts_of(payment: Payment) -> documents_receipts.ReceiptFacts:
    return documents_receipts.ReceiptFacts(
        reference=payment.reference,
        transaction_no=payment.transaction_no,
        paid_at=payment.paid_at or payment.updated_at,
        amount_vnd=payment.amount_vnd,
        fees=tuple(
            (
                str(fee.get("kind", "le_phi")),
                str((fee.get("name") or {}).get("vi") or payment.procedure_code),
                int(fee.get("amount_vnd", 0)),
            )
            for fee in payment.fees
        ),
        account=payment.account,
        channel=payment.channel,
    )


def issue_for(payment_id: int) -> ResultDocument | None:
    """Issue the receipt of a paid payment (nothing for one not paid, nor yet for a traffic fine's:
    a receipt is issued for a dossier's fees; docs/payments.md, "Not built yet")."""
    payment = Payment.objects.select_related("dossier__applicant", "dossier__procedure").get(id=payment_id)
    if not payment.paid or payment.dossier is None:
        return None
    return documents_receipts.issue_receipt(
        actor=RECEIPT_ACTOR, dossier=payment.dossier, facts=facts_of(payment)
    )
