"""``motcua backup check``: is this installation whole? Run after every restore (and at will).

- every stored file (uploads and signed results) exists, with the size and SHA-256 of its row;
- every signed result's file still verifies: its signature is intact and made under a trusted
  root (the public verifier's own check, ``documents.verification.check_pdf``), and it is the
  signature the result's row records;
- the audit log's hash chains are intact (``motcua audit verify``): sealed entries link, and
  entries the sealer had not reached when the database was copied match their own hashes (they
  are sealed when the restored installation's worker runs);
- the exchange key secret opens every agency's sealed exchange key;
- the companions' logs are intact when they are ours (``motcua registries log verify``).

Problems name rows by their public ids and result numbers, never by personal data.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage

from motcua.core import files
from motcua.core.audit import verify_audit_log
from motcua.documents.models import ResultDocument, StoredFile
from motcua.documents.verification import Verdict, check_pdf
from motcua.exchange.keys import open_private_key
from motcua.exchange.models import AgencyKey
from motcua.ops import archive, installation
from motcua.ops.installation import Installation

# an intact signature by a certificate revoked since is still the signature that was made
_SIGNATURE_HOLDS = {Verdict.VALID, Verdict.REVOKED}


@dataclass
class IntegrityReport:
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_stored_files(store: Storage, report: IntegrityReport) -> set[int]:
    """Every row's file; returns the ids of the rows whose file is intact."""
    intact: set[int] = set()
    rows = StoredFile.objects.order_by("id").values_list("id", "public_id", "storage_name", "size", "sha256")
    for pk, public_id, storage_name, size, sha256 in rows.iterator(chunk_size=2000):
        try:
            digest, length = archive.stream_digest(files.read_chunks(store, storage_name))
        except FileNotFoundError:
            report.problems.append(f"stored file {public_id}: missing ({storage_name})")
            continue
        if digest != sha256 or length != size:
            report.problems.append(
                f"stored file {public_id}: its bytes do not match its row ({storage_name})"
            )
            continue
        intact.add(pk)
    report.counts["stored files"] = rows.count()
    return intact


def check_results(store: Storage, intact: set[int], report: IntegrityReport) -> None:
    results = ResultDocument.objects.select_related("file").order_by("id")
    for result in results.iterator(chunk_size=200):
        if result.file_id not in intact:
            report.problems.append(f"result {result.number}: its file is missing or changed")
            continue
        checked = check_pdf(b"".join(files.read_chunks(store, result.file.storage_name)), issued_copy=True)
        ours = [s for s in checked.signatures if s.digest == result.digest]
        if not ours:
            report.problems.append(
                f"result {result.number}: the file does not carry the signature its row records"
            )
        elif ours[0].verdict not in _SIGNATURE_HOLDS:
            reasons = ", ".join(ours[0].reasons) or str(ours[0].verdict)
            report.problems.append(f"result {result.number}: its signature does not verify ({reasons})")
    report.counts["signed results"] = results.count()


def check_audit(report: IntegrityReport) -> None:
    verified = verify_audit_log()
    report.problems += [f"audit log: {link}" for link in verified.broken]
    report.counts["audit entries"] = verified.entries
    if verified.unsealed:
        report.notes.append(
            f"audit log: {verified.unsealed} entries not yet sealed (checked against their own hashes; "
            "the worker or `motcua audit seal` chains them)"
        )


def check_exchange_keys(report: IntegrityReport) -> None:
    count = 0
    for kid, sealed in AgencyKey.objects.order_by("id").values_list("kid", "sealed_private_key").iterator():
        count += 1
        try:
            open_private_key(kid, sealed)
        except (ImproperlyConfigured, ValueError) as exc:
            report.problems.append(f"exchange key {kid[:12]}…: {exc}")
    report.counts["sealed exchange keys"] = count


def check_companion_logs(where: Installation, report: IntegrityReport) -> None:
    for companion in where.companions:
        if not companion.log_verify:
            continue
        env = dict(os.environ)
        if companion.database.engine == "sqlite":
            env.setdefault("MOTCUA_REGISTRIES_DATABASE_URL", f"sqlite:///{companion.database.path}")
        result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "motcua", *companion.log_verify],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            detail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-5:]
            report.problems.append(f"{companion.name} log: " + " | ".join(detail))
        else:
            report.notes.append(f"{companion.name}: {result.stdout.strip()}")


def check_installation(*, where: Installation | None = None) -> IntegrityReport:
    where = where or installation.current()
    report = IntegrityReport()
    store = where.files
    intact = check_stored_files(store, report)
    check_results(store, intact, report)
    check_audit(report)
    check_exchange_keys(report)
    check_companion_logs(where, report)
    return report
