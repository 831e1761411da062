"""The metrics app's reaction to events: every dossier event, and the payments and feedback
events of the agreed contract, folded into the Decision 766 figures (exactly once per event: the
dispatcher writes the ``EventDelivery`` row in the same savepoint; ADR 0047)."""

from __future__ import annotations

from motcua.core.models import Event
from motcua.core.outbox import event_handler
from motcua.metrics import services


@event_handler(*services.HANDLED_EVENTS, name="metrics.index")
def update_index(event: Event) -> None:
    services.apply_event(event)
