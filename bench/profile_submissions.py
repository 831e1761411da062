"""Where the time of one request goes: the benchmark's API calls in-process, under cProfile.

    .venv/bin/python bench/profile_submissions.py [--count 200] [--database-url ...] [--cache-url ...]
                                                  [--top 40] [--sort cumulative]

Sets up a platform database and the reference registries exactly as ``bench/submissions.py``
does, then drives the platform's real WSGI application in this process (``httpx`` over a WSGI
transport: the whole middleware stack and Django's request signals, no sockets) with one
signed-in applicant. It prints, for the trivial view and for each of the five calls of a
submission, the mean wall time and the mean number of SQL statements, then the cProfile
table of all the calls together. The registries stay a separate process (their time is
outside the profile, the wait for them is not).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import importlib.util
import json
import os
import pstats
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


last_statements: dict[str, list[str]] = {}


class Statements:
    """Counts SQL statements on this thread's connection (the WSGI calls run on this thread)."""

    def __init__(self) -> None:
        self.count = 0
        self.recent: list[str] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        self.recent.append(sql)
        return execute(sql, params, many, context)


@contextmanager
def timed(label: str, totals: dict[str, list[float]], statements: Statements) -> Iterator[None]:
    before = statements.count
    statements.recent = []
    started, cpu = time.perf_counter(), time.process_time()
    yield
    totals[label].append(time.perf_counter() - started)
    totals[label + " (CPU)"].append(time.process_time() - cpu)
    totals[label + " (SQL)"].append(statements.count - before)
    last_statements[label] = statements.recent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=200, help="trivial requests and submissions each")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache-url", default="")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--filter", default="", help="only functions whose path matches (e.g. motcua)")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--trivial-only", action="store_true", help="profile the trivial view alone")
    parser.add_argument("--cpu", action="store_true", help="profile CPU time, not wall time")
    parser.add_argument("--no-profile", action="store_true", help="times and SQL counts only")
    parser.add_argument("--show-sql", action="store_true", help="the SQL of the last call of each kind")
    args = parser.parse_args()

    from tests.exchange.server import RegistriesServer

    with tempfile.TemporaryDirectory(prefix="motcua-profile-") as directory:
        var_dir = Path(directory)
        database_url = args.database_url or f"sqlite:///{var_dir / 'platform.sqlite3'}"
        env = submissions.prepare_platform(var_dir, database_url, args.cache_url)
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

            from motcua.wsgi import application

            person = submissions.APPLICANT
            user = make_applicant(person[0], person[1], datetime.date.fromisoformat(person[2]))
            cookies = submissions.session_cookies(user)
            commune = submissions.communes(1)[0]
            worker = submissions.Worker(
                "http://localhost", cookies, commune, transport=httpx.WSGITransport(app=application)
            )
            statements = Statements()
            totals: dict[str, list[float]] = defaultdict(list)
            worker.observe = lambda label: timed(label, totals, statements)
            with connection.execute_wrapper(statements):
                for _ in range(5):  # warm up: keys, connections, caches
                    worker.submit()
                    worker.trivial()
                totals.clear()
                profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
                if not args.no_profile:
                    profile.enable()
                for _ in range(args.count):
                    worker.trivial()
                for _ in range(0 if args.trivial_only else args.count):
                    worker.submit()
                profile.disable()

    cache = env.get("CACHE_URL", "db://motcua_cache (default)")
    print(f"{connection.vendor}, cache {cache}; {args.count} each")
    for label, values in totals.items():
        if label.endswith(")"):
            continue
        sql, cpu = totals[label + " (SQL)"], totals[label + " (CPU)"]
        print(
            f"  {label:<10} {sum(values) / len(values) * 1000:7.2f} ms wall  "
            f"{sum(cpu) / len(cpu) * 1000:7.2f} ms CPU (this process)  {sum(sql) / len(sql):5.1f} SQL"
        )
    if args.show_sql:
        for label, sql in last_statements.items():
            print(f"\n{label}:")
            for statement in sql:
                print(f"    {statement[:200]}")
    if not args.no_profile:
        pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(
            *([args.filter] if args.filter else []), args.top
        )


if __name__ == "__main__":
    main()
