"""Settings for stored files and for many machines (ADR 0034, docs/operations.md): the storage
backend is chosen by name and object storage needs its bucket; production refuses state kept in
one process (a local-memory cache, an in-memory task queue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.core.files import PrivateFileSystemStorage
from tests.production import production_env, run_settings


def test_object_storage_needs_its_bucket_and_an_unknown_backend_is_refused(tmp_path: Path) -> None:
    missing = run_settings(tmp_path, MOTCUA_FILE_STORAGE="s3")
    assert missing.returncode != 0
    assert "MOTCUA_S3_BUCKET is required" in missing.stderr
    unknown = run_settings(tmp_path, MOTCUA_FILE_STORAGE="nfs")
    assert unknown.returncode != 0
    assert "MOTCUA_FILE_STORAGE must be filesystem or s3" in unknown.stderr
    configured = run_settings(
        tmp_path, MOTCUA_FILE_STORAGE="s3", MOTCUA_S3_BUCKET="motcua", MOTCUA_S3_ENDPOINT_URL="http://s3:9000"
    )
    assert configured.returncode == 0, configured.stderr


def test_production_refuses_a_cache_or_a_task_queue_in_one_process(tmp_path: Path) -> None:
    configured = production_env(tmp_path)
    assert run_settings(tmp_path, **configured).returncode == 0
    for name, value, said in (
        ("CACHE_URL", "locmem://", "CACHE_URL=locmem://"),
        ("MOTCUA_TASK_BACKEND", "memory", "MOTCUA_TASK_BACKEND=memory"),
    ):
        refused = run_settings(tmp_path, **{**configured, name: value})
        assert refused.returncode != 0, name
        assert said in refused.stderr


def test_the_local_storage_follows_its_setting_and_never_makes_a_url(settings: Any, tmp_path: Path) -> None:
    store = PrivateFileSystemStorage()
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "a"
    assert store.location == str(tmp_path / "a")
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "b"  # tests move it; so may an operator between runs
    assert store.location == str(tmp_path / "b")
    with pytest.raises(NotImplementedError, match="private"):
        store.url("ab/" + "0" * 32 + ".pdf")
