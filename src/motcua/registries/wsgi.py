"""WSGI entry point of the reference registries: ``gunicorn motcua.registries.wsgi:application``
(``motcua registries serve`` starts it). Each worker process imports this module after the
fork, so each starts its own access-log sealer here."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.registries.settings"
application = get_wsgi_application()

from motcua.registries.keys import signing_keys  # noqa: E402 - needs the settings loaded above
from motcua.registries.log import start_sealer  # noqa: E402

signing_keys()  # load (or, in development, create) the signing key before the first request
start_sealer()
