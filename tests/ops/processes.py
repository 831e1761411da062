"""The platform's own processes against the test database, for the recovery and backup tests.

``database_url()`` names the test database (the one pytest-django created) so that a worker or a
web server started here works on the same rows as the test; ``terminate_backends()`` is what a
database restart, a failover or an operator's ``pg_terminate_backend`` does to their connections.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from huey import SqliteHuey

from motcua.core import tasks as core_tasks
from tests.gunicorn import BIN


def require_postgresql(why: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"PostgreSQL only: {why} The PostgreSQL pass of `make test` runs this test.")


def database_url(application_name: str = "") -> str:
    """The test database as a DATABASE_URL (PostgreSQL: optionally naming the connections)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(str(db["USER"] or ""), safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(str(db["PASSWORD"]), safe="")
    url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"{url}?application_name={application_name}" if application_name else url


def admin_connection() -> psycopg.Connection[Any]:
    """A connection of its own to the test database (not Django's), in autocommit."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=int(db["PORT"] or 5432),
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        autocommit=True,
    )


def terminate_backends(*, application_name: str = "", pid: int | None = None) -> int:
    """End the server processes behind matching connections, waiting until each has exited
    (``pg_terminate_backend(pid, timeout)``); returns how many were ended."""
    with admin_connection() as admin:
        if pid is not None:
            rows = [(pid,)]
        else:
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = %s AND pid <> pg_backend_pid()",
                [application_name],
            ).fetchall()
        ended = 0
        for (backend,) in rows:
            result = admin.execute("SELECT pg_terminate_backend(%s, 10000)", [backend]).fetchone()
            ended += int(bool(result and result[0]))
        return ended


def platform_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a platform process working on the test database: this process's
    secrets (so that it opens the same sealed keys), its own var directory."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name != "DJANGO_SETTINGS_MODULE" and not name.startswith(("MOTCUA_REGISTRIES_", "MOTCUA_EID_"))
    }
    environment.update(
        {
            "MOTCUA_ENV": "test",
            "MOTCUA_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "MOTCUA_EXCHANGE_KEY_SECRET": settings.MOTCUA_EXCHANGE_KEY_SECRET,
            "OIDC_RP_CLIENT_SECRET": settings.OIDC_RP_CLIENT_SECRET,
            "MOTCUA_UPLOAD_DIR": str(settings.MOTCUA_UPLOAD_DIR),
            "CACHE_URL": "locmem://",
        }
    )
    environment.update(overrides)
    return environment


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 90.0) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds (a
    deadline for a stuck process, not a measurement)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


class WorkerProcess:
    """``motcua run_huey`` on a SQLite task queue of its own, working on the test database.

    ``dispatch()`` enqueues the on-demand event dispatcher through the same queue file (a
    producer registering the same task name, as a web process would); the worker's own outbox
    loop (ADR 0031) delivers the events as well, whichever comes first."""

    def __init__(self, directory: Path, *, env: Mapping[str, str], workers: int = 1) -> None:
        self.directory = directory
        self.queue_file = directory / "tasks.sqlite3"
        self.log_file = directory / "worker.log"
        self.env = {
            **env,
            "MOTCUA_TASK_BACKEND": "sqlite",
            "MOTCUA_TASK_DB": str(self.queue_file),
            "MOTCUA_TASK_WORKERS": str(workers),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)
        producer = SqliteHuey("motcua", filename=str(self.queue_file))
        self._dispatch = producer.task(name="dispatch_events_task")(core_tasks.dispatch_events_task.func)

    def start(self) -> WorkerProcess:
        self._log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "motcua"), "run_huey"], env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        return self

    def dispatch(self) -> None:
        self._dispatch()

    def output(self) -> str:
        return self.log_file.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
