"""``motcua registries log``: seal pending access-log entries, verify the hash chains."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.registries.log import seal_pending, verify_log


class Command(BaseCommand):
    help = "Seal and verify the registries' access log."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["seal", "verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(f"{seal_pending()} entries sealed.")
            return
        sealed = seal_pending()
        report = verify_log()
        for broken in report.broken:
            self.stderr.write(str(broken))
        if not report.ok:
            raise CommandError(f"The access log is broken in {len(report.broken)} chain(s).")
        self.stdout.write(
            f"Access log intact: {report.chains} chains, {report.entries} sealed entries "
            f"({sealed} sealed just now)."
        )
