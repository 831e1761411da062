"""Where one installation keeps what a backup must hold, read from its settings and environment.

- the platform's database, the uploaded files and signed results (the file storage: the local
  directory ``MOTCUA_UPLOAD_DIR``, or private objects in an S3-compatible bucket), the
  development PKI (``MOTCUA_PKI_DIR``) and the platform's secrets: ``SECRET_KEY``,
  ``MOTCUA_EXCHANGE_KEY_SECRET`` (without it the agencies' sealed exchange keys never open
  again) and ``OIDC_RP_CLIENT_SECRET``; each from its environment variable, or in development
  from its file under ``var/``;
- the companion services when they are ours: the reference registries (their database and
  response-signing keys) and the stand-in eID provider (its database and keys). "Ours" means
  their database is configured here (``MOTCUA_REGISTRIES_DATABASE_URL``,
  ``MOTCUA_EID_DATABASE_URL``) or their development SQLite file exists under ``var/``; a
  deployment that talks to the national registries and identity provider has neither.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage

from motcua.core import files
from motcua.ops.databases import Database


@dataclass(frozen=True)
class Secret:
    """One secret: a value given in ``env`` (when set) or kept in the file at ``path``."""

    name: str  # its file name in the backup's secrets/<component>/ directory
    path: Path  # where the installation keeps it as a file (development) or where a key file is
    env: str = ""  # the variable that may hold the value itself
    required: bool = True

    def read(self) -> bytes | None:
        if self.env and os.environ.get(self.env):
            return os.environ[self.env].encode()
        if self.path.is_file():
            return self.path.read_bytes()
        return None

    @property
    def from_environment(self) -> bool:
        return bool(self.env and os.environ.get(self.env))


@dataclass(frozen=True)
class Companion:
    """A separate service of ours whose state belongs in the backup."""

    name: str  # registries | eid
    database: Database
    secrets: tuple[Secret, ...]
    log_verify: tuple[str, ...] = ()  # the command that checks its log's chains, if any


@dataclass(frozen=True)
class Installation:
    database: Database
    upload_dir: Path
    pki_dir: Path
    var_dir: Path
    secrets: tuple[Secret, ...]
    companions: tuple[Companion, ...] = field(default_factory=tuple)
    # the stored files' object storage; None: they are files under upload_dir
    object_storage: Storage | None = None

    @property
    def files(self) -> Storage:
        """Where the stored files are, through Django's storage API."""
        if self.object_storage is not None:
            return self.object_storage
        return files.PrivateFileSystemStorage(location=self.upload_dir)

    @property
    def files_where(self) -> str:
        store = self.object_storage
        return files.describe(store) if store is not None else str(self.upload_dir)

    def companion(self, name: str) -> Companion | None:
        return next((c for c in self.companions if c.name == name), None)


def _companion_database(name: str, url_env: str, default_file: Path) -> Database | None:
    url = os.environ.get(url_env, "")
    if url:
        return Database.from_url(name, url)
    if default_file.is_file():
        return Database(name, "sqlite", path=default_file)
    return None


def registries_companion(var_dir: Path, database: Database | None = None) -> Companion | None:
    """The reference registries, when ours (or with ``database``: restoring into it)."""
    database = database or _companion_database(
        "registries", "MOTCUA_REGISTRIES_DATABASE_URL", var_dir / "registries.sqlite3"
    )
    if database is None:
        return None
    own = var_dir / "registries"
    signing = Path(os.environ.get("MOTCUA_REGISTRIES_SIGNING_KEY_FILE") or own / "signing-keys.json")
    return Companion(
        "registries",
        database,
        (
            Secret("signing-keys.json", signing, required=False),  # made when they first serve
            Secret("secret_key", own / "secret_key", env="MOTCUA_REGISTRIES_SECRET_KEY", required=False),
        ),
        log_verify=("registries", "log", "verify"),
    )


def eid_companion(var_dir: Path, database: Database | None = None) -> Companion | None:
    """The stand-in eID provider, when ours (or with ``database``: restoring into it)."""
    database = database or _companion_database("eid", "MOTCUA_EID_DATABASE_URL", var_dir / "eid.sqlite3")
    if database is None:
        return None
    own = var_dir / "eid"
    oidc_key = Path(os.environ.get("MOTCUA_EID_OIDC_KEY_FILE") or own / "oidc-signing-key.pem")
    return Companion(
        "eid",
        database,
        (
            Secret("oidc-signing-key.pem", oidc_key, required=False),  # made when it first serves
            Secret("secret_key", own / "secret_key", env="MOTCUA_EID_SECRET_KEY", required=False),
        ),
    )


COMPANIONS = {"registries": registries_companion, "eid": eid_companion}


def current(*, registries: bool | None = None, eid: bool | None = None) -> Installation:
    """This installation, from the settings. ``registries``/``eid``: include (True), leave out
    (False) or include when ours (None)."""
    var_dir = Path(settings.VAR_DIR)
    companions: list[Companion] = []
    for name, wanted in (("registries", registries), ("eid", eid)):
        if wanted is False:
            continue
        found = COMPANIONS[name](var_dir)
        if found is None and wanted:
            raise LookupError(
                f"No {name} database is configured here (its *_DATABASE_URL is unset and "
                f"{var_dir} has no {name}.sqlite3)."
            )
        if found is not None:
            companions.append(found)
    store = files.file_storage()
    local = files.local_directory(store)
    return Installation(
        database=Database.from_django("platform", settings.DATABASES["default"]),
        upload_dir=local or Path(settings.MOTCUA_UPLOAD_DIR),
        pki_dir=Path(settings.MOTCUA_PKI_DIR),
        var_dir=var_dir,
        secrets=(
            Secret("secret_key", var_dir / "secret_key", env="SECRET_KEY"),
            Secret("exchange-key-secret", var_dir / "exchange-key-secret", env="MOTCUA_EXCHANGE_KEY_SECRET"),
            Secret("oidc-client-secret", var_dir / "oidc-client-secret", env="OIDC_RP_CLIENT_SECRET"),
        ),
        companions=tuple(companions),
        object_storage=None if local else store,
    )
