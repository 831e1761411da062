"""``motcua registries advance --days N``: move the synthetic world on by N days (``world``)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.registries.world import advance


class Command(BaseCommand):
    help = (
        "Move the synthetic world on by N days: births, deaths, moves, expiries, ages, in the change feeds."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError(
                "advance changes the records: the reference registries only, never in production."
            )
        try:
            report = advance(options["days"], seed=options["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"World moved from {report.start} to {report.end}.")
        for key, count in sorted(report.counts.items()):
            self.stdout.write(f"  {key}: {count}")
