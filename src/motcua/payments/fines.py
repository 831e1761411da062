"""Paying a camera-detected traffic fine (essential service #8, ADR 0044): a payment obligation
whose subject is one fine of the traffic-fines registry, not a dossier.

``fine_obligation`` reads the person's fines from the registry again (never the amount from a
form), and returns the one open or paid obligation of that fine, creating it the first time: one
obligation per fine (a unique constraint), so a fine cannot be paid twice. It is then paid like a
dossier's fee (``services.start_payment``, the gateway, the IPN); when the notification settles
it, ``services.settle`` queues the registry write ``mark_paid`` in the same transaction
(``exchange.fines.mark_fine_paid``), sent after commit through the outbox and retried."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, MotcuaError, NotFound, Unavailable
from motcua.core.services import record_change
from motcua.exchange import fines as registry
from motcua.exchange.services import portal_agency_code
from motcua.identity.actors import ApplicantActor
from motcua.identity.selectors import own_applicant
from motcua.payments.errors import PaymentErrorCode
from motcua.payments.events import PaymentEvent, PaymentSubject
from motcua.payments.models import Due, LedgerEntry, LedgerKind, Payment, PaymentStatus
from motcua.payments.services import beneficiary_account, new_reference


def fine_payment(actor: ApplicantActor, violation_id: str) -> Payment:
    """The obligation of one of the actor's own fines (scoped by their personal ID number)."""
    personal_id = own_applicant(actor).personal_id or ""
    payment = Payment.objects.filter(violation_id=violation_id, fine_owner=personal_id).first()
    if not personal_id or payment is None:
        raise NotFound(_("No payment of this fine."))
    return payment


def fine_obligation(*, actor: ApplicantActor, violation_id: str) -> Payment:
    """The payment obligation of one of the person's unpaid fines: the existing one if any (open
    or paid), else a new one for the amount the registry answers now."""
    personal_id = own_applicant(actor).personal_id or ""
    existing = Payment.objects.filter(violation_id=violation_id).first()
    if existing is not None:
        if existing.fine_owner != personal_id:
            raise NotFound(_("No such fine among yours."))
        return existing
    lookup = registry.look_up_fines(actor=actor)
    if not lookup.available:
        raise Unavailable(
            _("The national databases cannot be asked right now. Please try again in a few minutes."),
            code=PaymentErrorCode.GATEWAY_UNAVAILABLE,
        )
    fine = next((fine for fine in lookup.fines if fine.violation_id == violation_id), None)
    if fine is None or not personal_id:
        raise NotFound(_("No such fine among yours."))
    if fine.paid:
        raise Conflict(_("This fine has already been paid."), code=PaymentErrorCode.ALREADY_PAID)
    if fine.fine_vnd <= 0:
        raise MotcuaError(_("This fine has no amount to pay."))
    try:
        return _create(actor=actor, fine=fine, personal_id=personal_id)
    except IntegrityError:  # another request created it at the same moment: that one
        return Payment.objects.get(violation_id=violation_id)


@transaction.atomic
def _create(*, actor: ApplicantActor, fine: registry.Fine, personal_id: str) -> Payment:
    agency_code = portal_agency_code()
    fees = [{"kind": "fine", "amount_vnd": fine.fine_vnd}]
    payment = Payment.objects.create(
        reference=new_reference(),
        violation_id=fine.violation_id,
        fine_owner=personal_id,
        agency_code=agency_code,
        procedure_code=registry.PROCEDURE,
        amount_vnd=fine.fine_vnd,
        fees=fees,
        due=Due.BEFORE_RECEPTION,  # a fine has nothing else to wait for
        account=beneficiary_account(agency_code),
    )
    LedgerEntry.objects.create(
        payment=payment,
        kind=LedgerKind.OBLIGATION,
        dossier_code=payment.subject_code,
        agency_code=agency_code,
        account=payment.account,
        amount_vnd=payment.amount_vnd,
        source="fine",
    )
    record_change(
        actor=actor,
        type=PaymentEvent.OBLIGATION_CREATED,
        subject_type=PaymentSubject.PAYMENT,
        subject_id=payment.id,
        agency_code=agency_code,
        changes={"status": [None, PaymentStatus.CREATED], "amount_vnd": [None, payment.amount_vnd]},
        payload={
            "dossier_id": None,
            "dossier_code": payment.subject_code,
            "violation_id": fine.violation_id,
            "procedure_code": registry.PROCEDURE,
            "reference": payment.reference,
            "amount_vnd": payment.amount_vnd,
            "fees": fees,
            "due": payment.due,
        },
    )
    return payment
