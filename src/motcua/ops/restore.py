"""``motcua restore``: put a verified backup into this installation, or touch nothing.

Three phases (ADR 0026):

1. **verify** the backup against its manifest (``archive.verify``): a missing, extra or damaged
   file, or a missing part, refuses the restore;
2. **preflight** the target: the same database engines, migrations this code knows, empty
   databases and directories (unless ``replace``), reachable databases and the tools, and
   secrets set in the environment equal to the backup's (a different exchange key secret would
   never open the agencies' keys; a different ``SECRET_KEY`` would change every dossier's lookup
   PIN). Any problem refuses the restore, and nothing has been changed yet;
3. **apply**: databases, then stored files, the PKI and the secret files. With ``replace``, what
   the target held is set aside next to it (``<name>.before-restore-<time>``), never deleted,
   except a database's contents, which the restore replaces.

Stored files go back where this installation keeps them: its local directory, or its object
storage (an S3-compatible bucket, ADR 0034), which must then be empty unless ``replace``; with
``replace`` the backup's objects replace those of the same name and the others stay (no object is
deleted; the restored database references none of them).

The integrity check (``motcua backup check``) runs afterwards in a new process, which reads the
restored secrets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.migrations.loader import MigrationLoader

from motcua.core import files
from motcua.ops import archive, databases
from motcua.ops.databases import Database
from motcua.ops.installation import COMPANIONS, Companion, Installation, Secret


class RestoreRefused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    restored: list[str] = field(default_factory=list)
    set_aside: list[Path] = field(default_factory=list)
    pending_migrations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    companions: list[tuple[Companion, str]] = field(default_factory=list)  # target, file in the backup
    secrets: list[tuple[Secret, str]] = field(default_factory=list)  # target, file in the backup
    pending_migrations: list[str] = field(default_factory=list)


def _is_empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _check_database(database: Database, *, replace: bool, problems: list[str]) -> None:
    try:
        databases.check_restorable(database)
        empty = databases.is_empty(database)
    except Exception as exc:  # any failure to reach or read the target refuses the restore
        problems.append(f"{database.label} database at {database.where}: {type(exc).__name__}: {exc}")
        return
    if not empty and not replace:
        problems.append(
            f"{database.label} database at {database.where} is not empty; restore into a new one, "
            "or pass --replace to overwrite it"
        )


def _check_secret(target: Secret, backup_file: Path, component: str, problems: list[str]) -> None:
    if target.from_environment and target.read() != backup_file.read_bytes():
        problems.append(
            f"{target.env} in this environment is not the backup's {component} {target.name} "
            f"(secrets/{component}/{target.name}); set it to the backup's value first"
        )


def _check_object_storage(where: Installation, *, replace: bool, problems: list[str]) -> None:
    try:
        empty = files.is_empty(where.files)
    except Exception as exc:  # an unreachable bucket or refused credentials refuse the restore
        problems.append(f"the stored files' object storage {where.files_where}: {type(exc).__name__}: {exc}")
        return
    if not empty and not replace:
        problems.append(
            f"the stored files' object storage {where.files_where} is not empty; restore into an empty "
            "bucket (or prefix), or pass --replace to write the backup's objects over it"
        )


def _restore_objects(source: Path, where: Installation) -> int:
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            files.save_copy(where.files, path.relative_to(source).as_posix(), path)
            count += 1
    return count


def _target_companion(name: str, engine: str, where: Installation, problems: list[str]) -> Companion | None:
    found = where.companion(name)
    if found is None and engine == "sqlite":
        found = COMPANIONS[name](
            where.var_dir, Database(name, "sqlite", path=where.var_dir / f"{name}.sqlite3")
        )
    if found is None:
        problems.append(
            f"the backup holds the {name}' PostgreSQL database but no database is configured here for it"
        )
    elif found.database.engine != engine:
        problems.append(
            f"the backup's {name} database is {engine}, this installation's is {found.database.engine}"
        )
    return found


def _preflight(
    root: Path, manifest: dict[str, Any], where: Installation, *, replace: bool, companions: bool
) -> _Plan:
    problems: list[str] = []
    plan = _Plan()
    engine = manifest["database"]["engine"]
    if engine != where.database.engine:
        problems.append(
            f"the backup is of a {engine} database, this installation uses {where.database.engine}"
        )
    else:
        _check_database(where.database, replace=replace, problems=problems)
    known = _known_migrations()
    applied = {(app, name) for app, name in manifest["database"]["migrations"]}
    if unknown := sorted(applied - known):
        problems.append(
            f"the backup was made by a newer motcua ({manifest['versions']['motcua']}): migrations "
            + ", ".join(f"{app}.{name}" for app, name in unknown[:5])
            + " are unknown here; install that version to restore it"
        )
    plan.pending_migrations = [f"{app}.{name}" for app, name in sorted(known - applied)]
    for name, entry in manifest["companions"].items() if companions else ():
        target = _target_companion(name, entry["database"]["engine"], where, problems)
        if target is None or target.database.engine != entry["database"]["engine"]:
            continue
        _check_database(target.database, replace=replace, problems=problems)
        plan.companions.append((target, entry["database"]["file"]))
        for secret in target.secrets:
            stored = root / "secrets" / name / secret.name
            if stored.is_file():
                _check_secret(secret, stored, name, problems)
                plan.secrets.append((secret, f"secrets/{name}/{secret.name}"))
    for secret in where.secrets:
        stored = root / "secrets" / "platform" / secret.name
        _check_secret(secret, stored, "platform", problems)
        plan.secrets.append((secret, f"secrets/platform/{secret.name}"))
    pairs = [("PKI", where.pki_dir, "pki")]
    if where.object_storage is None:
        pairs.insert(0, ("stored files", where.upload_dir, "uploads"))
    elif (root / "uploads").is_dir():
        _check_object_storage(where, replace=replace, problems=problems)
    for label, directory, part in pairs:
        if (root / part).is_dir() and not replace and not _is_empty_dir(directory):
            problems.append(f"the {label} directory {directory} is not empty; pass --replace to set it aside")
    if problems:
        raise RestoreRefused(problems)
    return plan


def _stamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _set_aside(path: Path, report: RestoreReport) -> None:
    aside = path.with_name(f"{path.name}.before-restore-{_stamp()}")
    path.replace(aside)
    report.set_aside.append(aside)


def _restore_tree(source: Path, target: Path, report: RestoreReport) -> int:
    if target.exists() and not _is_empty_dir(target):
        _set_aside(target, report)
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            archive.copy_private(path, target / path.relative_to(source))
            count += 1
    return count


def _apply(
    root: Path, manifest: dict[str, Any], where: Installation, plan: _Plan, *, replace: bool
) -> RestoreReport:
    report = RestoreReport(manifest, pending_migrations=plan.pending_migrations)
    connections.close_all()  # this process's own connection must not hold the old database
    databases.restore(where.database, root / manifest["database"]["file"], replace=replace)
    report.restored.append(f"platform database ({where.database.where})")
    for companion, dump in plan.companions:
        databases.restore(companion.database, root / dump, replace=replace)
        report.restored.append(f"{companion.name} database ({companion.database.where})")
    if (root / "uploads").is_dir() and where.object_storage is not None:
        count = _restore_objects(root / "uploads", where)
        report.restored.append(f"{count} stored files ({where.files_where})")
    elif (root / "uploads").is_dir():
        count = _restore_tree(root / "uploads", where.upload_dir, report)
        report.restored.append(f"{count} stored files ({where.upload_dir})")
    if (root / "pki").is_dir():
        count = _restore_tree(root / "pki", where.pki_dir, report)
        report.restored.append(f"PKI, {count} files ({where.pki_dir})")
    for secret, stored in plan.secrets:
        value = (root / stored).read_bytes()
        if secret.from_environment:
            continue  # equal to the backup's (preflight)
        if secret.path.is_file() and secret.path.read_bytes() != value:
            _set_aside(secret.path, report)
        if not secret.path.is_file():
            archive.write_private(secret.path, value)
        report.restored.append(f"{stored} ({secret.path})")
    report.warnings += [f"the backup recorded: {problem}" for problem in manifest.get("problems", [])]
    return report


def restore_backup(
    source: Path,
    *,
    where: Installation,
    replace: bool = False,
    companions: bool = True,
    staging: Path | None = None,
) -> RestoreReport:
    """Verify the backup at ``source`` (a directory or a tar archive) and restore it into ``where``.
    ``RestoreRefused`` lists every problem when the backup or the target is not fit, and then
    nothing in the target has been changed."""
    if not source.exists():
        raise RestoreRefused([f"no backup at {source}"])
    try:
        with archive.opened(source, staging=staging) as root:
            manifest, problems = archive.verify(root)
            if problems or manifest is None:
                raise RestoreRefused(problems)
            plan = _preflight(root, manifest, where, replace=replace, companions=companions)
            return _apply(root, manifest, where, plan, replace=replace)
    except archive.DamagedArchive as exc:  # raised only while unpacking, before anything is changed
        raise RestoreRefused([str(exc)]) from exc
