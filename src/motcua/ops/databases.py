"""Consistent copies of a database and their restoration, for SQLite and PostgreSQL.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the whole database in one
  step under one read transaction, so the copy is one committed state while writers go on (WAL
  lets them); the copy is switched to a rollback journal so that it is one self-contained file.
- PostgreSQL: a ``REPEATABLE READ`` transaction exports its snapshot, ``pg_dump --snapshot`` dumps
  exactly that state, and the same transaction reads what the backup needs to know of it (the
  stored files' rows, the applied migrations) before it ends. ``pg_restore --single-transaction``
  restores all of it or nothing.

The password never appears on a command line (``PGPASSWORD`` in the tool's environment).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from psycopg.conninfo import make_conninfo

# connection options of Django's PostgreSQL settings that libpq understands
_LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "application_name",
    "connect_timeout",
    "target_session_attrs",
}


class DatabaseToolError(RuntimeError):
    pass


@dataclass(frozen=True)
class Database:
    """One database to back up or to restore into: its engine and where it is."""

    label: str  # platform | registries | eid
    engine: str  # sqlite | postgresql
    path: Path | None = None  # SQLite
    params: Mapping[str, Any] = field(default_factory=dict)  # PostgreSQL: host, port, user, dbname, …
    password: str = ""

    @classmethod
    def from_django(cls, label: str, settings_dict: Mapping[str, Any]) -> Database:
        engine = str(settings_dict["ENGINE"])
        if engine == "django.db.backends.sqlite3":
            return cls(label, "sqlite", path=Path(str(settings_dict["NAME"])))
        if engine == "django.db.backends.postgresql":
            options = dict(settings_dict.get("OPTIONS") or {})
            params: dict[str, Any] = {
                "host": settings_dict.get("HOST") or "",
                "port": str(settings_dict.get("PORT") or ""),
                "user": settings_dict.get("USER") or "",
                "dbname": settings_dict["NAME"],
                **{key: value for key, value in options.items() if key in _LIBPQ_OPTIONS},
            }
            params = {key: value for key, value in params.items() if value not in ("", None)}
            return cls(label, "postgresql", params=params, password=str(settings_dict.get("PASSWORD") or ""))
        raise DatabaseToolError(
            f"{label}: the {engine} engine cannot be backed up (SQLite or PostgreSQL only)."
        )

    @classmethod
    def from_url(cls, label: str, url: str) -> Database:
        return cls.from_django(label, dict(dj_database_url.parse(url)))

    @property
    def where(self) -> str:
        """For messages: the file, or host/database (never the password)."""
        if self.engine == "sqlite":
            return str(self.path)
        host, port = self.params.get("host", "localhost"), self.params.get("port", "5432")
        return f"{host}:{port}/{self.params['dbname']}"

    @property
    def dump_name(self) -> str:
        return f"{self.label}.sqlite3" if self.engine == "sqlite" else f"{self.label}.dump"

    # --- PostgreSQL plumbing ----------------------------------------------------------------------
    def conninfo(self) -> str:
        return make_conninfo(**{key: str(value) for key, value in self.params.items()})

    def tool_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self, **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(self.conninfo(), password=self.password or None, **kwargs)


@dataclass(frozen=True)
class Snapshot:
    """What the backup learnt of the copied state, read from the copy's own snapshot."""

    engine_version: str
    tool: str
    migrations: list[tuple[str, str]]
    rows: list[tuple[Any, ...]]  # the result of ``rows_query`` on the snapshot


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseToolError(f"{name} is not installed (PostgreSQL's client tools are needed).")
    return found


def _run(command: list[str], *, env: Mapping[str, str], what: str) -> str:
    result = subprocess.run(command, env=dict(env), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise DatabaseToolError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def copy(database: Database, destination: Path, *, rows_query: str = "") -> Snapshot:
    """Write a consistent copy of ``database`` to ``destination`` and read ``rows_query`` (and the
    applied migrations) from that same state."""
    if database.engine == "sqlite":
        return _copy_sqlite(database, destination, rows_query)
    return _copy_postgresql(database, destination, rows_query)


def _copy_sqlite(database: Database, destination: Path, rows_query: str) -> Snapshot:
    assert database.path is not None
    if not database.path.is_file():
        raise DatabaseToolError(f"{database.label}: no database at {database.path}.")
    source = sqlite3.connect(f"file:{database.path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)  # all pages in one step: one read transaction, one committed state
        target.execute("PRAGMA journal_mode=DELETE")
        tables = _tables(target)
        migrations = (
            [(str(a), str(n)) for a, n in target.execute("SELECT app, name FROM django_migrations")]
            if "django_migrations" in tables
            else []
        )
        rows = list(target.execute(rows_query)) if rows_query else []
        version = str(target.execute("SELECT sqlite_version()").fetchone()[0])
    finally:
        target.close()
        source.close()
    return Snapshot(version, "sqlite3 online backup API", migrations, rows)


def _copy_postgresql(database: Database, destination: Path, rows_query: str) -> Snapshot:
    pg_dump = _tool("pg_dump")
    with database.connect() as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.transaction():
            snapshot_id = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
            version = str(connection.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
            has_migrations = connection.execute(
                "SELECT to_regclass('django_migrations') IS NOT NULL"
            ).fetchone()
            migrations = (
                [(str(a), str(n)) for a, n in connection.execute("SELECT app, name FROM django_migrations")]
                if has_migrations and has_migrations[0]
                else []
            )
            rows = [tuple(row) for row in connection.execute(rows_query)] if rows_query else []
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={destination}",
                    database.conninfo(),
                ],
                env=database.tool_env(),
                what=f"pg_dump of {database.label}",
            )
    tool = _run([pg_dump, "--version"], env=os.environ, what="pg_dump --version").strip()
    return Snapshot(version, tool, migrations, rows)


# --- restoring ----------------------------------------------------------------------------------


def is_empty(database: Database) -> bool:
    """No tables yet (a new database to restore into)."""
    if database.engine == "sqlite":
        assert database.path is not None
        if not database.path.exists() or database.path.stat().st_size == 0:
            return True
        with _sqlite(database.path) as connection:
            return not {name for name in _tables(connection) if not name.startswith("sqlite_")}
    with database.connect(autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchone()
    return not (row and row[0])


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def check_restorable(database: Database) -> None:
    """Raise ``DatabaseToolError`` when the target cannot be reached or the tools are missing."""
    if database.engine == "postgresql":
        _tool("pg_restore")
        with database.connect(autocommit=True, connect_timeout=10):
            pass


def restore(database: Database, dump: Path, *, replace: bool) -> None:
    """Load ``dump`` (this module's copy) into ``database``; with ``replace``, what it held is
    dropped first."""
    if database.engine == "sqlite":
        assert database.path is not None
        database.path.parent.mkdir(parents=True, exist_ok=True)
        with _sqlite(dump) as source, _sqlite(database.path) as target:
            source.backup(target)  # replaces every page of the target
            target.execute("PRAGMA journal_mode=WAL")
        return
    if replace:
        with database.connect(autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database.conninfo()}",
            str(dump),
        ],
        env=database.tool_env(),
        what=f"pg_restore into {database.label}",
    )
