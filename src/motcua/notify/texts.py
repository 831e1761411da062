"""What an e-mail or an SMS says, in the recipient's language (the contact point's: Vietnamese
or English), for any notification and for a verification code.

An e-mail carries the notification as the portal words it (title, body) and the link to it. An
SMS carries only what it needs and no personal data (ADR 0050): the kind of notification, the
dossier's code and the link; never a name, an ID number, an address or an agency's reason, which
may mention a person (those are read after signing in). A code message carries the code, its
lifetime and a warning, and no link (so a forged one cannot teach people to follow links).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.notify import selectors
from motcua.notify.channels import OutgoingMessage
from motcua.notify.models import Channel, ContactPoint, Notification, NotificationKind

SMS_PREFIX = "DVC"


def _link(path: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}{path}"


def notification_message(
    notification: Notification, contact: ContactPoint, *, reference: str
) -> OutgoingMessage:
    with translation.override(contact.language):
        view = selectors.notification_view(notification)
        link = _link(view.url)
        if contact.channel == Channel.SMS:
            kind = (
                str(NotificationKind(notification.kind).label)
                if notification.kind in NotificationKind.values
                else ""
            )
            if view.dossier_code:
                text = _("%(prefix)s: %(kind)s, dossier %(code)s. Details: %(link)s") % {
                    "prefix": SMS_PREFIX,
                    "kind": kind,
                    "code": view.dossier_code,
                    "link": link,
                }
            else:  # a petition's: its code is not the applicant's to read out in an SMS either
                text = _("%(prefix)s: %(kind)s. Details: %(link)s") % {
                    "prefix": SMS_PREFIX,
                    "kind": kind,
                    "link": link,
                }
            return OutgoingMessage(
                to=contact.address, subject="", text=text, language=contact.language, reference=reference
            )
        if contact.petition_id is not None:  # a petitioner not signed in (ADR 0058)
            footer = _(
                "You receive this e-mail because you asked for news of petition %(code)s at this "
                "address. To stop, open the petition with its code and key and choose Stop: %(link)s"
            ) % {"code": view.petition_code, "link": link}
        else:
            footer = _(
                "You receive this e-mail because you asked the public-service portal to notify you at "
                "this address. To stop or change it: %(link)s"
            ) % {"link": _link("/lien-he/")}
        text = "\n\n".join(
            [
                view.title,
                view.body,
                (
                    _("Open the dossier: %(link)s")
                    if view.dossier_code
                    else _("Open it in the portal: %(link)s")
                )
                % {"link": link},
                "--",
                footer,
            ]
        )
        return OutgoingMessage(
            to=contact.address, subject=view.title, text=text, language=contact.language, reference=reference
        )


def code_message(contact: ContactPoint, code: str, *, reference: str) -> OutgoingMessage:
    minutes = max(1, settings.MOTCUA_CONTACT_CODE_SECONDS // 60)
    with translation.override(contact.language):
        text = _(
            "%(prefix)s: your verification code is %(code)s (valid %(minutes)d minutes). "
            "Never give it to anyone, including officials."
        ) % {"prefix": SMS_PREFIX, "code": code, "minutes": minutes}
        subject = _("Your verification code for the public-service portal")
    return OutgoingMessage(
        to=contact.address, subject=subject, text=text, language=contact.language, reference=reference
    )
