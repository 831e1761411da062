"""The feedback app's error codes (the API's ``code``), registered with core in
``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.errors import ErrorKind


class FeedbackErrorCode(ErrorKind):
    RATING_NOT_OPEN = "rating_not_open"  # the dossier has not ended
    RATING_CLOSED = "rating_closed"  # the period to change a rating is over
    PETITION_WRONG_STEP = "petition_wrong_step"
    PETITION_DUPLICATE = "petition_duplicate"  # the same text sent again within minutes
