"""``motcua integrators ...``: register, list and revoke agency systems' API clients (audited).

motcua integrators create --agency CODE --role ROLE [--role ROLE] --name "..." [--rate 100/m]
                          [--generate-key FILE | --public-key FILE]
    Without a key option the client gets a secret, printed once and stored nowhere. With
    --generate-key an Ed25519 key pair is made: the private key is written to FILE (mode 0600,
    never overwritten) and only the public key is registered. --public-key registers a key the
    agency made itself (PEM or JWK, Ed25519 or P-256).
motcua integrators list
motcua integrators revoke CLIENT_ID     its tokens stop working at once
"""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey

from motcua.core.actors import command_actor
from motcua.core.errors import MotcuaError
from motcua.identity import integrators


def _read_public_key(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8").strip()
    if "PRIVATE KEY" in text:
        raise CommandError(f"{path} holds a private key: register the public key only")
    if text.startswith("{"):
        data: dict[str, Any] = json.loads(text)
        return data
    for kind in (OKPKey, ECKey):
        try:
            return dict(kind.import_key(text.encode()).as_dict(private=False))
        except (JoseError, ValueError, TypeError):
            continue
    raise CommandError(f"{path}: not an Ed25519 or P-256 public key (PEM or JWK)")


def _write_private_key(path: Path) -> dict[str, Any]:
    """A new Ed25519 key: the private half to ``path`` (created 0600, refused if it exists), the
    public half returned for registration."""
    key = OKPKey.generate_key("Ed25519")
    pem = key.as_pem(private=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CommandError(f"{path} exists already: choose another file") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return dict(key.as_dict(private=False))


class Command(BaseCommand):
    help = "Register, list and revoke agency systems' API clients (OAuth 2.0 client credentials)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--agency", required=True)
        create.add_argument("--role", action="append", required=True, dest="roles")
        create.add_argument("--name", required=True)
        create.add_argument("--rate", default="", help="its own API request rate, e.g. 100/m")
        key = create.add_mutually_exclusive_group()
        key.add_argument("--generate-key", type=Path, default=None)
        key.add_argument("--public-key", type=Path, default=None)
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("client_id")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(f"integrators {options['action']}")
        try:
            if options["action"] == "create":
                self._create(actor, options)
            elif options["action"] == "list":
                for client in integrators.clients(actor):
                    state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "active"
                    self.stdout.write(
                        f"{client.client_id}\t{client.agency.code}\t{','.join(client.roles)}\t"
                        f"{client.auth_method}\t{client.rate_limit or '-'}\t{state}\t{client.name}"
                    )
            else:
                client = integrators.revoke_client(actor=actor, client_id=options["client_id"])
                self.stdout.write(f"revoked {client.client_id}: its tokens no longer work")
        except MotcuaError as exc:
            raise CommandError(exc.message) from None

    def _create(self, actor: Any, options: dict[str, Any]) -> None:
        public_jwk: dict[str, Any] | None = None
        if options["public_key"] is not None:
            public_jwk = _read_public_key(options["public_key"])
        elif options["generate_key"] is not None:
            # checked before the key file is written, so a refused client leaves no key behind
            integrators.check_registration(agency_code=options["agency"], roles=options["roles"])
            public_jwk = _write_private_key(options["generate_key"])
        registered = integrators.create_client(
            actor=actor,
            name=options["name"],
            agency_code=options["agency"],
            roles=options["roles"],
            public_jwk=public_jwk,
            rate_limit=options["rate"],
        )
        client = registered.client
        self.stdout.write(f"client_id: {client.client_id}")
        self.stdout.write(f"agency: {client.agency.code}  roles: {' '.join(client.roles)}")
        if registered.secret:
            self.stdout.write(f"client_secret: {registered.secret}")
            self.stdout.write("The secret is shown only now and stored nowhere: keep it in the agency system")
        else:
            self.stdout.write(f"auth: private_key_jwt, key {client.public_jwk['kid']}")
            if options["generate_key"] is not None:
                self.stdout.write(f"private key written to {options['generate_key']} (keep it secret)")
        self.stdout.write(f"token endpoint: {integrators.token_endpoint_url()}")
