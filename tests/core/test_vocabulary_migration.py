"""The data migration that gives every audit subject one name (core 0013, ADR 0032): events are
renamed; an intact chain is renamed and re-linked and still verifies; a broken chain is left as
found, so verification still names its break."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from motcua.core.audit import seal_pending, verify_audit_log, write_entry
from motcua.core.models import AuditEntry, Event

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0012_event_types_registered_not_listed")]
AFTER = [("core", "0013_unify_audit_subject_types")]  # and every migration after it, of any app


def _write(subject_type: str, *, agency: str = "", subject_id: str = "a1") -> None:
    # written as the services wrote them before: no vocabulary check (record_change would refuse)
    write_entry(
        AuditEntry(
            type="identity.applicant_signed_in",
            actor_kind="system",
            actor_id="s",
            agency_code=agency,
            subject_type=subject_type,
            subject_id=subject_id,
            changes={"assurance_level": [0, 1]},
        )
    )
    Event.objects.create(
        type="identity.applicant_signed_in",
        subject_type=subject_type,
        subject_id=subject_id,
        actor_kind="system",
        actor_id="s",
    )


def _migrate(targets: list[tuple[str, str]]) -> None:
    """Migrate to ``targets``; forward to AFTER means the latest of every app again, since going
    back to BEFORE also unapplied the other apps' migrations that depend on core's 0013."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes() if targets == AFTER else targets)


def test_legacy_subject_types_are_renamed_and_intact_chains_still_verify():
    _migrate(BEFORE)
    try:
        _write("identity.applicant")
        _write("applicant")
        _write("user", subject_id="7")
        _write("applicant", agency="UBND.00004")
        _write("applicant", agency="UBND.00007")
        assert seal_pending() == 5
        _write("applicant", subject_id="unsealed")
        broken = AuditEntry.objects.get(chain="UBND.00007")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditentry SET actor_id = 'intruder' WHERE id = %s", [broken.pk])
    finally:
        _migrate(AFTER)
    names = dict(AuditEntry.objects.values_list("id", "subject_type"))
    assert names[broken.pk] == "applicant"  # its chain was broken: left as found
    assert sorted(set(names.values()) - {"applicant"}) == ["identity.applicant", "identity.user"]
    assert AuditEntry.objects.filter(subject_type="identity.applicant", subject_id="a1").count() == 3
    assert sorted(set(Event.objects.values_list("subject_type", flat=True))) == [
        "identity.applicant",
        "identity.user",
    ]
    assert seal_pending() == 1  # the unsealed entry, renamed, is sealed after the others
    report = verify_audit_log()
    assert [(link.chain, link.entry_id) for link in report.broken] == [("UBND.00007", broken.pk)]
    assert (report.entries, report.unsealed) == (6, 0)
