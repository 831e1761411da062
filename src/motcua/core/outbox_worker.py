"""The worker's outbox loop: dispatch events as soon as they commit, without a task per commit.

Each worker process runs one loop (a thread started with the huey consumer, or
``motcua outbox work`` as a process of its own). The loop

1. listens on PostgreSQL's ``motcua_outbox`` channel (a connection of its own, in autocommit),
   before it first looks at the outbox, so no wake-up sent meanwhile is missed;
2. dispatches pending events until a batch comes back short;
3. seals the audit log when ``MOTCUA_AUDIT_SEAL_SECONDS`` have passed since it last did;
4. waits for a notification (``record_change`` sends one in the event's own transaction,
   ``core.outbox.wake_outbox_on_commit``), at most ``MOTCUA_OUTBOX_POLL_SECONDS``; on SQLite,
   which has no notifications, it simply polls every ``MOTCUA_OUTBOX_POLL_SECONDS``.

Notifications that arrive together are drained at once: one dispatch pass serves them all. A
broken listening connection (server restart, failover) is re-opened on the next turn; until
then the loop polls. Several loops on several machines are safe: the dispatcher locks each
event with ``SKIP LOCKED`` and the sealer each chain's head. The periodic dispatcher (every
minute) remains the guarantee should every loop be down (ADR 0031).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection, connections

from motcua.core.outbox import OUTBOX_CHANNEL, dispatch_pending_events
from motcua.core.tasks import refresh_connections

logger = logging.getLogger(__name__)


class Listener:
    """A PostgreSQL connection of its own that ``LISTEN``s on the outbox channel."""

    def __init__(self) -> None:
        self._connection: Any = None

    def open(self) -> bool:
        """Listen (again); False when the server cannot be reached (the loop polls meanwhile)."""
        import psycopg

        self.close()
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        params.pop("server_side_binding", None)
        try:
            self._connection = psycopg.Connection.connect(**params, autocommit=True)
            self._connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
        except psycopg.Error:
            logger.warning(
                "The outbox loop cannot listen for notifications; polling meanwhile", exc_info=True
            )
            self.close()
            return False
        return True

    @property
    def is_open(self) -> bool:
        return self._connection is not None and not self._connection.closed

    def wait(self, timeout: float) -> int:
        """Block until at least one notification arrives or ``timeout`` passes; then take every
        notification already queued. How many were received (0: timed out or connection lost)."""
        import psycopg

        if not self.is_open:
            time.sleep(timeout)
            return 0
        try:
            received = sum(1 for _ in self._connection.notifies(timeout=timeout, stop_after=1))
            if received:
                received += sum(1 for _ in self._connection.notifies(timeout=0.0))
            return received
        except psycopg.Error:
            logger.warning("The outbox loop's listening connection broke", exc_info=True)
            self.close()
            return 0

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


class OutboxLoop:
    """Dispatch on wake-up (or poll), seal the audit log on its interval; until ``stop()``."""

    def __init__(self, *, poll_seconds: float | None = None, seal_seconds: float | None = None) -> None:
        self.poll_seconds = float(
            poll_seconds if poll_seconds is not None else settings.MOTCUA_OUTBOX_POLL_SECONDS
        )
        self.seal_seconds = float(
            seal_seconds if seal_seconds is not None else settings.MOTCUA_AUDIT_SEAL_SECONDS
        )
        self.stopped = threading.Event()
        self.passes = 0  # dispatch passes run (tests and logs)
        self.wake_ups = 0  # notifications received
        self._listener: Listener | None = None
        self._last_seal = 0.0

    def stop(self) -> None:
        self.stopped.set()

    def run(self) -> None:
        uses_notifications = connection.vendor == "postgresql"
        if uses_notifications:
            self._listener = Listener()
        try:
            while not self.stopped.is_set():
                if self._listener is not None and not self._listener.is_open:
                    self._listener.open()  # before looking at the outbox: nothing sent meanwhile is lost
                self.run_once()
                self._wait()
        finally:
            if self._listener is not None:
                self._listener.close()
            connections.close_all()  # this thread's

    def run_once(self) -> None:
        """One turn: dispatch until the outbox is drained, seal when due."""
        refresh_connections()
        try:
            self._drain()
            if self.seal_seconds > 0 and time.monotonic() - self._last_seal >= self.seal_seconds:
                from motcua.core.audit import seal_pending

                seal_pending()
                self._last_seal = time.monotonic()
        except Exception:  # the next turn tries again; events and entries wait, nothing is lost
            logger.exception("The outbox loop's turn failed")
        finally:
            refresh_connections()

    def _drain(self) -> None:
        batch = settings.MOTCUA_OUTBOX_BATCH_SIZE
        while not self.stopped.is_set():
            report = dispatch_pending_events(batch_size=batch)
            self.passes += 1
            if len(report.dispatched) + len(report.failed) < batch:
                return

    def _timeout(self) -> float:
        timeout = self.poll_seconds
        if self.seal_seconds > 0:
            timeout = min(timeout, max(0.0, self._last_seal + self.seal_seconds - time.monotonic()))
        return max(timeout, 0.05)

    def _wait(self) -> None:
        timeout = self._timeout()
        if self._listener is not None and self._listener.is_open:
            self.wake_ups += self._listener.wait(timeout)
        else:
            self.stopped.wait(timeout)


_loop: OutboxLoop | None = None
_loop_lock = threading.Lock()


def start_in_background() -> OutboxLoop | None:
    """Start this process's outbox loop once, as a daemon thread (the huey consumer calls this
    as it starts; ``MOTCUA_OUTBOX_LOOP=0`` leaves it to a separate ``motcua outbox work``)."""
    global _loop
    with _loop_lock:
        if _loop is None and settings.MOTCUA_OUTBOX_LOOP:
            _loop = OutboxLoop()
            threading.Thread(target=_loop.run, name="motcua-outbox", daemon=True).start()
        return _loop
