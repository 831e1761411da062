"""``motcua gateway fault MODE [--delay-ms N]``: tell the gateway which fault to make (demos)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.gateway import conf, services
from motcua.gateway.models import Fault


class Command(BaseCommand):
    help = "Set the gateway's fault switch: none, fail, delay, duplicate, reorder, never."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("mode", choices=Fault.values)
        parser.add_argument("--delay-ms", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        if not conf.faults_allowed():
            raise CommandError("The fault switch is off (MOTCUA_GATEWAY_FAULTS; never in production).")
        switch = services.set_fault(options["mode"], options["delay_ms"])
        self.stdout.write(f"fault: {switch.mode} (delay {switch.delay_ms} ms)")
