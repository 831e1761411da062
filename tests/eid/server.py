"""Run the stand-in eID provider (``motcua-eid``) as a real process, for tests.

``EidServer(directory, redirect_uris)`` gives the provider its own database, secret key and
signing key under ``directory``, migrates it, seeds the demo accounts and one client
registration (``motcua-eid eid seed``), and serves it under gunicorn on a free local port::

    with EidServer(tmp_path, ["http://testserver/oidc/callback/"]) as eid:
        requests.get(eid.jwks_uri)
        settings.OIDC_OP_TOKEN_ENDPOINT = eid.token_endpoint
        settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = eid.client_id, eid.client_secret

Endpoint URLs come from the provider's discovery document. Tests talk to the process over
HTTP only: its database is never opened from the test process.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.gunicorn import BIN, GunicornProcess

DISCOVERY_PATH = "/o/.well-known/openid-configuration"


class EidServer:
    """A ``motcua-eid`` process for tests; a context manager (``start`` / ``stop``)."""

    def __init__(
        self,
        directory: Path,
        redirect_uris: Sequence[str],
        *,
        client_id: str = "motcua-test",
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 30.0,
    ) -> None:
        self.directory = Path(directory)
        self.redirect_uris = list(redirect_uris)
        self.client_id = client_id
        self.extra_env = dict(env or {})
        self.discovery: dict[str, Any] = {}
        self.server = GunicornProcess(
            app="motcua.eid.wsgi:application",
            log_file=self.directory / "server.log",
            ready_path=DISCOVERY_PATH,
            startup_timeout=startup_timeout,
        )

    # --- where things are ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def var_dir(self) -> Path:
        return self.directory / "var"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.directory / 'eid.sqlite3'}"

    @property
    def log_file(self) -> Path:
        return self.directory / "server.log"

    @property
    def signing_key_file(self) -> Path:
        return self.var_dir / "eid" / "oidc-signing-key.pem"

    @property
    def client_secret_file(self) -> Path:
        return self.directory / "client-secret"

    secret_file = client_secret_file  # older name

    @property
    def client_secret(self) -> str:
        return self.client_secret_file.read_text().strip()

    @property
    def sign_in_url(self) -> str:
        return f"{self.base_url}/dang-nhap/"

    @property
    def sign_out_url(self) -> str:
        return f"{self.base_url}/dang-xuat/"

    # --- from the discovery document ----------------------------------------------------------
    def _discovered(self, name: str) -> str:
        if not self.discovery:
            raise RuntimeError("The eID server is not started.")
        return str(self.discovery[name])

    @property
    def issuer(self) -> str:
        return self._discovered("issuer")

    @property
    def authorization_endpoint(self) -> str:
        return self._discovered("authorization_endpoint")

    @property
    def token_endpoint(self) -> str:
        return self._discovered("token_endpoint")

    @property
    def userinfo_endpoint(self) -> str:
        return self._discovered("userinfo_endpoint")

    @property
    def jwks_uri(self) -> str:
        return self._discovered("jwks_uri")

    # --- commands ---------------------------------------------------------------------------------
    def env(self, **overrides: str) -> dict[str, str]:
        """The provider's environment: nothing of the test process's Django or eID settings."""
        environment = {
            name: value
            for name, value in os.environ.items()
            if name != "DJANGO_SETTINGS_MODULE" and not name.startswith("MOTCUA_EID_")
        }
        environment.update(
            {
                "MOTCUA_ENV": "test",
                "MOTCUA_VAR_DIR": str(self.var_dir),
                "MOTCUA_EID_DATABASE_URL": self.database_url,
                "MOTCUA_EID_URL": self.base_url,
                **self.extra_env,
                **overrides,
            }
        )
        return environment

    def command(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run ``motcua-eid <args>`` against this provider's database; never raises on failure."""
        return subprocess.run(
            [str(BIN / "motcua-eid"), *args],
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def seed(self, *extra_args: str, **env: str) -> subprocess.CompletedProcess[str]:
        redirects = [argument for uri in self.redirect_uris for argument in ("--redirect-uri", uri)]
        return self.command(
            "eid",
            "seed",
            "--client-id",
            self.client_id,
            "--client-secret-file",
            str(self.client_secret_file),
            *redirects,
            *extra_args,
            **env,
        )

    # --- life cycle -------------------------------------------------------------------------------
    def start(self) -> EidServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        for step in (self.command("migrate", "--noinput", "-v", "0"), self.seed()):
            if step.returncode != 0:
                raise RuntimeError(f"eID provider set-up failed:\n{step.stdout}\n{step.stderr}")
        self.server.start(self.env, on_ready=lambda response: setattr(self, "discovery", response.json()))
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> EidServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
