"""The feedback app's reactions to dossier events, run by the event-log dispatcher (at least
once: ``services.ratings.request_rating`` asks once per dossier, whatever the deliveries).
``dossiers`` never imports this app: a dossier that ends writes its event, and this handler asks
its applicant to rate it."""

from __future__ import annotations

from motcua.core.models import Event
from motcua.core.outbox import event_handler
from motcua.dossiers.events import DossierEvent, DossierSubject
from motcua.feedback.services import ratings

# the events with which a dossier ends (result returned, refused, stopped, withdrawn)
DOSSIER_ENDED = (
    DossierEvent.DOSSIER_RESULT_RETURNED,
    DossierEvent.DOSSIER_REFUSED,
    DossierEvent.DOSSIER_STOPPED,
    DossierEvent.DOSSIER_WITHDRAWN,
)


@event_handler(*DOSSIER_ENDED, name="feedback.ask_for_rating")
def ask_for_rating(event: Event) -> None:
    if event.subject_type == DossierSubject.DOSSIER:
        ratings.request_rating(dossier_code=event.subject_id)
