"""The notify app's reaction to dossier events, run by the event-log dispatcher (at least once:
``services.notify_applicants`` makes one notification per event and recipient, whatever the
number of deliveries)."""

from __future__ import annotations

from motcua.core.models import Event
from motcua.core.outbox import event_handler
from motcua.notify import services


@event_handler(*services.KIND_OF_EVENT, name="notify.applicants")
def notify_applicants(event: Event) -> None:
    services.notify_applicants(event=event)
