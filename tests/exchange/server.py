"""Run the reference registries as a real process, for tests and benchmarks.

``RegistriesServer(directory)`` gives the registries their own SQLite database, secret and
signing key under ``directory``, migrates, generates a small synthetic population (the demo
people included), and serves it under gunicorn on a free local port::

    with RegistriesServer(tmp_path) as registries:
        registries.import_registrations(document)      # `motcua registries agencies import`
        httpx.post(registries.query_url("population"), content=token)

``stop()`` and ``start()`` keep the port and the data, so a test can take the registries down
and bring them back. The test process never opens the registries' database for writing: it
talks HTTP, runs their commands, and only ``tamper()`` edits it on purpose.

With ``MOTCUA_TEST_REGISTRIES_DATABASE=postgres`` (the PostgreSQL pass of ``make test``) each
server gets a throw-away PostgreSQL database instead, dropped by ``close()``; ``PGHOST``,
``PGPORT`` and ``PGUSER`` say where.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from tests.gunicorn import BIN, GunicornProcess, free_port

__all__ = ["RegistriesServer", "free_port"]


class RegistriesServer:
    def __init__(
        self,
        directory: Path,
        *,
        seed: int = 7,
        size: int = 400,
        env: Mapping[str, str] | None = None,
        workers: int = 1,
        threads: int = 8,
        startup_timeout: float = 60.0,
    ) -> None:
        self.directory = Path(directory)
        self.seed = seed
        self.size = size
        self.extra_env = dict(env or {})
        self.server = GunicornProcess(
            app="motcua.registries.wsgi:application",
            log_file=self.directory / "server.log",
            ready_path="/health",
            workers=workers,
            threads=threads,
            startup_timeout=startup_timeout,
        )
        self._prepared = False
        self.postgres = os.environ.get("MOTCUA_TEST_REGISTRIES_DATABASE") == "postgres"
        self.database_name = f"motcua_registries_{secrets.token_hex(4)}"

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def query_url(self, registry: str) -> str:
        return f"{self.base_url}/v1/{registry}/query"

    @property
    def database_path(self) -> Path:
        return self.directory / "registries.sqlite3"

    @property
    def database_url(self) -> str:
        if self.postgres:
            where = f"{_pg('PGHOST', '127.0.0.1')}:{_pg('PGPORT', '5432')}"
            return f"postgres://{_pg('PGUSER', 'postgres')}@{where}/{self.database_name}"
        return f"sqlite:///{self.database_path}"

    @property
    def log_file(self) -> Path:
        return self.server.log_file

    def env(self, **overrides: str) -> dict[str, str]:
        environment = {
            name: value
            for name, value in os.environ.items()
            if name != "DJANGO_SETTINGS_MODULE" and not name.startswith("MOTCUA_REGISTRIES_")
        }
        environment.update(
            {
                "MOTCUA_ENV": "test",
                "MOTCUA_VAR_DIR": str(self.directory / "var"),
                "MOTCUA_REGISTRIES_DATABASE_URL": self.database_url,
                "MOTCUA_REGISTRIES_URL": self.base_url,
                "MOTCUA_REGISTRIES_SEAL_SECONDS": "1",
                **self.extra_env,
                **overrides,
            }
        )
        return environment

    def command(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run ``motcua registries <args>`` against these registries; never raises on failure."""
        return subprocess.run(
            [str(BIN / "motcua"), "registries", *args],
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def checked(self, *args: str) -> str:
        result = self.command(*args)
        if result.returncode != 0:
            raise RuntimeError(
                f"motcua registries {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def prepare(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.postgres:
            with _pg_admin() as connection:
                connection.execute(f'CREATE DATABASE "{self.database_name}"')
        self.checked("migrate", "--noinput", "-v", "0")
        self.checked("generate", "--seed", str(self.seed), "--size", str(self.size))
        self._prepared = True

    def import_registrations(self, document: Mapping[str, Any]) -> str:
        path = self.directory / f"registration-{time.monotonic_ns()}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return self.checked("agencies", "import", str(path))

    def jwks(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.base_url}/.well-known/jwks.json", timeout=5).json())

    # --- life cycle -------------------------------------------------------------------------------
    def start(self) -> RegistriesServer:
        """Serve (after preparing the data the first time); again on the same port after ``stop``."""
        if not self._prepared:
            self.prepare()
        self.server.start(self.env)
        return self

    def stop(self) -> None:
        self.server.stop()

    def worker_pids(self) -> list[int]:
        """The gunicorn master and its workers (Linux), for CPU accounting in benchmarks."""
        assert self.server.process is not None
        master = self.server.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [master, *map(int, children)]

    def close(self) -> None:
        """Stop for good: also drop a PostgreSQL database."""
        self.stop()
        if self.postgres and self._prepared:
            with _pg_admin() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            self._prepared = False

    def __enter__(self) -> RegistriesServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # --- evidence ---------------------------------------------------------------------------------
    def query(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        """Rows of a read-only query on the registries' database (``?`` placeholders)."""
        if self.postgres:
            import psycopg
            from psycopg.rows import dict_row

            with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as connection:
                connection.read_only = True
                return list(
                    connection.cursor(row_factory=dict_row).execute(sql.replace("?", "%s"), parameters)
                )
        with sqlite3.connect(f"file:{self.database_path}?mode=ro", uri=True) as connection:
            connection.row_factory = sqlite3.Row
            return [dict(row) for row in connection.execute(sql, parameters).fetchall()]

    def log_entries(self, **where: str) -> list[dict[str, Any]]:
        """Access-log rows, oldest first; ``where`` filters on columns by equality. ``detail`` and
        ``fields`` are decoded (SQLite gives them as text, PostgreSQL as JSON values)."""
        clauses = " AND ".join(f"{column} = ?" for column in where) or "1 = 1"
        rows = self.query(f"SELECT * FROM registries_logentry WHERE {clauses} ORDER BY id", *where.values())
        for row in rows:
            for column in ("detail", "fields"):
                if isinstance(row.get(column), str):
                    row[column] = json.loads(row[column])
        return rows

    def tamper(self, sql: str, *parameters: Any) -> None:
        """Edit the registries' database behind their back (tamper-evidence tests)."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as connection:
                connection.execute(sql.replace("?", "%s"), parameters)
            return
        with sqlite3.connect(self.database_path) as connection:
            connection.execute(sql, parameters)


def _pg(name: str, default: str) -> str:
    return os.environ.get(name, default)


@contextmanager
def _pg_admin() -> Iterator[Any]:
    import psycopg

    with psycopg.connect(
        host=_pg("PGHOST", "127.0.0.1"),
        port=int(_pg("PGPORT", "5432")),
        user=_pg("PGUSER", "postgres"),
        dbname="postgres",
        autocommit=True,
    ) as connection:
        yield connection
