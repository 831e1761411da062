"""``motcua exchange keys ...``: the agencies' exchange keys and their registration file.

- ``keys ensure [--agency CODE ...]``: give agencies without a key an active one (default: every
  active agency of a type that handles a published procedure, the portal itself, and the
  platform's consent-signing key, ADR 0022);
- ``keys export FILE``: write the registration file the registries import
  (``motcua registries agencies import FILE``);
- ``keys rotate --agency CODE`` / ``--consent``: create the agency's (or the platform's
  consent-signing) next key, pending;
- ``keys activate --agency CODE`` / ``--consent``: switch to the pending key once the registries
  accept it;
- ``keys list [--agency CODE]``.
"""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.models import Procedure
from motcua.core.actors import command_actor
from motcua.core.errors import MotcuaError
from motcua.exchange import selectors, services, tokens
from motcua.exchange.models import AgencyKey
from motcua.units.models import Agency


class Command(BaseCommand):
    help = "Manage the agencies' exchange keys and the registration file for the registries."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="group", required=True)
        keys = sub.add_parser("keys", help="agency signing keys")
        actions = keys.add_subparsers(dest="action", required=True)
        ensure = actions.add_parser("ensure", help="create missing keys")
        ensure.add_argument("--agency", action="append", default=[], help="agency code (repeatable)")
        export = actions.add_parser("export", help="write the registration file")
        export.add_argument("file", type=Path)
        for name in ("rotate", "activate"):
            action = actions.add_parser(name)
            which = action.add_mutually_exclusive_group(required=True)
            which.add_argument("--agency")
            which.add_argument(
                "--consent", action="store_true", help="the platform's consent-signing key instead"
            )
            if name == "activate":
                action.add_argument(
                    "--skip-registry-check",
                    action="store_true",
                    help="activate without asking the registries whether they accept the key",
                )
        listing = actions.add_parser("list")
        listing.add_argument("--agency", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor("exchange")
        action = options["action"]
        if options.get("consent"):
            options["agency"] = tokens.consent_key_owner()
        try:
            if action == "ensure":
                codes = options["agency"] or self._default_agencies()
                created = services.ensure_agency_keys(actor=actor, agency_codes=codes)
                self.stdout.write(f"{created} keys created ({len(codes)} agencies checked).")
            elif action == "export":
                document = selectors.registration_document()
                path: Path = options["file"]
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(".tmp")
                temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
                os.replace(temporary, path)
                self.stdout.write(
                    f"{len(document['agencies'])} agencies and {len(document['consent_issuers'])} "
                    f"consent issuer written to {path}."
                )
            elif action == "rotate":
                key = services.rotate_agency_key(actor=actor, agency_code=options["agency"])
                self.stdout.write(
                    f"Pending key {key.kid} for {key.agency_code}. Export the registration file, have the "
                    "registries import it, then run `motcua exchange keys activate`."
                )
            elif action == "activate":
                key = services.activate_agency_key(
                    actor=actor,
                    agency_code=options["agency"],
                    check_registries=not options["skip_registry_check"],
                )
                self.stdout.write(f"{key.agency_code} now signs with {key.kid}.")
            else:
                rows = AgencyKey.objects.order_by("agency_code", "created_at")
                if options["agency"]:
                    rows = rows.filter(agency_code=options["agency"])
                for row in rows:
                    self.stdout.write(f"{row.agency_code:<16} {row.kid} {row.status}")
        except MotcuaError as exc:
            raise CommandError(exc.message) from None

    @staticmethod
    def _default_agencies() -> list[str]:
        types = set(
            Procedure.objects.filter(is_active=True)
            .exclude(agency_type="")
            .values_list("agency_type", flat=True)
        )
        codes = list(
            Agency.objects.filter(is_active=True, agency_type__in=types).values_list("code", flat=True)
        )
        return [*codes, services.portal_agency_code(), tokens.consent_key_owner()]
