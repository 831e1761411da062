"""``motcua smsgw serve``: migrate the gateway's database and run it under gunicorn (what
``make run`` starts)."""

from __future__ import annotations

import os
import shutil
import sys
from argparse import ArgumentParser
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.core.addresses import DEFAULT_SMS_GATEWAY_PORT


class Command(BaseCommand):
    help = "Serve the reference SMS gateway over HTTP (gunicorn, WSGI)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        address = urlsplit(str(getattr(settings, "SMS_GATEWAY_URL")))  # noqa: B009 (the gateway's own setting)
        parser.add_argument("--host", default=address.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=address.port or DEFAULT_SMS_GATEWAY_PORT)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        call_command("migrate", "--noinput", verbosity=0)
        os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.smsgw.settings"
        arguments = [
            gunicorn,
            "motcua.smsgw.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--graceful-timeout",
            "3",
            "--no-control-socket",
        ]
        os.execv(gunicorn, arguments)  # noqa: S606 - a fixed program with our own arguments
