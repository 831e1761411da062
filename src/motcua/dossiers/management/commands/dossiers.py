"""motcua dossiers seed-demo       demo dossiers at the Ba Đình counter, one of them late (not in production)
motcua dossiers flag-deadlines  run the deadline check now (the task worker runs it every 15 minutes)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.actors import command_actor


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seed-demo")
        sub.add_parser("flag-deadlines")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(f"dossiers {options['action']}")
        if options["action"] == "seed-demo":
            from motcua.dossiers.demo import seed_demo_dossiers

            for line in seed_demo_dossiers(actor=actor):
                self.stdout.write(line)
        else:
            from motcua.dossiers.services.deadlines import flag_deadlines

            self.stdout.write(f"{flag_deadlines(actor=actor)} deadline flags changed")
