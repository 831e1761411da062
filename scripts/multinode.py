"""A multi-node deployment in miniature, on one machine (ADR 0035).

    .venv/bin/python scripts/multinode.py [--postgres postgres://postgres@127.0.0.1:5432]
                                          [--redis-url redis://127.0.0.1:6379] [--json] [--keep DIR]
    make multinode

Two web processes (gunicorn, each on its own port, each with its own ``var`` directory as if on
its own machine) and a task worker share only what a production deployment shares:

- **PostgreSQL**: a throw-away database (created here, dropped at the end): every row, and the
  sessions (Django's database sessions);
- **Redis**: the cache and the rate-limit counters (``CACHE_URL=redis://…/0``) and the task queue
  (``MOTCUA_TASK_BACKEND=redis``, ``REDIS_URL=redis://…/1``); a ``redis-server`` of its own on a
  free port unless ``--redis-url`` names one;
- **object storage**: moto's standalone S3 server (a process of its own), a private bucket for
  every stored file (``MOTCUA_FILE_STORAGE=s3``);
- the reference registries, which are also the timestamp authority that signs need, elsewhere
  (their own process and database), and the development PKI standing in for the agencies' HSM.

Then one dossier goes through it: an applicant submits a birth registration through web A (five
API calls, every upload stored in the bucket); an official signs in with the password on web A
and the second factor on web B (one session, in the database); web B accepts, proposes, approves
(signing the result into the bucket) and returns it, and serves a scan web A stored; the worker
delivers the events (the applicant's "result ready" notification); the applicant downloads the
signed result through web A, byte for byte as issued. Finally no node's own directory holds a
stored file. Exits 0 when all of that held, 1 (naming what did not) otherwise, 2 when PostgreSQL
or Redis is missing. ``tests/ops/test_multinode.py`` runs it.
"""

# ruff: noqa: T201 - a command-line demonstration prints
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent

APPLICANT = ("001086027419", "Nguyễn Văn Minh", "1986-04-12")  # a demo person in every dataset
OFFICIAL = "canbo.multinode"
OFFICIAL_PASSWORD = "multinode demo password 2025"  # noqa: S105 - a throw-away demo account
COMMUNE = "00004"  # Ba Đình ward: its People's Committee (UBND.00004) receives birth registrations
AGENCY = "UBND.00004"
CHILD_ID = "001226000123"
ENTRIES = {
    "child_full_name": "Nguyễn Minh Khôi",
    "child_date_of_birth": "2026-11-20",
    "child_sex": "male",
    "child_place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    "requester_relationship": "father",
    "requester_full_name": APPLICANT[1],
}
PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n203\n%%EOF\n"
)
S3_KEY, S3_SECRET = "multinode", "multinode-secret"


class Unavailable(Exception):
    """A shared service the demonstration needs is not there (exit 2)."""


class Failed(Exception):
    """The demonstration ran and something did not hold (exit 1)."""


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise Failed(what)


def _wait(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise Failed(f"gave up waiting: {what}")
        time.sleep(0.1)


_STARTED = time.monotonic()


def _log(message: str) -> None:
    print(f"[multinode {time.monotonic() - _STARTED:5.1f} s] {message}", file=sys.stderr, flush=True)


# --- the shared services ------------------------------------------------------------------------
@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A throw-away database on ``server`` (``postgres://user@host:port``); its URL."""
    import psycopg

    name = f"motcua_multinode_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        raise Unavailable(f"PostgreSQL is not reachable at {server}: {exc}") from exc
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _log(f"dropped the database {name}")


def _free_port() -> int:
    from tests.gunicorn import free_port

    return free_port()


@contextmanager
def redis_server(url: str, directory: Path) -> Iterator[str]:
    """``url`` when given (checked), else a ``redis-server`` of our own on a free port."""
    import redis

    if url:
        try:
            redis.Redis.from_url(url, socket_timeout=3).ping()
        except redis.RedisError as exc:
            raise Unavailable(f"Redis is not reachable at {url}: {exc}") from exc
        yield url.rstrip("/")
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise Unavailable("redis-server is not installed (apt-get install redis-server), and no --redis-url")
    port = _free_port()
    log = (directory / "redis.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=directory,
    )
    own = f"redis://127.0.0.1:{port}"
    try:

        def answers() -> bool:
            try:
                return bool(redis.Redis.from_url(own, socket_timeout=1).ping())
            except redis.RedisError:
                return False

        _wait(answers, "redis-server to answer", timeout=20)
        yield own
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        _log("stopped: redis-server")


@contextmanager
def object_storage(directory: Path) -> Iterator[tuple[str, str]]:
    """moto's standalone S3 server as a process of its own, with one private bucket."""
    import boto3

    port = _free_port()
    log = (directory / "s3.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's server
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:

        def answers() -> bool:
            try:
                return httpx.get(f"{endpoint}/moto-api/", timeout=1).status_code < 500
            except httpx.HTTPError:
                return False

        _wait(answers, "the S3 server to answer", timeout=30)
        bucket = "motcua-multinode"
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            region_name="us-east-1",
        ).create_bucket(Bucket=bucket)
        yield endpoint, bucket
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def shared_environment(database_url: str, redis_url: str, s3: tuple[str, str], pki: Path) -> dict[str, str]:
    """What every node is given, as a production deployment gives it: the shared services and the
    secrets, from the environment (never from a node's own files)."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MOTCUA_", "DJANGO_", "OIDC_", "RATE_LIMIT_"))
        and name not in {"DATABASE_URL", "CACHE_URL", "REDIS_URL", "SECRET_KEY", "PORT", "DEBUG"}
    }
    endpoint, bucket = s3
    return {
        **inherited,
        "MOTCUA_ENV": "development",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "CACHE_URL": f"{redis_url}/0",
        "MOTCUA_TASK_BACKEND": "redis",
        "REDIS_URL": f"{redis_url}/1",
        "MOTCUA_TASK_WORKERS": "2",
        "MOTCUA_FILE_STORAGE": "s3",
        "MOTCUA_S3_ENDPOINT_URL": endpoint,
        "MOTCUA_S3_BUCKET": bucket,
        "MOTCUA_S3_REGION": "us-east-1",
        "MOTCUA_S3_ACCESS_KEY_ID": S3_KEY,
        "MOTCUA_S3_SECRET_ACCESS_KEY": S3_SECRET,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MOTCUA_EXCHANGE_KEY_SECRET": __import__("base64").b64encode(secrets.token_bytes(32)).decode(),
        "OIDC_RP_CLIENT_SECRET": secrets.token_urlsafe(30),
        "MOTCUA_PKI_DIR": str(pki),
        "MOTCUA_TRUST_ROOTS": str(pki / "root.cert.pem"),
        "MOTCUA_CRL_FILES": str(pki / "root.crl.pem"),
    }


def node_environment(shared: dict[str, str], directory: Path, static: Path | None = None) -> dict[str, str]:
    """One node's environment: the shared one, and a ``var`` directory of its own (its "disk");
    ``static``: the collected static files (built into every node's image in production)."""
    var = directory / "var"
    var.mkdir(parents=True, exist_ok=True)
    if static is not None and not (var / "static").exists():
        (var / "static").symlink_to(static)
    return {**shared, "MOTCUA_VAR_DIR": str(var), "MOTCUA_UPLOAD_DIR": str(var / "uploads")}


# --- preparing the installation (what an operator does once) ----------------------------------
def prepare(directory: Path, env: dict[str, str]) -> dict[str, Any]:
    """Migrate, load the reference data and the catalog, make the PKI, an applicant with a
    session and an official with a TOTP device; in this process, on the shared services."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django_otp.oath import TOTP
    from django_otp.util import random_hex
    from tests.identity.world import load_small_units, make_applicant

    from motcua.identity import services
    from motcua.identity.models import Role

    _log("prepare: Django set up")
    call_command("migrate", verbosity=0)
    _log("prepare: migrated")
    call_command("collectstatic", "--noinput", verbosity=0)
    _log("prepare: static files")
    load_small_units(directory)
    from motcua.catalog.services import sync_catalog
    from motcua.core.actors import SYSTEM

    sync_catalog(actor=SYSTEM)
    applicant = make_applicant(APPLICANT[0], APPLICANT[1], datetime.date.fromisoformat(APPLICANT[2]))
    browser = Client()
    browser.force_login(applicant, backend="motcua.identity.auth.EidBackend")
    official = services.create_official(
        actor=SYSTEM, username=OFFICIAL, full_name="Cán bộ một cửa", password=OFFICIAL_PASSWORD
    )
    for role in (Role.RECEPTION, Role.HANDLER, Role.APPROVER):
        services.grant_role(actor=SYSTEM, username=OFFICIAL, role=role, agency_code=AGENCY)
    key = random_hex(20)
    assert services.confirm_totp_device(
        user=official, key_hex=key, token=f"{TOTP(bytes.fromhex(key)).token():06d}"
    )
    connections.close_all()
    _log("prepare: reference data, catalog, accounts")
    return {
        "applicant_cookies": {name: morsel.value for name, morsel in browser.cookies.items()},
        "totp_key": key,
    }


# --- the nodes --------------------------------------------------------------------------------
class Nodes:
    """The registries (elsewhere), web A, web B and the worker, each a process of its own."""

    def __init__(self, directory: Path, shared: dict[str, str]) -> None:
        from tests.exchange.server import RegistriesServer
        from tests.gunicorn import GunicornProcess

        self.directory = directory
        self.shared = shared
        pki = Path(shared["MOTCUA_PKI_DIR"])
        (directory / "registries").mkdir(parents=True, exist_ok=True)
        self.registries = RegistriesServer(
            directory / "registries",
            size=50,
            env={
                "LOG_LEVEL": "WARNING",
                "MOTCUA_TSA_CERT_FILE": str(pki / "tsa.cert.pem"),
                "MOTCUA_TSA_KEY_FILE": str(pki / "tsa.key.pem"),
            },
        )
        self.shared["MOTCUA_REGISTRIES_URL"] = self.registries.base_url
        self.shared["MOTCUA_TSA_URL"] = f"{self.registries.base_url}/tsa"
        self.web = {
            name: GunicornProcess(
                app="motcua.wsgi:application",
                log_file=directory / f"web-{name}" / "web.log",
                ready_path="/readyz",
                workers=1,
                threads=4,
            )
            for name in ("a", "b")
        }
        self.worker: subprocess.Popen[bytes] | None = None
        self._worker_log: Any = None
        self._threads: list[threading.Thread] = []
        self._failures: list[BaseException] = []

    def _in_background(self, start: Callable[[], object]) -> None:
        def run() -> None:
            try:
                start()
            except BaseException as exc:  # raised by wait()
                self._failures.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        self._threads.append(thread)

    def start_registries(self) -> None:
        """The registries prepare (migrate, generate) and start while the platform is prepared."""
        self._in_background(self.registries.start)

    def start_platform(self, static: Path) -> None:
        for name, web in self.web.items():
            env = node_environment(self.shared, self.directory / f"web-{name}", static)
            self._in_background(lambda web=web, env=env: web.start(lambda: env))
        env = node_environment(self.shared, self.directory / "worker", static)
        self._worker_log = (self.directory / "worker" / "worker.log").open("ab")
        self.worker = subprocess.Popen(  # noqa: S603 - our own command
            [str(BIN / "motcua"), "run_huey"], env=env, stdout=self._worker_log, stderr=subprocess.STDOUT
        )

    def wait(self) -> None:
        for thread in self._threads:
            thread.join()
        self._threads.clear()
        if self._failures:
            raise self._failures[0]

    def stop(self) -> None:
        """Every process asked to stop at once, then each waited for."""
        for thread in self._threads:
            thread.join()
        processes = [web.process for web in self.web.values()] + [self.registries.server.process, self.worker]
        for process in processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for web in self.web.values():
            web.stop()
        _log("stopped: web A, web B")
        self.registries.close()
        if self.worker is not None:
            try:
                self.worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait(timeout=10)
        if self._worker_log is not None:
            self._worker_log.close()
        _log("stopped: registries, worker")

    def url(self, name: str) -> str:
        return str(self.web[name].base_url)


# --- the dossier --------------------------------------------------------------------------------
def _csrf(client: httpx.Client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies.get("csrftoken") or ""}


def submit_through(web_a: str, cookies: dict[str, str]) -> tuple[httpx.Client, str]:
    applicant = httpx.Client(base_url=web_a, cookies=cookies, timeout=30)
    applicant.get("/")  # the CSRF cookie
    started = applicant.post(
        "/api/v1/drafts",
        json={"procedure": "birth-registration", "commune_code": COMMUNE},
        headers=_csrf(applicant),
    )
    _check(
        started.status_code == 201,
        f"web A: starting a draft answered {started.status_code} {started.text[:300]}",
    )
    draft = started.json()["id"]
    consent = applicant.post(f"/api/v1/drafts/{draft}/consent", json={"accept": []}, headers=_csrf(applicant))
    _check(consent.status_code == 200, f"web A: consent answered {consent.status_code} {consent.text[:300]}")
    for component in consent.json()["components"]:
        if component["kind"] == "form":
            continue
        uploaded = applicant.post(
            f"/api/v1/drafts/{draft}/components/{component['id']}/file",
            files={"file": ("giay-to.pdf", PDF, "application/pdf")},
            headers=_csrf(applicant),
        )
        _check(
            uploaded.status_code == 200,
            f"web A: upload answered {uploaded.status_code} {uploaded.text[:300]}",
        )
    entries = applicant.put(
        f"/api/v1/drafts/{draft}/entries", json={"values": ENTRIES}, headers=_csrf(applicant)
    )
    _check(entries.status_code == 200, f"web A: the form answered {entries.status_code} {entries.text[:300]}")
    submitted = applicant.post(f"/api/v1/drafts/{draft}/submit", headers=_csrf(applicant))
    _check(
        submitted.status_code == 201, f"web A: submit answered {submitted.status_code} {submitted.text[:300]}"
    )
    return applicant, str(submitted.json()["code"])


def sign_in_across(web_a: str, web_b: str, totp_key: str) -> httpx.Client:
    """The password on web A, the second factor on web B: one session, kept in the database."""
    from django_otp.oath import TOTP

    official = httpx.Client(base_url=web_a, timeout=30)
    official.get("/can-bo/dang-nhap/")
    token = official.cookies.get("csrftoken") or ""
    password = official.post(
        "/can-bo/dang-nhap/",
        data={"username": OFFICIAL, "password": OFFICIAL_PASSWORD, "csrfmiddlewaretoken": token},
    )
    _check(password.status_code == 302, f"web A: the password step answered {password.status_code}")
    official.base_url = httpx.URL(web_b)
    code = f"{TOTP(bytes.fromhex(totp_key), drift=1).token():06d}"  # the current one confirmed the device
    second = official.post(
        "/can-bo/xac-thuc/",
        data={"token": code, "csrfmiddlewaretoken": official.cookies.get("csrftoken") or ""},
    )
    _check(
        second.status_code == 302 and "dang-nhap" not in second.headers.get("location", ""),
        f"web B: the second factor answered {second.status_code} {second.headers.get('location')}",
    )
    return official


def process_through(official: httpx.Client, code: str) -> list[str]:
    steps: list[str] = []
    for decision, extra in (
        ("accept", {}),
        ("propose", {}),
        ("approve", {"result": {"personal_id": CHILD_ID}}),
        ("return", {}),
    ):
        answer = official.post(
            f"/api/v1/inbox/{code}/decision", json={"decision": decision, **extra}, headers=_csrf(official)
        )
        _check(
            answer.status_code == 200, f"web B: {decision} answered {answer.status_code} {answer.text[:300]}"
        )
        steps.append(decision)
    dossier = official.get(f"/api/v1/inbox/{code}").json()
    scan = next(c["file"] for c in dossier["components"] if c["file"])
    served = official.get(f"/api/v1/inbox/{code}/files/{scan}")
    _check(served.status_code == 200 and served.content.startswith(b"%PDF"), "web B: a file web A stored")
    return steps


def run(args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    started = time.monotonic()
    with ExitStack() as stack:
        database_url = stack.enter_context(postgres_database(args.postgres.rstrip("/")))
        redis_url = stack.enter_context(redis_server(args.redis_url, directory))
        s3 = stack.enter_context(object_storage(directory))
        shared = shared_environment(database_url, redis_url, s3, directory / "pki")
        _log(f"shared: {database_url}, {redis_url} (cache /0, queue /1), s3 {s3[0]}/{s3[1]}")
        from motcua.documents.pki import DevPki

        DevPki(directory / "pki").init()  # the agencies' HSM, and the registries' timestamp key
        nodes = Nodes(directory, shared)
        stack.callback(nodes.stop)
        nodes.start_registries()
        prepared = prepare(directory / "prepare", node_environment(shared, directory / "prepare"))
        nodes.start_platform(directory / "prepare" / "var" / "static")
        nodes.wait()
        worker = nodes.worker.pid if nodes.worker else "?"
        _log(f"web A {nodes.url('a')}, web B {nodes.url('b')}, worker pid {worker}")
        ready = time.monotonic()

        applicant, code = submit_through(nodes.url("a"), prepared["applicant_cookies"])
        stack.callback(applicant.close)  # before the servers stop: no connection keeps them waiting
        _log(f"web A: submitted {code}")
        official = sign_in_across(nodes.url("a"), nodes.url("b"), prepared["totp_key"])
        stack.callback(official.close)
        steps = process_through(official, code)
        _log(f"web B: {', '.join(steps)}")

        results = applicant.get("/api/v1/results")
        _check(
            results.status_code == 200 and len(results.json()) == 1, f"web A: results {results.text[:300]}"
        )
        result = results.json()[0]
        pdf = applicant.get(f"/api/v1/results/{result['id']}/file")
        _check(pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), "web A: the signed result's file")

        def notified() -> bool:
            answer = applicant.get("/api/v1/notifications").json()
            items = answer.get("items", answer) if isinstance(answer, dict) else answer
            return any(item["kind"] == "result_ready" for item in items)

        _wait(notified, "the worker to notify the applicant that the result is ready", timeout=60)

        import boto3
        import redis

        from motcua.documents.models import ResultDocument, StoredFile

        issued = ResultDocument.objects.select_related("file").get()
        _check(
            hashlib.sha256(pdf.content).hexdigest() == issued.file.sha256,
            "the downloaded result is not as issued",
        )
        endpoint, bucket = s3
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            region_name="us-east-1",
        )
        keys = {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", ())}
        stored = set(StoredFile.objects.values_list("storage_name", flat=True))
        _check(keys == stored, f"the bucket holds {len(keys)} objects, the database {len(stored)} files")
        local = [str(p) for p in directory.glob("*/var/uploads/**/*") if p.is_file()]
        _check(not local, f"a node kept stored files on its own disk: {local[:3]}")
        cache_keys = redis.Redis.from_url(f"{redis_url}/0").dbsize()
        _check(cache_keys > 0, "nothing in the shared cache (rate limits)")
        from django.db import connections

        connections.close_all()
        _log("checked: the result as issued, the bucket, no node's disk, the shared cache")
        return {
            "dossier": code,
            "web_a": nodes.url("a"),
            "web_b": nodes.url("b"),
            "decisions_on_b": steps,
            "result": result["number"],
            "result_sha256": issued.file.sha256,
            "objects": len(keys),
            "shared_cache_keys": cache_keys,
            "seconds_to_start": round(ready - started, 1),
            "seconds_for_the_dossier": round(time.monotonic() - ready, 1),
        }
    raise AssertionError("unreachable")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("MOTCUA_MULTINODE_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("MOTCUA_MULTINODE_REDIS_URL", ""))
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--keep", default="", help="work in this directory and keep the logs")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        if args.keep:
            directory = Path(args.keep)
            directory.mkdir(parents=True, exist_ok=True)
        else:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="motcua-multinode-")))
        try:
            summary = run(args, directory)
        except Unavailable as exc:
            print(f"SKIPPED: the multi-node demonstration needs {exc}", file=sys.stderr)
            return 2
        except Failed as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            for log in sorted(directory.glob("*/*.log")) + sorted(directory.glob("*/*/*.log")):
                tail = log.read_text(errors="replace")[-2000:]
                if tail.strip():
                    print(f"--- {log.relative_to(directory)} ---\n{tail}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for name, value in summary.items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
