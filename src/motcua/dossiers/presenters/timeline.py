"""The applicant's timeline of a dossier (ADR 0037, docs/ui.md "Following a dossier"): what
happened to it in plain words, with dates, and what is still to come.

Built from the dossier's audit trail (the caller has already checked that the reader may see
the dossier); the officials' internal steps (taken, assigned, proposed, sent back) are left out:
they are not the applicant's business and would only make the list longer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.selectors import audit_trail_for_subject
from motcua.core.types import EventType
from motcua.dossiers.models import Dossier, DossierStatus, Step


@dataclass(frozen=True)
class Milestone:
    title: str
    detail: str
    at: datetime.datetime | None  # None: still to come
    state: str  # "done", "attention" (waiting for the applicant), "current" or "pending"
    expected_on: datetime.date | None = None  # a milestone to come: by when it is due


_PLAIN: dict[str, tuple[str | Promise, str | Promise]] = {
    EventType.DOSSIER_SUBMITTED: (
        _("Dossier received"),
        _("The agency received your dossier and gave it its code."),
    ),
    EventType.DOSSIER_ACCEPTED: (
        _("Checked and accepted"),
        _("Your dossier is complete; an official is handling it."),
    ),
    EventType.DOSSIER_SUPPLEMENT_REQUESTED: (
        _("More documents asked for"),
        _(
            "The agency asked you to supplement the dossier (form 02). "
            "The time stands still until you answer."
        ),
    ),
    EventType.DOSSIER_SUPPLEMENTED: (
        _("Supplement sent"),
        _("You sent what was asked for; processing goes on."),
    ),
    EventType.DOSSIER_APOLOGY_ISSUED: (
        _("Delayed"),
        _("The agency apologised for the delay and set a new appointment date (form 04)."),
    ),
    EventType.DOSSIER_TRANSFERRED: (_("Transferred"), _("The dossier was sent on to the competent agency.")),
    EventType.DOSSIER_APPROVED: (
        _("Processed: the result is ready"),
        _("The decision was taken and the result signed electronically."),
    ),
    EventType.DOSSIER_RESULT_RETURNED: (_("Result returned"), _("The result is in your data wallet.")),
    EventType.DOSSIER_REFUSED: (
        _("Refused"),
        _("The agency refused the dossier (form 03): see the reason below."),
    ),
    EventType.DOSSIER_STOPPED: (
        _("Processing stopped"),
        _("The agency stopped processing (form 05): see why below."),
    ),
    EventType.DOSSIER_WITHDRAWN: (_("Withdrawn"), _("You withdrew the dossier.")),
}


def applicant_timeline(dossier: Dossier) -> list[Milestone]:
    """The milestones that happened, oldest first, then those still to come."""
    entries = audit_trail_for_subject(subject_type="dossiers.dossier", subject_id=dossier.code).filter(
        type__in=list(_PLAIN)
    )
    milestones = [
        Milestone(title=str(_PLAIN[e.type][0]), detail=str(_PLAIN[e.type][1]), at=e.occurred_at, state="done")
        for e in entries.only("type", "occurred_at")
    ]
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and milestones:
        last = milestones[-1]
        milestones[-1] = Milestone(last.title, last.detail, last.at, "attention")
    if dossier.step == Step.DONE and dossier.status != DossierStatus.PROCESSED:
        return milestones
    if dossier.status != DossierStatus.PROCESSED:  # still being processed
        title, detail = _PLAIN[EventType.DOSSIER_APPROVED]
        state = "pending" if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED else "current"
        milestones.append(Milestone(str(title), str(detail), None, state, expected_on=dossier.due_on))
    title, detail = _PLAIN[EventType.DOSSIER_RESULT_RETURNED]
    state = "current" if dossier.status == DossierStatus.PROCESSED else "pending"
    milestones.append(Milestone(str(title), str(detail), None, state))
    return milestones
