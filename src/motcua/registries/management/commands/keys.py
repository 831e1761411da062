"""``motcua registries keys``: the registries' own response-signing keys."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from motcua.registries import conf
from motcua.registries.keys import public_jwks, rotate


class Command(BaseCommand):
    help = "Show the public signing keys (JWK set) or rotate to a new key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["show", "rotate"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate":
            key = rotate(conf.signing_key_file())
            self.stdout.write(f"New signing key {key.kid}; restart the servers, then update pinned key sets.")
            return
        self.stdout.write(json.dumps(public_jwks(), indent=2))
