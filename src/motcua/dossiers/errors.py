"""The dossiers app's error codes (the API's ``code``), registered with core in ``AppConfig.ready``
(ADR 0032)."""

from __future__ import annotations

from motcua.core.errors import ErrorKind


class DossierErrorCode(ErrorKind):
    WRONG_STEP = "wrong_step"
    SUPPLEMENT_LIMIT = "supplement_limit"
    APOLOGY_REQUIRED = "apology_required"
    CLAIMED_BY_OTHER = "claimed_by_other"
    DRAFT_SUBMITTED = "draft_submitted"
    REGISTRY_WRITE = (
        "registry_write"  # a registry did not record the result the approval waits for (ADR 0061)
    )
    ON_HOLD = "on_hold"  # an app above dossiers keeps it waiting (dossiers.holds: payment due)
