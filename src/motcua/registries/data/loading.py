"""Writing a generated dataset into the registries' database, fast.

``load_dataset`` empties the data tables (only those of ``registry_data``, never the requesters,
keys or access log beside them), streams ``generator.generate`` into them and records a
``Generation``. Rows go in as raw batches: ``executemany`` on SQLite, ``COPY`` on PostgreSQL,
one transaction per 100,000 rows or so, and memory stays flat whatever the size. Two things
make it fast:

- the generator runs in a child process and hands marshalled batches over a pipe, so one core
  builds the next batch while the other writes the last one (a thread would not do: the GIL
  serialises Python code, and both sides are mostly Python); the same bytes feed the digest;
- the secondary indexes and unique constraints (``Meta.indexes``, ``Meta.constraints``) are
  dropped before and rebuilt after the load, which sorts each index once instead of inserting a
  million random keys one by one; on SQLite, fsync is off, the page cache large and WAL
  checkpoints rarer for the duration of the load only.

While a load runs the registries answer from a partly filled database; run it before serving.
"""

from __future__ import annotations

import hashlib
import marshal
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Model, UniqueConstraint
from django.utils import timezone

from motcua.demo.people import DEMO_PERSON_COUNT
from motcua.registries.data.generator import COLUMNS, GENERATOR_VERSION, Row, send_batches
from motcua.registries.data.models import DATA_MODELS, Generation

Progress = Callable[[str], None]
_QUEUED_BATCHES = 8  # about 8 MB of marshalled rows
_TRANSACTION_ROWS = 100_000
_SQLITE_CACHE_KIB = 256 * 1024


@dataclass(frozen=True)
class LoadReport:
    seed: int
    size: int
    counts: dict[str, int]
    digest: str
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _check_columns() -> None:
    """The generator's rows must fit the tables exactly (an auto ``id`` is left to the database)."""
    for key, model in DATA_MODELS.items():
        columns = tuple(
            str(f.column) for f in model._meta.concrete_fields if not (f.primary_key and f.name == "id")
        )
        if set(columns) != set(COLUMNS[key]) or len(columns) != len(COLUMNS[key]):
            raise ImproperlyConfigured(
                f"generator.COLUMNS[{key!r}] does not match {model._meta.db_table}: "
                f"{sorted(set(columns) ^ set(COLUMNS[key]))}"
            )


@dataclass(frozen=True)
class _Index:
    """A ``Meta.indexes`` entry or a single-column ``UniqueConstraint`` of a data table."""

    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool

    def drop(self) -> str:
        if self.unique and connection.vendor == "postgresql":  # a constraint there, not a bare index
            return f"ALTER TABLE {_quote(self.table)} DROP CONSTRAINT IF EXISTS {_quote(self.name)}"
        return f"DROP INDEX IF EXISTS {_quote(self.name)}"

    def create(self) -> str:
        columns = ", ".join(_quote(column) for column in self.columns)
        if self.unique and connection.vendor == "postgresql":
            return f"ALTER TABLE {_quote(self.table)} ADD CONSTRAINT {_quote(self.name)} UNIQUE ({columns})"
        unique = "UNIQUE " if self.unique else ""
        return f"CREATE {unique}INDEX IF NOT EXISTS {_quote(self.name)} ON {_quote(self.table)} ({columns})"


def _secondary_indexes() -> list[_Index]:
    indexes = []
    for model in DATA_MODELS.values():
        fields = {field.name: str(field.column) for field in model._meta.concrete_fields}
        table = model._meta.db_table
        for index in model._meta.indexes:
            assert index.name is not None
            columns = tuple(fields[name] for name in index.fields)
            indexes.append(_Index(index.name, table, columns, unique=False))
        for constraint in model._meta.constraints:
            assert isinstance(constraint, UniqueConstraint)
            assert constraint.condition is None
            columns = tuple(fields[name] for name in constraint.fields)
            indexes.append(_Index(constraint.name, table, columns, unique=True))
    return indexes


@contextmanager
def _fast_sqlite() -> Iterator[None]:
    """No fsync and a large page cache while loading: the data can be regenerated, and the WAL
    still keeps the file consistent if the process dies."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
        cursor.execute("PRAGMA wal_autocheckpoint=10000")  # checkpoint 40 MB at a time, not 4 MB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")  # as the settings' init_command sets it
            cursor.execute("PRAGMA cache_size=-2000")
            cursor.execute("PRAGMA wal_autocheckpoint=1000")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _empty_tables() -> None:
    """Empty the data tables and forget their generation, in one transaction: a load that fails
    half-way leaves no Generation behind, so ``generate --if-unchanged`` will not trust it."""
    models: list[type[Model]] = [*DATA_MODELS.values(), Generation]
    tables = [model._meta.db_table for model in models]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(_quote(table) for table in tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {_quote(table)}")  # noqa: S608 - a model's table name


def _inserter(key: str) -> Callable[[Any, list[Row]], None]:
    # Only identifiers from the models go into the SQL (quoted); the values are parameters or COPY data.
    table = _quote(DATA_MODELS[key]._meta.db_table)
    columns = ", ".join(_quote(column) for column in COLUMNS[key])
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({columns}) FROM STDIN"

        def copy(cursor: Any, rows: list[Row]) -> None:
            with cursor.cursor.copy(statement) as stream:
                for row in rows:
                    stream.write_row(row)

        return copy
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS[key]))})"  # noqa: S608

    def insert(cursor: Any, rows: list[Row]) -> None:
        cursor.executemany(sql, rows)

    return insert


class _Producer:
    """The generator in a child process (spawned: it needs no Django, and a clean start is safer
    than forking a process that holds a database connection). A reader thread drains the pipe
    into a short queue, so the child keeps generating while this process writes; the thread
    mostly waits in ``read``, which releases the GIL."""

    def __init__(self, seed: int, size: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.reader, writer = context.Pipe(duplex=False)
        self.process = context.Process(
            target=send_batches, args=(seed, size, writer), name="registries-generator", daemon=True
        )
        self.process.start()
        writer.close()  # the child holds the only writing end: its exit ends the stream
        self.messages: queue.Queue[bytes] = queue.Queue(_QUEUED_BATCHES)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._drain, name="registries-reader", daemon=True)
        self.thread.start()
        self.hasher = hashlib.sha256()

    def _drain(self) -> None:
        message = b"E"
        while not self.stopping.is_set():
            try:
                message = self.reader.recv_bytes()
            except (EOFError, OSError):
                message = b"Ethe generator process ended without finishing its dataset"
            while not self.stopping.is_set():
                try:
                    self.messages.put(message, timeout=0.2)
                    break
                except queue.Full:
                    continue
            if message[:1] != b"D":
                return

    def __iter__(self) -> Iterator[tuple[str, list[Row]]]:
        while True:
            message = self.messages.get()
            tag, payload = message[:1], memoryview(message)[1:]
            if tag == b".":
                return
            if tag != b"D":
                raise RuntimeError(f"The generator failed: {bytes(payload).decode()}")
            self.hasher.update(payload)
            key, rows = marshal.loads(payload)  # noqa: S302 - written by our own child process
            yield key, rows

    def close(self) -> None:
        self.stopping.set()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.thread.join()
        self.reader.close()


def _transactions(batches: Iterable[tuple[str, list[Row]]]) -> Iterator[list[tuple[str, list[Row]]]]:
    """Consecutive batches grouped into chunks of about ``_TRANSACTION_ROWS`` rows: one
    transaction each, few enough that commits and WAL checkpoints stay cheap."""
    chunk: list[tuple[str, list[Row]]] = []
    rows = 0
    for key, batch in batches:
        chunk.append((key, batch))
        rows += len(batch)
        if rows >= _TRANSACTION_ROWS:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


def load_dataset(*, seed: int, size: int, progress: Progress | None = None) -> LoadReport:
    """Replace the registries' records with the dataset of ``seed`` and ``size`` people."""
    if size < DEMO_PERSON_COUNT:  # before anything is emptied (the generator would refuse too)
        raise ValueError(f"size must be at least {DEMO_PERSON_COUNT}: the demo people and their families")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    _check_columns()
    inserters = {key: _inserter(key) for key in COLUMNS}
    indexes = _secondary_indexes()
    counts = dict.fromkeys(COLUMNS, 0)
    _empty_tables()
    say(f"Emptied {len(DATA_MODELS)} tables.")
    with _fast_sqlite():
        with transaction.atomic(), connection.cursor() as cursor:
            for index in indexes:
                cursor.execute(index.drop())
        producer = _Producer(seed, size)
        try:
            step = next_report = max(size // 10, 1)
            for chunk in _transactions(producer):
                with transaction.atomic(), connection.cursor() as cursor:
                    for key, rows in chunk:
                        inserters[key](cursor, rows)
                        counts[key] += len(rows)
                if counts["person"] < next_report:
                    continue
                next_report += step
                say(f"{counts['person']:,} of {size:,} people, {sum(counts.values()):,} rows, "
                    f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        finally:
            producer.close()
            say("Building indexes.")
            with transaction.atomic(), connection.cursor() as cursor:
                for index in indexes:
                    cursor.execute(index.create())
    if connection.vendor == "postgresql":
        # Fresh tables have no statistics, and PostgreSQL then plans the joins of ``records`` as
        # hash joins over sequential scans (milliseconds instead of tens of microseconds).
        # SQLite plans them as index searches without statistics (tests/registries checks).
        with connection.cursor() as cursor:
            tables = ", ".join(_quote(model._meta.db_table) for model in DATA_MODELS.values())
            cursor.execute(f"ANALYZE {tables}")
    seconds = time.perf_counter() - started
    report = LoadReport(
        seed=seed, size=size, counts=counts, digest=producer.hasher.hexdigest(), seconds=seconds
    )
    Generation.objects.create(
        seed=seed,
        size=size,
        generator_version=GENERATOR_VERSION,
        counts=counts,
        digest=report.digest,
        seconds=round(seconds, 3),
        generated_at=timezone.now(),
    )
    return report


def latest_generation() -> Generation | None:
    return Generation.objects.order_by("-generated_at", "-id").first()
