"""Stored files in S3-compatible object storage (ADR 0034), against a real S3-protocol server.

The same uploads as on the local filesystem: checked before anything is stored, kept as private
objects under their random names (no ACL grant beyond the bucket owner, no URL), readable only
through the platform's scoped views, and removed again when their row never commits.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from motcua.core import files
from motcua.core.s3 import PrivateS3Storage
from motcua.documents import services, storage
from motcua.documents.models import StoredFile
from tests.identity.world import PDF, World, applicant_actor, applicant_client
from tests.objectstore import S3Server

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


def test_uploads_are_private_objects_served_only_through_the_platform(
    world: World, object_storage: str, s3_server: S3Server
) -> None:
    s3 = s3_server.client()
    owner = world.users["applicant_b"]
    local = django_settings.MOTCUA_UPLOAD_DIR  # the world's own files went there before the test
    local_before = sorted(path for path in local.rglob("*") if path.is_file())
    stored = services.upload_file(actor=applicant_actor(owner), chunks=[PDF], file_name="giay-khai-sinh.pdf")
    image = services.upload_file(actor=applicant_actor(owner), chunks=[PNG], file_name="anh.png")

    assert s3_server.keys(object_storage) == {stored.storage_name, image.storage_name}
    kept = s3.get_object(Bucket=object_storage, Key=stored.storage_name)
    assert hashlib.sha256(kept["Body"].read()).hexdigest() == stored.sha256
    assert kept["ContentType"] == "application/pdf"
    for name in (stored.storage_name, image.storage_name):
        grants = s3.get_object_acl(Bucket=object_storage, Key=name)["Grants"]
        assert {grant["Grantee"].get("URI") for grant in grants} & PUBLIC_GRANTEES == set()
        assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's, alone
    assert sorted(path for path in local.rglob("*") if path.is_file()) == local_before
    with pytest.raises(NotImplementedError, match="private"):
        files.file_storage().url(stored.storage_name)

    response = applicant_client(owner).get(f"/tep-tin/{stored.public_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert (
        applicant_client(world.users["applicant_a"]).get(f"/tep-tin/{stored.public_id}/").status_code == 404
    )

    before = s3_server.keys(object_storage)
    with pytest.raises(storage.UploadRejected):
        services.upload_file(actor=applicant_actor(owner), chunks=[b"MZ\x90\x00" * 8], file_name="x.pdf")
    assert s3_server.keys(object_storage) == before
    assert StoredFile.objects.filter(owner__user=owner).count() == 2

    storage.discard(image.storage_name)
    assert s3_server.keys(object_storage) == {stored.storage_name}
    s3.delete_object(Bucket=object_storage, Key=stored.storage_name)
    assert applicant_client(owner).get(f"/tep-tin/{stored.public_id}/").status_code == 404


def test_object_storage_refuses_public_settings(s3_server: S3Server, object_storage: str) -> None:
    options: dict[str, Any] = s3_server.storage_settings(object_storage)["OPTIONS"]
    assert PrivateS3Storage(**options).describe() == f"s3://{object_storage} at {s3_server.endpoint}"
    for public in (
        {"default_acl": "public-read"},
        {"object_parameters": {"ACL": "public-read"}},
        {"custom_domain": "files.example.vn"},
        {"bucket_name": ""},
    ):
        with pytest.raises(ImproperlyConfigured, match=r"private|public domain|MOTCUA_S3_BUCKET"):
            PrivateS3Storage(**{**options, **public})
