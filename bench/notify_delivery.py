"""Notifications delivered per second, by e-mail and by SMS.

    .venv/bin/python bench/notify_delivery.py [--dossiers 400] [--threads 4] [--database-url URL]

Builds a fresh database under ``var/bench/notify`` (SQLite unless ``--database-url``) with the
catalog and the real communes, N applicants (half with a verified e-mail address, half with a
verified phone) and one dossier each, and starts the development SMTP capture server
(``motcua mailcapture serve``) and the reference SMS gateway (``motcua smsgw serve``, 1 worker ×
4 threads) as real processes. Then, timed separately:

1. ``made``: the dossiers' "received" events dispatched by the outbox (one notification each,
   then its ``notify.notification_created`` event dispatched to the channel handlers: one
   delivery each);
2. ``email``: every e-mail delivery sent (claim, word it in the contact's language, SMTP to the
   capture server, record it), by ``--threads`` worker threads;
3. ``sms``: every SMS delivery sent (the same, over the signed gateway protocol).

It prints deliveries/s for each, the per-delivery p50/p99 of the sends, and the load average
before and after (a shared machine: other load stretches the figures). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
VAR = REPO / "var" / "bench" / "notify"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _configure(database_url: str, sms_url: str, smtp_port: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    os.environ["MOTCUA_ENV"] = "test"
    os.environ["MOTCUA_TASK_BACKEND"] = "memory"
    os.environ["MOTCUA_VAR_DIR"] = str(VAR)
    os.environ["DATABASE_URL"] = database_url
    os.environ["MOTCUA_SMS_GATEWAY_URL"] = sms_url
    os.environ["MOTCUA_SMS_GATEWAY_SECRET"] = "bench-secret"
    os.environ["MOTCUA_SMTP_PORT"] = str(smtp_port)
    os.environ["MOTCUA_SMS_RECEIPT_URL"] = "http://127.0.0.1:9/receipts"  # nobody listens: receipts dropped
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _build(count: int) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from tests.identity.world import make_applicant

    from motcua.catalog.models import Procedure
    from motcua.core.actors import SYSTEM
    from motcua.core.services import record_change
    from motcua.dossiers.events import DossierEvent, DossierSubject
    from motcua.dossiers.models import Dossier
    from motcua.notify.models import ContactPoint

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("units", "load", verbosity=0)
    call_command("catalog", "load", verbosity=0)
    procedure = Procedure.objects.get(code="birth-registration")
    now = timezone.now()
    for number in range(count):
        user = make_applicant(f"0010850{number:05d}", f"Người thử {number}", datetime.date(1985, 3, 2))
        applicant = user.applicant
        channel = "email" if number % 2 == 0 else "sms"
        address = f"nguoi{number}@example.vn" if channel == "email" else f"+849{number:08d}"
        ContactPoint.objects.create(
            applicant=applicant, channel=channel, address=address, verified_at=now, language="vi"
        )
        code = f"UBND.00004-261207-{number:04d}"
        with transaction.atomic():
            Dossier.objects.create(
                code=code,
                procedure=procedure,
                spec_sha256=procedure.spec_sha256,
                applicant=applicant,
                submitted_by=applicant,
                commune_code="00004",
                agency_code="UBND.00004",
                channel="online",
                status="received",
                submitted_at=now,
                received_at=now,
                due_on=timezone.localdate() + datetime.timedelta(days=5),
                working_days=5,
                updated_at=now,
            )
            record_change(
                actor=SYSTEM,
                type=DossierEvent.DOSSIER_SUBMITTED,
                subject_type=DossierSubject.DOSSIER,
                subject_id=code,
                agency_code="UBND.00004",
                payload={"due_on": str(timezone.localdate())},
            )


def _send_all(channel: str, threads: int) -> tuple[int, float, list[float]]:
    from django.db import close_old_connections

    from motcua.notify.models import Delivery, DeliveryStatus
    from motcua.notify.services import deliveries

    ids = list(
        Delivery.objects.filter(channel=channel, status=DeliveryStatus.PENDING).values_list("id", flat=True)
    )
    durations: list[float] = []

    def send(delivery_id: int) -> str:
        started = time.perf_counter()
        try:
            return deliveries.send_delivery(delivery_id)
        finally:
            durations.append(time.perf_counter() - started)
            close_old_connections()

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        outcomes = list(pool.map(send, ids))
    elapsed = time.perf_counter() - started
    sent = sum(1 for outcome in outcomes if outcome == DeliveryStatus.SENT)
    return sent, elapsed, durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    database_url = options.database_url or f"sqlite:///{VAR / 'motcua.sqlite3'}"
    from tests.notify.servers import MailCaptureServer, SmsGatewayServer

    load_before = os.getloadavg()
    with (
        MailCaptureServer(VAR / "mail") as mail,
        SmsGatewayServer(VAR / "smsgw", secret="bench-secret") as gateway,
    ):
        _configure(database_url, gateway.base_url, mail.port)
        print(f"building {options.dossiers} applicants, contacts and dossiers …", flush=True)
        _build(options.dossiers)

        from motcua.core.outbox import dispatch_pending_events
        from motcua.notify.models import Delivery

        started = time.perf_counter()
        while dispatch_pending_events().dispatched:
            pass
        made_seconds = time.perf_counter() - started
        made = Delivery.objects.count()
        print(f"made     {made:6d} deliveries in {made_seconds:6.2f} s: {made / made_seconds:8.1f}/s")
        for channel in ("email", "sms"):
            sent, elapsed, durations = _send_all(channel, options.threads)
            p50, p99 = 1000 * statistics.median(durations), 1000 * _percentile(durations, 0.99)
            print(
                f"{channel:8s} {sent:6d} sent       in {elapsed:6.2f} s: {sent / elapsed:8.1f}/s"
                f"   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"
            )
        captured, kept = len(mail.mailbox()), len(gateway.messages())
        print(f"captured {captured} e-mails, the gateway kept {kept} SMS")
    load_after = os.getloadavg()
    before, after = load_before[0], load_after[0]
    print(f"load average before {before:.2f}, after {after:.2f} (1 min); threads {options.threads}")


if __name__ == "__main__":
    main()
