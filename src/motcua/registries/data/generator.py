"""Deterministic synthetic national registries: people in households at real communes, and the
civil-status, residence, enterprise, land, insurance, licence, vehicle and judicial records that
agree with them.

``generate(seed, size)`` streams ``(table key, batch of row tuples)``; ``COLUMNS[key]`` names
the columns of each row (the column names of ``models``; the table is ``TABLE_PREFIX + key``).
The same seed and size give byte-identical rows on any machine: one ``random.Random(seed)``
drives everything in a fixed order, and nothing depends on set or dict iteration order of
strings, hash randomisation, the clock or the platform. ``dataset_digest`` hashes the rows in
order, so tests and ``loading`` can tell two datasets apart without comparing them.

Pure Python (no Django models or settings), so the platform's own tests can import it.
Memory stays flat whatever the size: rows leave in batches, and the only state that grows
is one counter per (birth province, century/sex, year) for personal ID numbers, the
enterprise codes (about size / 100) and a bounded pool of grown-up children waiting to
found their own households.

Dates inside rows are ``YYYY-MM-DD`` strings; every birth lies on or before
``REFERENCE_DATE``, the fixed "today" of the data (not the machine's clock).

The builder's parts live in ``synthetic`` (one module per concern: the people and households,
each registry's records, the demo people); this module assembles them and streams the rows.
"""

from __future__ import annotations

import hashlib
import marshal
import traceback
from collections.abc import Iterator
from typing import Any

from motcua.registries.data.synthetic.demo_people import _DemoPeople
from motcua.registries.data.synthetic.identity_documents import IdentityDocuments
from motcua.registries.data.synthetic.tables import (
    BATCH_ROWS,
    COLUMNS,
    GENERATOR_VERSION,
    REFERENCE_DATE,
    TABLE_PREFIX,
    Row,
    units,
)
from motcua.registries.data.synthetic.utilities import Utilities

# the generator's public names, wherever they are defined
__all__ = [
    "BATCH_ROWS",
    "COLUMNS",
    "GENERATOR_VERSION",
    "REFERENCE_DATE",
    "TABLE_PREFIX",
    "Row",
    "dataset_digest",
    "digest_batch",
    "generate",
    "send_batches",
    "units",
]


class _Builder(_DemoPeople):
    """One generation run; ``run()`` is the stream ``generate`` returns."""

    def __init__(self, seed: int, size: int) -> None:
        super().__init__(seed, size)
        self.identity_documents = IdentityDocuments(self.id_offset)
        self.utilities = Utilities(self.id_offset)

    def _flush(self, *, final: bool = False) -> Iterator[tuple[str, list[Row]]]:
        people = self.buffers["person"]
        if people and (final or len(people) >= BATCH_ROWS):  # the cards of the people leaving
            self.identity_documents.add(people, self.buffers["identity_card"], self.buffers["passport"])
            self.utilities.add_people(people, self.buffers["student"])
        households = self.buffers["household"]
        if households and (final or len(households) >= BATCH_ROWS):  # their electricity contracts
            self.utilities.add_households(households, self.buffers["electricity_contract"])
        for key, rows in self.buffers.items():
            if rows and (final or len(rows) >= BATCH_ROWS):
                self.buffers[key] = []
                yield key, rows

    def run(self) -> Iterator[tuple[str, list[Row]]]:
        for plan in self._demo_plans():
            self._settle(plan)
        self._demo_derived()
        households = 0
        while self.remaining > 0:
            plans = self._plan()
            if sum(plan.people for plan in plans) > self.remaining:
                plans = self._plan_single()
            for plan in plans:
                self._settle(plan)
            households += 1
            if households % 16 == 0:
                yield from self._flush()
        self._finish_enterprises()
        yield from self._flush(final=True)


def generate(seed: int, size: int) -> Iterator[tuple[str, list[Row]]]:
    """The dataset for ``seed`` with ``size`` people (the demo people included), as batches of
    rows in a fixed order. Raises ValueError when ``size`` cannot hold the demo families."""
    return _Builder(seed, size).run()


def send_batches(seed: int, size: int, pipe: Any) -> None:
    """Stream ``generate(seed, size)`` through a ``multiprocessing`` pipe, for ``loading``, which
    runs this in a child process so that generating and writing use two cores. Each message is
    one tag byte and a payload: ``D`` + the marshalled ``(key, rows)`` batch (the same bytes
    ``digest_batch`` hashes), ``E`` + a traceback, ``.`` at the end."""
    try:
        for key, rows in generate(seed, size):
            pipe.send_bytes(b"D" + marshal.dumps((key, rows), 2))
        pipe.send_bytes(b".")
    except BaseException:
        pipe.send_bytes(b"E" + traceback.format_exc().encode())
        raise
    finally:
        pipe.close()


def digest_batch(hasher: Any, key: str, rows: list[Row]) -> None:
    """Feed one batch to a SHA-256 hasher: marshal version 2 writes every value by content (no
    shared references), so equal rows always give equal bytes."""
    hasher.update(marshal.dumps((key, rows), 2))


def dataset_digest(seed: int, size: int) -> str:
    """SHA-256 of the rows of ``generate(seed, size)``, in order."""
    hasher = hashlib.sha256()
    for key, rows in generate(seed, size):
        digest_batch(hasher, key, rows)
    return hasher.hexdigest()
