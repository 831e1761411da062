"""The notify app's error codes (the API's ``code``), registered with core in ``AppConfig.ready``
(ADR 0032)."""

from __future__ import annotations

from motcua.core.errors import ErrorKind


class NotifyErrorCode(ErrorKind):
    CODE_WRONG = "contact_code_wrong"
    CODE_EXPIRED = "contact_code_expired"
    INVALID_ADDRESS = "contact_address_invalid"
    CHANNEL_UNAVAILABLE = "channel_unavailable"
    BAD_SIGNATURE = "bad_signature"
