"""Throughput with one and with two web processes on PostgreSQL, in one run.

    .venv/bin/python bench/throughput.py [--seconds 15] [--rounds 2] [--clients 2] [--threads 6]
                                         [--postgres postgres://postgres@127.0.0.1:5432]
                                         [--redis-url redis://127.0.0.1:6379]

The shape of ``scripts/multinode.py`` (its shared services: a throw-away PostgreSQL database,
Redis for the cache and rate limits, the reference registries as a process of their own) with
two web processes, ``web A`` and ``web B`` (gunicorn, one worker × 4 threads each, as the
multi-node demonstration runs them), and the load from ``--clients`` processes of ``--threads``
threads, each thread with its own keep-alive connection and signed-in session. In alternating
rounds, the same load is sent

- to web A alone (``1 web``), then spread over web A and web B (``2 web``), for
- the trivial view (``GET /api/v1/units/provinces``, signed in: the whole middleware) and
- whole submissions (``bench/submissions.py``'s five calls, prefill from three registries over
  signed HTTP).

Printed per mode: operations per second, p50/p99, the CPU per operation of the web processes, of
the PostgreSQL backends serving the platform's database (read from /proc: the server must run
on this machine) and of the registries, and the machine's load average: on a shared machine two
processes can only scale as far as the cores left free by everything else, and the figures say
how far that was. Scaling is the ratio of the two rates.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))


def _load_module(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


submissions = _load_module("bench_submissions", HERE / "submissions.py")
multinode = _load_module("scripts_multinode", REPO / "scripts" / "multinode.py")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def _ticks(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_backends(database: str) -> list[int]:
    """The PostgreSQL backends serving ``database`` (their process titles name it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            found.append(int(entry.name))
    return found


class Meter:
    """CPU seconds so far of the web processes (and their workers), the registries and the
    PostgreSQL backends of the platform's database."""

    def __init__(self, web: list[int], registries: int, database: str) -> None:
        self.web = web
        self.registries = registries
        self.database = database
        self.backends: dict[int, list[float]] = {}  # pid: [CPU when first seen, when last seen]

    def read(self) -> dict[str, float]:
        alive = set(_postgres_backends(self.database))
        for pid in alive:  # a backend opened later counts from when it is first seen
            now = _ticks(pid)
            self.backends.setdefault(pid, [now, now])[1] = now
        return {
            "web": sum(submissions._cpu_seconds(pid) for pid in self.web),
            "registries": submissions._cpu_seconds(self.registries),
            # a backend gone meanwhile keeps what it had used when last seen
            "postgres": sum(last - first for first, last in self.backends.values()),
        }


def _client(
    urls: list[str],
    cookies: list[dict[str, str]],
    communes: list[str],
    action: str,
    seconds: float,
    queue: Any,
) -> None:
    """One load process: a thread per session, each on its web process, for ``seconds``."""
    workers = [
        submissions.Worker(url, session, commune)
        for url, session, commune in zip(urls, cookies, communes, strict=True)
    ]
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def loop(worker: Any) -> None:
        run: Callable[[], None] = worker.submit if action == "submit" else worker.trivial
        mine = []
        failed = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                run()
            except (httpx.TransportError, AssertionError):  # a reset keep-alive connection, …
                failed += 1  # counted, not timed; the next call opens a new connection
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    threads = [threading.Thread(target=loop, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((latencies, sum(errors)))


def measure(
    web_urls: list[str],
    sessions: list[dict[str, str]],
    communes: list[str],
    action: str,
    args: argparse.Namespace,
    meter: Meter,
) -> dict[str, float]:
    context = multiprocessing.get_context("fork")  # the children only speak HTTP
    queue: Any = context.Queue()
    per_client = args.threads
    processes = []
    for index in range(args.clients):
        mine = range(index * per_client, (index + 1) * per_client)
        urls = [web_urls[slot % len(web_urls)] for slot in mine]
        processes.append(
            context.Process(
                target=_client,
                args=(
                    urls,
                    [sessions[s] for s in mine],
                    [communes[s] for s in mine],
                    action,
                    args.seconds,
                    queue,
                ),
            )
        )
    before = meter.read()
    started = time.monotonic()
    for process in processes:
        process.start()
    latencies: list[float] = []
    errors = 0
    for _ in processes:
        got, failed = queue.get()
        latencies.extend(got)
        errors += failed
    for process in processes:
        process.join()
    elapsed = time.monotonic() - started
    after = meter.read()
    count = max(1, len(latencies))
    return {
        "rate": len(latencies) / elapsed,
        "p50": _percentile(latencies, 0.5) * 1000,
        "p99": _percentile(latencies, 0.99) * 1000,
        **{f"{name}_ms": (after[name] - before[name]) * 1000 / count for name in after},
        "load": os.getloadavg()[0],
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2, help="load processes")
    parser.add_argument("--threads", type=int, default=6, help="threads (sessions) per load process")
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis-url", default="", help="a Redis to use (else a redis-server of our own)")
    parser.add_argument("--actions", default="trivial,submit")
    args = parser.parse_args()

    from tests.exchange.server import RegistriesServer
    from tests.gunicorn import GunicornProcess

    sessions_needed = args.clients * args.threads
    with tempfile.TemporaryDirectory(prefix="motcua-throughput-") as directory, ExitStack() as stack:
        var_dir = Path(directory)
        database_url = stack.enter_context(multinode.postgres_database(args.postgres.rstrip("/")))
        redis_url = stack.enter_context(multinode.redis_server(args.redis_url, var_dir))
        env = submissions.prepare_platform(var_dir, database_url, f"{redis_url}/0")
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connections
        from tests.identity.world import make_applicant

        user = make_applicant(
            submissions.APPLICANT[0],
            submissions.APPLICANT[1],
            datetime.date.fromisoformat(submissions.APPLICANT[2]),
        )
        sessions = [submissions.session_cookies(user) for _ in range(sessions_needed)]
        communes = (submissions.communes(sessions_needed) * sessions_needed)[:sessions_needed]
        connections.close_all()

        (var_dir / "registries").mkdir()
        registries = stack.enter_context(
            RegistriesServer(
                var_dir / "registries", size=args.people, workers=2, env={"LOG_LEVEL": "WARNING"}
            )
        )
        registries.import_registrations(json.loads((var_dir / "registration.json").read_text()))
        web_env = {**env, "MOTCUA_REGISTRIES_URL": registries.base_url}
        web = {
            name: GunicornProcess(
                app="motcua.wsgi:application",
                log_file=var_dir / f"web-{name}.log",
                ready_path="/api/v1/units/provinces",
                workers=1,
                threads=4,
            )
            for name in ("a", "b")
        }
        for process in web.values():
            process.start(lambda: web_env)
            stack.callback(process.stop)
        urls = {name: str(process.base_url) for name, process in web.items()}
        for url in urls.values():  # warm up: keys, connections, caches
            worker = submissions.Worker(url, sessions[0], communes[0])
            for _ in range(3):
                worker.submit()
                worker.trivial()
        pids = [process.process.pid for process in web.values() if process.process is not None]
        assert registries.server.process is not None
        meter = Meter(pids, registries.server.process.pid, database_url.rsplit("/", 1)[1])
        modes = {"1 web": [urls["a"]], "2 web": [urls["a"], urls["b"]]}
        actions = args.actions.split(",")
        print(
            f"PostgreSQL {database_url.rsplit('/', 1)[1]}, Redis cache; {args.clients} load processes × "
            f"{args.threads} threads; {args.seconds:.0f} s per mode, {args.rounds} rounds; "
            f"load average {_load()} before",
            flush=True,
        )
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        for round_number in range(1, args.rounds + 1):
            for action in actions:
                for mode, mode_urls in modes.items():
                    figures = measure(mode_urls, sessions, communes, action, args, meter)
                    results.setdefault((action, mode), []).append(figures)
                    print(
                        f"round {round_number}  {action:<8} {mode}  {figures['rate']:7.1f}/s  "
                        f"p50 {figures['p50']:7.1f} ms  p99 {figures['p99']:7.1f} ms  CPU per operation: "
                        f"web {figures['web_ms']:6.2f} ms, PostgreSQL {figures['postgres_ms']:5.2f} ms, "
                        f"registries {figures['registries_ms']:5.2f} ms  errors {figures['errors']:.0f}  "
                        f"load {figures['load']:.2f}",
                        flush=True,
                    )
    print(f"\nload average after: {_load()} (2 cores; other sessions share the machine)")
    print("best round of each mode:")
    for action in actions:
        best = {mode: max(results[action, mode], key=lambda figures: figures["rate"]) for mode in modes}
        for mode in modes:
            figures = best[mode]
            rates = [run["rate"] for run in results[action, mode]]
            print(
                f"  {action:<8} {mode}  {figures['rate']:7.1f}/s (mean {statistics.mean(rates):.1f})  "
                f"p50 {figures['p50']:7.1f} ms  web CPU {figures['web_ms']:.2f} ms  "
                f"PostgreSQL CPU {figures['postgres_ms']:.2f} ms per operation"
            )
        print(f"  {action:<8} scaling 2 web / 1 web: {best['2 web']['rate'] / best['1 web']['rate']:.2f}×")


if __name__ == "__main__":
    main()
