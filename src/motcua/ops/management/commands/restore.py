"""`motcua restore PATH`: restore a verified backup into this installation (docs/operations.md).

motcua restore /backups/motcua-2026-12-07.tar.gz            # into empty databases and directories
motcua restore /backups/motcua-2026-12-07 --replace         # over what is there (set aside, not deleted)
"""

from __future__ import annotations

import subprocess
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.ops import installation
from motcua.ops.restore import RestoreRefused, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup (a directory or a .tar/.tar.gz file) after verifying it against its manifest; "
        "a damaged or incomplete backup, or an unfit target, is refused without changing anything. "
        "Then check the installation (`motcua backup check`)."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="restore over non-empty databases and directories (directories and secret files are "
            "set aside)",
        )
        parser.add_argument(
            "--no-companions", action="store_true", help="leave out the registries' and eID databases"
        )
        parser.add_argument(
            "--staging", type=Path, default=None, help="where to unpack an archive (default: /tmp)"
        )
        parser.add_argument(
            "--no-check", action="store_true", help="do not run `motcua backup check` afterwards"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(
                options["path"],
                where=installation.current(),
                replace=options["replace"],
                companions=not options["no_companions"],
                staging=options["staging"],
            )
        except RestoreRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"REFUSED {problem}")
            raise CommandError("nothing was restored and nothing was changed") from refused
        manifest = report.manifest
        self.stdout.write(f"restored the backup made {manifest['created_at']} on {manifest['host']}:")
        for part in report.restored:
            self.stdout.write(f"  {part}")
        for path in report.set_aside:
            self.stdout.write(f"  set aside: {path}")
        for warning in report.warnings:
            self.stderr.write(f"WARNING {warning}")
        if report.pending_migrations:
            self.stdout.write(
                f"{len(report.pending_migrations)} migration(s) are newer than the backup: run "
                "`motcua migrate`, then `motcua backup check`."
            )
            return
        if options["no_check"]:
            self.stdout.write("Now run `motcua backup check`.")
            return
        # a new process: it reads the restored secrets, not the ones this one started with
        checked = subprocess.run([sys.executable, "-m", "motcua", "backup", "check"], check=False)
        if checked.returncode != 0:
            raise CommandError("the restore finished, but the installation is not intact (see above)")
