"""WSGI entry point of the stand-in eID provider: ``gunicorn motcua.eid.wsgi:application``.

Run it with one worker (``--workers 1``, threads are fine): failed-login counters live in
the process's memory.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.eid.settings")
application = get_wsgi_application()
