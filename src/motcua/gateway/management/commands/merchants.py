"""``motcua gateway merchants``: register a merchant (its code, secret, IPN URL, accounts) or list them."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.addresses import addresses
from motcua.gateway import services
from motcua.gateway.models import Merchant


class Command(BaseCommand):
    help = "Register a merchant of the reference payment gateway, or list them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register (or update) a merchant")
        add.add_argument("code")
        add.add_argument("--secret-file", type=Path, required=True, help="the shared HMAC secret, as text")
        add.add_argument(
            "--ipn-url",
            help="default: the platform's (core.addresses: MOTCUA_PUBLIC_URL or PORT) /api/v1/payments/ipn",
        )
        add.add_argument("--name", default="")
        add.add_argument("--account", action="append", default=[], help="BIN:account a VietQR may pay into")
        sub.add_parser("list", help="registered merchants")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            try:
                secret = Path(options["secret_file"]).read_text(encoding="utf-8").strip()
            except OSError as error:
                raise CommandError(f"Cannot read the secret: {error}") from None
            if len(secret) < 32:
                raise CommandError("The secret must be at least 32 characters.")
            merchant = services.add_merchant(
                code=options["code"],
                secret=secret,
                ipn_url=options["ipn_url"] or f"{addresses().public_url}/api/v1/payments/ipn",
                name=options["name"],
                accounts=options["account"],
            )
            self.stdout.write(
                f"merchant {merchant.code}: IPN {merchant.ipn_url}, accounts {merchant.accounts}"
            )
            return
        for merchant in Merchant.objects.order_by("code"):
            self.stdout.write(f"{merchant.code}\t{merchant.ipn_url}\t{','.join(merchant.accounts)}")
