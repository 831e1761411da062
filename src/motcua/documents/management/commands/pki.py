"""motcua pki init [--force]          the development PKI: root CA, timestamp authority, CRL, and a
                                     certificate for every agency that has officials
motcua pki issue CODE [CODE ...]     a development certificate for these agencies
motcua pki revoke-certificate CODE   put an agency's development certificate on the CRL
motcua pki show                      what the development PKI holds

Development and tests only: production keys live in a PKCS#11 token or a remote signing
service and are configured, never generated (docs/results.md). Refused when MOTCUA_ENV=production.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from motcua.core.actors import command_actor
from motcua.core.services import record_change
from motcua.documents import pki, signing
from motcua.documents.events import DocumentEvent, DocumentSubject
from motcua.identity.models import RoleAssignment
from motcua.units.models import Agency


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init")
        init.add_argument("--force", action="store_true", help="replace the root and every certificate")
        issue = sub.add_parser("issue")
        issue.add_argument("codes", nargs="+")
        revoke = sub.add_parser("revoke-certificate")
        revoke.add_argument("code")
        sub.add_parser("show")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("The development PKI is never used in production: configure MOTCUA_SIGNER.")
        store = pki.dev_pki()
        action = options["action"]
        try:
            if action == "init":
                self._init(store, force=options["force"])
            elif action == "issue":
                self._issue(store, options["codes"])
            elif action == "revoke-certificate":
                store.revoke_agency(options["code"])
                self.stdout.write(f"{options['code']}: certificate revoked in {store.crl_path}")
            else:
                self._show(store)
        except pki.PkiError as exc:
            raise CommandError(str(exc)) from exc
        signing.reset()

    def _agencies(self, codes: list[str] | None = None) -> list[tuple[str, str]]:
        if codes is None:
            codes = sorted(
                set(
                    RoleAssignment.objects.filter(revoked_at__isnull=True).values_list(
                        "agency__code", flat=True
                    )
                )
                - {None}
            )
        found = dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))
        missing = sorted(set(codes) - set(found))
        if missing:
            raise CommandError(f"No such agency: {', '.join(missing)}")
        return sorted(found.items())

    def _record(self, created: list[str]) -> None:
        with transaction.atomic():
            record_change(
                actor=command_actor("pki"),
                type=DocumentEvent.PKI_ISSUED,
                subject_type=DocumentSubject.PKI,
                subject_id="development",
                changes={"issued": [None, created]},
            )

    def _init(self, store: pki.DevPki, *, force: bool) -> None:
        created = store.init(agencies=self._agencies(), force=force)
        if created:
            self._record(created)
        self.stdout.write(f"development PKI in {store.directory}: {', '.join(created) or 'nothing new'}")

    def _issue(self, store: pki.DevPki, codes: list[str]) -> None:
        agencies = self._agencies(codes)
        for code, name in agencies:
            store.issue_agency(code, name)
        self._record([code for code, _name in agencies])
        self.stdout.write(f"issued: {', '.join(code for code, _name in agencies)}")

    def _show(self, store: pki.DevPki) -> None:
        if not store.exists():
            raise CommandError(f"No development PKI in {store.directory}: run `motcua pki init`.")
        root = x509.load_pem_x509_certificate(store.root_cert_path.read_bytes())
        fingerprint = hashlib.sha256(root.public_bytes(serialization.Encoding.DER)).hexdigest()
        crl = x509.load_pem_x509_crl(store.crl_path.read_bytes())
        agencies = sorted(
            path.name.removesuffix(".cert.pem") for path in (store.directory / "agencies").glob("*.cert.pem")
        )
        self.stdout.write(f"root: {root.subject.rfc4514_string()}\n  SHA-256 {fingerprint}")
        self.stdout.write(f"timestamp authority: {store.tsa_cert_path}")
        self.stdout.write(
            f"revocation list: {len(list(crl))} revoked, next update {crl.next_update_utc:%Y-%m-%d}"
        )
        self.stdout.write(f"agencies ({len(agencies)}): {', '.join(agencies)}")
