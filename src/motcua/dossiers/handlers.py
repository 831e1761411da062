"""Reactions of the dossiers app to its own events, run by the event-log dispatcher (at least
once, so each is idempotent): an approved member of an interconnected application lets the
members that follow it become dossiers."""

from __future__ import annotations

from motcua.core.models import Event
from motcua.core.outbox import event_handler
from motcua.core.types import EventType


@event_handler(EventType.DOSSIER_APPROVED, name="dossiers.bundles.advance")
def advance_bundle(event: Event) -> None:
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import bundles as bundle_services

    application_id = (
        Dossier.objects.filter(code=event.subject_id).values_list("bundle_application_id", flat=True).first()
    )
    if application_id is not None:
        bundle_services.advance(application_id=application_id)
