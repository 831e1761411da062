"""The typed vocabulary of audit records and events.

One enum serves both logs: every audited change is also an event in the outbox, so a
metric, a notification or an integration reacts to exactly what was audited. Each domain
app adds its members here, grouped by app, with a value of the form ``<app>.<verb_past>``.
"""

from __future__ import annotations

from django.db import models


class EventType(models.TextChoices):
    # core
    CALENDAR_EXCEPTION_SET = "core.calendar_exception_set", "Calendar exception set"
    CALENDAR_EXCEPTION_REMOVED = "core.calendar_exception_removed", "Calendar exception removed"
    # units
    UNITS_RELOADED = "units.reloaded", "Administrative units reloaded"
    AGENCY_CREATED = "units.agency_created", "Agency created"
    AGENCY_UPDATED = "units.agency_updated", "Agency updated"
    # catalog
    PROCEDURE_PUBLISHED = "catalog.procedure_published", "Procedure published"
    PROCEDURE_UPDATED = "catalog.procedure_updated", "Procedure updated"
    PROCEDURE_WITHDRAWN = "catalog.procedure_withdrawn", "Procedure withdrawn"
    BUNDLE_PUBLISHED = "catalog.bundle_published", "Bundle published"
    BUNDLE_UPDATED = "catalog.bundle_updated", "Bundle updated"
    BUNDLE_WITHDRAWN = "catalog.bundle_withdrawn", "Bundle withdrawn"
    # identity
    APPLICANT_SIGNED_IN = "identity.applicant_signed_in", "Applicant signed in"
    APPLICANT_REGISTERED = "identity.applicant_registered", "Applicant registered"
    REPRESENTATION_GRANTED = "identity.representation_granted", "Representation granted"
    REPRESENTATION_REVOKED = "identity.representation_revoked", "Representation revoked"
    OFFICIAL_CREATED = "identity.official_created", "Official account created"
    OFFICIAL_SIGNED_IN = "identity.official_signed_in", "Official signed in"
    TOTP_DEVICE_CONFIRMED = "identity.totp_device_confirmed", "Second factor enrolled"
    ROLE_GRANTED = "identity.role_granted", "Role granted"
    ROLE_REVOKED = "identity.role_revoked", "Role revoked"
    INTEGRATOR_CLIENT_CREATED = "identity.integrator_client_created", "Integrator client registered"
    INTEGRATOR_CLIENT_REVOKED = "identity.integrator_client_revoked", "Integrator client revoked"
    INTEGRATOR_TOKEN_ISSUED = "identity.integrator_token_issued", "Access token issued to an agency system"
    # documents
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
    # exchange
    EXCHANGE_KEYS_CREATED = "exchange.keys_created", "Exchange keys created"
    EXCHANGE_KEY_ROTATED = "exchange.key_rotated", "Exchange key rotated (pending)"
    EXCHANGE_KEY_ACTIVATED = "exchange.key_activated", "Exchange key activated"
    CONSENT_GIVEN = "exchange.consent_given", "Consent to data use given"
    DATA_PULLED = "exchange.data_pulled", "Data pulled from registries"
    # dossiers
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
    # notify
    NOTIFICATION_CREATED = "notify.notification_created", "Applicant notified"
    NOTIFICATION_READ = "notify.notification_read", "Notification read"
    NOTIFICATIONS_READ = "notify.notifications_read", "All notifications marked read"
