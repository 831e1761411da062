"""Uploads: size limit, type by content, random names outside the web root, checked access."""

from __future__ import annotations

import stat

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from motcua.core.models import AuditEntry, Event
from motcua.documents import services, storage
from motcua.documents.models import StoredFile
from tests.identity.world import PDF, World, applicant_actor, applicant_client

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _nothing_kept(root) -> bool:
    return not [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("content", "expected"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_allowed_types_are_recognised_by_content_not_name(world: World, content, expected):
    stored = services.upload_file(
        actor=applicant_actor(world.users["applicant_b"]), chunks=[content], file_name="khong-duoi"
    )
    assert stored.content_type == expected
    assert stored.original_name == "khong-duoi"
    assert stored.size == len(content)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"#!/bin/sh\nrm -rf /\n", "scan.pdf", "Only PDF, PNG and JPEG"),
        (b"<html><script>alert(1)</script>", "anh.png", "Only PDF, PNG and JPEG"),
        (b"PK\x03\x04" + b"\x00" * 30, "to-khai.pdf", "Only PDF, PNG and JPEG"),
        (b"", "rong.pdf", "empty"),
    ],
)
def test_other_content_is_refused_whatever_its_name(world: World, tmp_path, content, name, message):
    root = django_settings.MOTCUA_UPLOAD_DIR
    before = (StoredFile.objects.count(), AuditEntry.objects.count(), Event.objects.count())
    files_before = sorted(p for p in root.rglob("*") if p.is_file())
    with pytest.raises(storage.UploadRejected, match=message):
        services.upload_file(
            actor=applicant_actor(world.users["applicant_b"]), chunks=[content], file_name=name
        )
    assert (StoredFile.objects.count(), AuditEntry.objects.count(), Event.objects.count()) == before
    assert sorted(p for p in root.rglob("*") if p.is_file()) == files_before


def test_the_size_limit_holds_even_when_the_declared_size_lies(world: World, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    actor = applicant_actor(world.users["applicant_b"])
    with pytest.raises(storage.UploadRejected, match="larger than"):
        services.upload_file(actor=actor, chunks=[PDF + b"0" * 2000], file_name="a.pdf", declared_size=2048)
    with pytest.raises(storage.UploadRejected, match="larger than"):
        services.upload_file(
            actor=actor, chunks=[PDF, b"0" * 600, b"0" * 600], file_name="b.pdf", declared_size=10
        )
    assert StoredFile.objects.filter(owner__user=world.users["applicant_b"]).count() == 0


def test_files_get_random_private_names_outside_the_web_root(world: World):
    stored = services.upload_file(
        actor=applicant_actor(world.users["applicant_b"]), chunks=[PDF], file_name="../../etc/passwd.pdf"
    )
    path = storage.path_of(stored.storage_name)
    assert path.read_bytes() == PDF
    assert "passwd" not in stored.storage_name
    assert stored.original_name == "passwd.pdf"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    static_root = django_settings.STATIC_ROOT
    assert static_root not in path.parents
    with pytest.raises(Exception, match="Invalid storage name"):
        storage.path_of("../secret_key")


def test_a_representative_uploads_for_the_person_they_act_for(world: World):
    owner = world.applicant("applicant_a")
    stored = services.upload_file(
        actor=applicant_actor(world.users["representative"]),
        chunks=[PNG],
        file_name="anh.png",
        owner_public_id=str(owner.public_id),
    )
    assert stored.owner == owner
    assert stored.uploaded_by == world.applicant("representative")
    from motcua.core.errors import NotFound

    with pytest.raises(NotFound):
        services.upload_file(
            actor=applicant_actor(world.users["applicant_b"]),
            chunks=[PNG],
            file_name="anh.png",
            owner_public_id=str(owner.public_id),
        )


def test_upload_page_shows_a_clear_error_and_keeps_nothing(world: World):
    client = applicant_client(world.users["applicant_b"])
    response = client.post(
        "/ca-nhan/tep-tin/",
        {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")},
        follow=True,
    )
    assert "PDF, PNG" in response.content.decode() or "PDF, PNG" in str(list(response.context["messages"]))
    assert StoredFile.objects.filter(owner__user=world.users["applicant_b"]).count() == 0


def test_api_upload_refusal_has_the_error_shape(world: World):
    client = applicant_client(world.users["applicant_b"])
    response = client.post(
        "/api/v1/files", {"file": SimpleUploadedFile("x.pdf", b"GIF89a....", content_type="application/pdf")}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
