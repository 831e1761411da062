"""``motcua backup create``: a consistent backup while the platform keeps taking submissions.

Order is what makes it consistent (ADR 0026):

1. the platform's database is copied as one committed state (``databases.copy``), and the same
   snapshot says which stored files it references (``documents_storedfile``: name, size, hash);
2. then exactly those files are copied, each hashed on the way and compared with its row, from
   wherever the file storage keeps them (a local directory or an S3-compatible bucket: the same
   storage API, ADR 0034).

A stored file is written to its storage before the transaction that adds its row commits, and no
committed row's file is ever removed, so every file the snapshot references exists when step 2
runs; files of rows committed after the snapshot are not in the snapshot and are not copied.
Copying the files first would miss the files of rows committed between the two steps.

The companions' databases (registries, eID stand-in) are separate snapshots taken just after the
platform's: they are other services, never consistent with the platform's state to the second.
The backup is built in a private sibling directory and renamed into place once its manifest is
written, so an interrupted backup never looks complete.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import platform
import re
import secrets
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django
from django.core.files.storage import Storage

from motcua.core import files
from motcua.ops import archive, databases
from motcua.ops.installation import Installation

# as documents.storage names files: <2 hex>/<32 hex>.<pdf|png|jpg>
_STORAGE_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}\.(pdf|png|jpg)$")
STORED_FILES_QUERY = "SELECT storage_name, size, sha256 FROM documents_storedfile ORDER BY id"


class BackupError(RuntimeError):
    pass


@dataclass
class BackupReport:
    path: Path
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def stored_files(self) -> int:
        return int(self.manifest["uploads"]["referenced"])


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _version() -> str:
    try:
        return importlib.metadata.version("motcua")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _copy_uploads(
    rows: list[tuple[Any, ...]], store: Storage, where: str, root: Path
) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    copied = 0
    total = 0
    for storage_name, size, sha256 in rows:
        name = str(storage_name)
        if not _STORAGE_NAME.match(name):
            problems.append(f"stored file {name!r}: not a storage name, not copied")
            continue
        try:
            source = files.open_file(store, name)
        except FileNotFoundError:
            problems.append(f"stored file {name}: missing from {where}, not in the backup")
            continue
        with source:
            digest, length = archive.copy_stream(source, root / "uploads" / name)
        copied += 1
        total += length
        if digest != sha256 or length != size:
            problems.append(
                f"stored file {name}: its bytes do not match its row (size or SHA-256); copied as found"
            )
    return {"referenced": len(rows), "copied": copied, "bytes": total}, problems


def _copy_tree(source: Path, target: Path) -> int:
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.endswith((".part", ".tmp")):
            archive.copy_private(path, target / path.relative_to(source))
            count += 1
    return count


def _write_secrets(installation: Installation, root: Path) -> dict[str, list[str]]:
    written: dict[str, list[str]] = {"platform": []}
    for secret in installation.secrets:
        value = secret.read()
        if value is None:
            raise BackupError(f"The platform's {secret.name} is not set (nor kept in {secret.path}).")
        archive.write_private(root / "secrets" / "platform" / secret.name, value)
        written["platform"].append(secret.name)
    for companion in installation.companions:
        written[companion.name] = []
        for secret in companion.secrets:
            value = secret.read()
            if value is None:
                if secret.required:
                    raise BackupError(f"The {companion.name}' {secret.name} is missing ({secret.path}).")
                continue
            archive.write_private(root / "secrets" / companion.name / secret.name, value)
            written[companion.name].append(secret.name)
    return written


def _database_entry(database: databases.Database, snapshot: databases.Snapshot) -> dict[str, Any]:
    return {
        "engine": database.engine,
        "file": f"database/{database.dump_name}",
        "engine_version": snapshot.engine_version,
        "tool": snapshot.tool,
        "migrations": sorted([list(pair) for pair in snapshot.migrations]),
    }


def _staging_for(destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = destination.with_name(f".{destination.name}.partial-{secrets.token_hex(4)}")
    staging.mkdir(mode=0o700)
    return staging


def create_backup(
    destination: Path,
    *,
    installation: Installation,
    after_database: Callable[[dict[str, Any]], None] | None = None,
) -> BackupReport:
    """Back ``installation`` up to ``destination`` (a new directory, or a .tar/.tar.gz file).

    ``after_database`` is called with the platform database's entry once every database is copied
    and before any file is (tests use it to write while the backup runs)."""
    if destination.exists():
        raise BackupError(f"{destination} already exists; a backup never overwrites anything.")
    if installation.database.engine == "sqlite" and installation.database.path in (None, Path(":memory:")):
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    staging = _staging_for(destination)
    try:
        started = _now()
        (staging / "database").mkdir(mode=0o700)
        platform_snapshot = databases.copy(
            installation.database,
            staging / "database" / installation.database.dump_name,
            rows_query=STORED_FILES_QUERY,
        )
        database_entry = _database_entry(installation.database, platform_snapshot)
        companions: dict[str, Any] = {}
        for companion in installation.companions:
            snapshot = databases.copy(companion.database, staging / "database" / companion.database.dump_name)
            companions[companion.name] = {
                "database": _database_entry(companion.database, snapshot),
                "required_secrets": [s.name for s in companion.secrets if s.required],
            }
        if after_database is not None:
            after_database(database_entry)
        uploads, problems = _copy_uploads(
            platform_snapshot.rows, installation.files, installation.files_where, staging
        )
        pki_files = _copy_tree(installation.pki_dir, staging / "pki") if installation.pki_dir.is_dir() else 0
        secret_names = _write_secrets(installation, staging)
        manifest = archive.write_manifest(
            staging,
            {
                "created_at": started,
                "finished_at": _now(),
                "host": socket.gethostname(),
                "versions": {
                    "motcua": _version(),
                    "django": django.get_version(),
                    "python": platform.python_version(),
                },
                "database": database_entry,
                "companions": companions,
                "uploads": uploads,
                "pki": {"files": pki_files},
                "secrets": secret_names,
                "problems": problems,
            },
        )
        if archive.is_archive(destination):
            archive.pack(staging, destination)
            shutil.rmtree(staging)
        else:
            staging.replace(destination)
        return BackupReport(destination, manifest, problems)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
