"""Template context: the signed-in applicant's unread notifications, counted only if the page
shows the count (a lazy value)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from motcua.identity.actors import actor_for
from motcua.notify import selectors


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(actor_for(request)))}
