"""The applicant's notifications page: newest first, unread ones marked, each linking to its
dossier; marking one or all read; the applicant's contact addresses and preferences
(``@applicant_required``). The operators' dead-letter list of undelivered e-mails and SMS
(``@official_required``, then the platform administrator only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import MotcuaError, NotFound
from motcua.identity.permissions import (
    applicant_of,
    applicant_required,
    official_of,
    official_required,
    public,
)
from motcua.notify import selectors, services
from motcua.notify.channels import enabled_channels
from motcua.notify.models import Channel, Language
from motcua.notify.services import contacts, deliveries, petition_contacts

PAGE_SIZE = 100


@applicant_required
def notifications(request: HttpRequest) -> HttpResponse:
    actor = applicant_of(request)
    rows = list(selectors.notifications_of(actor)[:PAGE_SIZE])
    return render(
        request,
        "notify/notifications.html",
        {"notifications": selectors.notification_views(rows), "unread": selectors.unread_count(actor)},
    )


@applicant_required
@require_POST
def mark_read(request: HttpRequest, public_id: str) -> HttpResponse:
    notification = services.mark_read(actor=applicant_of(request), public_id=public_id)
    if request.POST.get("open"):  # "Open": read it and go to its dossier (or petition)
        return redirect(selectors.notification_view(notification).url)
    return redirect("notify:notifications")


@applicant_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(actor=applicant_of(request))
    return redirect("notify:notifications")


# --- contact addresses and preferences (ADR 0049) -------------------------------------------------

CHANNEL_NAMES = {"email": Channel.EMAIL, "sms": Channel.SMS}


def _contacts_page(
    request: HttpRequest, *, errors: list[dict[str, str]] | None = None, typed: dict[str, str] | None = None
) -> HttpResponse:
    found = {c.channel: c for c in selectors.contacts_of(applicant_of(request))}
    rows = [
        {
            "channel": name,
            "label": Channel(name).label,
            "contact": found.get(name),
            "typed": (typed or {}).get(name, ""),
        }
        for name in enabled_channels()
    ]
    return render(
        request,
        "notify/contacts.html",
        {"rows": rows, "errors": errors or [], "message_languages": Language.choices},
        status=400 if errors else 200,
    )


@applicant_required
def contacts_page(request: HttpRequest) -> HttpResponse:
    return _contacts_page(request)


def _refused(request: HttpRequest, channel: str, refusal: MotcuaError, typed: str = "") -> HttpResponse:
    return _contacts_page(
        request, errors=[{"href": f"#{channel}-field", "message": refusal.message}], typed={channel: typed}
    )


@applicant_required
@require_POST
def contact_action(request: HttpRequest, channel: str, action: str) -> HttpResponse:
    """One form per action: set the address (a code is sent), verify, send a new code, change the
    preferences, remove. A refusal shows the page again with the error and what was typed."""
    if channel not in CHANNEL_NAMES or action not in {"set", "verify", "resend", "preferences", "remove"}:
        raise NotFound(_("No such contact address."))
    actor = applicant_of(request)
    typed = str(request.POST.get("address", ""))[:300]
    try:
        if action == "set":
            contacts.add_contact(
                actor=actor,
                channel_name=channel,
                address=typed,
                language=str(request.POST.get("language", "vi")),
            )
            messages.success(request, _("We sent a code. Type it below to verify the address."))
        elif action == "verify":
            contacts.verify_contact(
                actor=actor, channel_name=channel, code=str(request.POST.get("code", ""))[:20]
            )
            messages.success(request, _("The address is verified. Notifications will be sent there too."))
        elif action == "resend":
            contacts.resend_code(actor=actor, channel_name=channel)
            messages.success(request, _("We sent a new code."))
        elif action == "preferences":
            contacts.change_contact(
                actor=actor,
                channel_name=channel,
                notify=request.POST.get("notify") == "on",
                language=str(request.POST.get("language", "vi")),
            )
            messages.success(request, _("Your preferences are saved."))
        else:
            contacts.remove_contact(actor=actor, channel_name=channel)
            messages.success(request, _("The address is removed. Nothing more is sent there."))
    except NotFound:
        raise
    except MotcuaError as refusal:  # bad input, a wrong code, too many codes, the channel down
        return _refused(request, channel, refusal, typed)
    return redirect("notify:contacts")


# --- the dead-letter list (the platform's operators; ADR 0050) -----------------------------------


@official_required
def dead_letters_page(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.dead_letters(official_of(request))[:PAGE_SIZE])
    return render(request, "notify/dead_letters.html", {"deliveries": rows})


@official_required
@require_POST
def dead_letter_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    actor = official_of(request)
    if action == "retry":
        deliveries.retry_dead(actor=actor, public_id=public_id)
        messages.success(request, _("The message will be sent again."))
    elif action == "resolve":
        deliveries.resolve_dead(actor=actor, public_id=public_id)
        messages.success(request, _("The message is marked resolved."))
    else:
        raise NotFound(_("No such delivery."))
    return redirect("notify:dead-letters")


# --- a petitioner not signed in: the petition's news by e-mail or SMS (ADR 0058) ---------------

PETITION_ACTIONS = {"show", "code", "verify", "stop"}


@public
@require_POST
def petition_contact(request: HttpRequest) -> HttpResponse:
    """The petitioner holding a petition's code and key asks for its news at the address they
    gave with it: a code is sent there (``code``), typed back (``verify``), or the news stopped
    (``stop``). Every form carries the code and key again (POST only: the key stays out of
    addresses and logs); a refusal shows the page again with the error."""
    code = str(request.POST.get("code", ""))[:40]
    key = str(request.POST.get("key", ""))[:100]
    action = str(request.POST.get("action", "show"))
    channel = str(request.POST.get("channel", ""))
    if action not in PETITION_ACTIONS or (action != "show" and channel not in CHANNEL_NAMES):
        raise NotFound(_("No such contact address."))
    petition = petition_contacts.anonymous_petition(code, key)
    errors: list[dict[str, str]] = []
    try:
        if action == "code":
            petition_contacts.ask_code(
                code=code,
                access_key=key,
                channel_name=channel,
                language=str(request.POST.get("language", "vi")),
            )
            messages.success(request, _("We sent a code. Type it below to verify the address."))
        elif action == "verify":
            petition_contacts.verify(
                code=code, access_key=key, channel_name=channel, typed=str(request.POST.get("otp", ""))[:20]
            )
            messages.success(
                request, _("The address is verified. You will receive the petition's news there.")
            )
        elif action == "stop":
            petition_contacts.stop(code=code, access_key=key, channel_name=channel)
            messages.success(request, _("Nothing more is sent there about this petition."))
    except NotFound:
        raise
    except MotcuaError as refusal:
        errors = [{"href": f"#{channel}-otp", "message": refusal.message}]
    found = petition_contacts.contacts_of_petition(petition)
    rows = []
    for name in enabled_channels():
        try:
            address = petition_contacts.given_address(petition, name)
        except MotcuaError:
            continue
        rows.append(
            {
                "channel": name,
                "label": Channel(name).label,
                "address": contacts.masked(address),
                "contact": found.get(name),
            }
        )
    return render(
        request,
        "notify/petition_contact.html",
        {
            "petition": petition,
            "key": key,
            "rows": rows,
            "errors": errors,
            "message_languages": Language.choices,
        },
        status=400 if errors else 200,
    )
