"""``motcua registries agencies``: the registry operator's list of requesters and their keys."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.registries import services
from motcua.registries.models import Agency, AgencyKey, ConsentKey


class Command(BaseCommand):
    help = "Import registrations from the platform, list agencies, revoke keys, suspend agencies."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help="register the agencies and keys of a registration file")
        importing.add_argument("file", type=Path)
        importing.add_argument("--operator", default="registries-operator")
        sub.add_parser("list", help="registered agencies and their keys")
        revoke = sub.add_parser("revoke-key", help="stop accepting one key")
        revoke.add_argument(
            "kid", help="the key id, after -- (ids may begin with '-': revoke-key --reason ... -- KID)"
        )
        revoke.add_argument("--reason", required=True)
        revoke.add_argument("--operator", default="registries-operator")
        for name in ("suspend", "reinstate"):
            action = sub.add_parser(name, help=f"{name} an agency")
            action.add_argument("code")
            action.add_argument("--operator", default="registries-operator")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "import":
                document = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
                report = services.import_registrations(document, actor=options["operator"])
                self.stdout.write(
                    f"{report.agencies_created} agencies registered, {report.agencies_updated} updated, "
                    f"{report.keys_added} keys added, {report.keys_revoked} revoked; "
                    f"{report.consent_keys_added} consent-issuer keys added, "
                    f"{report.consent_keys_revoked} revoked."
                )
            elif action == "list":
                for agency in Agency.objects.order_by("code"):
                    keys = AgencyKey.objects.filter(agency=agency).order_by("added_at")
                    listed = ", ".join(f"{k.kid[:12]}{' (revoked)' if k.revoked_at else ''}" for k in keys)
                    state = "" if agency.is_active else " SUSPENDED"
                    self.stdout.write(f"{agency.code:<16} {agency.agency_type:<36}{state} {listed}")
                for consent_key in ConsentKey.objects.order_by("issuer", "added_at"):
                    revoked = " (revoked)" if consent_key.revoked_at else ""
                    self.stdout.write(
                        f"{consent_key.issuer:<16} {'consent issuer':<36} {consent_key.kid[:12]}{revoked}"
                    )
            elif action == "revoke-key":
                services.revoke_key(kid=options["kid"], reason=options["reason"], actor=options["operator"])
                self.stdout.write(f"Key {options['kid']} revoked.")
            else:
                services.set_agency_active(
                    code=options["code"], active=action == "reinstate", actor=options["operator"]
                )
                self.stdout.write(f"Agency {options['code']} {action}d.")
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
