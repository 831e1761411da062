"""Signed writes to the registries against signed reads, side by side (ADR 0043).

    .venv/bin/python bench/registry_writes.py [--people 100000] [--seconds 5] [--rounds 2]

Starts the reference registries (gunicorn, ``--workers`` processes, SQLite in a temporary
directory), registers the portal's key and a consent issuer, and drives them from ``--clients``
load processes of ``--threads`` threads each with the platform's real client:

- ``health``: a trivial JSON view of the same server (the ceiling of this machine and set-up);
- ``read``: a signed read of one owner's camera-detected fines (``traffic_fines``, by personal ID
  number, with a consent token): verify, consent check, policy, lookup, access-log insert, signed
  answer, verified by the client;
- ``write``: a signed ``mark_paid`` of one unpaid fine (``ExchangeClient.write``): verify,
  policy, replay pre-check, the fine locked, checked and updated and the answer kept
  (``WriteRecord``) in one transaction, access-log insert, signed answer. Each fine is paid once,
  so the fines of the dataset bound a round: the run stops a mode early when they run out;
- ``repeat``: the same write sent again (same request id and body, a new nonce): the kept
  answer, nothing written (what a retry after a lost answer costs).

Modes alternate for ``--rounds`` rounds. Each prints requests/s, p50 and p99 and the load
average; the summary prints write/read and repeat/read. The load processes share the cores with
the server, as a platform's workers would.
"""

from __future__ import annotations

import multiprocessing
import os
import random
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

AGENCY = "BENCH.PORTAL"
FIELDS = ("violation_id", "plate", "fine_vnd", "status", "payment")


def _worker(
    mode: str,
    base_url: str,
    owners: list[str],
    fines: list[dict[str, Any]],
    key_jwk: dict[str, Any],
    consent_jwk: dict[str, Any],
    seconds: float,
    threads: int,
    queue: Any,
) -> None:
    from tests.exchange.consents import ConsentIssuer

    from motcua.exchange.client import PullStatus, connect
    from motcua.protocol import ExchangeRequest, WriteRequest, key_from_jwk

    key = key_from_jwk(key_jwk)
    issuer = ConsentIssuer(ISSUER, key=key_from_jwk(consent_jwk))
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    todo = list(fines)
    stop_at = time.perf_counter() + seconds

    def write_for(fine: dict[str, Any], request_id: str) -> WriteRequest:
        return WriteRequest(
            agency=AGENCY, registry="traffic_fines", procedure="traffic-fine-payment", dossier="bench",
            purpose="Đo hiệu năng", legal_basis="nd-118-2021", subject=fine["owner_id"],
            operation="mark_paid",
            body={"violation_id": fine["violation_id"], "payment_reference": f"BENCH-{fine['violation_id']}",
                  "amount_vnd": int(fine["fine_vnd"]), "paid_on": "2026-11-02"},
            request_id=request_id,
        )  # fmt: skip

    def run() -> None:
        nonlocal errors
        client = connect(base_url, timeout=5.0, retries=0, breaker_failures=1_000_000, parallel=1)
        rng = random.Random()
        mine: list[float] = []
        failed = 0
        repeated: WriteRequest | None = None
        while time.perf_counter() < stop_at:
            if mode == "write" or (mode == "repeat" and repeated is None):
                with lock:
                    fine = todo.pop() if todo else None
                if fine is None:
                    break  # every unpaid fine of this load process is paid
                request = write_for(fine, str(uuid.uuid4()))
                if mode == "repeat":  # the first send, not measured: the write to repeat
                    if client.write(request, key).status != PullStatus.OK:
                        failed += 1
                    repeated = request
                    continue
            started = time.perf_counter()
            if mode == "health":
                ok = client.http.get(f"{base_url}/health").status_code == 200
            elif mode == "read":
                owner = rng.choice(owners)
                read = issuer.consented(
                    ExchangeRequest(
                        agency=AGENCY, registry="traffic_fines", procedure="traffic-fine-payment",
                        dossier="bench", purpose="Đo hiệu năng", legal_basis="nd-118-2021", subject=owner,
                        fields=FIELDS, requester=owner, consent="", request_id=str(uuid.uuid4()),
                    )
                )  # fmt: skip
                outcome = client.call(
                    breaker_name="traffic_fines",
                    url=client.endpoints.query_url("traffic_fines"),
                    claims_for=lambda nonce, iat, read=read: {**read.claims(), "nonce": nonce, "iat": iat},
                    key=key,
                    agency=AGENCY,
                    deadline=time.monotonic() + 5,
                )
                ok = outcome.status == PullStatus.OK
            else:
                assert mode == "write" or repeated is not None
                outcome = client.write(request if mode == "write" else repeated, key)  # type: ignore[arg-type]
                ok = outcome.status == PullStatus.OK
            elapsed = time.perf_counter() - started
            if ok:
                mine.append(elapsed)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((latencies, errors, time.perf_counter() - started))


def measure(
    mode: str, base_url: str, owners: list[str], fines: list[dict[str, Any]], keys: tuple, args: Any
) -> dict:
    context = multiprocessing.get_context("spawn")
    queue: Any = context.Queue()
    share = len(fines) // args.clients
    processes = [
        context.Process(
            target=_worker,
            args=(
                mode,
                base_url,
                owners,
                fines[index * share : (index + 1) * share],
                *keys,
                args.seconds,
                args.threads,
                queue,
            ),
        )
        for index in range(args.clients)
    ]
    for process in processes:
        process.start()
    latencies: list[float] = []
    errors = 0
    elapsed = 0.0
    for _ in processes:
        got, failed, seconds = queue.get()
        latencies.extend(got)
        errors += failed
        elapsed = max(elapsed, seconds)
    for process in processes:
        process.join()
    return {
        "rps": len(latencies) / max(elapsed, 1e-9),
        "count": len(latencies),
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": errors,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    args = load_arguments(__doc__, people=100_000, seconds=5.0)

    with started_registries(args, agency=AGENCY, agency_type="portal", env={}) as (
        server,
        key,
        consent_key,
    ):
        from motcua import protocol

        keys = (protocol.private_jwk(key), protocol.private_jwk(consent_key))
        fines = server.query(
            "SELECT violation_id, owner_id, fine_vnd FROM registry_data_traffic_violation "
            "WHERE status = 'unpaid' AND length(owner_id) = 12 ORDER BY violation_id"
        )
        owners = sorted({fine["owner_id"] for fine in fines})
        random.Random(1).shuffle(fines)
        print(
            f"{len(fines):,} unpaid fines of {len(owners):,} owners; {args.clients} load processes × "
            f"{args.threads} threads, {args.seconds:.0f} s per mode, {args.rounds} rounds; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        results: dict[str, list[dict[str, float]]] = {
            mode: [] for mode in ("health", "read", "write", "repeat")
        }
        per_round = len(fines) // args.rounds
        for round_number in range(args.rounds):
            mine = fines[round_number * per_round : (round_number + 1) * per_round]
            half = len(mine) // 2
            for mode, batch in (
                ("health", []),
                ("read", []),
                ("write", mine[:half]),
                ("repeat", mine[half:]),
            ):
                figures = measure(mode, server.base_url, owners, batch, keys, args)
                results[mode].append(figures)
                print(
                    f"round {round_number + 1}  {mode:<7} {figures['rps']:8.0f} req/s   "
                    f"p50 {figures['p50_ms']:6.2f} ms   p99 {figures['p99_ms']:6.2f} ms   "
                    f"({figures['count']:.0f} answers, errors {figures['errors']:.0f}, "
                    f"load average {figures['load']:.2f})"
                )
        verified = server.checked("log", "verify").strip()
    best = {mode: max(runs, key=lambda figures: figures["rps"]) for mode, runs in results.items()}
    means = {mode: statistics.mean(figures["rps"] for figures in runs) for mode, runs in results.items()}
    print()
    print("best round of each mode:")
    for mode, figures in best.items():
        print(
            f"  {mode:<7} {figures['rps']:8.0f} req/s   p50 {figures['p50_ms']:6.2f} ms   "
            f"p99 {figures['p99_ms']:6.2f} ms   "
            f"{figures['rps'] / best['health']['rps']:6.1%} of the health ceiling"
        )
    print(
        f"write / read: {best['write']['rps'] / best['read']['rps']:.1%} (best), "
        f"{means['write'] / means['read']:.1%} (means); repeat / read: "
        f"{best['repeat']['rps'] / best['read']['rps']:.1%}"
    )
    print(f"access log after the run: {verified}")


if __name__ == "__main__":
    main()
