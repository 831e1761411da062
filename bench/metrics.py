"""The Decision 766 index: cost per event of the incremental update, and the national view and a
province's dashboard read with many dossiers' events folded, beside a trivial page.

    .venv/bin/python bench/metrics.py [--dossiers 50000] [--events 2000] [--samples 50] [--database-url URL]
    .venv/bin/python bench/metrics.py --bulk --dossiers 10000000 --database-url postgres://…/motcua_bench

Builds a database under ``var/bench/metrics`` with the real 34 provinces and 3,321 communes and
the catalog, then writes ``--dossiers`` dossiers' events (submitted, accepted, approved, returned;
a tenth refused; received over the last twelve months, spread over the communes' People's
Committees) straight into the event log, and rebuilds the figures with ``motcua metrics
recompute`` (the same folds as the handler).

With ``--bulk`` it writes the metrics tables' rows straight away instead (COPY on PostgreSQL):
``--dossiers`` dossier facts as the handler would have folded them (each one of a few hundred
histories, folded from generated events by ``facts.fold_dossier_event``, at a commune People's
Committee of the real unit list), the counters they sum to in every scope and period, and the
summaries (``summaries.rebuild``) — minutes for ten million dossiers, not the days a replay of
their events would take. Then it measures:

- ``fold``: the outbox handler's work per event (``services.apply_event``), on ``--events`` new
  dossier events, in a transaction per event as the dispatcher runs it;
- ``trivial``: ``GET /healthz`` through the whole middleware stack — the floor;
- ``index``: the public ranking of provinces (``/chi-so-766/``: 34 provinces × 6 months);
- ``nation``: ``GET /api/v1/metrics/report?scope=nation`` (the national view's figures);
- ``province``: a province's dashboard (``/can-bo/chi-so-766/?scope=province&code=01``, signed
  in as an official: its report, six periods' trend, charts, its communes).

A page reads counter rows, never dossiers: its cost depends on the number of scopes and periods,
not of dossiers. Prints p50/p99 and the load average.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def _configure(database_url: str, var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    os.environ["MOTCUA_ENV"] = "test"
    os.environ["MOTCUA_TASK_BACKEND"] = "memory"
    os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("RATE_LIMIT_API_ADDRESS", "1000000/m")
    import django

    django.setup()


def _payload(
    procedure: str, agency: str, received: datetime.datetime, status: str, step: str, **extra: object
) -> dict[str, Any]:
    due = (received + datetime.timedelta(days=5)).date()
    finished = received + datetime.timedelta(days=random.choice((2, 4, 6, 9)))
    done = status in ("processed", "result_returned", "refused")
    return {
        "procedure": procedure,
        "agency": agency,
        "channel": random.choice(("online", "online", "online", "counter", "post")),
        "status": status,
        "step": step,
        "received_at": received.isoformat(),
        "submitted_at": received.isoformat(),
        "due_on": due.isoformat(),
        "finished_at": finished.isoformat() if done else None,
        "supplement_requests": 0,
        "components": 4,
        "reused_from_registries": random.choice((0, 1, 3)),
        "reused_from_wallet": random.choice((0, 0, 1)),
        "uploaded": 1,
        "digitised": 0,
        "fee_vnd": random.choice((0, 0, 50000)),
        **extra,
    }


def _events_for(number: int, agencies: list[str], procedures: list[str], now: datetime.datetime) -> list[Any]:
    from motcua.core.models import Event

    code = f"BENCH-{number:08d}"
    agency = random.choice(agencies)
    procedure = random.choice(procedures)
    received = now - datetime.timedelta(days=random.randint(0, 360), hours=random.randint(0, 8))
    unit = agency.split(".")[-1]
    rows = [("dossiers.submitted", _payload(procedure, agency, received, "received", "reception_check"))]
    if random.random() < 0.1:
        rows.append(("dossiers.refused", _payload(procedure, agency, received, "refused", "done")))
    else:
        rows.append(("dossiers.accepted", _payload(procedure, agency, received, "received", "handling")))
        rows.append(
            (
                "dossiers.approved",
                _payload(procedure, agency, received, "processed", "result_return", result="R"),
            )
        )
        rows.append(
            (
                "dossiers.result_returned",
                _payload(procedure, agency, received, "result_returned", "done", result="R"),
            )
        )
    return [
        Event(
            type=kind,
            subject_type="dossiers.dossier",
            subject_id=code,
            agency_code=agency,
            unit_code=unit,
            actor_kind="system",
            actor_id="bench",
            payload=payload,
            dispatched_at=now,
            occurred_at=received,
        )
        for kind, payload in rows
    ]


def _build(count: int) -> None:
    from django.core.management import call_command

    from motcua.catalog.models import Procedure
    from motcua.core.actors import SYSTEM
    from motcua.core.models import Event
    from motcua.metrics import services
    from motcua.units.models import Agency

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Agency.objects.exists():
        call_command("units", "load", verbosity=0)
        call_command("catalog", "load", verbosity=0)
    if count == 0:
        return  # --bulk writes the figures itself
    if Event.objects.filter(subject_id__startswith="BENCH-").values("subject_id").distinct().count() == count:
        return
    Event.objects.filter(subject_id__startswith="BENCH-").delete()
    agencies = list(
        Agency.objects.filter(agency_type="commune_peoples_committee").values_list("code", flat=True)
    )
    procedures = list(Procedure.objects.filter(level="commune").values_list("code", flat=True))
    now = datetime.datetime.now(datetime.UTC)
    batch: list[Any] = []
    for number in range(count):
        batch.extend(_events_for(number, agencies, procedures, now))
        if len(batch) >= 5000:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)
    started = time.perf_counter()
    summary = services.recompute(actor=SYSTEM)
    print(f"recompute: {summary} in {time.perf_counter() - started:.1f} s")


HISTORIES = 96  # distinct dossier histories the bulk fill draws from


def _bulk_histories(procedures: list[str], now: datetime.datetime) -> list[dict[str, Any]]:
    """Facts' data as the handler folds them, from generated events (agency left to fill)."""
    from motcua.metrics import facts

    histories = []
    for number in range(HISTORIES):
        data: dict[str, Any] = {}
        for event in _events_for(number, ["BULK"], procedures, now):
            data = facts.fold_dossier_event(data, event)
        histories.append(data)
    return histories


def _copy(table: str, columns: list[str], rows: Any) -> None:
    """Rows into a table: COPY on PostgreSQL, batched inserts elsewhere."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    batch: list[Any] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                batch = []
        cursor.executemany(sql, batch)


def _bulk_fill(count: int) -> None:
    """``count`` dossiers' facts, their counters and the summaries, written in bulk."""
    import json
    from collections import Counter as Tally

    from django.db import transaction

    from motcua.catalog.models import Procedure
    from motcua.metrics import facts, summaries
    from motcua.metrics.models import Counter, DossierFact, Summary
    from motcua.units.models import Agency

    if DossierFact.objects.filter(dossier_code__startswith="BULK-").count() == count:
        return
    started = time.perf_counter()
    units = list(
        Agency.objects.filter(agency_type="commune_peoples_committee")
        .order_by("code")
        .values_list("code", "commune__code", "commune__province__code")
    )
    procedures = list(
        Procedure.objects.filter(level="commune").order_by("code").values_list("code", flat=True)
    )
    histories = _bulk_histories(procedures, datetime.datetime.now(datetime.UTC))
    sectors = [facts.procedure_info(str(h["procedure"])).sector_code for h in histories]
    texts = [json.dumps({**h, "agency": "\x00"}, ensure_ascii=False) for h in histories]
    drawn: Tally[tuple[int, int]] = Tally()  # (unit, history) → dossiers

    def fact_rows() -> Any:
        for number in range(count):
            unit, history = random.randrange(len(units)), random.randrange(HISTORIES)
            drawn[(unit, history)] += 1
            agency, commune, province = units[unit]
            yield (
                f"BULK-{number:08d}",
                None,
                0,
                histories[history]["procedure"],
                sectors[history],
                agency,
                commune,
                province,
                texts[history].replace("\\u0000", agency),
            )

    with transaction.atomic():
        Summary.objects.all().delete()
        Counter.objects.all().delete()
        DossierFact.objects.all().delete()
        columns = [
            "dossier_code",
            "dossier_id",
            "last_event_id",
            "procedure_code",
            "sector_code",
            "agency_code",
            "commune_code",
            "province_code",
            "data",
        ]
        _copy(DossierFact._meta.db_table, columns, fact_rows())
        print(f"bulk: {count:,} facts in {time.perf_counter() - started:.1f} s")
        contributions = [facts.dossier_contributions(h) for h in histories]
        per_scope: dict[tuple[str, str], Tally[int]] = {}  # scope → history → dossiers
        for (unit, history), dossiers in drawn.items():
            _agency, commune, province = units[unit]
            for scope in (("nation", facts.NATION), ("province", province), ("commune", commune)):
                per_scope.setdefault(scope, Tally())[history] += dossiers
            per_scope.setdefault(("sector", sectors[history]), Tally())[history] += dossiers
        counters: dict[tuple[str, str, str, datetime.date, str], int] = {}
        for (scope_kind, scope_code), by_history in per_scope.items():
            if not scope_code:
                continue
            tally: Tally[tuple[str, datetime.date, str]] = Tally()
            for history, dossiers in by_history.items():
                for entry, value in contributions[history].items():
                    tally[entry] += value * dossiers
            for (period_kind, start, name), value in tally.items():
                if value:
                    counters[(scope_kind, scope_code, period_kind, start, name)] = value
        _copy(
            Counter._meta.db_table,
            ["scope_kind", "scope_code", "period_kind", "period_start", "key", "value"],
            ((*key, value) for key, value in counters.items()),
        )
        written = summaries.rebuild(counters)
    print(
        f"bulk: {len(counters):,} counters, {written:,} summaries; "
        f"{time.perf_counter() - started:.1f} s in all"
    )


def _official_client() -> Any:
    """A signed-in official of a commune of Hà Nội (through the real sign-in pages)."""
    sys.path.insert(0, str(REPO))
    from tests.identity.world import make_official, official_client

    from motcua.identity.models import Role
    from motcua.units.models import Agency

    agency = (
        Agency.objects.filter(agency_type="commune_peoples_committee", commune__province__code="01")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    username = f"bench.{int(time.time())}"
    _user, key = make_official(username, [(Role.APPROVER, str(agency))])
    return official_client(username, key)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=50000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--bulk", action="store_true", help="write the facts, counters and summaries in bulk (no events)"
    )
    args = parser.parse_args()
    var_dir = REPO / "var" / "bench" / "metrics"
    var_dir.mkdir(parents=True, exist_ok=True)
    _configure(args.database_url or f"sqlite:///{var_dir / 'metrics.sqlite3'}", var_dir)
    random.seed(766)
    if args.bulk:
        _build(0)
        _bulk_fill(args.dossiers)
    else:
        _build(args.dossiers)

    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from motcua.core.models import Event
    from motcua.metrics import periods, selectors, services
    from motcua.metrics.models import Counter, DossierFact, Summary
    from motcua.units.models import Agency

    agencies = list(
        Agency.objects.filter(agency_type="commune_peoples_committee").values_list("code", flat=True)
    )
    procedures = ["birth-registration", "death-registration", "marriage-registration"]
    now = datetime.datetime.now(datetime.UTC)
    fresh = []
    for number in range(args.events // 4 + 1):
        fresh.extend(_events_for(10_000_000 + number, agencies, procedures, now))
    for event in fresh:
        event.dispatched_at = None
    created = Event.objects.bulk_create(fresh[: args.events])
    if any(event.pk is None for event in created):  # a database that does not return ids
        created = list(Event.objects.filter(dispatched_at__isnull=True).order_by("-id")[: args.events])[::-1]
    for kind in ("nation", "province", "commune"):  # the catalog's measures, read once a process
        selectors.catalog_measures(selectors.Scope(kind, ""))
    started = time.perf_counter()
    for event in created:
        with transaction.atomic():
            services.apply_event(event)
    fold_ms = (time.perf_counter() - started) * 1000 / max(1, len(created))

    client = Client()
    period = periods.current("month", timezone.localdate())

    official: Client = _official_client()
    province_url = f"/can-bo/chi-so-766/?scope=province&code=01&period_kind=month&period={period.label}"
    assert official.get(province_url).status_code == 200

    modes: dict[str, Callable[[], object]] = {
        "trivial": lambda: client.get("/healthz"),
        "index": lambda: client.get("/chi-so-766/"),
        "nation": lambda: client.get("/api/v1/metrics/report?scope=nation&code=VN"),
        "nation page": lambda: official.get("/can-bo/chi-so-766/?scope=nation&code=VN"),
        "province": lambda: official.get(province_url),
    }
    timings: dict[str, list[float]] = {name: [] for name in modes}
    for call in modes.values():
        call()  # warm
    for _round in range(args.samples):
        for name, call in modes.items():
            started = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - started) * 1000)
    print(
        f"{connection.vendor}: {args.dossiers:,} dossiers, {Event.objects.count():,} events, "
        f"{DossierFact.objects.count():,} facts, {Counter.objects.count():,} counters, "
        f"{Summary.objects.count():,} summaries; load average {os.getloadavg()}"
    )
    print(f"fold: {fold_ms:.2f} ms per event over {len(created)} events")
    for name, values in timings.items():
        print(f"{name:11} p50 {statistics.median(values):7.1f} ms   p99 {_p(values, 0.99):7.1f} ms")


if __name__ == "__main__":
    main()
