"""`motcua health`: the operator's health report; exits non-zero when anything is unhealthy.

motcua health                              # thresholds from the settings
motcua health --max-backlog-seconds 120    # the outbox's oldest undelivered event at most 2 min old
motcua health --json                       # for a monitoring agent
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.ops.health import health_report


class Command(BaseCommand):
    help = (
        "Check the database, the cache, the registries, the task worker's heartbeat and the outbox "
        "backlog; exit non-zero when one of them is unhealthy."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--max-backlog-seconds",
            type=int,
            default=None,
            help="unhealthy when the oldest undelivered event is older (MOTCUA_HEALTH_MAX_BACKLOG_SECONDS)",
        )
        parser.add_argument(
            "--max-worker-age-seconds",
            type=int,
            default=None,
            help="unhealthy when the last worker heartbeat is older (MOTCUA_HEALTH_WORKER_MAX_AGE_SECONDS)",
        )
        parser.add_argument("--no-registries", action="store_true", help="do not probe the registries")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = health_report(
            max_backlog_seconds=options["max_backlog_seconds"],
            max_worker_age_seconds=options["max_worker_age_seconds"],
            include_registries=not options["no_registries"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            for check in report.checks:
                self.stdout.write(f"{check.name:<11} {'ok' if check.ok else 'FAILING':<8} {check.summary}")
        if not report.healthy:
            raise CommandError("unhealthy: " + ", ".join(report.failing))
