"""Reads of the payments app, scoped to the actor: an applicant sees the payments of the dossiers
they may see; an official, those of the agencies in their scope; the ledger and reconciliation
only officials with the finance role (or a platform administrator)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.selectors.dossiers import get_dossier
from motcua.identity import selectors as identity
from motcua.identity.actors import AgencyActor, RequestActor
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
    return LedgerEntry.objects.filter(agency_code__in=finance_agencies(actor)).order_by("-id")


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
