"""The registry of domain vocabularies: event types, audit subject types, error codes.

Each domain keeps its own enums beside its code (``<app>/events.py``) and registers them here
from its ``AppConfig.ready`` (ADR 0032). Core knows no domain: its columns hold plain strings,
without ``choices`` (a new event type needs no migration of core), and ``record_change``
refuses a type or subject type nobody registered, so a typo cannot reach the audit log.
Registering checks that every value is namespaced by its app (``<app>.<name>``) and that no
value is registered twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum

from django.core.exceptions import ImproperlyConfigured


class Vocabulary:
    """One kind of registered value, with the label and the app that owns each."""

    def __init__(self, kind: str, *, namespaced: bool) -> None:
        self.kind = kind
        self.namespaced = namespaced
        self._labels: dict[str, str] = {}
        self._owners: dict[str, str] = {}

    def register(self, app_label: str, members: Iterable[Enum]) -> None:
        for member in members:
            value = str(member.value)
            if self.namespaced and not value.startswith(f"{app_label}."):
                raise ImproperlyConfigured(
                    f"The {self.kind} {value!r} of {app_label} must start with {app_label}."
                )
            owner = self._owners.get(value)
            if owner is not None and owner != app_label:
                raise ImproperlyConfigured(
                    f"The {self.kind} {value!r} is registered by {owner} and {app_label}."
                )
            self._owners[value] = app_label
            self._labels[value] = str(getattr(member, "label", value))

    def __contains__(self, value: object) -> bool:
        return str(value) in self._labels

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._labels))

    def label(self, value: str) -> str:
        return self._labels.get(value, value)

    def owner(self, value: str) -> str | None:
        return self._owners.get(value)

    def require(self, value: str) -> None:
        if value not in self._labels:
            raise ImproperlyConfigured(
                f"Unknown {self.kind} {str(value)!r}: declare it in its app and register it "
                "in AppConfig.ready."
            )


EVENT_TYPES = Vocabulary("event type", namespaced=True)
SUBJECT_TYPES = Vocabulary("audit subject type", namespaced=True)
ERROR_CODES = Vocabulary("error code", namespaced=False)


def register_vocabulary(
    app_label: str,
    *,
    event_types: Iterable[Enum] = (),
    subject_types: Iterable[Enum] = (),
    error_codes: Iterable[Enum] = (),
) -> None:
    """Called by an app's ``AppConfig.ready`` with its enums."""
    EVENT_TYPES.register(app_label, event_types)
    SUBJECT_TYPES.register(app_label, subject_types)
    ERROR_CODES.register(app_label, error_codes)
