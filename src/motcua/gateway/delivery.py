"""The notification sender: a daemon thread in each gateway worker that sends due IPNs."""

from __future__ import annotations

import threading
import time

import httpx
from django.db import close_old_connections

from motcua.core.logging import get_logger
from motcua.gateway.services import deliver_due

log = get_logger("motcua.gateway")
POLL_SECONDS = 0.1


def _loop() -> None:
    with httpx.Client() as client:
        while True:
            try:
                close_old_connections()
                if deliver_due(client):
                    continue
            except Exception:  # the thread must outlive any one failure (a locked database, say)
                log.exception("notification delivery failed")
            time.sleep(POLL_SECONDS)


def start_sender() -> threading.Thread:
    thread = threading.Thread(target=_loop, name="gateway-ipn", daemon=True)
    thread.start()
    return thread
