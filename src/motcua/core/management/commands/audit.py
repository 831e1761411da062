"""`motcua audit seal|verify`: chain the pending audit entries; check every audit hash chain."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import seal_pending, unsealed_age, verify_audit_log


class Command(BaseCommand):
    help = (
        "Audit-log tools. `seal` chains the committed entries still waiting for the sealer; "
        "`verify` checks the hash chains, reports entries not yet sealed, and exits non-zero on a "
        "broken link."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["seal", "verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(f"sealed {seal_pending()} audit entries")
            return
        report = verify_audit_log()
        if not report.ok:
            for link in report.broken:
                self.stderr.write(f"BROKEN {link}")
            raise CommandError(f"audit log verification failed: {len(report.broken)} chain(s) broken")
        summary = f"audit log intact: {report.chains} chain(s), {report.entries} entries"
        age = unsealed_age(report)
        if age is not None:
            summary += (
                f"; {report.unsealed} not yet sealed (the oldest written {age.total_seconds():.0f} s ago: "
                "checked against their own hashes only)"
            )
        self.stdout.write(summary)
