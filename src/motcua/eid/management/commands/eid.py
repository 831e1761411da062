"""``motcua-eid eid seed|accounts``: demo accounts and the platform's client registration."""

from __future__ import annotations

import os
import secrets
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.models import Application

from motcua.core.ids import parse_personal_id
from motcua.eid.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from motcua.eid.models import EidAccount


def _client_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret


class Command(BaseCommand):
    help = "Seed demo accounts and register the platform as a client (seed), or list the accounts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed")
        seed.add_argument("--client-id", default="motcua-portal")
        seed.add_argument("--client-secret-file", required=True, type=Path)
        seed.add_argument("--redirect-uri", action="append", required=True)
        seed.add_argument("--no-demo-accounts", action="store_true")
        sub.add_parser("accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "accounts":
            for account in DEMO_ACCOUNTS:
                line = f"{account.personal_id}  level {account.assurance_level}  {account.full_name}"
                self.stdout.write(f"{line} ({account.note})")
            self.stdout.write(f"password for all: {DEMO_PASSWORD}")
            return
        demo = not options["no_demo_accounts"]
        if demo and os.environ.get("MOTCUA_ENV") == "production":
            raise CommandError("Refusing to create demo accounts when MOTCUA_ENV=production.")
        with transaction.atomic():
            if demo:
                self._seed_accounts()
            self._register_client(
                options["client_id"], options["client_secret_file"], options["redirect_uri"]
            )
        self.stdout.write(
            f"eID provider seeded: {len(DEMO_ACCOUNTS) if demo else 0} demo accounts, client ok"
        )

    def _seed_accounts(self) -> None:
        users = get_user_model()
        for account in DEMO_ACCOUNTS:
            parsed = parse_personal_id(account.personal_id)
            if parsed.birth_year != account.birthdate.year or parsed.sex != account.sex:
                raise CommandError(f"Demo account {account.personal_id} contradicts its birth date or sex.")
            user, _created = users.objects.get_or_create(username=account.personal_id)
            user.set_password(DEMO_PASSWORD)
            user.save()
            EidAccount.objects.update_or_create(
                user=user,
                defaults={
                    "personal_id": account.personal_id,
                    "full_name": account.full_name,
                    "birthdate": account.birthdate,
                    "sex": account.sex,
                    "assurance_level": account.assurance_level,
                },
            )

    def _register_client(self, client_id: str, secret_file: Path, redirect_uris: list[str]) -> None:
        secret = _client_secret(secret_file)
        application = Application.objects.filter(client_id=client_id).first() or Application(
            client_id=client_id
        )
        application.name = "motcua platform"
        application.client_type = Application.CLIENT_CONFIDENTIAL
        application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        application.algorithm = Application.RS256_ALGORITHM
        application.skip_authorization = True
        application.redirect_uris = " ".join(redirect_uris)
        application.client_secret = secret  # hashed on save
        application.save()
