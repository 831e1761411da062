"""The documents app's vocabulary: its event types (also its audit entries' types) and
its audit subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class DocumentEvent(EventKind):
    FILE_UPLOADED = "documents.file_uploaded", "File uploaded"
    FILE_SCANNED = "documents.file_scanned", "Paper document scanned at the counter"
    RESULT_ISSUED = "documents.result_issued", "Signed result issued"
    RESULT_REVOKED = "documents.result_revoked", "Result revoked by its agency"
    WALLET_ITEM_ADDED = "documents.wallet_item_added", "Document added to the data wallet"
    WALLET_ITEM_REMOVED = "documents.wallet_item_removed", "Document removed from the data wallet"
    SHARE_CREATED = "documents.share_created", "Share link created"
    SHARE_REVOKED = "documents.share_revoked", "Share link revoked"
    SHARE_OPENED = "documents.share_opened", "Shared document opened"
    PKI_ISSUED = "documents.pki_issued", "Development certificate issued"


class DocumentSubject(SubjectKind):
    """What the documents app's audit entries and events are about."""

    FILE = "documents.file", "Stored file"
    RESULT = "documents.result", "Signed result"
    WALLET_ITEM = "documents.wallet_item", "Data wallet item"
    SHARE_LINK = "documents.share_link", "Share link"
    PKI = "documents.pki", "Development PKI"
