"""Stored files as private objects in an S3-compatible bucket (ADR 0034; core/files.py).

Its own module so that only a process configured for object storage imports boto3.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage

from motcua.core.files import NO_URL


class PrivateS3Storage(S3Storage):  # type: ignore[misc]
    """Objects in an S3-compatible bucket: no ACL but the bucket's (private), no URL, no public
    domain. Names are random (``documents.storage``), so a save never asks whether one exists."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("file_overwrite", True)
        options.setdefault("default_acl", None)
        options.setdefault("querystring_auth", True)
        options.setdefault("max_memory_size", 2 * 1024 * 1024)  # larger downloads spool to disk
        super().__init__(**options)
        acl = self.object_parameters.get("ACL", self.default_acl)
        if acl not in (None, "private"):
            raise ImproperlyConfigured(f"Stored files must be private objects; ACL {acl!r} is refused.")
        if self.custom_domain:
            raise ImproperlyConfigured("Stored files have no public domain (custom_domain is refused).")
        if not self.bucket_name:
            raise ImproperlyConfigured("MOTCUA_S3_BUCKET must name the bucket for stored files.")

    def url(self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise NotImplementedError(NO_URL)

    def describe(self) -> str:
        prefix = f"/{self.location}" if self.location else ""
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket_name}{prefix}{where}"
