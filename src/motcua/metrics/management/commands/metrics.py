"""`motcua metrics …`: the Decision 766 figures (docs/metrics.md).

motcua metrics recompute      # rebuild every figure from the event log (one transaction)
motcua metrics recompute --summaries   # only the pages' summaries, from the counters (after a catalog change)
motcua metrics show province 01 month 2026-07
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.core.actors import SYSTEM
from motcua.metrics import periods, selectors, services, summaries


class Command(BaseCommand):
    help = "recompute: rebuild the Decision 766 figures from the event log; show: print one scope's figures."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        recompute = actions.add_parser("recompute", help="rebuild every fact and counter from the event log")
        recompute.add_argument(
            "--summaries",
            action="store_true",
            help="only rewrite the pages' summaries from the counters (after a catalog change)",
        )
        show = actions.add_parser("show", help="print one scope's figures for one period")
        show.add_argument("scope_kind", choices=["nation", "province", "commune", "sector"])
        show.add_argument("scope_code")
        show.add_argument("period_kind", choices=["month", "quarter", "year"])
        show.add_argument("period", help="2026-07, 2026-Q3 or 2026")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "recompute" and options["summaries"]:
            with transaction.atomic():
                written = summaries.rebuild_from_counters()
            self.stdout.write(f"{written} summaries written")
            return
        if options["action"] == "recompute":
            summary = services.recompute(
                actor=SYSTEM, progress=lambda n: self.stdout.write(f"{n} events folded")
            )
            self.stdout.write(
                f"{summary['events']} events, {summary['dossiers']} dossiers, "
                f"{summary['petitions']} petitions: {summary['counters']} counters, "
                f"{summary['summaries']} summaries written"
            )
            return
        try:
            period = periods.parse(options["period_kind"], options["period"])
        except ValueError as exc:
            raise CommandError(f"Not a period: {options['period']}") from exc
        report = selectors.report(selectors.Scope(options["scope_kind"], options["scope_code"]), period)
        self.stdout.write(
            f"{report.scope.kind} {report.scope.code} {period.label}: {report.total} ({report.band})"
        )
        for group in report.groups:
            self.stdout.write(
                f"  {group.group.number}. {group.group.name}: {group.score}/{group.group.max_points}"
            )
            for result in group.results:
                ind = result.indicator
                if result.figure is None:
                    self.stdout.write(f"     {ind.id} {ind.code}: not computable ({ind.not_computable})")
                else:
                    f = result.figure
                    ratio = f"{f.numerator}/{f.denominator} = {f.ratio}"
                    self.stdout.write(f"     {ind.id} {ind.code}: {ratio} → {f.score}/{ind.max_points}")
