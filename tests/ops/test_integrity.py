"""`motcua backup check` finds what a bad restore (or tampering) leaves behind: a stored file that
is missing or not its row's bytes, a signed result whose signature no longer holds, a broken
audit chain, an exchange key secret that does not open the sealed keys."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.documents.models import ResultDocument, StoredFile
from motcua.documents.pki import DevPki
from motcua.exchange.models import AgencyKey
from motcua.ops import installation
from motcua.ops.integrity import check_installation
from tests.identity.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world_copy: World) -> World:
    return world_copy


@pytest.fixture
def where(world: World, settings: Any, tmp_path: Path) -> installation.Installation:
    """The world's installation, on a copy of its stored files (the module's world shares them)."""
    uploads = tmp_path / "uploads"
    shutil.copytree(settings.MOTCUA_UPLOAD_DIR, uploads)
    return dataclasses.replace(installation.current(registries=False, eid=False), upload_dir=uploads)


def _result_file(where: installation.Installation) -> tuple[StoredFile, Path]:
    stored = ResultDocument.objects.select_related("file").get().file
    return stored, where.upload_dir / stored.storage_name


def test_an_intact_installation_passes(where):
    report = check_installation(where=where)
    assert report.problems == []
    assert report.counts["stored files"] == StoredFile.objects.count() > 5
    assert report.counts["signed results"] == 1
    assert report.counts["audit entries"] > 20
    # every agency's key and the platform's consent-signing key
    assert report.counts["sealed exchange keys"] == AgencyKey.objects.count() >= 7


def test_a_missing_or_changed_stored_file_is_named(where):
    first, second = StoredFile.objects.exclude(result__isnull=False).order_by("id")[:2]
    (where.upload_dir / first.storage_name).unlink()
    (where.upload_dir / second.storage_name).write_bytes(b"%PDF-1.7 something else")
    problems = check_installation(where=where).problems
    assert problems == [
        f"stored file {first.public_id}: missing ({first.storage_name})",
        f"stored file {second.public_id}: its bytes do not match its row ({second.storage_name})",
    ]


def test_a_signed_result_whose_signature_no_longer_holds_is_named(where):
    """Someone who rewrites both the file and its row's hash still cannot fake the signature."""
    stored, path = _result_file(where)
    data = bytearray(path.read_bytes())
    data[data.index(b"/Contents") - 40] ^= 0x01  # a byte inside the signed range
    path.write_bytes(bytes(data))
    StoredFile.objects.filter(pk=stored.pk).update(sha256=hashlib.sha256(bytes(data)).hexdigest())
    problems = check_installation(where=where).problems
    number = ResultDocument.objects.get().number
    assert len(problems) == 1
    assert problems[0].startswith(f"result {number}: ")
    assert "signature" in problems[0]


def test_a_result_signed_under_a_root_this_installation_does_not_trust_is_named(where, settings, tmp_path):
    """What a restore without the PKI (or with another one) leaves: intact bytes, untrusted."""
    other = DevPki(tmp_path / "other-pki")
    other.init()
    settings.MOTCUA_TRUST_ROOTS = [str(other.root_cert_path)]
    settings.MOTCUA_CRL_FILES = [str(other.crl_path)]
    number = ResultDocument.objects.get().number
    problems = check_installation(where=where).problems
    assert problems == [f"result {number}: its signature does not verify (untrusted_certificate)"]


def test_a_result_whose_file_is_gone_is_named(where):
    stored, path = _result_file(where)
    path.unlink()
    number = ResultDocument.objects.get().number
    assert check_installation(where=where).problems == [
        f"stored file {stored.public_id}: missing ({stored.storage_name})",
        f"result {number}: its file is missing or changed",
    ]


def test_an_edited_audit_entry_breaks_its_chain(where):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, chain FROM core_auditentry ORDER BY id LIMIT 1 OFFSET 3")
        entry_id, chain = cursor.fetchone()
        cursor.execute("UPDATE core_auditentry SET subject_id = 'someone-else' WHERE id = %s", [entry_id])
    problems = check_installation(where=where).problems
    assert problems == [
        f"audit log: chain {chain}: entry #{entry_id}: content does not match its hash (altered)"
    ]


def test_another_exchange_key_secret_opens_no_sealed_key(where, settings):
    settings.MOTCUA_EXCHANGE_KEY_SECRET = "B" * 43 + "="
    problems = check_installation(where=where).problems
    assert len(problems) == AgencyKey.objects.count() >= 7
    assert all("cannot be opened: MOTCUA_EXCHANGE_KEY_SECRET is not the secret" in p for p in problems)


def test_the_command_exits_non_zero_on_a_problem(world, settings, capsys, tmp_path):
    settings.VAR_DIR = tmp_path  # no registries or eID database of ours here
    call_command("backup", "check")
    assert "intact: every stored file matches its row" in capsys.readouterr().out
    settings.MOTCUA_EXCHANGE_KEY_SECRET = "B" * 43 + "="
    with pytest.raises(CommandError, match=f"not intact: {AgencyKey.objects.count()} problem"):
        call_command("backup", "check")
