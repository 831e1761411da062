"""Reference data kept in process memory (procedures, communes, agencies, the working-day
calendar, process definitions), and the version that tells every process when to drop it.

Reference data changes only when an operator reloads it (``motcua units load``, ``catalog
load``, a change of the days off), never on the request path. Each process therefore keeps what
it read, keyed by what it is (``cached(name, key, load)``), and drops all of it when the shared
*reference-data version* changes: a random token in the shared cache (the database cache by
default, Redis in production), replaced by ``bump()`` whenever a reload commits. A process reads
the token at most once every ``MOTCUA_REFDATA_CHECK_SECONDS`` (1 s by default; 0 checks on every
use; the tests look once per test, so no statement-count test sees the read), so another
process's reload is seen within that bound; the process that reloads sees it at once. A token
lost from the cache (evicted, the cache cleared) reads as missing, which differs from every
token, so it only makes the processes read again (ADR 0033).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

VERSION_KEY = "motcua:refdata:version"
T = TypeVar("T")
_MISSING = "missing"

_lock = threading.Lock()
_values: dict[tuple[str, Hashable], Any] = {}
_state: dict[str, Any] = {"version": _MISSING, "checked_at": float("-inf"), "reloading": False}


def _check_seconds() -> float:
    return float(getattr(settings, "MOTCUA_REFDATA_CHECK_SECONDS", 1.0))


def version() -> str:
    """The reference-data version this process works with (read again when due)."""
    now = time.monotonic()
    if now - _state["checked_at"] >= _check_seconds():
        current = str(caches["default"].get(VERSION_KEY) or _MISSING)
        with _lock:
            if current != _state["version"]:
                _values.clear()
                _state["version"] = current
            _state["checked_at"] = now
    return str(_state["version"])


def cached(name: str, key: Hashable, load: Callable[[], T]) -> T:
    """The value ``load()`` gives for ``(name, key)``, read once per reference-data version."""
    version()
    if _state["reloading"]:
        if transaction.get_connection().in_atomic_block:  # a reload not committed yet: read afresh
            return load()
        clear()  # committed (and published) or rolled back: keep values again
    entry = (name, key)
    try:
        value: T = _values[entry]
    except KeyError:
        value = load()
        with _lock:
            _values[entry] = value
    return value


def clear() -> None:
    """Forget everything this process keeps (the next use reads the version again)."""
    with _lock:
        _values.clear()
        _state["version"] = _MISSING
        _state["checked_at"] = float("-inf")
        _state["reloading"] = False


def bump() -> None:
    """Reference data changed: every process drops what it keeps. Inside a transaction the new
    version is published when it commits; until then this process reads reference data afresh
    and keeps none of it (what it read may yet be rolled back)."""

    def publish() -> None:
        caches["default"].set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        clear()

    with _lock:
        _values.clear()
        _state["reloading"] = True
    transaction.on_commit(publish)
