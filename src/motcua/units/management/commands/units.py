"""`motcua units load [--file PATH]`: load or reload provinces, communes and agencies."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.actors import command_actor
from motcua.units.dataset import DEFAULT_SOURCE, ReferenceDataError
from motcua.units.services import reload_units


class Command(BaseCommand):
    help = "Administrative units. `load` (re)loads provinces, communes and agencies idempotently."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument(
            "--file", type=Path, default=DEFAULT_SOURCE, help="dataset (default: the shipped one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = reload_units(actor=command_actor("units load"), source=options["file"])
        except ReferenceDataError as exc:
            raise CommandError(exc.message) from None
        for name in ("provinces", "communes", "agencies"):
            counts = getattr(report, name)
            self.stdout.write(
                f"{name}: {report.totals[name]} active "
                f"({counts.created} created, {counts.updated} updated, {counts.deactivated} deactivated)"
            )
        self.stdout.write("no change" if not report.changed else f"dataset {report.sha256[:12]} loaded")
