"""Calling the platform's WSGI application in-process through its real request handler (httpx's
WSGI transport, schemathesis), inside a test's database transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@contextmanager
def keep_the_test_connection() -> Iterator[None]:
    """Django's real WSGI handler sends request signals that close a database connection inside a
    transaction — the test's own, on PostgreSQL. Django's test client unhooks them the same way
    around each of its requests (and hooks them back after, which is why this is done in the
    test, after the fixtures' sign-ins)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
