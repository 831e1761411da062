"""The audit log is tamper-evident: altering, deleting or truncating entries is detected.

Services write entries without a lock; the sealer chains them afterwards (ADR 0030), so the
tests seal before they tamper, as the worker does every few seconds."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.core.actors import ActorRef
from motcua.core.audit import seal_pending, verify_audit_log
from motcua.core.hashchain import GENESIS
from motcua.core.models import AuditChainHead, AuditEntry, CalendarExceptionKind, Event
from motcua.core.services import record_change, set_calendar_exception
from motcua.units.events import UnitEvent, UnitSubject

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
            type=UnitEvent.AGENCY_UPDATED,
            subject_type=UnitSubject.AGENCY,
            subject_id="UBND.00004",
            agency_code="UBND.00004",
            changes={"name": ["Old", "New"]},
        )
    assert seal_pending() == 4
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


def _change(agency_code: str = "", subject_id: str = "s") -> None:
    with transaction.atomic():
        record_change(
            actor=OFFICIAL_A,
            type=UnitEvent.AGENCY_UPDATED,
            subject_type=UnitSubject.AGENCY,
            subject_id=subject_id,
            agency_code=agency_code,
            changes={"name": ["Old", subject_id]},
        )


def test_writing_an_entry_takes_no_chain_head_and_leaves_it_unsealed():
    with CaptureQueriesContext(connection) as queries:
        _change("UBND.00004")
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    if connection.vendor == "postgresql":
        # the audit entry, the event and the outbox's wake-up (ADR 0031) in one statement (ADR 0054)
        assert len(statements) == 1
        [statement] = statements
        assert statement.startswith('WITH "audit" AS (INSERT INTO "core_auditentry"')
        assert statement.count("INSERT INTO") == 2
        assert statement.count("pg_notify(") == 1
    else:
        assert len(statements) == 2  # the audit entry and the event, nothing else
        assert all(s.startswith("INSERT") for s in statements)
    assert not any("chainhead" in s.lower() for s in statements)
    entry = AuditEntry.objects.get()
    assert (entry.chain, entry.position, entry.prev_hash, entry.entry_hash) == ("UBND.00004", None, "", "")
    assert len(entry.content_hash) == 64
    assert not AuditChainHead.objects.exists()


def test_unsealed_entries_are_reported_as_such_and_checked_against_their_own_hash(capsys):
    _change("UBND.00004", "a")
    _change("", "b")
    report = verify_audit_log()
    assert report.ok
    assert (report.chains, report.entries, report.unsealed) == (2, 2, 2)
    assert report.oldest_unsealed == AuditEntry.objects.order_by("id").first().occurred_at
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit log intact: 2 chain(s), 2 entries; 2 not yet sealed" in out
    target = AuditEntry.objects.get(subject_id="b")
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET actor_id = %s WHERE id = %s", ["intruder", target.pk])
    report = verify_audit_log()
    assert [(b.chain, b.entry_id) for b in report.broken] == [("platform", target.pk)]
    assert "altered" in report.broken[0].reason


def test_the_seal_command_chains_pending_entries_in_batches_and_verify_then_finds_none_unsealed(capsys):
    for index in range(5):
        _change("UBND.00004", f"s{index}")
    _change("", "p")
    assert seal_pending(batch=2) == 6
    entries = list(AuditEntry.objects.filter(chain="UBND.00004").order_by("position"))
    assert [e.position for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.entry_hash for earlier, later in itertools.pairwise(entries))
    head = AuditChainHead.objects.get(chain="UBND.00004")
    assert (head.length, head.last_entry_id, head.last_hash) == (5, entries[-1].pk, entries[-1].entry_hash)
    _change("UBND.00004", "late")
    call_command("audit", "seal")
    assert "sealed 1 audit entries" in capsys.readouterr().out
    report = verify_audit_log()
    assert report.ok
    assert (report.chains, report.entries, report.unsealed, report.oldest_unsealed) == (2, 7, 0, None)
    assert seal_pending() == 0


def test_an_entry_that_commits_after_a_later_id_was_sealed_joins_the_chain_after_it():
    """On PostgreSQL ids are taken at insert, so an entry can commit after one with a higher id
    was sealed. It is sealed by the next batch, at the next position: the chain follows the
    order the sealer saw commits in, and still verifies."""
    _change("UBND.00004", "first")
    _change("UBND.00004", "second")
    first, second = AuditEntry.objects.order_by("id")
    # what a sealer sees while "first" is still uncommitted: only "second"
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET chain = %s WHERE id = %s", ["in-flight", first.pk])
    assert seal_pending() == 2  # "second" on its chain, "first" on a chain of its own
    _raw(
        f"UPDATE {AuditEntry._meta.db_table} "
        "SET chain = %s, position = NULL, prev_hash = '', entry_hash = '' WHERE id = %s",
        ["UBND.00004", first.pk],
    )
    AuditChainHead.objects.filter(chain="in-flight").delete()
    assert seal_pending() == 1
    positions = dict(AuditEntry.objects.values_list("id", "position"))
    assert positions == {second.pk: 1, first.pk: 2}
    report = verify_audit_log()
    assert report.ok, report.broken
    assert (report.entries, report.unsealed) == (2, 0)


def test_swapping_the_positions_of_two_sealed_entries_is_reported_as_reordered():
    entries = _write_entries()
    first, second = entries[0], entries[1]
    table = AuditEntry._meta.db_table
    _raw(f"UPDATE {table} SET position = 1000 WHERE id = %s", [first.pk])
    _raw(f"UPDATE {table} SET position = 1 WHERE id = %s", [second.pk])
    _raw(f"UPDATE {table} SET position = 2 WHERE id = %s", [first.pk])
    report = verify_audit_log()
    assert [(b.chain, b.entry_id) for b in report.broken] == [("platform", second.pk)]
    assert "reordered" in report.broken[0].reason


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_entry_committing_after_a_higher_id_is_sealed_after_it():
    """The real case, with two connections: the first entry's transaction is still open when a
    later entry (higher id) commits and is sealed."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: an entry cannot commit around another")
    written, release = threading.Event(), threading.Event()

    def slow_service() -> None:
        try:
            with transaction.atomic():
                record_change(
                    actor=OFFICIAL_A,
                    type=UnitEvent.AGENCY_UPDATED,
                    subject_type=UnitSubject.AGENCY,
                    subject_id="slow",
                    agency_code="UBND.00004",
                )
                written.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_service)
    thread.start()
    assert written.wait(10)
    _change("UBND.00004", "quick")
    assert seal_pending() == 1  # only the committed one
    release.set()
    thread.join(10)
    assert seal_pending() == 1
    slow, quick = AuditEntry.objects.get(subject_id="slow"), AuditEntry.objects.get(subject_id="quick")
    assert slow.pk < quick.pk
    assert (quick.position, slow.position) == (1, 2)
    assert slow.prev_hash == quick.entry_hash
    report = verify_audit_log()
    assert report.ok, report.broken
    assert (report.entries, report.unsealed) == (2, 0)


def test_changes_in_one_transaction_wake_the_outbox_once_and_return_their_saved_events():
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        events = [
            record_change(
                actor=OFFICIAL_A,
                type=UnitEvent.AGENCY_UPDATED,
                subject_type=UnitSubject.AGENCY,
                subject_id=subject_id,
                agency_code="UBND.00004",
                changes={"name": ["Old", subject_id]},
                payload={"code": subject_id},
            )
            for subject_id in ("a", "b")
        ]
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    wake_ups = sum(s.count("pg_notify(") + s.startswith("NOTIFY") for s in statements)
    assert wake_ups == (1 if connection.vendor == "postgresql" else 0)
    assert len(statements) == (2 if connection.vendor == "postgresql" else 4)
    saved = {event.pk: (event.subject_id, event.payload) for event in Event.objects.order_by("id")}
    assert saved == {event.pk: (event.subject_id, {"code": event.subject_id}) for event in events}
    assert all(event.pk and not event._state.adding for event in events)
    assert list(AuditEntry.objects.order_by("id").values_list("subject_id", "changes")) == [
        ("a", {"name": ["Old", "a"]}),
        ("b", {"name": ["Old", "b"]}),
    ]
