"""The applicant's notifications page: newest first, unread ones marked, each linking to its
dossier; marking one or all read. Applicant-only (``@applicant_required``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.identity.permissions import applicant_of, applicant_required
from motcua.notify import selectors, services

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
