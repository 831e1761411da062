"""`motcua audit verify`: check every audit hash chain and report the first broken link of each."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import verify_audit_log


class Command(BaseCommand):
    help = "Audit-log tools. `verify` checks the hash chains and exits non-zero on a broken link."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_audit_log()
        if not report.ok:
            for link in report.broken:
                self.stderr.write(f"BROKEN {link}")
            raise CommandError(f"audit log verification failed: {len(report.broken)} chain(s) broken")
        self.stdout.write(f"audit log intact: {report.chains} chain(s), {report.entries} entries")
