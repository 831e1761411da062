"""``motcua-eid eid seed|accounts``: demo accounts and the platform's client registration.

``seed`` is idempotent: it creates or updates the demo accounts (never in production) and
registers or updates one confidential client — authorization-code grant, RS256 id tokens,
no consent page (``skip_authorization``: the platform is a trusted first party) — with the
given client id and redirect URIs (by default the platform's callback at the address
``motcua.core.addresses`` derives from ``MOTCUA_PUBLIC_URL`` or ``PORT``, on 127.0.0.1 and
localhost, so ``make run PORT=…`` registers the port it serves on). The client secret is read
from a file; a missing file is created with a random secret (mode 0600). The toolkit stores
only a hash of the secret, so the file is where the platform reads it from (the platform's
``OIDC_RP_CLIENT_SECRET`` defaults to the same ``var/oidc-client-secret``).

``accounts`` prints the demo accounts and their password (demo data, not secrets).
"""

from __future__ import annotations

import os
import secrets
from argparse import ArgumentParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.models import get_application_model

from motcua.core.addresses import addresses
from motcua.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from motcua.eid.accounts import identity_problems
from motcua.eid.models import EidAccount

MIN_SECRET_LENGTH = 32


def read_or_create_client_secret(path: Path) -> str:
    """The secret in ``path``; a new random one (written with mode 0600) if there is no file."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # the platform created it meanwhile (core.env.development_secret)
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    secret = path.read_text().strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise CommandError(f"The client secret in {path} is shorter than {MIN_SECRET_LENGTH} characters.")
    return secret


def check_redirect_uris(uris: list[str]) -> None:
    for uri in uris:
        parts = urlsplit(uri)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.fragment:
            raise CommandError(f"A redirect URI must be an absolute http(s) URL without fragment: {uri!r}.")


@transaction.atomic
def seed_demo_accounts() -> tuple[int, int]:
    """Create or update every demo account; returns (created, updated)."""
    users = get_user_model()
    created = updated = 0
    for demo in DEMO_ACCOUNTS:
        problems = identity_problems(demo.personal_id, demo.birthdate, demo.sex)
        if problems:
            raise CommandError(f"Demo account {demo.personal_id}: {' '.join(problems)}")
        user, user_created = users.objects.get_or_create(username=demo.personal_id)
        if user_created or not user.check_password(DEMO_PASSWORD) or not user.is_active:
            user.set_password(DEMO_PASSWORD)
            user.is_active = True
            user.save()
        account = EidAccount.objects.filter(user=user).first()
        if account is None:
            account = EidAccount(user=user)
            created += 1
        else:
            updated += 1
        account.personal_id = demo.personal_id  # the subject (OIDC "sub") never changes
        account.full_name = demo.full_name
        account.birthdate = demo.birthdate
        account.sex = demo.sex
        account.assurance_level = demo.assurance_level
        try:
            account.full_clean()
        except ValidationError as exc:
            raise CommandError(f"Demo account {demo.personal_id}: {exc.messages}") from None
        account.save()
    return created, updated


@transaction.atomic
def register_client(*, client_id: str, secret: str, redirect_uris: list[str], name: str) -> bool:
    """Create or update the confidential client; returns whether it was created."""
    applications = get_application_model()
    application = applications.objects.filter(client_id=client_id).first()
    created = application is None
    if application is None:
        application = applications(client_id=client_id)
    application.name = name
    application.client_type = applications.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = applications.GRANT_AUTHORIZATION_CODE
    application.algorithm = applications.RS256_ALGORITHM
    application.skip_authorization = True
    application.redirect_uris = " ".join(redirect_uris)
    application.hash_client_secret = True
    if created or not check_password(secret, application.client_secret):
        application.client_secret = secret  # plaintext here; hashed when saved
    try:
        application.full_clean()
    except ValidationError as exc:
        raise CommandError(f"Client {client_id}: {exc.messages}") from None
    application.save()
    return created


class Command(BaseCommand):
    help = "Seed the demo accounts and register the platform as a client (seed), or list the demo accounts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{seed,accounts}")
        seed = actions.add_parser("seed", help="create or update the demo accounts and the platform's client")
        seed.add_argument("--client-id", required=True, help="the platform's client id, e.g. motcua-portal")
        seed.add_argument(
            "--client-secret-file",
            required=True,
            type=Path,
            help="file holding the client secret; created with a random secret (mode 0600) if missing",
        )
        seed.add_argument(
            "--redirect-uri",
            action="append",
            help="the platform's OIDC callback URL (repeat for several; default: the callback at the "
            "platform's address, from MOTCUA_PUBLIC_URL or PORT)",
        )
        seed.add_argument("--client-name", default="motcua", help="name of the client (default: motcua)")
        seed.add_argument(
            "--no-demo-accounts",
            action="store_true",
            help="register the client only (the only way seed runs with MOTCUA_ENV=production)",
        )
        actions.add_parser("accounts", help="print the demo accounts and their password")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "accounts":
            self._print_accounts()
            return
        with_demo_accounts = not options["no_demo_accounts"]
        if with_demo_accounts and settings.MOTCUA_ENV == "production":
            raise CommandError(
                "Refusing to create demo accounts when MOTCUA_ENV=production "
                "(use --no-demo-accounts to register the client only)."
            )
        if not options["redirect_uri"] and settings.MOTCUA_ENV == "production":
            raise CommandError("Name the platform's callback with --redirect-uri when MOTCUA_ENV=production.")
        redirect_uris: list[str] = options["redirect_uri"] or addresses().oidc_callback_urls
        check_redirect_uris(redirect_uris)
        secret = read_or_create_client_secret(options["client_secret_file"])
        with transaction.atomic():
            created, updated = seed_demo_accounts() if with_demo_accounts else (0, 0)
            client_created = register_client(
                client_id=options["client_id"],
                secret=secret,
                redirect_uris=redirect_uris,
                name=options["client_name"],
            )
        self.stdout.write(
            f"Demo accounts: {created} created, {updated} updated. "
            f"Client {options['client_id']} {'registered' if client_created else 'updated'} "
            f"({len(redirect_uris)} redirect URI{'s' if len(redirect_uris) != 1 else ''})."
        )

    def _print_accounts(self) -> None:
        self.stdout.write(
            f"{'personal ID':<13} {'level':<6} {'born':<11} {'sex':<7} {'province of birth':<18} name"
        )
        for account in DEMO_ACCOUNTS:
            note = f"  ({account.note})" if account.note else ""
            self.stdout.write(
                f"{account.personal_id:<13} {account.assurance_level:<6} {account.birthdate.isoformat():<11} "
                f"{account.sex:<7} {account.province_of_birth:<18} {account.full_name}{note}"
            )
        self.stdout.write(f"Password of every demo account: {DEMO_PASSWORD}")
