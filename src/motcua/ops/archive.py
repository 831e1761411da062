"""The backup format: a directory (or a tar archive of one) described by ``manifest.json``.

::

    manifest.json                  written last: a backup without it is incomplete
    database/platform.sqlite3      or platform.dump (pg_dump, custom format)
    database/registries.*          database/eid.*  (companions, when ours)
    uploads/<aa>/<token>.<ext>     every stored file the database copy references
    pki/…                          the development PKI directory, when there is one
    secrets/platform/…             secret_key, exchange-key-secret, oidc-client-secret
    secrets/registries/…           secrets/eid/…

The manifest lists every other file with its size and SHA-256, the engines and versions, the
applied migrations and how many stored files the database references. ``verify`` refuses a
backup that lacks its manifest, misses or adds a file, has a file whose size or hash differs,
or lacks a part every restore needs (ADR 0026).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

FORMAT = "motcua-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PLATFORM_SECRETS = ("secret_key", "exchange-key-secret", "oidc-client-secret")
_CHUNK = 1024 * 1024


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def stream_digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def copy_private(source: Path, target: Path) -> tuple[str, int]:
    """Copy ``source`` to ``target`` (0600, parents 0700), hashing the bytes as they are written."""
    with source.open("rb") as reader:
        return copy_stream(reader, target)


def copy_stream(reader: IO[bytes], target: Path) -> tuple[str, int]:
    """Write what ``reader`` gives to ``target`` (0600, parents 0700), hashing it on the way."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
    return digest.hexdigest(), size


def write_private(target: Path, data: bytes) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as writer:
        writer.write(data)


def _listed(root: Path) -> list[str]:
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.name != MANIFEST
    )


def lock_down(root: Path) -> None:
    """Directories 0700, files 0600: a backup holds secrets and personal data."""
    root.chmod(0o700)
    for path in root.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def write_manifest(root: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Hash every file under ``root`` into the manifest and write it, last and atomically."""
    lock_down(root)
    files: dict[str, dict[str, Any]] = {}
    for name in _listed(root):
        sha256, size = file_digest(root / name)
        files[name] = {"sha256": sha256, "size": size}
    complete = {"format": FORMAT, "format_version": FORMAT_VERSION, **manifest, "files": files}
    partial = root / f".{MANIFEST}.part"
    write_private(partial, json.dumps(complete, indent=2, ensure_ascii=False, sort_keys=True).encode())
    partial.replace(root / MANIFEST)
    return complete


def _required(manifest: dict[str, Any]) -> list[str]:
    """The files every restore needs, by what the manifest says the backup holds."""
    needed = [manifest["database"]["file"], *(f"secrets/platform/{name}" for name in PLATFORM_SECRETS)]
    for name, companion in manifest.get("companions", {}).items():
        needed.append(companion["database"]["file"])
        needed += [f"secrets/{name}/{secret}" for secret in companion.get("required_secrets", [])]
    return needed


def verify(root: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The manifest and every problem found; a backup is usable only with no problem at all."""
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        return None, [
            f"{MANIFEST} is missing: the backup is incomplete (interrupted, or not a motcua backup)"
        ]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files: dict[str, dict[str, Any]] = manifest["files"]
        if manifest["format"] != FORMAT:
            return None, [f"{MANIFEST}: not a motcua backup"]
        if manifest["format_version"] != FORMAT_VERSION:
            return None, [f"{MANIFEST}: format version {manifest['format_version']} is not {FORMAT_VERSION}"]
        required = _required(manifest)
        uploads_expected = int(manifest["uploads"]["copied"])
    except (ValueError, KeyError, TypeError) as exc:
        return None, [f"{MANIFEST} is damaged ({type(exc).__name__}: {exc})"]
    problems: list[str] = []
    present = set(_listed(root))
    for name in sorted(set(files) - present):
        problems.append(f"missing: {name}")
    for name in sorted(present - set(files)):
        problems.append(f"not in the manifest: {name}")
    for name in sorted(set(files) & present):
        sha256, size = file_digest(root / name)
        if size != files[name]["size"] or sha256 != files[name]["sha256"]:
            problems.append(f"damaged: {name} (its size or SHA-256 differs from the manifest)")
    for name in required:
        if name not in files:
            problems.append(f"incomplete: the manifest lists no {name}")
    uploads_listed = sum(1 for name in files if name.startswith("uploads/"))
    if uploads_listed != uploads_expected:
        problems.append(f"incomplete: {uploads_listed} stored files listed, {uploads_expected} copied")
    return manifest, problems


def is_archive(path: Path) -> bool:
    return path.name.endswith((".tar", ".tar.gz", ".tgz"))


def pack(directory: Path, archive: Path) -> None:
    """Write ``directory``'s contents as the tar ``archive`` (gzip for .tar.gz/.tgz), atomically."""
    mode = "w:gz" if archive.name.endswith((".tar.gz", ".tgz")) else "w"
    partial = archive.with_name(f".{archive.name}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode=mode) as tar:  # type: ignore[call-overload]
        for path in sorted(directory.rglob("*")):
            tar.add(path, arcname=path.relative_to(directory).as_posix(), recursive=False)
    partial.replace(archive)


@contextmanager
def opened(path: Path, *, staging: Path | None = None) -> Iterator[Path]:
    """The backup's directory: ``path`` itself, or a tar archive unpacked into a private
    temporary directory (under ``staging``) that is removed afterwards. Only regular files and
    directories inside the archive are accepted (tarfile's "data" filter)."""
    if path.is_dir():
        yield path
        return
    if not path.is_file():
        raise FileNotFoundError(f"No backup at {path}.")
    if staging is not None:
        staging.mkdir(mode=0o700, parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix="motcua-restore-", dir=staging))
    try:
        try:
            with tarfile.open(path) as tar:
                for member in tar.getmembers():
                    if not (member.isfile() or member.isdir()):
                        raise tarfile.TarError(f"{member.name} is neither a file nor a directory")
                tar.extractall(unpacked, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise DamagedArchive(f"{path.name} cannot be unpacked: {exc}") from exc
        yield unpacked
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


class DamagedArchive(Exception):
    pass
