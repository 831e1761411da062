"""A real S3-protocol server for the object-storage tests: moto's standalone server on a free port.

The platform talks to it over HTTP with boto3, exactly as to MinIO or a cloud's object storage;
nothing of the client is mocked. ``s3_server`` starts one per test session (in a thread, ~0.5 s);
``object_storage`` gives a test a new, empty bucket and points the platform's file storage at it.
"""

from __future__ import annotations

import logging
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from motcua.core.env import s3_options_from_env
from motcua.core.s3 import PrivateS3Storage

ACCESS_KEY = "motcua-test"
SECRET_KEY = "motcua-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )

    def new_bucket(self) -> str:
        bucket = f"motcua-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=bucket)
        return bucket

    def env(self, bucket: str) -> dict[str, str]:
        """What a platform process needs in its environment to keep its files in ``bucket``."""
        return {
            "MOTCUA_FILE_STORAGE": "s3",
            "MOTCUA_S3_BUCKET": bucket,
            "MOTCUA_S3_ENDPOINT_URL": self.endpoint,
            "MOTCUA_S3_REGION": "us-east-1",
            "MOTCUA_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "MOTCUA_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def storage_settings(self, bucket: str) -> dict[str, Any]:
        return {
            "BACKEND": "motcua.core.s3.PrivateS3Storage",
            "OPTIONS": s3_options_from_env(self.env(bucket)),
        }

    def storage(self, bucket: str) -> PrivateS3Storage:
        return PrivateS3Storage(**s3_options_from_env(self.env(bucket)))

    def keys(self, bucket: str) -> set[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", ())}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture
def object_storage(s3_server: S3Server, settings: Any) -> str:
    """A new, empty bucket that the platform's stored files go to in this test; its name."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_settings(bucket)}
    return bucket
