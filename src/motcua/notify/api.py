"""REST API of notifications: the caller's own, newest first, with their text in the caller's
language; marking one or all read. Applicant-only."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.api.errors import DENIALS
from motcua.identity.permissions import applicant_auth, applicant_of
from motcua.notify import selectors, services
from motcua.notify.selectors import NotificationView

router = Router(tags=["notifications"])
LIMIT = 100


class NotificationOut(Schema):
    id: str
    # received | supplement_requested | refused | apology | stopped | transferred | result_ready |
    # rate_dossier | petition_update
    kind: str
    kind_label: str
    title: str
    body: str
    dossier: str  # the dossier's code (GET /dossiers/{code}); "" for a petition's
    petition: str  # the petition's code (GET /petitions/{code}); "" for a dossier's
    url: str  # the page to open
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut]


class MarkedOut(Schema):
    marked: int


def _out(view: NotificationView) -> dict[str, Any]:
    return {
        "id": view.public_id,
        "kind": view.kind,
        "kind_label": view.kind_label,
        "title": view.title,
        "body": view.body,
        "dossier": view.dossier_code,
        "petition": view.petition_code,
        "url": view.url,
        "created_at": view.created_at,
        "read_at": view.read_at,
    }


@router.get(
    "/notifications",
    auth=applicant_auth,
    response={200: NotificationsOut, **DENIALS},
    summary="My notifications (the latest 100, newest first) and how many are unread",
)
def list_notifications(request: HttpRequest, unread_only: bool = False) -> dict[str, Any]:
    actor = applicant_of(request)
    found = selectors.notifications_of(actor)
    if unread_only:
        found = found.filter(read_at__isnull=True)
    views = selectors.notification_views(list(found[:LIMIT]))
    return {"unread": selectors.unread_count(actor), "items": [_out(v) for v in views]}


@router.post(
    "/notifications/read",
    auth=applicant_auth,
    response={200: MarkedOut, **DENIALS},
    summary="Mark all my notifications read (answers how many were unread)",
)
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.mark_all_read(actor=applicant_of(request))}


@router.post(
    "/notifications/{notification_id}/read",
    auth=applicant_auth,
    response={200: NotificationOut, **DENIALS},
    summary="Mark one of my notifications read (again: unchanged)",
)
def mark_read(request: HttpRequest, notification_id: str) -> dict[str, Any]:
    notification = services.mark_read(actor=applicant_of(request), public_id=notification_id)
    return _out(selectors.notification_view(notification))
