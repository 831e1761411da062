"""A whole platform installation for the backup tests, and empty ones to restore into.

``live_platform`` builds the identity tests' world (dossiers, uploads, a signed result in a
wallet, agency keys sealed with this process's exchange key secret) in the test database and
describes it as an installation with its own var directory, the session's development PKI and
the session's registries as its companion. On PostgreSQL the installation's database is the test
database itself; on SQLite (whose test database lives in memory) it is a file copy of it.
``Writer`` runs ``tests.ops.writer`` against it; ``Target`` is a new, empty installation.
"""

from __future__ import annotations

import secrets
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

from motcua.documents.pki import DevPki
from motcua.ops.databases import Database
from tests.exchange.server import RegistriesServer
from tests.gunicorn import BIN
from tests.identity.world import build_world
from tests.ops.processes import database_url, platform_env, wait_until

REPOSITORY = Path(__file__).resolve().parents[2]
PLATFORM_SECRETS = ("SECRET_KEY", "MOTCUA_EXCHANGE_KEY_SECRET", "OIDC_RP_CLIENT_SECRET")


def _pki_env(directory: Path) -> dict[str, str]:
    return {
        "MOTCUA_PKI_DIR": str(directory),
        "MOTCUA_TRUST_ROOTS": str(directory / "root.cert.pem"),
        "MOTCUA_CRL_FILES": str(directory / "root.crl.pem"),
    }


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """A read of any installation's database, by its URL (not through this process's Django)."""
    database = Database.from_url("x", url)
    if database.engine == "sqlite":
        with sqlite3.connect(f"file:{database.path}?mode=ro", uri=True) as handle:
            return list(handle.execute(sql))
    with database.connect(autocommit=True) as handle:
        return [tuple(row) for row in handle.execute(sql)]


def count(url: str, table: str) -> int:
    return int(rows(url, f"SELECT count(*) FROM {table}")[0][0])


@dataclass
class Installation:
    directory: Path
    env: dict[str, str]

    @property
    def url(self) -> str:
        return self.env["DATABASE_URL"]

    @property
    def registries_url(self) -> str:
        return self.env["MOTCUA_REGISTRIES_DATABASE_URL"]

    def motcua(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "motcua"), *args],
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=REPOSITORY,
        )


def live_platform(tmp_path: Path, registries: RegistriesServer, pki: DevPki) -> Installation:
    directory = tmp_path / "live"
    directory.mkdir()
    settings.MOTCUA_UPLOAD_DIR = directory / "uploads"  # (the test's settings fixture restores it)
    build_world(directory, with_wallet=True)
    url = database_url()
    if connection.vendor == "sqlite":
        file = directory / "motcua.sqlite3"
        copy = sqlite3.connect(file)
        connection.connection.backup(copy)
        copy.close()
        url = f"sqlite:///{file}"
    env = platform_env(
        directory / "var",
        DATABASE_URL=url,
        MOTCUA_UPLOAD_DIR=str(directory / "uploads"),
        MOTCUA_REGISTRIES_URL=registries.base_url,
        MOTCUA_REGISTRIES_DATABASE_URL=registries.database_url,
        MOTCUA_REGISTRIES_SIGNING_KEY_FILE=str(
            registries.directory / "var" / "registries" / "signing-keys.json"
        ),
        **_pki_env(pki.directory),
    )
    return Installation(directory, env)


@dataclass
class Target(Installation):
    """An empty installation: new databases (throw-away PostgreSQL ones on that pass), no files,
    and no platform secret in its environment, so that a restore writes the backup's."""

    databases: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, tmp_path: Path, name: str) -> Target:
        directory = tmp_path / name
        made: list[str] = []
        if connection.vendor == "postgresql":
            made = [f"motcua_restore_{secrets.token_hex(4)}", f"motcua_restore_{secrets.token_hex(4)}"]
            with _admin() as admin:
                for database in made:
                    admin.execute(f'CREATE DATABASE "{database}"')
            base = database_url().rsplit("/", 1)[0]
            url, registries_url = (f"{base}/{made[0]}", f"{base}/{made[1]}")
        else:
            url = f"sqlite:///{directory / 'motcua.sqlite3'}"
            registries_url = f"sqlite:///{directory / 'registries.sqlite3'}"
        env = platform_env(
            directory / "var",
            DATABASE_URL=url,
            MOTCUA_UPLOAD_DIR=str(directory / "uploads"),
            MOTCUA_REGISTRIES_DATABASE_URL=registries_url,
            **_pki_env(directory / "pki"),
        )
        for name_ in PLATFORM_SECRETS:
            env.pop(name_)
        return cls(directory, env, made)

    @property
    def var(self) -> Path:
        return self.directory / "var"

    def is_untouched(self) -> bool:
        """No table in its databases, no stored file, no PKI."""
        tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        if self.databases:
            empty = all(not rows(url, tables)[0][0] for url in (self.url, self.registries_url))
        else:
            empty = not (self.directory / "motcua.sqlite3").exists()
            empty &= not (self.directory / "registries.sqlite3").exists()
        return empty and not (self.directory / "uploads").exists() and not (self.directory / "pki").exists()

    def drop(self) -> None:
        if self.databases:
            with _admin() as admin:
                for database in self.databases:
                    admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _admin() -> psycopg.Connection[Any]:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=int(db["PORT"] or 5432),
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


class Writer:
    """``tests.ops.writer`` against an installation: applicants uploading and submitting."""

    def __init__(self, installation: Installation) -> None:
        self.status = installation.directory / "writer.status"
        self.stop_file = installation.directory / "writer.stop"
        self.log = installation.directory / "writer.log"
        self.env = installation.env
        self.process: subprocess.Popen[bytes] | None = None

    def written(self) -> int:
        return int(self.status.read_text()) if self.status.exists() else 0

    def wait_for(self, uploads: int) -> None:
        wait_until(
            lambda: (
                self.written() >= uploads or (self.process is not None and self.process.poll() is not None)
            ),
            what=f"{uploads} uploads by the writer",
        )
        assert self.written() >= uploads, self.log.read_text()[-3000:]

    def __enter__(self) -> Writer:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "python"), "-m", "tests.ops.writer", str(self.status), str(self.stop_file)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPOSITORY,
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_file.touch()
        if self.process is not None:
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        assert self.process is not None
        assert self.process.returncode == 0, self.log.read_text()[-3000:]
