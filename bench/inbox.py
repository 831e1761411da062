"""Officials' inbox and dossier page with a million dossiers in the database.

    .venv/bin/python bench/inbox.py [--dossiers 1000000] [--samples 200] [--database-url URL]

Builds a database (kept under ``var/bench/`` and reused while the count matches) with the real
34 provinces and 3,321 communes, the catalog, and N dossiers spread over the communes' People's
Committees — about N / 3,321 per commune, so Hà Nội's 126 communes hold ~3.8% of them — with
the status mix of a running system (most dossiers closed) and appointment dates around today.
Then, signed in through the real password + TOTP pages, it measures in-process through Django's
test client (the whole middleware stack, session and second-factor check, scoped selectors,
templates; no socket), alternating the modes so drift hits them alike:

- ``home``: the officials' home page (session, roles, one small query) — the floor;
- ``inbox commune``: the inbox of a commune reception officer (first page, counts);
- ``inbox province``: the inbox of a province supervisor (126 communes in scope);
- ``inbox overdue``: the commune officer's inbox filtered to overdue dossiers;
- ``queue mine``: the dossiers waiting on a step the commune officer's role acts on;
- ``api inbox``: ``GET /api/v1/inbox`` for the commune officer;
- ``dossier``: one dossier's page (components, form, notices, history, and the decisions the
  officer may take, which loads the dossier's BPMN process).

It prints p50 and p99 of each, and the CPU time a request took in this process and, on
PostgreSQL, in its server backend (read from /proc: other load on a shared machine stretches the
wall time but hardly the CPU time). Goal (issue 5): inbox and dossier page under 50 ms p50.

On PostgreSQL the dossiers table is vacuumed and analysed before measuring, as autovacuum would
have done on a running server (the machine's PostgreSQL runs with autovacuum off; without it,
index-only scans read the heap for every row: see bench/README.md). ``--no-vacuum`` skips it.
The request log runs at ``LOG_LEVEL=WARNING`` unless set otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

STEP_OF = {"received": "reception_check", "supplement_requested": "supplement_at_handling"}
STATUSES = [("result_returned", 0.72), ("received", 0.18), ("supplement_requested", 0.04), ("refused", 0.06)]
ENTRIES = {
    "child_full_name": "Nguyễn Văn Bảo",
    "child_date_of_birth": "2026-11-20",
    "child_sex": "male",
    "child_place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    "requester_relationship": "father",
    "requester_full_name": "Nguyễn Văn An",
}
COMPONENTS = {
    "requester-identity": {"kind": "data", "provenance": "registry", "registry": "population"},
    "parents-marriage": {"kind": "data", "provenance": "registry", "registry": "civil_status"},
    "parents-residence": {"kind": "data", "provenance": "registry", "registry": "residence"},
    "birth-certificate": {"kind": "document", "provenance": "upload", "file": ""},
}
FETCHED = {
    "requester-identity": {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "1985-03-02",
        "personal_id": "001085012345",
        "permanent_residence": {"commune_code": "00004", "address": "Số 1 phố Đội Cấn, Phường Ba Đình"},
    },
    "parents-marriage": {"marriage": {"registered_on": "2015-10-10", "spouse_personal_id": "001188449624"}},
    "parents-residence": {
        "permanent_residence": {"commune_code": "00004", "address": "Số 1 phố Đội Cấn, Phường Ba Đình"}
    },
}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _configure(database_url: str, var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    os.environ["MOTCUA_ENV"] = "test"
    os.environ["MOTCUA_TASK_BACKEND"] = "memory"
    os.environ["MOTCUA_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("RATE_LIMIT_API_USER", "1000000/m")
    os.environ.setdefault("RATE_LIMIT_API_ADDRESS", "1000000/m")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DB_CONN_MAX_AGE", "86400")  # one server backend, whose CPU time is read
    import django

    django.setup()


def _build(count: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone
    from tests.identity.world import make_applicant

    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier
    from motcua.identity.models import Applicant
    from motcua.units.models import Agency

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("units", "load", verbosity=0)
    call_command("catalog", "load", verbosity=0)
    if Dossier.objects.count() == count:
        print(f"reusing the database: {count:,} dossiers")
        _set_steps()
        return
    print(f"building {count:,} dossiers …", flush=True)
    Dossier.objects.all().delete()
    applicant = Applicant.objects.filter(personal_id="001085012345").first() or Applicant.objects.get(
        user=make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))
    )
    procedure = Procedure.objects.get(code="birth-registration")
    agencies = list(
        Agency.objects.filter(agency_type="commune_peoples_committee").values_list("code", "commune__code")
    )
    rng = random.Random(2025)
    now = timezone.now()
    today = timezone.localdate()
    weights = [share for _status, share in STATUSES]
    names = [status for status, _share in STATUSES]
    sequence: dict[tuple[str, str], int] = {}
    started = time.perf_counter()
    batch: list[Dossier] = []
    for number in range(count):
        agency_code, commune_code = agencies[rng.randrange(len(agencies))]
        submitted = now - datetime.timedelta(seconds=rng.randrange(365 * 86400))
        day = f"{timezone.localtime(submitted):%y%m%d}"
        key = (agency_code, day)
        sequence[key] = sequence.get(key, 0) + 1
        status = rng.choices(names, weights)[0]
        step = STEP_OF.get(status, "done")  # set here: updating 800,000 rows afterwards bloats the table
        batch.append(
            Dossier(
                code=f"{agency_code}-{day}-{sequence[key]:04d}",
                procedure=procedure,
                spec_sha256=procedure.spec_sha256,
                applicant=applicant,
                submitted_by=applicant,
                commune_code=commune_code,
                agency_code=agency_code,
                channel="online",
                status=status,
                step=step,
                entries=ENTRIES,
                components=COMPONENTS,
                fetched=FETCHED,
                submitted_at=submitted,
                received_at=submitted,
                due_on=today + datetime.timedelta(days=rng.randrange(-20, 15)),
                working_days=5,
                updated_at=submitted,
            )
        )
        if len(batch) == 20_000 or number == count - 1:
            Dossier.objects.bulk_create(batch)
            batch = []
            done = number + 1
            print(f"  {done:,} ({done / (time.perf_counter() - started):,.0f}/s)", flush=True)
    _set_steps()


def _set_steps() -> None:
    """The process step each status implies (a database built before steps existed gets them too)."""
    from motcua.dossiers.models import Dossier, Step

    closed = Dossier.objects.exclude(status__in=["received", "supplement_requested"]).exclude(step=Step.DONE)
    closed.update(step=Step.DONE)
    Dossier.objects.filter(status="supplement_requested").exclude(step=Step.SUPPLEMENT_AT_HANDLING).update(
        step=Step.SUPPLEMENT_AT_HANDLING
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-vacuum", action="store_true", help="PostgreSQL: measure the table as it is")
    args = parser.parse_args()
    var_dir = REPO / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    _configure(args.database_url or f"sqlite:///{var_dir / f'inbox-{args.dossiers}.sqlite3'}", var_dir)

    from django.conf import settings
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    _build(args.dossiers)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if args.no_vacuum:
                cursor.execute("ANALYZE")
            else:
                started = time.perf_counter()
                cursor.execute("VACUUM (ANALYZE) dossiers_dossier")
                cursor.execute("ANALYZE")
                print(f"vacuumed and analysed in {time.perf_counter() - started:.0f} s")

    from tests.identity.world import make_official, official_client

    from motcua.dossiers.models import Dossier
    from motcua.identity.models import Role, User

    def signed_in(username: str, role: str, agency: str):  # type: ignore[no-untyped-def]
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            existing.username = f"{username}.{int(time.time())}"
            existing.save(update_fields=["username"])
        _user, key = make_official(username, [(role, agency)])
        return official_client(username, key)

    commune = signed_in("bench.tiepnhan", Role.RECEPTION, "UBND.00004")
    province = signed_in("bench.giamsat", Role.SUPERVISOR, "UBNDT.01")
    from motcua.dossiers.services.processing import start_process

    sample = Dossier.objects.filter(agency_code="UBND.00004", status="received").order_by("id").first()
    assert sample is not None
    if sample.process is None:  # the page loads its process to list the decisions the officer may take
        start_process(sample)
    in_commune = Dossier.objects.filter(agency_code="UBND.00004").count()
    in_province = Dossier.objects.filter(commune_code__in=_hanoi_communes()).count()
    print(
        f"{connection.vendor}: {Dossier.objects.count():,} dossiers; commune UBND.00004 has {in_commune:,}, "
        f"Hà Nội {in_province:,}"
    )

    modes = {
        "home": (commune, "/can-bo/"),
        "inbox commune": (commune, "/can-bo/ho-so/"),
        "inbox province": (province, "/can-bo/ho-so/"),
        "inbox overdue": (commune, "/can-bo/ho-so/?deadline=overdue"),
        "queue mine": (commune, "/can-bo/ho-so/?queue=mine"),
        "api inbox": (commune, "/api/v1/inbox"),
        "dossier": (commune, f"/can-bo/ho-so/{sample.code}/"),
    }
    for client, url in modes.values():  # warm up, and check every page answers
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    backend = _backend_pid(connection)
    timings: dict[str, list[float]] = {name: [] for name in modes}
    cpu: dict[str, list[float]] = {name: [0.0, 0.0] for name in modes}  # this process, the server
    for _ in range(args.samples):
        for name, (client, url) in modes.items():
            own, server = _cpu_seconds(), _backend_cpu_seconds(backend)
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            cpu[name][0] += _cpu_seconds() - own
            cpu[name][1] += _backend_cpu_seconds(backend) - server
            assert response.status_code == 200
    print(f"\n{'mode':<16} {'p50':>9} {'p99':>9} {'mean':>9} {'CPU here':>10} {'CPU server':>11}")
    for name, values in timings.items():
        here, there = (1000 * seconds / args.samples for seconds in cpu[name])
        print(
            f"{name:<16} {_percentile(values, 0.5):>7.1f}ms {_percentile(values, 0.99):>7.1f}ms "
            f"{statistics.fmean(values):>7.1f}ms {here:>8.1f}ms {there:>9.1f}ms"
        )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (1 min)")
    worst = max(_percentile(timings[name], 0.5) for name in modes if name != "home")
    print(f"\nslowest p50 of the inbox and dossier pages: {worst:.1f} ms (goal < 50 ms)")


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_pid(connection) -> int | None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _backend_cpu_seconds(pid: int | None) -> float:
    """User + system CPU of the PostgreSQL backend serving this process (0 on SQLite, where
    the database runs in this process and is counted there)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _hanoi_communes() -> list[str]:
    from motcua.units.models import Commune

    return list(Commune.objects.filter(province__code="01").values_list("code", flat=True))


if __name__ == "__main__":
    main()
