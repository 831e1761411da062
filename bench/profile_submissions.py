"""Where the time of one request goes: the benchmark's API calls in-process, under cProfile.

    .venv/bin/python bench/profile_submissions.py [--count 200] [--database-url ...] [--cache-url ...]
                                                  [--top 40] [--sort cumulative] [--no-profile]
                                                  [--baseline-ref main]

Sets up a platform database and the reference registries exactly as ``bench/submissions.py``
does, then drives the platform's real WSGI application in this process (``httpx`` over a WSGI
transport: the whole middleware stack and Django's request signals, no sockets) with one
signed-in applicant. It prints, for the trivial view and for each of the five calls of a
submission, the mean wall time, the CPU time in this process, the number of SQL statements and,
on PostgreSQL, the CPU time of the database backends serving the platform's database (from
/proc: the server must run on this machine), then the totals per submission against the
targets of issue 16 (≤ 15 ms of platform CPU and ≤ 45 SQL statements), then the cProfile table
of all the calls together. The registries stay a separate process (their time is outside the
profile, the wait for them is not).

``--baseline-ref main`` first exports that commit's tree (``git archive``, nothing is checked
out in the repository) to a temporary directory and runs this same script there (this
harness, that code: ``PYTHONPATH`` puts its ``src`` first) with the same arguments against a
database of its own, then runs here, and prints both side by side: the code before and after,
in one run. The machine's load average is printed with the figures: on a shared machine the
CPU per call moves with it, less than the wall time, but it moves.
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
TARGET_CPU_MS = 15.0
TARGET_SQL = 45
CALLS = ("draft", "consent", "entries", "upload", "submit")


class Backends:
    """CPU seconds used so far by the PostgreSQL backends serving the platform's database (from
    /proc; 0 elsewhere). The list of backends is read once (``watch``) outside the timed calls,
    and again at the end, so that no statement is added to what is counted."""

    def __init__(self) -> None:
        self.pids: set[int] = set()

    def watch(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            self.pids |= {int(pid) for (pid,) in cursor.fetchall()}

    def cpu(self) -> float:
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone (its CPU is lost to the count) or not on this machine
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total


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
def timed(
    label: str, totals: dict[str, list[float]], statements: Statements, backends: Backends
) -> Iterator[None]:
    before = statements.count
    statements.recent = []
    database = backends.cpu()
    started, cpu = time.perf_counter(), time.process_time()
    yield
    totals[label].append(time.perf_counter() - started)
    totals[label + " (CPU)"].append(time.process_time() - cpu)
    totals[label + " (SQL)"].append(statements.count - before)
    totals[label + " (DB)"].append(backends.cpu() - database)
    last_statements[label] = statements.recent


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def summary(totals: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Per label (and ``submission``, the five calls together): wall, CPU and database-backend
    CPU in ms, SQL statements."""
    result = {
        label: {
            "wall": _mean(values) * 1000,
            "cpu": _mean(totals[label + " (CPU)"]) * 1000,
            "db": _mean(totals[label + " (DB)"]) * 1000,
            "sql": _mean(totals[label + " (SQL)"]),
        }
        for label, values in totals.items()
        if not label.endswith(")")
    }
    calls = [result[label] for label in CALLS if label in result]
    if len(calls) == len(CALLS):
        result["submission"] = {key: sum(call[key] for call in calls) for key in ("wall", "cpu", "db", "sql")}
    return result


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def print_summary(title: str, figures: dict[str, dict[str, float]]) -> None:
    print(title)
    for label, row in figures.items():
        print(
            f"  {label:<10} {row['wall']:7.2f} ms wall  {row['cpu']:7.2f} ms CPU (platform)  "
            f"{row['db']:6.2f} ms CPU (PostgreSQL)  {row['sql']:5.1f} SQL"
        )


def print_side_by_side(base: dict[str, Any], here: dict[str, Any], ref: str) -> None:
    print(
        f"\nside by side, {ref} (before) and this tree (after), {here['vendor']}; "
        f"load average {base['load']} during the first, {here['load']} during the second (a shared machine)"
    )
    print(
        f"  {'call':<10} {'CPU before':>11} {'CPU after':>10} {'SQL before':>11} {'SQL after':>10} "
        f"{'PG CPU before':>14} {'PG CPU after':>13}"
    )
    for label in ("trivial", *CALLS, "submission"):
        if label not in base["figures"] or label not in here["figures"]:
            continue
        old, new = base["figures"][label], here["figures"][label]
        print(
            f"  {label:<10} {old['cpu']:8.2f} ms {new['cpu']:7.2f} ms {old['sql']:11.1f} {new['sql']:10.1f} "
            f"{old['db']:11.2f} ms {new['db']:10.2f} ms"
        )


def print_targets(figures: dict[str, dict[str, float]]) -> None:
    whole = figures.get("submission")
    if whole is None:
        return
    cpu_met = "met" if whole["cpu"] <= TARGET_CPU_MS else "NOT met"
    sql_met = "met" if whole["sql"] <= TARGET_SQL else "NOT met"
    print(
        f"a whole submission: {whole['cpu']:.1f} ms of platform CPU "
        f"(target ≤ {TARGET_CPU_MS:.0f} ms: {cpu_met}), "
        f"{whole['sql']:.0f} SQL statements (target ≤ {TARGET_SQL}: {sql_met}), "
        f"PostgreSQL's own CPU {whole['db']:.1f} ms; "
        f"{1000 / whole['cpu']:.0f} submissions/s per platform core at this CPU"
    )


def run_baseline(ref: str, argv: list[str], database_url: str) -> dict[str, Any]:
    """This script, run on the tree of ``ref`` (exported, not checked out) with this harness."""
    import subprocess

    repo = HERE.parent
    with tempfile.TemporaryDirectory(prefix="motcua-baseline-") as directory:
        tree = Path(directory) / "tree"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(repo), "archive", "--format=tar", ref], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        out = Path(directory) / "baseline.json"
        args = [a for a in argv if a != "--baseline-ref" and a != ref]
        if database_url:
            args += ["--database-url", database_url]
        env = {**os.environ, "PYTHONPATH": str(tree / "src"), "MOTCUA_BENCH_TREE": str(tree)}
        subprocess.run(
            [sys.executable, str(HERE / "profile_submissions.py"), *args, "--no-profile", "--json", str(out)],
            env=env,
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text())
    return result


def print_projections() -> None:
    """Which answers were projected on their schemas, which validated (ADR 0051; a tree before
    it has no projection)."""
    try:
        from motcua.api.projection import counts
    except ImportError:
        return
    handlers = sorted({name for name, _ in counts})
    print(
        "API answers projected / validated (ADR 0051): "
        + ", ".join(f"{name} {counts[name, True]}/{counts[name, False]}" for name in handlers)
    )


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
    parser.add_argument("--baseline-ref", default="", help="also run the code of this commit (e.g. main)")
    parser.add_argument("--json", default="", help="write the figures to this file")
    args = parser.parse_args()
    baseline = None
    if args.baseline_ref:
        base_url = args.database_url + "_base" if args.database_url.startswith("postgres") else ""
        baseline = run_baseline(args.baseline_ref, sys.argv[1:], base_url)

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
            backends = Backends()
            totals: dict[str, list[float]] = defaultdict(list)
            worker.observe = lambda label: timed(label, totals, statements, backends)
            with connection.execute_wrapper(statements):
                for _ in range(5):  # warm up: keys, connections, caches
                    worker.submit()
                    worker.trivial()
                backends.watch()
                totals.clear()
                load_before = _load()
                profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
                if not args.no_profile:
                    profile.enable()
                for _ in range(args.count):
                    worker.trivial()
                for _ in range(0 if args.trivial_only else args.count):
                    worker.submit()
                profile.disable()
                load = f"{load_before} before, {_load()} after"
                backends.watch()  # any backend opened meanwhile is counted from here on

    cache = env.get("CACHE_URL", "db://motcua_cache (default)")
    figures = summary(totals)
    here = {"vendor": connection.vendor, "load": load, "figures": figures}
    if args.json:
        Path(args.json).write_text(json.dumps(here))
    print_summary(f"{connection.vendor}, cache {cache}; {args.count} each; load average {load}", figures)
    print_targets(figures)
    print_projections()
    if baseline is not None:
        print_side_by_side(baseline, here, args.baseline_ref)
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
