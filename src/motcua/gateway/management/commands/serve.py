"""``motcua gateway serve``: run the reference payment gateway under gunicorn (what ``make run`` starts)."""

from __future__ import annotations

import os
import shutil
import sys
from argparse import ArgumentParser
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from motcua.core.addresses import DEFAULT_GATEWAY_PORT
from motcua.gateway import conf


class Command(BaseCommand):
    help = "Serve the reference payment gateway over HTTP (gunicorn, WSGI)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        address = urlsplit(conf.gateway_url())
        parser.add_argument("--host", default=address.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=address.port or DEFAULT_GATEWAY_PORT)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.gateway.settings"
        arguments = [
            gunicorn,
            "motcua.gateway.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--graceful-timeout",
            "5",
            "--no-control-socket",  # the platform and the eID provider run gunicorn beside it
        ]
        os.execv(gunicorn, arguments)  # noqa: S606 - a fixed program with our own arguments
