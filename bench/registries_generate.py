"""How fast the reference registries' synthetic data is generated and loaded.

    .venv/bin/python bench/registries_generate.py --size 1000000

Creates a throw-away SQLite database (or uses ``--database-url``, e.g. an empty PostgreSQL
database), migrates it, then measures, each in its own phase:

1. generation alone (``generator.generate`` and the digest, no database): people/s, rows/s;
2. ``loading.load_dataset`` (generation in a child process, writing here): the end-to-end figure;
3. ``records.fetch`` of random people from every registry, on the loaded database: fetches/s;
4. the ceiling: plain ``executemany`` of as many three-column rows into a scratch table of the
   same database engine and settings, the fastest this machine inserts rows from Python.

The load's rows/s is reported as a ratio to that ceiling. The load average is printed before
and after, and the CPU seconds of the writing and the generating process: other work on the
machine skews every wall-clock figure, much less the CPU times.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) of this process and of its finished children (the generator)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _phase(title: str, seconds: float, **figures: Any) -> None:
    details = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in figures.items())
    print(f"{title:<28} {seconds:8.1f} s   {details}")


def _generation_only(seed: int, size: int) -> tuple[float, int]:
    import hashlib

    from motcua.registries.data.generator import digest_batch, generate

    started = time.perf_counter()
    hasher = hashlib.sha256()
    rows = 0
    for key, batch in generate(seed, size):
        digest_batch(hasher, key, batch)
        rows += len(batch)
    return time.perf_counter() - started, rows


def _fetches(count: int) -> tuple[float, int]:
    from django.db import connection

    from motcua.registries.data.records import REGISTRIES, fetch

    chooser = random.Random(1)  # picking test subjects, not secrets
    with connection.cursor() as cursor:  # a sample of people, without reading them all into memory
        if connection.vendor == "sqlite":
            cursor.execute("SELECT max(rowid) FROM registry_data_person")
            last = int(cursor.fetchone()[0])
            rowids = [chooser.randint(1, last) for _ in range(count)]
            people = []
            for first in range(0, count, 500):
                chunk = rowids[first : first + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT personal_id FROM registry_data_person WHERE rowid IN ({marks})", chunk
                )
                people += [pid for (pid,) in cursor.fetchall()]
        else:
            cursor.execute("SELECT personal_id FROM registry_data_person ORDER BY random() LIMIT %s", [count])
            people = [pid for (pid,) in cursor.fetchall()]
    registries = [code for code, definition in REGISTRIES.items() if "person" in definition.subject_kinds]
    subjects = [(registries[i % len(registries)], chooser.choice(people)) for i in range(count)]
    started = time.perf_counter()
    for registry, subject in subjects:
        fetch(registry, subject)
    return time.perf_counter() - started, count


def _sqlite_ceiling(directory: Path, rows: int) -> float:
    """rows/s of the plainest batched insert, with the pragmas the loader uses."""
    database = sqlite3.connect(directory / "ceiling.sqlite3", isolation_level=None)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=OFF")
    database.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT, c TEXT)")
    batch = 10_000
    started = time.perf_counter()
    for first in range(0, rows, batch):
        database.execute("BEGIN")
        database.executemany(
            "INSERT INTO t (a, b, c) VALUES (?, ?, ?)",
            ((n, "Nguyễn Văn Minh", "2026-11-01") for n in range(first, min(first + batch, rows))),
        )
        database.execute("COMMIT")
    seconds = time.perf_counter() - started
    database.close()
    return rows / seconds


def _database_bytes(database_url: str, sqlite_file: Path | None) -> int:
    if sqlite_file is not None:
        return sum(path.stat().st_size for path in sqlite_file.parent.glob(sqlite_file.name + "*"))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="people (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="", help="an empty database to use instead of SQLite")
    parser.add_argument("--skip-generation-only", action="store_true", help="skip phase 1")
    parser.add_argument("--fetches", type=int, default=5_000, help="fetches in phase 3 (default 5000)")
    arguments = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="motcua-registries-bench-"))
    sqlite_file = None if arguments.database_url else directory / "registries.sqlite3"
    os.environ.update({
        "MOTCUA_ENV": "test",
        "MOTCUA_VAR_DIR": str(directory / "var"),
        "MOTCUA_REGISTRIES_DATABASE_URL": arguments.database_url or f"sqlite:///{sqlite_file}",
        "DJANGO_SETTINGS_MODULE": "motcua.registries.settings",
    })  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    from motcua.registries.data.loading import load_dataset

    size, seed = arguments.size, arguments.seed
    print(f"registries generate+load: {size:,} people, seed {seed}, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}, load average {_load_average()}")  # fmt: skip
    print(f"database: {'SQLite ' + str(sqlite_file) if sqlite_file else arguments.database_url}")
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        _phase("migrate", time.perf_counter() - started)

        if not arguments.skip_generation_only:
            seconds, rows = _generation_only(seed, size)
            _phase("1. generate only", seconds, people_per_s=f"{size / seconds:,.0f}",
                   rows_per_s=f"{rows / seconds:,.0f}", rows=f"{rows:,}")  # fmt: skip

        own_before, children_before = _cpu_seconds()
        report = load_dataset(seed=seed, size=size)
        own_after, children_after = _cpu_seconds()
        load_rows_per_s = report.rows / report.seconds
        database_bytes = _database_bytes(arguments.database_url, sqlite_file)
        _phase("2. generate + load", report.seconds, people_per_s=f"{size / report.seconds:,.0f}",
               rows_per_s=f"{load_rows_per_s:,.0f}", database=f"{database_bytes / 1e6:,.0f} MB")  # fmt: skip
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"   CPU: {own_after - own_before:.1f} s writing (this process), "
              f"{children_after - children_before:.1f} s generating (child process); "
              f"peak memory {own_peak:,.0f} MB writing, {child_peak:,.0f} MB generating")  # fmt: skip
        print("   rows: " + ", ".join(f"{key} {count:,}" for key, count in report.counts.items()))

        seconds, count = _fetches(arguments.fetches)
        _phase("3. fetch (person registries)", seconds, fetches_per_s=f"{count / seconds:,.0f}",
               mean=f"{seconds / count * 1000:.2f} ms")  # fmt: skip

        if sqlite_file is not None:
            ceiling = _sqlite_ceiling(directory, min(report.rows, 2_000_000))
            _phase("4. SQLite insert ceiling", 0.0, rows_per_s=f"{ceiling:,.0f}",
                   load_vs_ceiling=f"{load_rows_per_s / ceiling:.2f}")  # fmt: skip
        print(f"load average after: {_load_average()}; digest {report.digest}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
