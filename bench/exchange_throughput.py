"""Signed exchange throughput against the same lookup unsigned and unlogged, in one run.

    .venv/bin/python bench/exchange_throughput.py [--people 20000] [--seconds 10] [--rounds 2]

Starts the reference registries (gunicorn, ``--workers`` processes, SQLite in a temporary
directory) with the benchmark-only direct endpoint open, registers one agency key, and drives
them from ``--clients`` load processes of ``--threads`` threads each, over keep-alive HTTP:

- ``health``: a trivial JSON view of the same server: the ceiling of this machine and set-up;
- ``direct``: ``GET /bench/direct/population`` — the same record lookup and field selection, no
  signature, no log (what a registry without the exchange layer would do);
- ``signed``: the platform's real client (``ExchangeClient.call``) — a consent token signed for
  the request (ADR 0022), a fresh nonce, an Ed25519 signature, the registry's verification of
  both, policy check, lookup, access-log insert (sealed into the hash chain in the background)
  and signed answer, which the client verifies.

Modes alternate for ``--rounds`` rounds so drift on the machine hits them alike. Each prints
requests/s, p50 and p99; the summary prints signed/direct (goal ≥ 60%, issue 16; X-Road's published
figure is ~11%) and each mode's share of the health ceiling. The load processes share the two
cores with the server, as a platform's web processes would; client-side signing and
verification are part of the signed cost.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

from registries_bench import ISSUER, load_arguments, percentile, started_registries  # noqa: E402

FIELDS = ("full_name", "date_of_birth", "personal_id", "permanent_residence")
AGENCY = "BENCH.UBND.1"


def _worker(
    mode: str,
    base_url: str,
    subjects: list[str],
    key_jwk: dict[str, Any],
    consent_jwk: dict[str, Any],
    seconds: float,
    threads: int,
    queue: Any,
) -> None:
    from tests.exchange.consents import ConsentIssuer

    from motcua.exchange.client import PullStatus, connect
    from motcua.protocol import ExchangeRequest, key_from_jwk

    key = key_from_jwk(key_jwk)
    issuer = ConsentIssuer(ISSUER, key=key_from_jwk(consent_jwk))
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run() -> None:
        nonlocal errors
        client = connect(base_url, timeout=5.0, retries=0, breaker_failures=1_000_000, parallel=1)
        http = client.http
        endpoints = client.endpoints
        rng = random.Random()
        mine: list[float] = []
        failed = 0
        while time.perf_counter() < stop_at:
            subject = rng.choice(subjects)
            started = time.perf_counter()
            if mode == "health":
                ok = http.get(f"{base_url}/health").status_code == 200
            elif mode == "direct":
                response = http.get(
                    f"{base_url}/bench/direct/population",
                    params={"subject": subject, "fields": ",".join(FIELDS)},
                )
                ok = response.status_code == 200 and response.json()["status"] == "ok"
            else:
                request = ExchangeRequest(
                    agency=AGENCY,
                    registry="population",
                    procedure="birth-registration",
                    dossier="bench",
                    purpose="Đo hiệu năng",
                    legal_basis="qd-06-2022",
                    subject=subject,
                    fields=FIELDS,
                    requester=subject,  # each person asks about themselves
                    consent="",
                    request_id=str(uuid.uuid4()),
                )
                request = issuer.consented(request)
                outcome = client.call(
                    breaker_name="population",
                    url=endpoints.query_url("population"),
                    claims_for=lambda nonce, iat, request=request: {
                        **request.claims(),
                        "nonce": nonce,
                        "iat": iat,
                    },
                    key=key,
                    agency=AGENCY,
                    deadline=time.monotonic() + 5,
                )
                ok = outcome.status == PullStatus.OK
            elapsed = time.perf_counter() - started
            if ok:
                mine.append(elapsed)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((latencies, errors, usage.ru_utime + usage.ru_stime))


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure(
    mode: str,
    base_url: str,
    subjects: list[str],
    key_jwk: dict[str, Any],
    consent_jwk: dict[str, Any],
    args: argparse.Namespace,
    server_pids: list[int],
) -> dict[str, float]:
    queue: Any = multiprocessing.get_context("spawn").Queue()
    server_cpu = _cpu_seconds(server_pids)
    processes = [
        multiprocessing.get_context("spawn").Process(
            target=_worker,
            args=(mode, base_url, subjects, key_jwk, consent_jwk, args.seconds, args.threads, queue),
        )
        for _ in range(args.clients)
    ]
    for process in processes:
        process.start()
    latencies: list[float] = []
    errors = 0
    client_cpu = 0.0
    for _ in processes:
        got, failed, cpu = queue.get()
        latencies.extend(got)
        errors += failed
        client_cpu += cpu
    for process in processes:
        process.join()
    server_cpu = _cpu_seconds(server_pids) - server_cpu
    return {
        "rps": len(latencies) / args.seconds,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": errors,
        "server_ms": server_cpu * 1000 / max(len(latencies), 1),  # CPU per request
        "client_ms": client_cpu * 1000 / max(len(latencies), 1),
    }


def main() -> None:
    args = load_arguments(__doc__, people=20_000, seconds=10.0)

    with started_registries(
        args,
        agency=AGENCY,
        agency_type="commune_peoples_committee",
        env={"MOTCUA_REGISTRIES_DIRECT_ENDPOINT": "1"},
    ) as (
        server,
        key,
        consent_key,
    ):
        from motcua import protocol

        subjects = [
            row["personal_id"]
            for row in server.query(
                "SELECT personal_id FROM registry_data_person WHERE died_on IS NULL ORDER BY personal_id"
            )
        ]
        print(
            f"{len(subjects):,} living people; {args.clients} load processes × {args.threads} threads, "
            f"{args.seconds:.0f} s per mode, {args.rounds} rounds; load average {os.getloadavg()[0]:.2f}"
        )
        results: dict[str, list[dict[str, float]]] = {"health": [], "direct": [], "signed": []}
        for round_number in range(1, args.rounds + 1):
            for mode in ("health", "direct", "signed"):
                figures = measure(
                    mode,
                    server.base_url,
                    subjects,
                    protocol.private_jwk(key),
                    protocol.private_jwk(consent_key),
                    args,
                    server.worker_pids(),
                )
                results[mode].append(figures)
                print(
                    f"round {round_number}  {mode:<7} {figures['rps']:8.0f} req/s   "
                    f"p50 {figures['p50_ms']:6.2f} ms   p99 {figures['p99_ms']:6.2f} ms   "
                    f"CPU/request server {figures['server_ms']:.2f} "
                    f"client {figures['client_ms']:.2f} ms   "
                    f"errors {figures['errors']:.0f}"
                )
        sealed = server.checked("log", "verify").strip()
    best = {mode: max(runs, key=lambda figures: figures["rps"]) for mode, runs in results.items()}
    print()
    print("best round of each mode:")
    for mode in ("health", "direct", "signed"):
        figures = best[mode]
        print(
            f"  {mode:<7} {figures['rps']:8.0f} req/s   p50 {figures['p50_ms']:6.2f} ms   "
            f"p99 {figures['p99_ms']:6.2f} ms   "
            f"{figures['rps'] / best['health']['rps']:6.1%} of the health ceiling"
        )
    ratio = best["signed"]["rps"] / best["direct"]["rps"]
    means = {mode: statistics.mean(figures["rps"] for figures in runs) for mode, runs in results.items()}
    print(
        f"signed / direct: {ratio:.1%} (best rounds), "
        f"{means['signed'] / means['direct']:.1%} (means); goal ≥ 60% (issue 16)"
    )
    print(f"access log after the run: {sealed}")
    print(f"load average after the run: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
