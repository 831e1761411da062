"""Reads of the payments app, scoped to the actor: an applicant sees the payments of the dossiers
they may see; an official, those of the agencies in their scope; the ledger and reconciliation
only officials with the finance role (or a platform administrator)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden, NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors.dossiers import dossiers_of, get_dossier
from motcua.identity import selectors as identity
from motcua.identity.actors import AgencyActor, OfficialActor, RequestActor
from motcua.identity.models import Role
from motcua.payments.models import LedgerEntry, Mismatch, Payment
from motcua.units.models import Agency


def payment_of_dossier(actor: RequestActor | None, code: str) -> Payment:
    """The payment request of dossier ``code``, if the actor may see the dossier and it has one."""
    dossier = get_dossier(actor, code)
    payment = Payment.objects.select_related("dossier").filter(dossier=dossier).first()
    if payment is None:
        raise NotFound(_("This dossier has no fee to pay."))
    return payment


def finance_agencies(actor: AgencyActor) -> QuerySet[Agency, str]:
    """The agencies whose money the actor may see: where they hold the finance role (all for a
    platform administrator)."""
    if actor.is_platform_admin:
        return identity.visible_agencies(actor).values_list("code", flat=True)
    codes = actor.agency_codes(Role.FINANCE)
    return identity.visible_agencies(actor).filter(code__in=codes).values_list("code", flat=True)


def ledger(actor: AgencyActor) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.select_related("payment")
        .filter(agency_code__in=finance_agencies(actor))
        .order_by("-id")
    )


def payments_for_finance(actor: AgencyActor) -> QuerySet[Payment]:
    return (
        Payment.objects.select_related("dossier")
        .filter(agency_code__in=finance_agencies(actor))
        .order_by("-id")
    )


def mismatches(actor: AgencyActor) -> QuerySet[Mismatch]:
    """Open mismatches first; a mismatch with no payment (money nobody asked for) is shown to a
    platform administrator only, since no agency owns it yet."""
    found = Mismatch.objects.select_related("payment")
    if actor.is_platform_admin:
        return found.order_by("resolved_at", "-day", "id")
    return found.filter(payment__agency_code__in=finance_agencies(actor)).order_by(
        "resolved_at", "-day", "id"
    )


def payment_shown_with(actor: RequestActor | None, dossier: Dossier) -> Payment | None:
    """The payment request of a dossier already on a page, if the actor may see that dossier:
    one query (the dossier's scope is a subquery), for the dossier pages' payment panels."""
    return (
        Payment.objects.select_related("dossier")
        .filter(dossier__in=dossiers_of(actor).filter(id=dossier.id).values("id"))
        .first()
    )


def ledger_of_payment(payment: Payment) -> list[LedgerEntry]:
    """The ledger lines of a payment the caller has already read through a scoped selector."""
    return list(LedgerEntry.objects.filter(payment=payment).order_by("id"))


def counter_payment(actor: OfficialActor, code: str) -> Payment:
    """The payment request a reception officer collects at the counter: of a dossier in their
    scope, at an agency where they hold the reception role."""
    payment = payment_of_dossier(actor, code)
    if not (actor.is_platform_admin or actor.has_role(Role.RECEPTION, agency_code=payment.agency_code)):
        raise Forbidden(_("Only a reception officer of the collecting agency may collect this fee."))
    return payment


def require_finance_view(actor: AgencyActor) -> None:
    """The finance pages and API: an official with the finance role somewhere, or a platform
    administrator."""
    if not (actor.is_platform_admin or actor.agency_codes(Role.FINANCE)):
        raise Forbidden(_("Only a finance officer may see the ledger."))


def ledger_filtered(
    actor: AgencyActor, *, dossier: str = "", agency: str = "", account: str = "", limit: int = 200
) -> list[LedgerEntry]:
    """The ledger lines the actor may see, newest first, by dossier, agency or beneficiary account."""
    require_finance_view(actor)
    found = ledger(actor)
    if dossier:
        found = found.filter(dossier_code=dossier)
    if agency:
        found = found.filter(agency_code=agency)
    if account:
        found = found.filter(account=account)
    return list(found[:limit])


def finance_payment(actor: AgencyActor, reference: str) -> Payment:
    """A payment the actor may refund (of an agency where they hold the finance role)."""
    require_finance_view(actor)
    payment = payments_for_finance(actor).filter(reference=reference).first()
    if payment is None:
        raise NotFound(_("No such payment."))
    return payment


def finance_mismatch(actor: AgencyActor, mismatch_id: int) -> Mismatch:
    require_finance_view(actor)
    found = mismatches(actor).filter(id=mismatch_id).first()
    if found is None:
        raise NotFound(_("No such mismatch."))
    return found


def open_mismatches(actor: AgencyActor, *, limit: int = 200) -> list[Mismatch]:
    require_finance_view(actor)
    return list(mismatches(actor)[:limit])
