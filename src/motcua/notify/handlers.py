"""The notify app's reactions to events, run by the event-log dispatcher (at least once).

- ``notify.applicants``: dossier events → in-app notifications (``services.notify_applicants``
  makes one notification per event and recipient, whatever the number of deliveries).
- ``notify.deliver.email`` and ``notify.deliver.sms``: a notification made (by whichever app) →
  its delivery on that channel (``services.deliveries.make_delivery``: at most one per
  notification and channel). The names are stable: the dispatcher records deliveries under them.
"""

from __future__ import annotations

from motcua.core.models import Event
from motcua.core.outbox import event_handler
from motcua.notify import services
from motcua.notify.events import NotifyEvent
from motcua.notify.services import deliveries


@event_handler(*services.KIND_OF_EVENT, name="notify.applicants")
def notify_applicants(event: Event) -> None:
    services.notify_applicants(event=event)


@event_handler(NotifyEvent.NOTIFICATION_CREATED, name="notify.deliver.email")
def deliver_by_email(event: Event) -> None:
    deliveries.make_delivery(event=event, channel_name="email")


@event_handler(NotifyEvent.NOTIFICATION_CREATED, name="notify.deliver.sms")
def deliver_by_sms(event: Event) -> None:
    deliveries.make_delivery(event=event, channel_name="sms")
