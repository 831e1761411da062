"""Backup and restore, end to end, while applicants keep writing (SQLite and PostgreSQL).

The installation is the identity tests' world (dossiers, uploads, a signed result in a wallet,
agency keys sealed with the exchange key secret) with the session's registries as its
companion. A writer process uploads and submits throughout. A backup is restored into a new,
empty installation through the real commands, which then check it: every stored file matches its
row, the signed result verifies against the restored PKI, the audit and access-log chains hold,
and the restored exchange key secret opens every sealed key.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from motcua.documents.pki import DevPki
from motcua.ops import archive, installation
from motcua.ops.backup import create_backup
from motcua.ops.databases import Database
from tests.exchange.server import RegistriesServer
from tests.ops.live import Installation, Target, Writer, count, live_platform, rows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def live(exchange: RegistriesServer, dev_pki: DevPki, tmp_path: Path, settings: Any) -> Installation:
    return live_platform(tmp_path, exchange, dev_pki)


@pytest.fixture
def targets(tmp_path: Path):
    made: list[Target] = []

    def make(name: str) -> Target:
        made.append(Target.create(tmp_path, name))
        return made[-1]

    yield make
    for target in made:
        target.drop()


def _in_process(live: Installation, monkeypatch: pytest.MonkeyPatch) -> installation.Installation:
    """The live installation as `motcua backup create` would see it in its own environment."""
    monkeypatch.setenv("MOTCUA_REGISTRIES_SIGNING_KEY_FILE", live.env["MOTCUA_REGISTRIES_SIGNING_KEY_FILE"])
    var_dir = Path(live.env["MOTCUA_VAR_DIR"])
    registries = installation.registries_companion(
        var_dir, Database.from_url("registries", live.env["MOTCUA_REGISTRIES_DATABASE_URL"])
    )
    assert registries is not None
    return installation.Installation(
        database=Database.from_url("platform", live.url),
        upload_dir=Path(live.env["MOTCUA_UPLOAD_DIR"]),
        pki_dir=Path(live.env["MOTCUA_PKI_DIR"]),
        var_dir=var_dir,
        secrets=installation.current(registries=False, eid=False).secrets,  # this process's: the live's
        companions=(registries,),
    )


def test_a_backup_taken_while_applicants_write_restores_whole(live, targets, monkeypatch):
    """The database is copied first, then exactly the files that copy references: uploads
    committed between the two steps are neither in the restored database nor missing from it."""
    stored_before = count(live.url, "documents_storedfile")
    between: dict[str, int] = {}
    with Writer(live) as writer:
        writer.wait_for(3)

        def while_copying(entry: dict[str, Any]) -> None:
            between["from"] = writer.written()
            writer.wait_for(between["from"] + 3)  # committed after the snapshot, before the files
            between["to"] = writer.written()

        report = create_backup(
            live.directory.parent / "backup",
            installation=_in_process(live, monkeypatch),
            after_database=while_copying,
        )
        writer.wait_for(between["to"] + 2)  # and the platform went on after the backup
    uploads = report.manifest["uploads"]
    assert report.problems == []
    assert uploads["referenced"] == uploads["copied"] >= stored_before + 3
    stored_after = count(live.url, "documents_storedfile")
    assert stored_after >= uploads["referenced"] + 3 + 2
    assert set(report.manifest["companions"]) == {"registries"}
    assert report.manifest["secrets"] == {
        "platform": ["secret_key", "exchange-key-secret", "oidc-client-secret"],
        "registries": ["signing-keys.json"],
    }

    target = targets("restored")
    restored = target.motcua("restore", str(report.path))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    # the check ran in a new process, on the restored installation
    assert f"stored files: {uploads['referenced']}" in restored.stdout
    assert "signed results: 1" in restored.stdout
    assert f"sealed exchange keys: {count(target.url, 'exchange_agencykey')}" in restored.stdout
    assert "registries: Access log intact" in restored.stdout
    assert "intact: every stored file matches its row" in restored.stdout
    assert count(target.url, "documents_storedfile") == uploads["referenced"]
    names = {name for (name,) in rows(target.url, "SELECT storage_name FROM documents_storedfile")}
    on_disk = {
        p.relative_to(target.directory / "uploads").as_posix()
        for p in (target.directory / "uploads").rglob("*.*")
    }
    assert names == on_disk
    assert (target.var / "exchange-key-secret").read_text() == settings.MOTCUA_EXCHANGE_KEY_SECRET
    assert (target.var / "secret_key").read_text() == settings.SECRET_KEY
    signing = Path(live.env["MOTCUA_REGISTRIES_SIGNING_KEY_FILE"])
    assert (target.var / "registries" / "signing-keys.json").read_bytes() == signing.read_bytes()
    assert count(target.registries_url, "registries_logentry") == count(
        live.registries_url, "registries_logentry"
    )
    again = target.motcua("backup", "check")
    assert again.returncode == 0, again.stderr


def _damage(backup: Path, name: str) -> None:
    path = backup / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_damaged_or_incomplete_backup_is_refused_and_the_target_is_untouched(live, targets, tmp_path):
    with Writer(live) as writer:
        writer.wait_for(2)
        made = live.motcua("backup", "create", str(tmp_path / "made"))
        writer.wait_for(writer.written() + 2)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "platform database, registries" in made.stdout
    backup = tmp_path / "made"
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["engine"] == Database.from_url("x", live.url).engine
    assert ["ops", "0001_worker_heartbeat"] in manifest["database"]["migrations"]
    assert (backup / "manifest.json").stat().st_mode & 0o777 == 0o600
    verified = live.motcua("backup", "verify", str(backup))
    assert verified.returncode == 0, verified.stderr
    upload = next(name for name in manifest["files"] if name.startswith("uploads/"))

    target = targets("refusing")
    cases = {
        "damaged upload": (lambda b: _damage(b, upload), f"damaged: {upload}"),
        "damaged database": (
            lambda b: _damage(b, manifest["database"]["file"]),
            "damaged: database/platform",
        ),
        "no exchange key secret": (
            lambda b: (b / "secrets/platform/exchange-key-secret").unlink(),
            "missing: secrets/platform/exchange-key-secret",
        ),
        "no manifest": (lambda b: (b / "manifest.json").unlink(), "manifest.json is missing"),
    }
    for case, (spoil, said) in cases.items():
        copy = tmp_path / case.replace(" ", "-")
        shutil.copytree(backup, copy)
        spoil(copy)
        refused = target.motcua("restore", str(copy))
        assert refused.returncode != 0, case
        assert said in refused.stderr, (case, refused.stderr)
        assert "nothing was restored and nothing was changed" in refused.stderr
        assert target.is_untouched(), case
    checked = live.motcua("backup", "verify", str(tmp_path / "damaged-upload"))
    assert checked.returncode != 0
    assert f"PROBLEM damaged: {upload}" in checked.stderr

    archived = tmp_path / "made.tar.gz"
    archive.pack(backup, archived)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archived.read_bytes()[: archived.stat().st_size // 2])
    refused = target.motcua("restore", str(truncated))
    assert "cannot be unpacked" in refused.stderr
    assert target.is_untouched()

    other_secret = target.motcua("restore", str(archived), MOTCUA_EXCHANGE_KEY_SECRET="A" * 43 + "=")
    assert "MOTCUA_EXCHANGE_KEY_SECRET in this environment is not the backup's" in other_secret.stderr
    assert target.is_untouched()
    assert (target.var / "exchange-key-secret").read_text() != settings.MOTCUA_EXCHANGE_KEY_SECRET

    restored = target.motcua("restore", str(archived))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "intact: every stored file matches its row" in restored.stdout
    again = target.motcua("restore", str(archived))
    assert "is not empty; restore into a new one, or pass --replace" in again.stderr
    replaced = target.motcua("restore", str(archived), "--replace", "--no-check")
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    assert "set aside:" in replaced.stdout
    assert count(target.url, "documents_storedfile") == manifest["uploads"]["referenced"]
