"""`motcua catalog load|validate|lint [--dir PATH] [--format text|json]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.lint import format_text, lint_catalog
from motcua.catalog.services import sync_catalog
from motcua.catalog.specs import SPECS_DIR, SpecError, load_catalog
from motcua.core.actors import command_actor


class Command(BaseCommand):
    help = (
        "Procedure catalog. `load` validates and publishes the specs; `validate` only validates; "
        "`lint` reports full-process capability, data reuse and missing elements."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["load", "validate", "lint"])
        parser.add_argument(
            "--dir", type=Path, default=SPECS_DIR, help="spec directory (default: the shipped one)"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["dir"]
        try:
            if options["action"] == "load":
                report = sync_catalog(actor=command_actor("catalog load"), directory=directory)
                self.stdout.write(
                    f"published {len(report.published)}, updated {len(report.updated)}, "
                    f"withdrawn {len(report.withdrawn)}, unchanged {len(report.unchanged)}"
                )
                return
            catalog = load_catalog(directory)
        except SpecError as exc:
            raise CommandError(exc.message) from None
        if options["action"] == "validate":
            self.stdout.write(
                f"{len(catalog.procedures)} procedures and {len(catalog.bundles)} bundles are valid"
            )
            return
        report_lint = lint_catalog(catalog)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report_lint.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_text(report_lint))
