"""Payment notifications (IPN) handled per second, with the signature check and idempotency,
side by side with a trivial request; and the time from a notification to the dossier it pays
being free to move on (the payment hold lifted).

    .venv/bin/python bench/payments_ipn.py [--payments 300] [--rounds 3] [--database-url ...]

The platform's WSGI application is driven in this process (no sockets: Django, the middleware
and the operation are measured), one request at a time, in alternating rounds of four modes:

- ``trivial``: ``GET /healthz`` (the ceiling of a request through the same stack);
- ``ipn-new``: a signed notification of a payment not yet settled — HMAC-SHA512 check, the
  payment row locked, amount and currency compared, payment, ledger line, audit entry and
  ``payments.paid`` event written in one transaction, the raw notification kept;
- ``ipn-duplicate``: the same notification again (signature, lock, "02 already confirmed");
- ``ipn-forged``: a notification with a wrong signature ("97"; nothing but the raw copy kept).

After each ``ipn-new`` the dossier's holds are asked (``dossiers.holds.holding``, what the
reception officer's decision asks) and the time from sending the notification to the hold being
gone is recorded: the platform's share of "paid → the dossier moves on". The gateway's own share
(its sender polls every 0.1 s and retries unconfirmed notifications) is not in it.

PostgreSQL (``postgres://postgres@127.0.0.1:5432/motcua_bench_ipn``, recreated) when reachable,
else SQLite in a temporary directory. Prints the machine's load average: it is shared.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_submissions", HERE / "submissions.py")
assert _spec
assert _spec.loader
submissions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(submissions)

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/motcua_bench_ipn"
SECRET = "bench-merchant-secret-0123456789abcdef"
MODES = ("trivial", "ipn-new", "ipn-duplicate", "ipn-forged")


def _postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=2):
            return True
    except Exception:
        return False


def _payments(count: int) -> list[Any]:
    """``count`` received criminal-record dossiers with their unpaid payment requests."""
    from django.utils import timezone
    from tests.identity.world import make_applicant

    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Channel, Dossier
    from motcua.identity.models import Applicant
    from motcua.payments.models import Due, Payment
    from motcua.payments.services import DEFAULT_ACCOUNT

    user = make_applicant("001086027419", "Nguyễn Văn Minh", datetime.date(1986, 4, 12))
    applicant = Applicant.objects.get(user=user)
    procedure = Procedure.objects.get(code="criminal-record-certificate")
    now = timezone.now()
    made = []
    for number in range(count):
        dossier = Dossier.objects.create(
            code=f"BENCH-{number:06d}",
            procedure=procedure,
            spec_sha256=procedure.spec_sha256,
            applicant=applicant,
            submitted_by=applicant,
            commune_code="00004",
            agency_code="STP.01",
            channel=Channel.ONLINE,
            submitted_at=now,
            received_at=now,
            fee_vnd=200_000,
        )
        made.append(
            Payment.objects.create(
                reference=f"TTBENCH{number:06d}",
                dossier=dossier,
                agency_code="STP.01",
                unit_code="00004",
                procedure_code=procedure.code,
                amount_vnd=200_000,
                fees=[{"kind": "phi", "amount_vnd": 200_000}],
                due=Due.BEFORE_RECEPTION,
                account=DEFAULT_ACCOUNT,
            )
        )
    return made


def _notification(payment: Any, secret: str) -> str:
    from motcua.protocol import payments as wire

    params = wire.signed(
        {
            "vnp_Amount": wire.amount_to_wire(payment.amount_vnd),
            "vnp_CurrCode": "VND",
            "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00",
            "vnp_TmnCode": "MOTCUA",
            "vnp_TransactionNo": f"9{payment.id:09d}",
            "vnp_TxnRef": payment.reference,
            "vnp_PayDate": "20261207120000",
        },
        secret.encode(),
    )
    return f"/api/v1/payments/ipn?{urlencode(params)}"


def _measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from motcua.dossiers.holds import holding

    settings.MOTCUA_PAYMENT_SECRET = SECRET
    settings.MOTCUA_PAYMENT_MERCHANT = "MOTCUA"
    payments = _payments(args.payments * args.rounds)
    client = Client()
    seconds: dict[str, list[float]] = {mode: [] for mode in MODES}
    cpu: dict[str, list[float]] = {mode: [] for mode in MODES}
    replies: dict[str, set[str]] = {mode: set() for mode in MODES}
    to_free: list[float] = []
    load_before = os.getloadavg()
    for round_number in range(args.rounds):
        batch = payments[round_number * args.payments : (round_number + 1) * args.payments]
        for mode in MODES:
            paths = {
                "trivial": ["/healthz"] * len(batch),
                "ipn-new": [_notification(p, SECRET) for p in batch],
                "ipn-duplicate": [_notification(p, SECRET) for p in batch],
                "ipn-forged": [_notification(p, SECRET + "x") for p in batch],
            }[mode]
            started, started_cpu = time.perf_counter(), time.process_time()
            for payment, path in zip(batch, paths, strict=True):
                sent = time.perf_counter()
                answer = client.get(path)
                if mode == "trivial":
                    continue
                replies[mode].add(answer.json()["RspCode"])
                if mode == "ipn-new":
                    assert holding(payment.dossier, "accept") == []
                    to_free.append(time.perf_counter() - sent)
            seconds[mode].append((time.perf_counter() - started) / len(batch))
            cpu[mode].append((time.process_time() - started_cpu) / len(batch))
    return {
        "vendor": connection.vendor,
        "seconds": seconds,
        "cpu": cpu,
        "replies": replies,
        "to_free": sorted(to_free),
        "load_before": tuple(round(value, 2) for value in load_before),
        "load_after": tuple(round(value, 2) for value in os.getloadavg()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--payments", type=int, default=300, help="notifications per mode and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url", default="", help=f"default: {DEFAULT_POSTGRES} if reachable, else SQLite"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-ipn-") as directory:
        var_dir = Path(directory)
        database_url = args.database_url or (
            DEFAULT_POSTGRES
            if _postgres_reachable(DEFAULT_POSTGRES)
            else f"sqlite:///{var_dir / 'ipn.sqlite3'}"
        )
        env = submissions.prepare_platform(var_dir, database_url)
        env["DB_CONN_MAX_AGE"] = "3600"
        os.environ.update(env)
        import django

        django.setup()
        results = _measure(args)
    print(
        f"{results['vendor']}; {args.rounds} rounds of {args.payments} requests per mode, one at a time, "
        f"in-process WSGI; load average {results['load_before']} before, {results['load_after']} after "
        "(a shared, busy machine: compare the modes of one run, not runs)"
    )
    trivial = statistics.median(results["seconds"]["trivial"])
    for mode in MODES:
        wall = statistics.median(results["seconds"][mode])
        cpu = statistics.median(results["cpu"][mode])
        replies = ",".join(sorted(results["replies"][mode])) or "-"
        print(
            f"  {mode:<14} {1 / wall:8.0f} /s   {wall * 1000:6.2f} ms wall   {cpu * 1000:6.2f} ms CPU   "
            f"{trivial / wall * 100:5.1f}% of trivial   replies {replies}"
        )
    free = results["to_free"]
    print(
        "notification sent → dossier free to move on (hold lifted): "
        f"p50 {statistics.median(free) * 1000:.1f} ms, "
        f"p99 {free[int(len(free) * 0.99) - 1] * 1000:.1f} ms, max {free[-1] * 1000:.1f} ms over {len(free)}"
    )


if __name__ == "__main__":
    main()
