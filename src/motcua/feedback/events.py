"""The feedback app's vocabulary: its event types (also its audit entries' types) and its audit
subject types, registered with core in ``AppConfig.ready`` (ADR 0032).

The payloads of ``DOSSIER_RATED``, ``PETITION_RECEIVED``, ``PETITION_STEP`` and ``ANSWER_MARKED``
are the contract with the metrics app (Decision 766, group 6): metrics computes the indicators
from these events alone and never reads this app's tables (docs/feedback.md, "Events").
"""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class FeedbackEvent(EventKind):
    RATING_REQUESTED = "feedback.rating_requested", "Applicant asked to rate a finished dossier"
    COUNTER_RATING_OPENED = "feedback.counter_rating_opened", "Rating screen opened at the counter"
    DOSSIER_RATED = "feedback.dossier_rated", "Dossier rated"
    PETITION_RECEIVED = "feedback.petition_received", "Petition (PAKN) received"
    PETITION_STEP = "feedback.petition_step", "Petition (PAKN) step taken"
    ANSWER_MARKED = "feedback.answer_marked", "Published answer marked useful or not"
    REPEAT_LINKED = (
        "feedback.repeat_linked",
        "Petition linked to (or unlinked from) an earlier one as a repeat",
    )


class FeedbackSubject(SubjectKind):
    """What the feedback app's audit entries and events are about."""

    RATING = "feedback.rating", "Dossier rating"  # subject id: the dossier's code
    PETITION = "feedback.petition", "Petition (PAKN)"  # subject id: the petition's code
