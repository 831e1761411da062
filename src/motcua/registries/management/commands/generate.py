"""``motcua registries generate --seed N --size N [--if-unchanged]``: fill the reference
registries with the synthetic dataset of that seed and size (``size`` people, the demo people
and their families included), replacing whatever records they held.

``--if-unchanged`` does nothing when the last generation used the same seed, size and generator
version, so ``make run`` can call it every time and pay for a load only when something changed.
Refused when ``MOTCUA_ENV=production``: the records it would replace might be real.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.demo.people import DEMO_PERSON_COUNT
from motcua.registries.data.generator import GENERATOR_VERSION
from motcua.registries.data.loading import latest_generation, load_dataset


class Command(BaseCommand):
    help = "Fill the reference registries with the synthetic dataset of a seed and a size (people)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--size", type=int, default=10_000, help="number of people, demo people included (default 10000)"
        )
        parser.add_argument(
            "--if-unchanged",
            action="store_true",
            help="do nothing if the last generation had the same seed and size",
        )

    def handle(self, *args: Any, seed: int, size: int, if_unchanged: bool, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError(
                "generate replaces every record with synthetic people; "
                "it is refused when MOTCUA_ENV=production."
            )
        if size < DEMO_PERSON_COUNT:
            raise CommandError(
                f"--size must be at least {DEMO_PERSON_COUNT} (the demo people and their families)."
            )
        if if_unchanged:
            last = latest_generation()
            if last is not None and (last.seed, last.size, last.generator_version) == (
                seed,
                size,
                GENERATOR_VERSION,
            ):
                self.stdout.write(
                    f"Unchanged: the registries already hold seed {seed} with {size:,} people "
                    f"(generated {last.generated_at:%Y-%m-%d %H:%M} UTC); nothing done."
                )
                return
        verbose = int(options.get("verbosity", 1)) >= 2
        report = load_dataset(seed=seed, size=size, progress=self.stdout.write if verbose else None)
        tables = ", ".join(f"{key} {count:,}" for key, count in report.counts.items())
        self.stdout.write(
            f"Generated seed {seed} with {size:,} people: {report.rows:,} rows in {report.seconds:.1f} s "
            f"({report.rows / max(report.seconds, 1e-9):,.0f} rows/s). Digest {report.digest}.\n{tables}."
        )
