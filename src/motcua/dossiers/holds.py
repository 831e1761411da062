"""Holds: what keeps a dossier from a decision, registered by the apps above dossiers.

``dossiers`` imports no app above it (payments, feedback, metrics; ADR 0036). An app that must
be able to keep a dossier waiting — payments: reception waits for a fee due before reception,
the return of the result for a fee due at result — registers one check here in its
``AppConfig.ready``; ``processing.decide`` asks every registered check before it takes a decision,
inside its transaction, with the dossier row locked (ADR 0042). A check answers ``None`` (no
hold) or the message the official reads, in the request's language."""

from __future__ import annotations

from collections.abc import Callable

from motcua.core.errors import Conflict
from motcua.dossiers.errors import DossierErrorCode
from motcua.dossiers.models import Dossier

Hold = Callable[[Dossier, str], "str | None"]
_HOLDS: dict[str, Hold] = {}


def register_hold(name: str, check: Hold) -> None:
    """Register ``check(dossier, decision)`` under a stable ``name`` (a second call replaces it)."""
    _HOLDS[name] = check


def holding(dossier: Dossier, decision: str) -> list[str]:
    """The messages of the holds that keep ``dossier`` from ``decision`` (empty: none)."""
    return [message for check in _HOLDS.values() if (message := check(dossier, decision))]


def require_no_hold(dossier: Dossier, decision: str) -> None:
    messages = holding(dossier, decision)
    if messages:
        raise Conflict(" ".join(messages), code=DossierErrorCode.ON_HOLD)
