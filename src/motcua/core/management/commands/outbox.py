"""`motcua outbox work|dispatch`: run the outbox loop in the foreground; or one dispatch pass."""

from __future__ import annotations

import signal
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from motcua.core.outbox import dispatch_pending_events
from motcua.core.outbox_worker import OutboxLoop


class Command(BaseCommand):
    help = (
        "Event outbox tools. `work` runs the outbox loop (woken by PostgreSQL NOTIFY, polling on "
        "SQLite; it also seals the audit log) until SIGTERM or Ctrl-C: a process of its own when "
        "MOTCUA_OUTBOX_LOOP=0 keeps it out of the task workers. `dispatch` delivers what is pending "
        "once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["work", "dispatch"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "dispatch":
            report = dispatch_pending_events()
            self.stdout.write(f"dispatched {len(report.dispatched)} event(s), {len(report.failed)} failed")
            return
        loop = OutboxLoop()
        signal.signal(signal.SIGTERM, lambda *_: loop.stop())
        self.stdout.write(f"outbox loop started (wait at most {loop.poll_seconds:.0f} s)")
        try:
            loop.run()
        except KeyboardInterrupt:
            loop.stop()
        self.stdout.write(f"outbox loop stopped after {loop.passes} dispatch pass(es)")
