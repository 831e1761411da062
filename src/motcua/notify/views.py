"""The applicant's notifications page: newest first, unread ones marked, each linking to its
dossier; marking one or all read. Applicant-only (``@applicant_required``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.core.errors import NotFound
from motcua.identity.actors import ApplicantActor, actor_for
from motcua.identity.permissions import applicant_required
from motcua.notify import selectors, services

PAGE_SIZE = 100


def _applicant(request: HttpRequest) -> ApplicantActor:
    actor = actor_for(request)
    assert isinstance(actor, ApplicantActor)
    return actor


@applicant_required
def notifications(request: HttpRequest) -> HttpResponse:
    actor = _applicant(request)
    rows = list(selectors.notifications_of(actor)[:PAGE_SIZE])
    return render(
        request,
        "notify/notifications.html",
        {"notifications": selectors.notification_views(rows), "unread": selectors.unread_count(actor)},
    )


@applicant_required
@require_POST
def mark_read(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        notification = services.mark_read(actor=_applicant(request), public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.POST.get("open"):  # "Open": read it and go to its dossier
        return redirect("dossiers:dossier", code=notification.dossier.code)
    return redirect("notify:notifications")


@applicant_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(actor=_applicant(request))
    return redirect("notify:notifications")
