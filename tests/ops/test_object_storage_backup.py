"""Backup and restore when the stored files are objects in S3-compatible storage (ADR 0034).

The identity tests' world (uploads, counter scans, a signed result in a wallet) is built with its
files in one bucket of a real S3-protocol server; ``create_backup`` copies exactly the objects
the database snapshot references into the backup, and ``restore_backup`` puts the database into a
new, empty one and the objects into a new, empty bucket, refusing a bucket that holds objects
unless told to replace. The integrity check then reads every restored object back and verifies
the signed result from it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from motcua.documents.models import StoredFile
from motcua.documents.pki import DevPki
from motcua.ops import installation
from motcua.ops.backup import create_backup
from motcua.ops.databases import Database
from motcua.ops.integrity import check_installation
from motcua.ops.restore import RestoreRefused, restore_backup
from tests.exchange.server import RegistriesServer
from tests.objectstore import S3Server
from tests.ops.live import Target, live_platform, rows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _installation(
    database_url: str, directory: Path, files: Any, *, own_secrets: bool
) -> installation.Installation:
    """An installation on ``database_url`` with ``files``; its secrets and PKI are this process's
    (the live platform's) or, with ``own_secrets``, files of its own, which a restore writes."""
    var_dir = directory / "var"
    secrets = installation.current(registries=False, eid=False).secrets
    return installation.Installation(
        database=Database.from_url("platform", database_url),
        upload_dir=directory / "uploads",
        pki_dir=directory / "pki" if own_secrets else Path(settings.MOTCUA_PKI_DIR),
        var_dir=var_dir,
        secrets=tuple(installation.Secret(s.name, var_dir / s.name, env=s.env) for s in secrets)
        if own_secrets
        else secrets,
        object_storage=files,
    )


def test_backup_copies_the_objects_and_restore_puts_them_into_an_empty_bucket(
    exchange: RegistriesServer,
    dev_pki: DevPki,
    tmp_path: Path,
    s3_server: S3Server,
    object_storage: str,
) -> None:
    live = live_platform(tmp_path, exchange, dev_pki)  # its files are objects in `object_storage`
    names = set(StoredFile.objects.values_list("storage_name", flat=True))
    assert len(names) > 5
    assert s3_server.keys(object_storage) == names
    assert not (live.directory / "uploads").exists()
    source = _installation(live.url, live.directory, s3_server.storage(object_storage), own_secrets=False)
    assert installation.current(registries=False, eid=False).object_storage is not None

    report = create_backup(tmp_path / "backup", installation=source)
    assert report.problems == []
    assert report.manifest["uploads"]["referenced"] == report.manifest["uploads"]["copied"] == len(names)
    copied = {
        path.relative_to(report.path / "uploads").as_posix() for path in report.path.rglob("uploads/*/*")
    }
    assert copied == names

    target = Target.create(tmp_path, "restored")
    try:
        bucket = s3_server.new_bucket()
        where = _installation(target.url, target.directory, s3_server.storage(bucket), own_secrets=True)
        restored = restore_backup(report.path, where=where, companions=False)
        assert f"{len(names)} stored files (s3://{bucket} at {s3_server.endpoint})" in restored.restored
        assert s3_server.keys(bucket) == names
        s3 = s3_server.client()
        for name, sha256 in rows(target.url, "SELECT storage_name, sha256 FROM documents_storedfile"):
            body = s3.get_object(Bucket=bucket, Key=name)["Body"].read()
            assert hashlib.sha256(body).hexdigest() == sha256
        assert not (target.directory / "uploads").exists()
        # the restored objects are whole for the integrity check (the rows are the same here)
        checked = check_installation(where=where)
        assert checked.problems == []
        assert checked.counts["stored files"] == len(names)
        assert checked.counts["signed results"] == 1

        with pytest.raises(RestoreRefused, match=r"object storage s3://\S+ at \S+ is not empty"):
            restore_backup(report.path, where=where, companions=False)
        again = restore_backup(report.path, where=where, companions=False, replace=True)
        assert f"{len(names)} stored files (s3://{bucket} at {s3_server.endpoint})" in again.restored
        assert s3_server.keys(bucket) == names
    finally:
        target.drop()
