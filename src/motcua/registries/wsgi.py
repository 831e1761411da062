"""WSGI entry point of the reference registries: ``gunicorn motcua.registries.wsgi:application``
(``motcua registries serve`` starts it). Each worker process imports this module after the
fork, so each starts its own access-log sealer here.

Each worker also loads, before it accepts its first request, what that request would otherwise
load lazily (``warm_up``). Measured on two loaded cores (issue 15): in a fresh process the first
signed query took 4.0–5.4 s — importing the URLconf pulls in the views and, through the
timestamp authority, pyHanko (3.7–4.4 s), then the access policy is parsed (0.7 s) — and the
next ones 4–40 ms. Against the platform's 3 s exchange budget, the first pull after ``make run``
failed all three components of a birth registration (timeouts at 3.0 s, even 25 s after start,
workers booted) and the second took 2.3–2.7 s; with the warm-up its calls took 180–290 ms.
gunicorn lets a worker accept connections only once this module is imported, so the cost moves
to start-up (about 6 s a worker on that machine)."""

from __future__ import annotations

import os
import time

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.registries.settings"
application = get_wsgi_application()

from django.db import connection  # noqa: E402 - needs the settings loaded above
from django.urls import get_resolver  # noqa: E402

from motcua.core.logging import get_logger  # noqa: E402
from motcua.registries.keys import signing_keys  # noqa: E402
from motcua.registries.log import start_sealer  # noqa: E402
from motcua.registries.policy import policy  # noqa: E402


def warm_up() -> dict[str, int]:
    """Load the URLconf (the views, the registries' definitions, the timestamp authority and
    pyHanko), the access policy, the signing key and the database driver; return what was
    loaded, for the log line."""
    started = time.monotonic()
    patterns = len(get_resolver().url_patterns)
    grants = len(policy().grants)
    keys = len(signing_keys())  # in development the key is created here if missing
    connection.ensure_connection()  # the driver and its first connection's set-up
    connection.close()  # request threads open their own
    elapsed_ms = int((time.monotonic() - started) * 1000)
    return {"url_patterns": patterns, "grants": grants, "keys": keys, "ms": elapsed_ms}


get_logger("motcua.registries").info("registries warmed up", pid=os.getpid(), **warm_up())
start_sealer()
