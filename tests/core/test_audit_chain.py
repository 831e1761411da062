"""The audit log is tamper-evident: altering, deleting or truncating entries is detected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from motcua.core.actors import ActorRef
from motcua.core.audit import verify_audit_log
from motcua.core.hashchain import GENESIS
from motcua.core.models import AuditChainHead, AuditEntry, CalendarExceptionKind
from motcua.core.services import record_change, set_calendar_exception
from motcua.core.types import EventType

pytestmark = pytest.mark.django_db

OFFICIAL_A = ActorRef(kind="official", id="42", agency_code="UBND.00004")


def _write_entries() -> list[AuditEntry]:
    for day in (1, 2, 3):
        set_calendar_exception(
            actor=OFFICIAL_A,
            date=dt.date(2026, 12, day),
            kind=CalendarExceptionKind.DAY_OFF,
            reason=f"r{day}",
        )
    with transaction.atomic():
        record_change(
            actor=OFFICIAL_A,
            type=EventType.AGENCY_UPDATED,
            subject_type="units.agency",
            subject_id="UBND.00004",
            agency_code="UBND.00004",
            changes={"name": ["Old", "New"]},
        )
    return list(AuditEntry.objects.order_by("id"))


def _raw(sql: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_are_linked_per_chain():
    entries = _write_entries()
    platform = [e for e in entries if e.chain == "platform"]
    agency = [e for e in entries if e.chain == "UBND.00004"]
    assert len(platform) == 3
    assert len(agency) == 1
    assert platform[0].prev_hash == GENESIS
    assert platform[1].prev_hash == platform[0].entry_hash
    assert platform[2].prev_hash == platform[1].entry_hash
    assert agency[0].prev_hash == GENESIS
    assert AuditChainHead.objects.get(chain="platform").last_hash == platform[2].entry_hash
    report = verify_audit_log()
    assert report.ok
    assert (report.chains, report.entries) == (2, 4)


def test_an_altered_row_is_reported_as_the_first_broken_link(capsys):
    entries = _write_entries()
    target = entries[1]
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET actor_id = %s WHERE id = %s", ["intruder", target.pk])
    report = verify_audit_log()
    assert not report.ok
    assert [(b.chain, b.entry_id) for b in report.broken] == [("platform", target.pk)]
    assert "altered" in report.broken[0].reason
    with pytest.raises(CommandError, match="1 chain"):
        call_command("audit", "verify")
    assert f"entry #{target.pk}" in capsys.readouterr().err


def test_a_deleted_row_breaks_the_next_link():
    entries = _write_entries()
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[1].pk])
    report = verify_audit_log()
    assert [(b.chain, b.entry_id) for b in report.broken] == [("platform", entries[2].pk)]
    assert "previous entry" in report.broken[0].reason


def test_truncating_the_end_of_a_chain_is_detected():
    entries = _write_entries()
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[2].pk])
    report = verify_audit_log()
    assert [(b.chain, b.entry_id) for b in report.broken] == [("platform", None)]


def test_altered_changes_json_is_detected():
    entries = _write_entries()
    agency_entry = entries[3]
    _raw(
        f"UPDATE {AuditEntry._meta.db_table} SET changes = %s WHERE id = %s",
        ['{"name": ["Old", "Forged"]}', agency_entry.pk],
    )
    report = verify_audit_log()
    assert [(b.chain, b.entry_id) for b in report.broken] == [("UBND.00004", agency_entry.pk)]


def test_verify_command_reports_an_intact_log(capsys):
    _write_entries()
    call_command("audit", "verify")
    assert "audit log intact: 2 chain(s), 4 entries" in capsys.readouterr().out
