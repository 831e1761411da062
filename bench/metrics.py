"""The Decision 766 index: cost per event of the incremental update, and the national view and a
province's dashboard read with many dossiers' events folded, beside a trivial page.

    .venv/bin/python bench/metrics.py [--dossiers 50000] [--events 2000] [--samples 50] [--database-url URL]

Builds a database under ``var/bench/metrics`` with the real 34 provinces and 3,321 communes and
the catalog, then writes ``--dossiers`` dossiers' events (submitted, accepted, approved, returned;
a tenth refused; received over the last twelve months, spread over the communes' People's
Committees) straight into the event log, and rebuilds the figures with ``motcua metrics
recompute`` (the same folds as the handler). Then it measures:

- ``fold``: the outbox handler's work per event (``services.apply_event``), on ``--events`` new
  dossier events, in a transaction per event as the dispatcher runs it;
- ``trivial``: ``GET /healthz`` through the whole middleware stack — the floor;
- ``index``: the public ranking of provinces (``/chi-so-766/``: 34 provinces × 6 months);
- ``nation``: ``GET /api/v1/metrics/report?scope=nation`` (the national view's figures);
- ``province``: the province dashboard's reads (its report, six periods' trend, its communes).

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
) -> dict:
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


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=50000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    var_dir = REPO / "var" / "bench" / "metrics"
    var_dir.mkdir(parents=True, exist_ok=True)
    _configure(args.database_url or f"sqlite:///{var_dir / 'metrics.sqlite3'}", var_dir)
    random.seed(766)
    _build(args.dossiers)

    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from motcua.core.models import Event
    from motcua.metrics import periods, selectors, services
    from motcua.metrics.models import Counter
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
    Event.objects.bulk_create(fresh[: args.events])
    created = list(Event.objects.filter(subject_id__startswith="BENCH-1").order_by("id")[: args.events])
    started = time.perf_counter()
    for event in created:
        with transaction.atomic():
            services.apply_event(event)
    fold_ms = (time.perf_counter() - started) * 1000 / max(1, len(created))

    client = Client()
    period = periods.current("month", timezone.localdate())
    province = selectors.Scope("province", "01")

    def dashboard_reads() -> None:
        selectors.report(province, period)
        for p in period.previous(6):
            selectors.report(province, p)
        selectors.children(province, period)

    modes = {
        "trivial": lambda: client.get("/healthz"),
        "index": lambda: client.get("/chi-so-766/"),
        "nation": lambda: client.get("/api/v1/metrics/report?scope=nation&code=VN"),
        "province": dashboard_reads,
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
        f"{Counter.objects.count():,} counters; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"fold: {fold_ms:.2f} ms per event over {len(created)} events")
    for name, values in timings.items():
        print(f"{name:9} p50 {statistics.median(values):7.1f} ms   p99 {_p(values, 0.99):7.1f} ms")


if __name__ == "__main__":
    main()
