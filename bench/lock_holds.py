"""How long a submission holds each row it locks, row by row, on PostgreSQL.

    .venv/bin/python bench/lock_holds.py [--count 30] [--database-url postgres://...] [--cache-url ...]

Sets up the platform and the reference registries as ``bench/profile_submissions.py`` does and
drives whole submissions (the five API calls) in-process through the real WSGI stack. Every
statement that locks rows that already exist is noted as it runs — ``SELECT … FOR UPDATE``,
``UPDATE``, ``DELETE``, and ``INSERT … ON CONFLICT … DO UPDATE`` (a counter row) — with the row
it names; a row stays locked until its transaction ends, so its hold is the time from that
statement to the commit (``transaction.on_commit``), or the statement alone outside a
transaction. Inserted rows are not listed: nobody else can wait for a row that did not exist.

Printed per call and row: how many times a submission locks it, the mean, p50, p99 and longest
hold, and whose the row is — this applicant's (a draft), one agency's (its dossier-code counter,
its audit chain head), one user's or address's (a rate counter), or **shared across agencies**
(a row every agency's submissions lock, such as a national audit chain head: it caps the whole
country's rate at 1 / hold). The ceiling each row sets is printed beside it. The machine's load
average is printed too: holds are wall times, and on a shared machine they stretch with its load.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_submissions", HERE / "submissions.py")
assert _spec
assert _spec.loader
submissions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(submissions)

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/motcua_bench_locks"
_FOR_UPDATE = re.compile(r'^\s*SELECT .* FROM "?(\w+)"?.* FOR (NO KEY )?UPDATE', re.S | re.I)
_UPDATE = re.compile(r'^\s*UPDATE "?(\w+)"?', re.I)
_DELETE = re.compile(r'^\s*DELETE FROM "?(\w+)"?', re.I)
_UPSERT = re.compile(r'^\s*INSERT INTO "?(\w+)"?.* ON CONFLICT .* DO UPDATE', re.S | re.I)


def _locked_table(sql: str) -> str | None:
    for pattern in (_FOR_UPDATE, _UPSERT, _UPDATE, _DELETE):
        match = pattern.match(sql)
        if match:
            return match.group(1)
    return None


def _row(table: str, sql: str, params: Any) -> str:
    """A name for the locked row: the key the statement names (its last parameter, or a
    counter's first two)."""
    values = list(params or [])
    if table == "core_ratecounter":
        return "the request's rate counters"
    if table == "dossiers_dossiercounter" and len(values) >= 2:
        return f"{values[0]} {values[1]}"
    if table == "core_auditchainhead":
        return str(values[-1]) if values else "(no key)"
    return "its own row"  # a draft, a dossier, a file: one per submission, no one else's


class Locks:
    """Notes the rows locked by the statements on this thread's connection, and their holds."""

    def __init__(self) -> None:
        self.label = ""
        self.holds: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        self.in_transaction: set[tuple[str, str]] = set()

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        from django.db import connection, transaction

        table = _locked_table(sql)
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        if table is None:
            return result
        row = _row(table, sql, params)
        key = (self.label, table, row)
        if not connection.in_atomic_block:
            self.holds[key].append(time.perf_counter() - started)
            return result
        if (table, row) in self.in_transaction:  # already held by this transaction
            return result
        self.in_transaction.add((table, row))

        def committed() -> None:
            self.holds[key].append(time.perf_counter() - started)
            self.in_transaction.discard((table, row))

        transaction.on_commit(committed)
        return result

    @contextmanager
    def call(self, label: str) -> Iterator[None]:
        self.label = label
        self.in_transaction.clear()
        yield


def _scope(table: str, row: str, agencies: set[str]) -> str:
    if table == "core_ratecounter":
        return "one user's / address's"
    if row == "its own row":
        return "this submission's"
    if any(code and code in row for code in agencies):
        return "one agency's"
    if table == "core_auditchainhead":
        return "SHARED across agencies"
    return "this submission's"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=30, help="submissions")
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--cache-url", default="")
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()

    from tests.exchange.server import RegistriesServer

    with tempfile.TemporaryDirectory(prefix="motcua-locks-") as directory:
        var_dir = Path(directory)
        env = submissions.prepare_platform(var_dir, args.database_url, args.cache_url)
        registries = RegistriesServer(
            var_dir / "registries", size=args.people, workers=2, env={"LOG_LEVEL": "WARNING"}
        )
        (var_dir / "registries").mkdir()
        with registries:
            registries.import_registrations(json.loads((var_dir / "registration.json").read_text()))
            os.environ.update({**env, "MOTCUA_REGISTRIES_URL": registries.base_url})
            import django

            django.setup()
            from django.db import connection
            from tests.identity.world import make_applicant

            from motcua.units.models import Agency
            from motcua.wsgi import application

            person = submissions.APPLICANT
            user = make_applicant(person[0], person[1], datetime.date.fromisoformat(person[2]))
            commune = submissions.communes(1)[0]
            worker = submissions.Worker(
                "http://localhost",
                submissions.session_cookies(user),
                commune,
                transport=httpx.WSGITransport(app=application),
            )
            agencies = set(Agency.objects.filter(commune__code=commune).values_list("code", flat=True))
            locks = Locks()
            worker.observe = locks.call
            with connection.execute_wrapper(locks):
                for _ in range(3):  # warm up
                    worker.submit()
                locks.holds.clear()
                load_before = ", ".join(f"{v:.2f}" for v in os.getloadavg())
                for _ in range(args.count):
                    worker.submit()
                load_after = ", ".join(f"{v:.2f}" for v in os.getloadavg())
            vendor = connection.vendor

    print(
        f"{vendor}; {args.count} submissions at commune {commune} (agencies {', '.join(sorted(agencies))}); "
        f"load average {load_before} before, {load_after} after (a shared machine: holds are wall times)"
    )
    if vendor != "postgresql":
        print("  (SQLite locks the whole database for every write transaction: row holds say little there)")
    heading = f"{'per sub.':>8} {'mean':>8} {'p50':>8} {'p99':>8} {'max':>8}"
    print(f"  {'call':<8} {'table':<24} {'row':<34} {heading}  whose")
    ceilings: dict[str, float] = {}
    for (label, table, row), holds in sorted(locks.holds.items()):
        ordered = sorted(holds)
        mean = statistics.fmean(holds) * 1000
        p50 = ordered[len(ordered) // 2] * 1000
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000
        scope = _scope(table, row, agencies)
        print(
            f"  {label:<8} {table:<24} {row[:34]:<34} {len(holds) / args.count:8.1f} {mean:6.2f}ms "
            f"{p50:6.2f}ms {p99:6.2f}ms {ordered[-1] * 1000:6.2f}ms  {scope}"
        )
        if scope.startswith(("one agency", "SHARED")):  # rows other submissions wait for
            name = f"{table} {row.split()[0]} ({scope})"
            ceilings[name] = ceilings.get(name, 0.0) + sum(holds) / args.count
    print(
        "ceilings set by rows that other submissions lock too (an applicant's own rows and rate "
        "counters set none): 1 / (hold per submission)"
    )
    for name, seconds in sorted(ceilings.items(), key=lambda item: -item[1]):
        print(f"  {name:<58} {seconds * 1000:6.2f} ms per submission -> ≤ {1 / seconds:,.0f} submissions/s")
    shared = [name for name in ceilings if "SHARED" in name]
    print(
        "rows shared across agencies: "
        + (", ".join(shared) if shared else "none")
        + " (target of issue 16: none)"
    )


if __name__ == "__main__":
    sys.exit(main())
