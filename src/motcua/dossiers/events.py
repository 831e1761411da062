"""The dossiers app's vocabulary: its event types (also its audit entries' types) and
its audit subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from enum import StrEnum

from motcua.core.types import EventKind, SubjectKind


class DossierEvent(EventKind):
    DRAFT_STARTED = "dossiers.draft_started", "Draft started"
    DRAFT_DATA_RECEIVED = "dossiers.draft_data_received", "Registry data received for a draft"
    DRAFT_SAVED = "dossiers.draft_saved", "Draft saved"
    DRAFT_COMPONENT_UPLOADED = "dossiers.draft_component_uploaded", "Draft component uploaded"
    DRAFT_COMPONENT_FROM_WALLET = (
        "dossiers.draft_component_from_wallet",
        "Draft component taken from the data wallet",
    )
    DRAFT_DISCARDED = "dossiers.draft_discarded", "Draft discarded by the applicant"
    DRAFTS_PURGED = "dossiers.drafts_purged", "Abandoned drafts purged"
    DOSSIER_SUBMITTED = "dossiers.submitted", "Dossier submitted and received"
    DOSSIER_ACCEPTED = "dossiers.accepted", "Dossier checked and accepted for handling"
    DOSSIER_SUPPLEMENT_REQUESTED = "dossiers.supplement_requested", "Supplement requested (form 02)"
    DOSSIER_SUPPLEMENTED = "dossiers.supplemented", "Dossier supplemented by the applicant"
    DOSSIER_REFUSED = "dossiers.refused", "Dossier refused (form 03)"
    DOSSIER_PROPOSED = "dossiers.proposed", "Result proposed for approval"
    DOSSIER_SENT_BACK = "dossiers.sent_back", "Sent back to handling"
    DOSSIER_APPROVED = "dossiers.approved", "Result approved and signed"
    DOSSIER_RESULT_RETURNED = "dossiers.result_returned", "Result returned to the applicant"
    DOSSIER_STOPPED = "dossiers.stopped", "Processing stopped (form 05)"
    DOSSIER_WITHDRAWN = "dossiers.withdrawn", "Withdrawn by the applicant"
    DOSSIER_TRANSFERRED = "dossiers.transferred", "Transferred to another agency"
    DOSSIER_CLAIMED = "dossiers.claimed", "Taken by an official"
    DOSSIER_ASSIGNED = "dossiers.assigned", "Assigned to an official"
    DOSSIER_APOLOGY_ISSUED = "dossiers.apology_issued", "Apology and new date issued (form 04)"
    DOSSIER_DEADLINE_FLAGGED = "dossiers.deadline_flagged", "Deadline flag changed"
    DOSSIER_DEMO_BACKDATED = "dossiers.demo_backdated", "Demo data: dossier dated back (never in production)"


class DossierSubject(SubjectKind):
    """What the dossiers app's audit entries and events are about."""

    DRAFT = "dossiers.draft", "Draft"
    DOSSIER = "dossiers.dossier", "Dossier"


class Decision(StrEnum):
    """What an official decides on the step a dossier waits on (the one-stop process's gateways
    route on it; ``workflow/processes/onestop.bpmn`` lists which steps allow which)."""

    ACCEPT = "accept"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"
    TRANSFER = "transfer"
    PROPOSE = "propose"
    SEND_BACK = "send_back"
    STOP = "stop"
    APPROVE = "approve"
    RETURN = "return"
    SUPPLEMENTED = "supplemented"  # the applicant's, completing a supplement request


# Past the appointment date these decisions wait for the apology letter with a new date (form 04):
# the services refuse them and the officials' pages do not offer them until it is issued.
APOLOGY_FIRST_WHEN_LATE: frozenset[Decision] = frozenset(
    {Decision.ACCEPT, Decision.PROPOSE, Decision.APPROVE, Decision.RETURN}
)
