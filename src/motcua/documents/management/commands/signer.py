"""motcua signer serve [--port N]            the reference remote signing service (CSC API v2
                                            subset) over the development PKI's agency keys
motcua signer token-import CODE [CODE ...]  write development PKI keys and certificates to the
                                            PKCS#11 token (SoftHSM in development and tests)
motcua signer token-import CODE --certificate FILE
                                            write a CA-issued certificate for a key generated in
                                            the token (production)
motcua signer token-import --ca FILE        write an intermediate CA certificate to the token
motcua signer token-list                    what the token holds, per label

The token is the one the platform signs with: MOTCUA_PKCS11_MODULE, MOTCUA_PKCS11_TOKEN_LABEL,
MOTCUA_PKCS11_PIN_FILE. Development keys are refused in production (docs/results.md, "Where
agencies' keys live").
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.documents import pki, signing


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="the reference remote signing service")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8003)
        serve.add_argument("--workers", type=int, default=1)
        serve.add_argument("--threads", type=int, default=4)
        serve.add_argument("--keys", default="", help="development PKI directory (MOTCUA_PKI_DIR)")
        serve.add_argument(
            "--token-file", default="", help="accepted bearer tokens (MOTCUA_REMOTE_SIGNER_TOKEN_FILE)"
        )
        load = sub.add_parser("token-import", help="write keys and certificates to the PKCS#11 token")
        load.add_argument("codes", nargs="*", metavar="CODE")
        load.add_argument("--certificate", default="", help="a certificate for a key already in the token")
        load.add_argument("--ca", action="append", default=[], help="an intermediate CA certificate")
        load.add_argument("--replace", action="store_true", help="replace what has the same label")
        sub.add_parser("token-list", help="what the PKCS#11 token holds")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "serve":
            self._serve(options)
            return
        try:
            from motcua.documents import pkcs11_token
        except ImportError as exc:
            raise CommandError("The PKCS#11 commands need python-pkcs11 (the pkcs11 extra).") from exc
        try:
            config = pkcs11_token.TokenConfig.from_files(
                settings.MOTCUA_PKCS11_MODULE,
                settings.MOTCUA_PKCS11_TOKEN_LABEL,
                settings.MOTCUA_PKCS11_PIN_FILE,
            )
            session = pkcs11_token.open_session(config, read_write=action == "token-import")
            try:
                if action == "token-import":
                    self._import(session, options)
                else:
                    self._list(session)
            finally:
                session.close()
        except (pkcs11_token.TokenError, pki.PkiError) as exc:
            raise CommandError(str(exc)) from exc
        signing.reset()

    def _list(self, session: Any) -> None:
        from motcua.documents import pkcs11_token

        for entry in pkcs11_token.entries(session):
            held = "key+certificate" if entry.has_key else "certificate"
            self.stdout.write(
                f"{entry.label}\t{held}\t{entry.subject}\tserial {entry.serial}\tuntil {entry.not_after}"
            )

    def _import(self, session: Any, options: dict[str, Any]) -> None:
        from motcua.documents import pkcs11_token

        codes: list[str] = options["codes"]
        if not codes and not options["ca"]:
            raise CommandError("Name agency codes, or --ca FILE.")
        for ca_file in options["ca"]:
            label = pkcs11_token.import_ca(session, Path(ca_file).read_bytes())
            self.stdout.write(f"{label}: CA certificate from {ca_file}")
        if options["certificate"]:
            if len(codes) != 1:
                raise CommandError("--certificate goes with exactly one agency code.")
            pkcs11_token.import_agency(
                session, codes[0], Path(options["certificate"]).read_bytes(), None, replace=options["replace"]
            )
            self.stdout.write(f"{codes[0]}: certificate for the token's key")
            return
        if codes and settings.IS_PRODUCTION:
            raise CommandError(
                "Development keys are never put in a production token: generate the key in the token "
                "and import its certificate with --certificate."
            )
        store = pki.dev_pki()
        for code in codes:
            cert_path, key_path = store.agency_paths(code)
            if not cert_path.is_file():
                raise CommandError(f"No development certificate for {code} in {store.directory}.")
            pkcs11_token.import_agency(
                session, code, cert_path.read_bytes(), key_path.read_bytes(), replace=options["replace"]
            )
            self.stdout.write(f"{code}: key and certificate from {store.directory}")

    def _serve(self, options: dict[str, Any]) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("The reference signing service holds development keys: never in production.")
        from motcua.documents.signer_service.app import KEY_DIR_VARIABLE, TOKEN_FILE_VARIABLE

        key_dir = Path(options["keys"] or settings.MOTCUA_PKI_DIR)
        token_file = options["token_file"] or settings.MOTCUA_REMOTE_SIGNER_TOKEN_FILE
        if not (key_dir / "root.cert.pem").is_file():
            raise CommandError(f"No development PKI in {key_dir}: run `motcua pki init`.")
        if not token_file or not Path(token_file).is_file():
            raise CommandError(
                "Name the file of accepted tokens: --token-file (or MOTCUA_REMOTE_SIGNER_TOKEN_FILE)."
            )
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        os.environ[KEY_DIR_VARIABLE] = str(key_dir)
        os.environ[TOKEN_FILE_VARIABLE] = str(token_file)
        arguments = [
            gunicorn,
            "motcua.documents.signer_service.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--graceful-timeout",
            "5",
            "--no-control-socket",  # the platform and the registries run gunicorn beside it
        ]
        os.execv(gunicorn, arguments)  # noqa: S606 - a fixed program with our own arguments
