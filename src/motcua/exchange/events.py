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
    REGISTRY_WRITE_QUEUED = "exchange.write_queued", "Registry write queued"
    REGISTRY_WRITE_DONE = "exchange.write_done", "Registry write done"
    REGISTRY_WRITE_ATTEMPT_FAILED = "exchange.write_attempt_failed", "Registry write attempt failed"
    REGISTRY_WRITE_REFUSED = "exchange.write_refused", "Registry write refused"
    REGISTRY_WRITE_FAILED = "exchange.write_failed", "Registry write undeliverable"
    REGISTRY_WRITE_RETRIED = "exchange.write_retried", "Registry write retried by an official"
    REGISTRY_WRITE_RESOLVED = "exchange.write_resolved", "Registry write resolved by an official"
    REGISTRY_CHANGE_RECEIVED = "exchange.change_received", "Registry change received from its feed"
    REGISTRY_FEED_FAILED = "exchange.feed_failed", "Registry change feed could not be read"


class ExchangeSubject(SubjectKind):
    """What the exchange app's audit entries and events are about."""

    CONSENT = "exchange.consent", "Consent"
    AGENCY_KEY = "exchange.agency_key", "Agency exchange key"
    AGENCY_KEYS = "exchange.agency_keys", "Agency exchange keys (bulk)"
    REGISTRY_WRITE = "exchange.registry_write", "Registry write"
    REGISTRY_CHANGE = "exchange.registry_change", "Registry change (feed)"
    REGISTRY_FEED = "exchange.registry_feed", "Registry change feed"
