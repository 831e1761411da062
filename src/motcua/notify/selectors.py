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
from motcua.feedback.models import PetitionStep
from motcua.identity.actors import ApplicantActor, RequestActor
from motcua.notify.models import ContactPoint, Delivery, DeliveryStatus, Notification, NotificationKind
from motcua.notify.permissions import require_operator
from motcua.units.models import Agency


def notifications_of(actor: RequestActor | None) -> QuerySet[Notification]:
    """The actor's own notifications, newest first (none for officials or anonymous callers)."""
    if isinstance(actor, ApplicantActor):
        return Notification.objects.filter(recipient_id=actor.applicant_id).select_related(
            "dossier__procedure", "petition"
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
    dossier_code: str  # "" for a petition's
    url: str  # the dossier's page (the rating page for a rating prompt), or the petition's
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    petition_code: str = ""

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
    step_ids = {
        int(str(n.facts["step_id"])) for n in notifications if n.petition_id and n.facts.get("step_id")
    }
    if step_ids:
        reasons.update(
            {
                f"step:{pk}": text
                for pk, text in PetitionStep.objects.filter(pk__in=step_ids).values_list("id", "text")
            }
        )
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
    if n.petition is not None:
        return _petition_view(n, reasons, agencies)
    dossier = n.dossier
    assert dossier is not None  # a notification is about a dossier or a petition
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
        url=reverse(
            "feedback:rate" if n.kind == NotificationKind.RATE_DOSSIER else "dossiers:dossier", args=[code]
        ),
        created_at=n.created_at,
        read_at=n.read_at,
    )


def _petition_view(n: Notification, reasons: dict[str, str], agencies: dict[str, str]) -> NotificationView:
    petition = n.petition
    assert petition is not None
    facts = n.facts
    values = {
        "code": petition.code,
        "agency": agencies.get(str(facts.get("agency", "")), str(facts.get("agency", ""))),
        "reason": reasons.get(f"step:{facts.get('step_id')}", ""),
        "date": _day(facts.get("due_on")),
    }
    step = str(facts.get("step", "received"))
    texts = {
        "received": (
            _("Petition %(code)s has been received"),
            _("%(agency)s received your petition; the answer is due by %(date)s."),
        ),
        "refused": (_("Petition %(code)s has been refused"), _("%(agency)s refused it: %(reason)s")),
        "info_requested": (
            _("Petition %(code)s needs more information"),
            _("%(agency)s asks: %(reason)s The time limit is paused until you answer."),
        ),
        "transferred": (
            _("Petition %(code)s has been transferred"),
            _("It is now handled by %(agency)s; the answer is due by %(date)s."),
        ),
        "answered": (_("Petition %(code)s has been answered"), _("%(agency)s answered: %(reason)s")),
        "published": (
            _("The answer to petition %(code)s is published"),
            _("Anyone can now read the answer, without your personal data."),
        ),
    }
    title, body = texts.get(step, texts["received"])
    return NotificationView(
        public_id=str(n.public_id),
        kind=n.kind,
        kind_label=str(NotificationKind(n.kind).label),
        title=title % values,
        body=body % values,
        dossier_code="",
        url=(
            reverse("feedback:petition", args=[petition.code])
            if n.recipient_id is not None
            # a petitioner not signed in: the look-up page, the code filled in, the key theirs to type
            else f"{reverse('feedback:lookup')}?ma={petition.code}"
        ),
        created_at=n.created_at,
        read_at=n.read_at,
        petition_code=petition.code,
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
    if kind == NotificationKind.RATE_DOSSIER:
        return (
            _("Rate dossier %(code)s") % values,
            _("Your dossier has ended. Tell %(agency)s how its handling went: it takes a minute.") % values,
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
