"""Stored files as private objects in an S3-compatible bucket (ADR 0034; core/files.py).

Its own module so that only a process configured for object storage imports boto3.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

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

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        """Reading is one GET whose body streams (django-storages' ``S3File`` asks twice for the
        object's head and then copies all of it to a temporary file before the first byte)."""
        if mode != "rb":
            return super()._open(name, mode)  # type: ignore[no-any-return]
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"No stored file {name}.") from exc
            raise
        stream = File(answer["Body"], name=name)
        stream.size = int(answer["ContentLength"])
        return stream

    def url(self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise NotImplementedError(NO_URL)

    def describe(self) -> str:
        prefix = f"/{self.location}" if self.location else ""
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket_name}{prefix}{where}"
