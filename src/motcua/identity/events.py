"""The identity app's vocabulary: its event types (also its audit entries' types) and
its audit subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class IdentityEvent(EventKind):
    APPLICANT_SIGNED_IN = "identity.applicant_signed_in", "Applicant signed in"
    APPLICANT_REGISTERED = "identity.applicant_registered", "Applicant registered"
    REPRESENTATION_GRANTED = "identity.representation_granted", "Representation granted"
    REPRESENTATION_REVOKED = "identity.representation_revoked", "Representation revoked"
    ORGANISATION_ACTING_STARTED = "identity.organisation_acting_started", "Began acting for an organisation"
    ORGANISATION_ACTING_STOPPED = "identity.organisation_acting_stopped", "Stopped acting for an organisation"
    OFFICIAL_CREATED = "identity.official_created", "Official account created"
    OFFICIAL_SIGNED_IN = "identity.official_signed_in", "Official signed in"
    TOTP_DEVICE_CONFIRMED = "identity.totp_device_confirmed", "Second factor enrolled"
    ROLE_GRANTED = "identity.role_granted", "Role granted"
    ROLE_REVOKED = "identity.role_revoked", "Role revoked"
    INTEGRATOR_CLIENT_CREATED = "identity.integrator_client_created", "Integrator client registered"
    INTEGRATOR_CLIENT_REVOKED = "identity.integrator_client_revoked", "Integrator client revoked"
    INTEGRATOR_TOKEN_ISSUED = "identity.integrator_token_issued", "Access token issued to an agency system"


class IdentitySubject(SubjectKind):
    """What the identity app's audit entries and events are about."""

    APPLICANT = "identity.applicant", "Applicant"
    USER = "identity.user", "User account"
    ROLE_ASSIGNMENT = "identity.role_assignment", "Role assignment"
    REPRESENTATION = "identity.representation", "Representation"
    INTEGRATOR_CLIENT = "identity.integrator_client", "Integrator client"
