"""The units app's error codes (the API's ``code``), registered with core in ``AppConfig.ready``
(ADR 0032)."""

from __future__ import annotations

from motcua.core.errors import ErrorKind


class UnitErrorCode(ErrorKind):
    INVALID_REFERENCE_DATA = "invalid_reference_data"
