"""WSGI entry point of the reference SMS gateway: ``gunicorn motcua.smsgw.wsgi:application``
(``motcua smsgw serve`` starts it, after migrating its database)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.smsgw.settings"
application = get_wsgi_application()
