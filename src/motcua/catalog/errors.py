"""The catalog app's error codes (the API's ``code``), registered with core in ``AppConfig.ready``
(ADR 0032)."""

from __future__ import annotations

from motcua.core.errors import ErrorKind


class CatalogErrorCode(ErrorKind):
    INVALID_PROCEDURE_SPEC = "invalid_procedure_spec"
