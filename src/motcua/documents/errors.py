"""The documents app's error codes (the API's ``code``), registered with core in ``AppConfig.ready``
(ADR 0032)."""

from __future__ import annotations

from motcua.core.errors import ErrorKind


class DocumentErrorCode(ErrorKind):
    DOCUMENT_REVOKED = "document_revoked"
    DOCUMENT_EXPIRED = "document_expired"
    RESULT_NOT_REMOVABLE = "result_not_removable"
    PDF_REFUSED = "pdf_refused"
