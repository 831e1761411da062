"""Where stored files live: Django's storage API, private whatever the backend (ADR 0034).

Uploads, counter scans and signed results are written and read only through the storage named
``default`` in ``STORAGES`` (settings: ``MOTCUA_FILE_STORAGE``):

- ``PrivateFileSystemStorage`` (the embedded default): files under ``MOTCUA_UPLOAD_DIR``, mode
  0600 in directories of mode 0700, read from the setting at each use (tests move it);
- ``motcua.core.s3.PrivateS3Storage`` (production, many machines): objects in an S3-compatible
  bucket (MinIO, Ceph, a cloud's), written without any ACL (the bucket's own, private).

Neither backend has a URL: ``url()`` raises. A stored file reaches a browser only through the
platform's views, after the scoped selectors found it (``documents.views.file_response``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

NO_URL = "Stored files are private: they are served through the platform's views, never by URL."


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under ``location`` (default: ``MOTCUA_UPLOAD_DIR`` as it is set now), 0600/0700."""

    def __init__(self, location: str | os.PathLike[str] | None = None) -> None:
        self._root = location
        super().__init__(
            location=location, base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
        )

    @property
    def base_location(self) -> str:
        return str(self._root if self._root is not None else settings.MOTCUA_UPLOAD_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise NotImplementedError(NO_URL)

    def describe(self) -> str:
        return self.location


def file_storage() -> Storage:
    """The storage every stored file goes through (``STORAGES["default"]``)."""
    return storages["default"]


def local_directory(store: Storage) -> Path | None:
    """The directory of a local filesystem storage, or ``None`` for object storage."""
    if isinstance(store, FileSystemStorage):
        return Path(store.location)
    return None


def describe(store: Storage) -> str:
    """Where ``store`` keeps its files, for reports and errors (no credentials)."""
    described = getattr(store, "describe", None)
    return str(described()) if callable(described) else type(store).__name__


class SpooledFile(File):  # type: ignore[type-arg]
    """A finished local file handed to ``Storage.save``: a filesystem storage moves it into place
    (a rename when it is on the same filesystem), object storage uploads it."""

    def __init__(self, path: Path) -> None:
        self._path = path
        super().__init__(path.open("rb"), name=path.name)

    def temporary_file_path(self) -> str:
        return str(self._path)


def save_file(store: Storage, name: str, path: Path) -> None:
    """Put the finished file at ``path`` into ``store`` as ``name`` (exactly that name)."""
    spooled = SpooledFile(path)
    try:
        saved = store.save(name, spooled)
    finally:
        spooled.close()
    if saved != name:  # names are random: another object of this name means something is wrong
        store.delete(saved)
        raise FileExistsError(f"A stored file named {name} exists already.")


def save_copy(store: Storage, name: str, path: Path) -> None:
    """Copy the file at ``path`` into ``store`` as ``name``, leaving ``path`` where it is; an
    object of that name is replaced (a restore with ``--replace``)."""
    with path.open("rb") as handle:
        if store.exists(name):
            store.delete(name)
        saved = store.save(name, File(handle, name=path.name))
    if saved != name:
        raise FileExistsError(f"A stored file named {name} exists already.")


def open_file(store: Storage, name: str) -> IO[bytes]:
    """The stored file ``name`` opened for reading; ``FileNotFoundError`` when it is missing."""
    handle: IO[bytes] = store.open(name, "rb")
    return handle


def read_chunks(store: Storage, name: str, size: int = 1024 * 1024) -> Iterator[bytes]:
    with open_file(store, name) as handle:
        while chunk := handle.read(size):
            yield chunk


def is_empty(store: Storage) -> bool:
    """No file at all in ``store`` (a missing local directory is empty)."""
    try:
        directories, names = store.listdir("")
    except FileNotFoundError:
        return True
    return not directories and not names
