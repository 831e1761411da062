"""Checking and storing uploaded bytes: size limit, type by content, random name, no web root.

The type is decided by the file's first bytes (its "magic number"), never by its name or the
Content-Type the browser sent: a script renamed ``scan.pdf`` is refused. The bytes are written
to a private temporary file first and handed to the file storage (``core.files``: the local
filesystem or private objects in an S3-compatible bucket, ADR 0034) only once every check passed,
so a half-written or refused file is never stored; on the filesystem it is renamed into place,
mode 0600 in directories of mode 0700.

A PDF from outside is checked by ``pdf_safety.make_safe`` on its temporary file, before it is
stored: refused (nothing kept), kept as it came, or rewritten without its active content.
``StoredBytes`` then carries both hashes: the upload's and the stored file's.

Stored files are read back only through ``open_stored``/``read_bytes`` (by the scoped selectors'
views, the signature check and the operator's backup and integrity check); none has a URL.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core import files
from motcua.core.errors import MotcuaError
from motcua.documents import pdf_safety

logger = logging.getLogger(__name__)

# (content type, extension, signature at offset 0)
ALLOWED_TYPES: tuple[tuple[str, str, bytes], ...] = (
    ("application/pdf", "pdf", b"%PDF-"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", "jpg", b"\xff\xd8\xff"),
)
SNIFF_BYTES = 16
_STORAGE_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}\.(pdf|png|jpg)$")


class UploadRejected(MotcuaError):
    pass


@dataclass(frozen=True)
class StoredBytes:
    storage_name: str
    content_type: str
    size: int
    sha256: str  # of the stored bytes
    original_sha256: str = ""  # of the bytes received (the same unless a PDF was rewritten)
    removed: tuple[str, ...] = ()  # active content taken out of a PDF (pdf_safety.Finding values)


def detect_type(head: bytes) -> tuple[str, str] | None:
    for content_type, extension, signature in ALLOWED_TYPES:
        if head.startswith(signature):
            return content_type, extension
    return None


def clean_file_name(name: str) -> str:
    """A display name: no directories, no control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    cleaned = cleaned.strip().strip(".") or "tep-tin"
    return cleaned[-200:]


def check_name(storage_name: str) -> str:
    if not _STORAGE_NAME.match(storage_name):
        raise MotcuaError("Invalid storage name.")
    return storage_name


def upload_root() -> Path:
    """The directory of the local file storage (tests and tools; ``MotcuaError`` with object storage)."""
    root = files.local_directory(files.file_storage())
    if root is None:
        raise MotcuaError("Stored files are in object storage, not in a local directory.")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def path_of(storage_name: str) -> Path:
    """A stored file's local path (the filesystem storage only: tests and tools); the platform
    reads stored files with ``open_stored`` and ``read_bytes``, whatever the storage."""
    return upload_root() / check_name(storage_name)


def open_stored(storage_name: str) -> IO[bytes]:
    """A stored file, opened for reading; ``FileNotFoundError`` when it is missing."""
    return files.open_file(files.file_storage(), check_name(storage_name))


def read_bytes(storage_name: str) -> bytes:
    with open_stored(storage_name) as handle:
        return handle.read()


def _spool_directory(token: str) -> Path | None:
    """Where an upload is written while it is checked: beside its final place on the local
    filesystem (so that keeping it is a rename), the temporary directory otherwise."""
    root = files.local_directory(files.file_storage())
    if root is None:
        return Path(settings.FILE_UPLOAD_TEMP_DIR) if settings.FILE_UPLOAD_TEMP_DIR else None
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory = root / token[:2]
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


def _too_large() -> UploadRejected:
    limit: int = settings.MOTCUA_UPLOAD_MAX_BYTES
    return UploadRejected(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})


def read_limited(chunks: Iterable[bytes], *, declared_size: int | None = None) -> bytes:
    """The bytes of an upload that is only read, never kept (the public verifier), under the
    same size limit as ``store`` (``UploadRejected`` past it)."""
    limit: int = settings.MOTCUA_UPLOAD_MAX_BYTES
    if declared_size is not None and declared_size > limit:
        raise _too_large()
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise _too_large()
        parts.append(chunk)
    return b"".join(parts)


def _digest_of(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def store(
    chunks: Iterable[bytes], *, declared_size: int | None = None, from_outside: bool = True
) -> StoredBytes:
    """Check and write the bytes; raise ``UploadRejected`` (nothing kept) when they fail a check.

    ``from_outside`` (every upload and scan): a PDF is made safe (``pdf_safety.make_safe``)
    before it is kept. Only the platform's own signed results pass ``False``."""
    limit: int = settings.MOTCUA_UPLOAD_MAX_BYTES
    if declared_size is not None and declared_size > limit:
        raise _too_large()
    token = secrets.token_hex(16)
    spool = _spool_directory(token)
    descriptor, temporary_name = tempfile.mkstemp(prefix=f".{token}.", suffix=".part", dir=spool)
    temporary = Path(temporary_name)  # mode 0600
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(descriptor, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise _too_large()
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRejected(_("The file is empty."))
        detected = detect_type(head)
        if detected is None:
            raise UploadRejected(_("Only PDF, PNG and JPEG files are accepted; this file is none of them."))
        content_type, extension = detected
        original_sha256 = digest.hexdigest()
        sha256 = original_sha256
        removed: tuple[str, ...] = ()
        if from_outside and content_type == "application/pdf":
            try:
                outcome = pdf_safety.make_safe(temporary)
            except pdf_safety.PdfRefused as exc:
                logger.warning(
                    "PDF refused",
                    extra={"sha256": original_sha256, "reason": exc.reason, "findings": sorted(exc.findings)},
                )
                raise UploadRejected(exc.message, code=exc.code) from exc
            if outcome.rewritten:
                size, sha256 = _digest_of(temporary)
                removed = outcome.removed
        storage_name = f"{token[:2]}/{token}.{extension}"
        files.save_file(files.file_storage(), storage_name, temporary)
    finally:
        temporary.unlink(missing_ok=True)  # moved into place already on the local filesystem
    return StoredBytes(
        storage_name=storage_name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        original_sha256=original_sha256,
        removed=removed,
    )


def discard(storage_name: str) -> None:
    """Remove a stored file whose row was never committed (nothing if it is gone already)."""
    files.file_storage().delete(check_name(storage_name))
