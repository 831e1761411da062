"""WSGI entry point of the platform: ``gunicorn motcua.wsgi:application``.

Each worker builds its exchange client before it serves (``default_client``): the HTTP
library's import and its TLS context (the CA bundle) took 0.6 s on two loaded cores, which the
first consent of a fresh worker paid on top of its registry calls."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()

from motcua.exchange.client import default_client  # noqa: E402 - needs the settings loaded above

default_client()  # cached per process: the first consent uses this one
