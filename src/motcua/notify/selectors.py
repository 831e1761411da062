"""Reads of notifications, scoped to the reader: an applicant reads the notifications addressed
to them and nobody else's, and their own contact addresses; nobody else reads any; the dead-letter
list of deliveries is the platform administrator's. The text is composed here, when it is read, in
the reader's language (Vietnamese first), from the dossier and the notice the event issued."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.models import Notice
from motcua.identity.actors import ApplicantActor, RequestActor
from motcua.notify.models import ContactPoint, Delivery, DeliveryStatus, Notification, NotificationKind
from motcua.notify.permissions import require_operator
from motcua.units.models import Agency


def notifications_of(actor: RequestActor | None) -> QuerySet[Notification]:
    """The actor's own notifications, newest first (none for officials or anonymous callers)."""
    if isinstance(actor, ApplicantActor):
        return Notification.objects.filter(recipient_id=actor.applicant_id).select_related(
            "dossier__procedure"
        )
    return Notification.objects.none()


def unread_count(actor: RequestActor | None) -> int:
    if not isinstance(actor, ApplicantActor):
        return 0
    return Notification.objects.filter(recipient_id=actor.applicant_id, read_at__isnull=True).count()


def get_notification(
    actor: RequestActor | None, public_id: uuid.UUID | str, *, for_update: bool = False
) -> Notification:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such notification.")) from None
    found = notifications_of(actor).filter(public_id=key)
    if for_update:
        found = found.select_for_update(of=("self",))
    notification = found.first()
    if notification is None:
        raise NotFound(_("No such notification."))
    return notification


@dataclass(frozen=True)
class NotificationView:
    public_id: str
    kind: str
    kind_label: str
    title: str
    body: str
    dossier_code: str
    url: str  # the dossier's page
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def _day(value: object) -> str:
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return "—"


def notification_views(notifications: list[Notification]) -> list[NotificationView]:
    """The notifications as the reader reads them (three queries for the page, whatever its length)."""
    numbers = {str(n.facts["notice"]) for n in notifications if n.facts.get("notice")}
    reasons = {}
    if numbers:
        reasons = dict(Notice.objects.filter(number__in=numbers).values_list("number", "reason"))
    english = (get_language() or "vi").startswith("en")
    codes = {str(n.facts.get("agency", "")) for n in notifications} - {""}
    names = Agency.objects.filter(code__in=codes).values_list("code", "name", "name_en")
    agencies = {code: name_en if english and name_en else name for code, name, name_en in names}
    return [_view(n, reasons, agencies, english) for n in notifications]


def notification_view(notification: Notification) -> NotificationView:
    return notification_views([notification])[0]


def _view(
    n: Notification, reasons: dict[str, str], agencies: dict[str, str], english: bool
) -> NotificationView:
    dossier = n.dossier
    code = dossier.code
    names = dossier.procedure
    procedure = names.name_en if english and names.name_en else names.name_vi
    facts = n.facts
    agency = agencies.get(str(facts.get("agency", "")), str(facts.get("agency", "")))
    reason = reasons.get(str(facts.get("notice", "")), "")
    title, body = _texts(n.kind, code=code, procedure=procedure, agency=agency, reason=reason, facts=facts)
    return NotificationView(
        public_id=str(n.public_id),
        kind=n.kind,
        kind_label=str(NotificationKind(n.kind).label),
        title=title,
        body=body,
        dossier_code=code,
        url=reverse("dossiers:dossier", args=[code]),
        created_at=n.created_at,
        read_at=n.read_at,
    )


def _texts(
    kind: str, *, code: str, procedure: str, agency: str, reason: str, facts: dict[str, object]
) -> tuple[str, str]:
    values = {"code": code, "procedure": procedure, "agency": agency, "reason": reason}
    due = facts.get("due_on")
    if kind == NotificationKind.RECEIVED:
        title = _("Dossier %(code)s has been received") % values
        if due:
            body = _("%(procedure)s, received by %(agency)s. Date the result is due: %(date)s.") % {
                **values,
                "date": _day(due),
            }
        else:
            body = _("%(procedure)s, received by %(agency)s.") % values
        return title, body
    if kind == NotificationKind.SUPPLEMENT_REQUESTED:
        return (
            _("Dossier %(code)s needs a supplement") % values,
            _(
                "%(agency)s asks you to complete the dossier (form 02): %(reason)s The processing time "
                "is paused until you send what is asked for; this is the only request."
            )
            % values,
        )
    if kind == NotificationKind.REFUSED:
        return (
            _("Dossier %(code)s has been refused") % values,
            _("%(agency)s refused the dossier (form 03): %(reason)s") % values,
        )
    if kind == NotificationKind.APOLOGY:
        return (
            _("Dossier %(code)s will be late") % values,
            _("%(agency)s apologises (form 04): %(reason)s New date the result is due: %(date)s.")
            % {**values, "date": _day(due)},
        )
    if kind == NotificationKind.STOPPED:
        return (
            _("Processing of dossier %(code)s has stopped") % values,
            _("Reason (form 05): %(reason)s") % values,
        )
    if kind == NotificationKind.TRANSFERRED:
        return (
            _("Dossier %(code)s has been transferred") % values,
            _("It is now handled by %(agency)s. Reason: %(reason)s") % values,
        )
    if facts.get("result"):
        body = _("The signed result %(number)s is in your data wallet.") % {"number": facts["result"]}
    else:
        body = _("%(agency)s has returned the result of %(procedure)s.") % values
    return _("The result of dossier %(code)s is ready") % values, body


# --- contact points and deliveries (ADR 0049, 0050) -------------------------------------------


def contacts_of(actor: RequestActor | None) -> QuerySet[ContactPoint]:
    """The actor's own contact points (none for anyone but an applicant)."""
    if isinstance(actor, ApplicantActor):
        return ContactPoint.objects.filter(applicant_id=actor.applicant_id).order_by("channel")
    return ContactPoint.objects.none()


def get_contact(actor: RequestActor | None, channel: str, *, for_update: bool = False) -> ContactPoint:
    found = contacts_of(actor).filter(channel=channel)
    if for_update:
        found = found.select_for_update(of=("self",))
    contact = found.first()
    if contact is None:
        raise NotFound(_("No such contact address."))
    return contact


def dead_letters(actor: RequestActor | None) -> QuerySet[Delivery]:
    """Deliveries that failed for good, newest first: the platform administrator's (operators')
    list; anyone else is refused (``Forbidden``)."""
    require_operator(actor)
    return Delivery.objects.filter(status=DeliveryStatus.DEAD).select_related("notification__dossier")


def get_delivery(
    actor: RequestActor | None, public_id: uuid.UUID | str, *, for_update: bool = False
) -> Delivery:
    require_operator(actor)
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such delivery.")) from None
    found = Delivery.objects.filter(public_id=key)
    if for_update:
        found = found.select_for_update(of=("self",))
    delivery = found.first()
    if delivery is None:
        raise NotFound(_("No such delivery."))
    return delivery
