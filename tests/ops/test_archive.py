"""The backup format's own checks, on a small backup made by hand: every way a backup can be
damaged or incomplete is found, and a tar archive unpacks only files and directories."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from motcua.ops import archive


def _backup(root: Path) -> Path:
    files = {
        "database/platform.sqlite3": b"SQLite format 3\x00 ...",
        "uploads/ab/" + "ab" * 16 + ".pdf": b"%PDF-1.7 one",
        "secrets/platform/secret_key": b"k" * 50,
        "secrets/platform/exchange-key-secret": b"A" * 43 + b"=",
        "secrets/platform/oidc-client-secret": b"o" * 50,
        "secrets/registries/signing-keys.json": b"{}",
        "database/registries.sqlite3": b"SQLite format 3\x00 ...",
    }
    for name, data in files.items():
        archive.write_private(root / name, data)
    archive.write_manifest(
        root,
        {
            "database": {"engine": "sqlite", "file": "database/platform.sqlite3", "migrations": []},
            "companions": {
                "registries": {
                    "database": {"engine": "sqlite", "file": "database/registries.sqlite3"},
                    "required_secrets": ["signing-keys.json"],
                }
            },
            "uploads": {"referenced": 1, "copied": 1, "bytes": 12},
        },
    )
    return root


def test_a_whole_backup_verifies(tmp_path):
    manifest, problems = archive.verify(_backup(tmp_path / "b"))
    assert problems == []
    assert manifest is not None
    assert len(manifest["files"]) == 7
    assert (tmp_path / "b" / "manifest.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "b" / "secrets").stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (
            lambda b: (b / "uploads/ab" / ("ab" * 16 + ".pdf")).write_bytes(b"%PDF-1.7 two"),
            "damaged: uploads/ab/",
        ),
        (lambda b: (b / "uploads/ab" / ("ab" * 16 + ".pdf")).unlink(), "missing: uploads/ab/"),
        (
            lambda b: (b / "uploads/cd").mkdir() or (b / "uploads/cd/x.pdf").write_bytes(b"x"),
            "not in the manifest",
        ),
        (lambda b: (b / "manifest.json").unlink(), "manifest.json is missing"),
        (lambda b: (b / "manifest.json").write_text("{"), "manifest.json is damaged"),
    ],
)
def test_damage_is_found(tmp_path, spoil, problem):
    root = _backup(tmp_path / "b")
    spoil(root)
    _manifest, problems = archive.verify(root)
    assert any(found.startswith(problem) for found in problems), problems


def _rewrite_manifest(root: Path, change) -> None:
    manifest = json.loads((root / "manifest.json").read_text())
    change(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest))


def test_a_manifest_without_a_required_part_is_incomplete(tmp_path):
    root = _backup(tmp_path / "b")
    (root / "secrets/platform/exchange-key-secret").unlink()
    _rewrite_manifest(root, lambda m: m["files"].pop("secrets/platform/exchange-key-secret"))
    assert archive.verify(root)[1] == [
        "incomplete: the manifest lists no secrets/platform/exchange-key-secret"
    ]


def test_a_manifest_that_lists_fewer_files_than_were_copied_is_incomplete(tmp_path):
    root = _backup(tmp_path / "b")
    _rewrite_manifest(root, lambda m: m["uploads"].update(copied=2))
    assert archive.verify(root)[1] == ["incomplete: 1 stored files listed, 2 copied"]


def test_another_format_version_is_refused(tmp_path):
    root = _backup(tmp_path / "b")
    _rewrite_manifest(root, lambda m: m.update(format_version=2))
    assert archive.verify(root) == (None, ["manifest.json: format version 2 is not 1"])


def test_an_archive_unpacks_to_the_same_backup(tmp_path):
    packed = tmp_path / "b.tar.gz"
    archive.pack(_backup(tmp_path / "b"), packed)
    assert packed.stat().st_mode & 0o777 == 0o600
    with archive.opened(packed) as root:
        assert archive.verify(root)[1] == []
        unpacked = root
    assert not unpacked.exists()  # removed afterwards


def test_an_archive_with_a_link_is_refused(tmp_path):
    packed = tmp_path / "evil.tar"
    with tarfile.open(packed, "w") as tar:
        link = tarfile.TarInfo("secrets/platform/secret_key")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
        data = b"x"
        member = tarfile.TarInfo("manifest.json")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    with (
        pytest.raises(archive.DamagedArchive, match="neither a file nor a directory"),
        archive.opened(packed),
    ):
        pass
