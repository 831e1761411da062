"""WSGI entry point of the reference payment gateway: ``gunicorn motcua.gateway.wsgi:application``
(``motcua gateway serve`` starts it). Each worker starts its notification sender here."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.gateway.settings"
application = get_wsgi_application()

from motcua.gateway.delivery import start_sender  # noqa: E402 - needs the settings loaded above

start_sender()
