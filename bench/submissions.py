"""End-to-end online submissions over HTTP, against a trivial view in the same run.

    .venv/bin/python bench/submissions.py [--seconds 20] [--rounds 2] [--threads 8] [--cache-url redis://...]
                                          [--database-url postgres://postgres@127.0.0.1:5432/motcua_bench]

Starts the platform under gunicorn (2 workers × 4 threads) and the reference registries beside
it (2 workers × 8 threads, 20,000 generated people), both real processes on this machine, with
the agencies' exchange keys made and registered as ``make run`` does. Load threads (8 by
default, each its own keep-alive connection and signed-in applicant session) each submit birth
registrations at their own commune, one after another; one submission is the applicant's whole
path through the API:

1. ``POST /api/v1/drafts`` — start a draft (routing to the commune's People's Committee);
2. ``POST /api/v1/drafts/{id}/consent`` — consent, and the prefill from three registries (signed
   requests, fetched in parallel, logged on both sides);
3. ``PUT /api/v1/drafts/{id}/entries`` — the form (validated);
4. ``POST /api/v1/drafts/{id}/components/birth-certificate/file`` — the one upload (a PDF);
5. ``POST /api/v1/drafts/{id}/submit`` — checks, dossier code, receipt, audit and event.

Alternating with it, the same threads request a trivial view (``GET /api/v1/units/provinces``:
34 rows from one table) for the same time. It prints submissions/s and the p50/p99 of a whole
submission, requests/s and p50/p99 of the trivial view, and the ratio, and the CPU time each of
them took in the platform's processes, the registries' and the load generator (from /proc, so
other load on the machine does not count; the PostgreSQL server's own CPU is not included). Goal (issue 5, on
PostgreSQL, 2 cores): ≥ 200 submissions/s with p99 < 250 ms. ``MOTCUA_BENCH_LOG=1`` prints the
end of the platform's log afterwards.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
# the tree whose tests' helpers (and, through PYTHONPATH, code) are measured: this one, or the
# baseline's that profile_submissions.py --baseline-ref exported
sys.path.insert(0, os.environ.get("MOTCUA_BENCH_TREE", str(REPO)))
BIN = Path(sys.executable).parent
# a one-page, well-formed PDF (the platform refuses one it cannot read; tests/identity/world.py)
PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n203\n%%EOF\n"
)
FORM = {
    "child_full_name": "Nguyễn Minh Khôi",
    "child_date_of_birth": "2026-11-20",
    "child_sex": "male",
    "child_place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    "requester_relationship": "father",
}
APPLICANT = ("001086027419", "Nguyễn Văn Minh", "1986-04-12")  # a demo person in every dataset


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def _environment(var_dir: Path, database_url: str, cache_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "MOTCUA_ENV": "development",
        "MOTCUA_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        # as in production: answers projected on their schemas, not validated (ADR 0051)
        "MOTCUA_API_CHECK_RESPONSES": os.environ.get("MOTCUA_API_CHECK_RESPONSES", "0"),
        "RATE_LIMIT_API_ADDRESS": "100000000/m",
        "RATE_LIMIT_API_USER": "100000000/m",
        **({"CACHE_URL": cache_url} if cache_url else {}),
    }


def _reset_postgres(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _motcua(env: dict[str, str], *args: str) -> None:
    import subprocess

    subprocess.run([str(BIN / "motcua"), *args], env=env, check=True, capture_output=True)


def prepare_platform(var_dir: Path, database_url: str, cache_url: str = "") -> dict[str, str]:
    """A fresh platform database (migrated, units and catalog loaded, exchange keys made and
    exported to ``var_dir/registration.json``); returns the platform's environment."""
    if database_url.startswith("postgres"):
        _reset_postgres(database_url)
    env = _environment(var_dir, database_url, cache_url)
    for command in (
        ["migrate"],
        ["createcachetable"],
        ["collectstatic", "--noinput"],
        ["units", "load"],
        ["catalog", "load"],
    ):
        _motcua(env, *command)
    _motcua(env, "exchange", "keys", "ensure")
    _motcua(env, "exchange", "keys", "export", str(var_dir / "registration.json"))
    return env


def session_cookies(user: Any) -> dict[str, str]:
    """Cookies of a signed-in session for ``user`` (Django set up with the platform's env)."""
    from django.test import Client

    browser = Client()
    browser.force_login(user, backend="motcua.identity.auth.EidBackend")
    return {name: morsel.value for name, morsel in browser.cookies.items()}


def communes(count: int) -> list[str]:
    """The first ``count`` communes of Hà Nội with a People's Committee."""
    from motcua.units.models import Agency

    return list(
        Agency.objects.filter(agency_type="commune_peoples_committee", province__code="01")
        .order_by("code")
        .values_list("commune__code", flat=True)[:count]
    )


class Worker:
    """One load thread: its own connection, session and commune."""

    def __init__(
        self,
        base_url: str,
        cookies: dict[str, str],
        commune: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.http = httpx.Client(base_url=base_url, cookies=cookies, timeout=30, transport=transport)
        home = self.http.get("/")  # the CSRF cookie
        token = self.http.cookies.get("csrftoken")
        assert token, (home.status_code, dict(self.http.cookies), home.headers.get("set-cookie"))
        self.headers = {"X-CSRFToken": token}
        self.commune = commune
        # a context manager around each call, by name (bench/profile_submissions.py times them)
        self.observe: Callable[[str], AbstractContextManager[None]] = lambda _label: nullcontext()

    def submit(self) -> None:
        post = self.http.post
        with self.observe("draft"):
            draft = post(
                "/api/v1/drafts",
                json={"procedure": "birth-registration", "commune_code": self.commune},
                headers=self.headers,
            )
        assert draft.status_code == 201, draft.text[:300]
        draft_id = draft.json()["id"]
        with self.observe("consent"):
            consent = post(
                f"/api/v1/drafts/{draft_id}/consent",
                json={"accept": ["requester-identity", "parents-marriage", "parents-residence"]},
                headers=self.headers,
            )
        states = {c["id"]: c["state"] for c in consent.json()["components"]}
        assert states["requester-identity"] == "fetched", states
        with self.observe("entries"):
            entries = self.http.put(
                f"/api/v1/drafts/{draft_id}/entries", json={"values": FORM}, headers=self.headers
            )
        assert entries.status_code == 200, entries.text[:300]
        with self.observe("upload"):
            upload = post(
                f"/api/v1/drafts/{draft_id}/components/birth-certificate/file",
                files={"file": ("giay-chung-sinh.pdf", PDF, "application/pdf")},
                headers=self.headers,
            )
        assert upload.status_code == 200, upload.text[:300]
        with self.observe("submit"):
            submitted = post(f"/api/v1/drafts/{draft_id}/submit", headers=self.headers)
        assert submitted.status_code == 201, submitted.text[:300]

    def trivial(self) -> None:
        with self.observe("trivial"):
            response = self.http.get("/api/v1/units/provinces")
        assert response.status_code == 200


def _cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by process ``root`` and its children (Linux /proc;
    NaN elsewhere). Load on the machine from anything else does not count."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    if root not in used:
        return float("nan")
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(used[pid] for pid in tree)


class CpuMeter:
    """CPU seconds of the platform's and the registries' processes, and of this load generator."""

    def __init__(self, platform_pid: int, registries_pid: int) -> None:
        self.pids = {"platform": platform_pid, "registries": registries_pid}

    def read(self) -> dict[str, float]:
        return {
            **{name: _cpu_seconds(pid) for name, pid in self.pids.items()},
            "load": time.process_time(),
        }


def _run(
    workers: list[Worker], action: Callable[[Worker], None], seconds: float, meter: CpuMeter
) -> tuple[float, list[float], dict[str, float]]:
    """Run ``action`` on every worker for ``seconds``: the rate, the latencies and the CPU
    seconds each process group used per action."""
    before = meter.read()
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    lock = threading.Lock()

    def loop(worker: Worker) -> None:
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            action(worker)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=loop, args=(worker,)) for worker in workers]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = meter.read()
    count = max(1, len(latencies))
    cpu = {name: (after[name] - before[name]) / count for name in after}
    return int(len(latencies) / (time.monotonic() - started) * 1000) / 1000, latencies, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache-url", default="", help="the platform's CACHE_URL (default: the DB cache)")
    args = parser.parse_args()

    from tests.exchange.server import RegistriesServer
    from tests.gunicorn import GunicornProcess

    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as directory:
        var_dir = Path(directory)
        database_url = args.database_url or f"sqlite:///{var_dir / 'platform.sqlite3'}"
        env = prepare_platform(var_dir, database_url, args.cache_url)
        os.environ.update(env)
        import django

        django.setup()
        from tests.identity.world import make_applicant

        user = make_applicant(APPLICANT[0], APPLICANT[1], datetime.date.fromisoformat(APPLICANT[2]))
        cookies = session_cookies(user)
        load_communes = communes(args.threads)

        registries = RegistriesServer(
            var_dir / "registries", size=args.people, workers=2, env={"LOG_LEVEL": "WARNING"}
        )
        (var_dir / "registries").mkdir()
        with registries:
            registries.import_registrations(json.loads((var_dir / "registration.json").read_text()))
            platform = GunicornProcess(
                app="motcua.wsgi:application",
                log_file=var_dir / "platform.log",
                ready_path="/api/v1/units/provinces",
                workers=2,
                threads=4,
            )
            platform.start(lambda: {**env, "MOTCUA_REGISTRIES_URL": registries.base_url})
            try:
                workers = [Worker(platform.base_url, cookies, commune) for commune in load_communes]
                for worker in workers:  # warm up: keys, connections, caches
                    worker.submit()
                assert platform.process is not None
                assert registries.server.process is not None
                meter = CpuMeter(platform.process.pid, registries.server.process.pid)
                results: dict[str, list[tuple[float, list[float], dict[str, float]]]] = {
                    "trivial": [],
                    "submit": [],
                }
                for _round in range(args.rounds):
                    results["trivial"].append(_run(workers, Worker.trivial, args.seconds, meter))
                    results["submit"].append(_run(workers, Worker.submit, args.seconds, meter))
            finally:
                platform.stop()
                if os.environ.get("MOTCUA_BENCH_LOG"):
                    print((var_dir / "platform.log").read_text()[-3000:])
        from django.db import connection

        vendor = connection.vendor
    print(
        f"{vendor}, cache {args.cache_url or 'db://motcua_cache (default)'}; "
        f"{args.threads} load threads; platform gunicorn 2×4, registries 2×8 "
        f"({args.people:,} people); {args.rounds} rounds of {args.seconds:.0f} s each"
    )
    summary = {}
    for name, rounds in results.items():
        rates = [rate for rate, _, _ in rounds]
        latencies = [value for _, values, _ in rounds for value in values]
        cpu = {group: statistics.fmean(r[2][group] for r in rounds) * 1000 for group in rounds[0][2]}
        summary[name] = max(rates)
        print(
            f"  {name:<8} {statistics.fmean(rates):8.1f}/s (best round {max(rates):.1f}/s)   "
            f"p50 {_percentile(latencies, 0.5) * 1000:7.1f} ms   "
            f"p99 {_percentile(latencies, 0.99) * 1000:7.1f} ms   CPU ms each: "
            + ", ".join(f"{group} {value:.1f}" for group, value in cpu.items())
        )
    print(
        f"submissions / trivial requests = {summary['submit'] / summary['trivial']:.3f} (best rounds); "
        "goal on PostgreSQL: ≥ 200 submissions/s, p99 < 250 ms"
    )
    # A submission is five API calls through the same stack as the trivial request, so no
    # submission path can beat five trivial requests: the ceiling this run measured.
    print(
        f"ceiling: five trivial requests per submission = {summary['trivial'] / 5:.1f} submissions/s "
        f"(best round); the submissions reached {summary['submit'] / (summary['trivial'] / 5):.0%} of it"
    )


if __name__ == "__main__":
    main()
