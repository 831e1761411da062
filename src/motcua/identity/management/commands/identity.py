"""``motcua identity ...``: operators' commands for officials, and the demo data.

motcua identity create-official <username> --name "..."   (password read from the prompt)
motcua identity grant-role <username> <role> [--agency CODE]
motcua identity seed-demo          demo officials, family and company links (not in production)
motcua identity totp-code <user>   current second-factor code of a demo official (not in production)
"""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.actors import command_actor
from motcua.core.errors import MotcuaError
from motcua.identity import demo, services


class Command(BaseCommand):
    help = "Manage officials and demo identity data."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create-official")
        create.add_argument("username")
        create.add_argument("--name", required=True)
        create.add_argument("--email", default="")
        grant = sub.add_parser("grant-role")
        grant.add_argument("username")
        grant.add_argument("role")
        grant.add_argument("--agency", default="")
        sub.add_parser("seed-demo")
        code = sub.add_parser("totp-code")
        code.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(f"identity {options['action']}")
        try:
            if options["action"] == "create-official":
                password = getpass.getpass("Password: ")
                user = services.create_official(
                    actor=actor,
                    username=options["username"],
                    full_name=options["name"],
                    email=options["email"],
                    password=password,
                )
                self.stdout.write(
                    f"created official {user.username}; the TOTP device is set up at first sign-in"
                )
            elif options["action"] == "grant-role":
                services.grant_role(
                    actor=actor,
                    username=options["username"],
                    role=options["role"],
                    agency_code=options["agency"],
                )
                self.stdout.write(f"granted {options['role']} to {options['username']}")
            elif options["action"] == "seed-demo":
                for line in demo.seed_demo(actor=actor):
                    self.stdout.write(line)
                self.stdout.write(f"demo officials' password: {demo.DEMO_OFFICIAL_PASSWORD}")
            else:
                self.stdout.write(demo.current_totp_code(options["username"]))
        except MotcuaError as exc:
            raise CommandError(exc.message) from None
