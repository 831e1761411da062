"""The proactive app's reaction to the exchange's events, run by the event-log dispatcher (at
least once): a registry change received makes the offers the catalog's rules call for
(``services.make_offers``, once per change, rule and person)."""

from __future__ import annotations

from motcua.core.models import Event
from motcua.core.outbox import event_handler
from motcua.exchange.events import ExchangeEvent
from motcua.proactive import services


@event_handler(ExchangeEvent.REGISTRY_CHANGE_RECEIVED, name="proactive.make_offers")
def make_offers(event: Event) -> None:
    services.make_offers(int(event.subject_id))
