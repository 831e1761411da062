"""Run the bundled eID provider (``motcua-eid``) as a real process for tests.

It gets its own database and keys in a temporary directory, is migrated and seeded with the
demo accounts and one client registration, and serves on a free local port under gunicorn.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import requests

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class EidServer:
    directory: Path
    redirect_uris: list[str]
    client_id: str = "motcua-test"
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    discovery: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return self.discovery["issuer"]

    @property
    def secret_file(self) -> Path:
        return self.directory / "client-secret"

    @property
    def client_secret(self) -> str:
        return self.secret_file.read_text().strip()

    def env(self, **extra: str) -> dict[str, str]:
        environment = {
            **os.environ,
            "MOTCUA_ENV": "test",
            "MOTCUA_VAR_DIR": str(self.directory / "var"),
            "MOTCUA_EID_DATABASE_URL": f"sqlite:///{self.directory / 'eid.sqlite3'}",
            "MOTCUA_EID_URL": self.base_url,
        }
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        environment.update(extra)
        return environment

    def command(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "motcua-eid"), *args],
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def seed(self, **extra_env: str) -> subprocess.CompletedProcess[str]:
        redirects = [argument for uri in self.redirect_uris for argument in ("--redirect-uri", uri)]
        return self.command(
            "eid",
            "seed",
            "--client-id",
            self.client_id,
            "--client-secret-file",
            str(self.secret_file),
            *redirects,
            **extra_env,
        )

    def start(self) -> EidServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        for step in (self.command("migrate", "--noinput", "-v", "0"), self.seed()):
            if step.returncode != 0:
                raise RuntimeError(f"eID setup failed:\n{step.stdout}\n{step.stderr}")
        log = open(self.directory / "server.log", "wb")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "motcua.eid.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                response = requests.get(f"{self.base_url}/o/.well-known/openid-configuration", timeout=2)
                if response.status_code == 200:
                    self.discovery = response.json()
                    return self
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("eID server did not start:\n" + (self.directory / "server.log").read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def __enter__(self) -> EidServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
