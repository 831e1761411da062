"""The exchange app's vocabulary: its event types (also its audit entries' types) and
its audit subject types, registered with core in ``AppConfig.ready`` (ADR 0032)."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class ExchangeEvent(EventKind):
    EXCHANGE_KEYS_CREATED = "exchange.keys_created", "Exchange keys created"
    EXCHANGE_KEY_ROTATED = "exchange.key_rotated", "Exchange key rotated (pending)"
    EXCHANGE_KEY_ACTIVATED = "exchange.key_activated", "Exchange key activated"
    CONSENT_GIVEN = "exchange.consent_given", "Consent to data use given"
    DATA_PULLED = "exchange.data_pulled", "Data pulled from registries"


class ExchangeSubject(SubjectKind):
    """What the exchange app's audit entries and events are about."""

    CONSENT = "exchange.consent", "Consent"
    AGENCY_KEY = "exchange.agency_key", "Agency exchange key"
    AGENCY_KEYS = "exchange.agency_keys", "Agency exchange keys (bulk)"
