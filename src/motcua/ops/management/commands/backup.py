"""`motcua backup`: make, verify and check backups (docs/operations.md).

motcua backup create /backups/motcua-2026-12-07          # a directory
motcua backup create /backups/motcua-2026-12-07.tar.gz   # or one archive
motcua backup verify /backups/motcua-2026-12-07.tar.gz   # the manifest's hashes, nothing restored
motcua backup check                                      # this installation: files, signatures, chains
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.ops import archive, installation
from motcua.ops.backup import BackupError, create_backup
from motcua.ops.databases import DatabaseToolError
from motcua.ops.integrity import check_installation


class Command(BaseCommand):
    help = (
        "create PATH: back up the database(s), stored files, PKI and secrets while the platform runs; "
        "verify PATH: check a backup against its manifest; check: check this installation's stored "
        "files, signed results and log chains (after a restore)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="write a new backup (a directory, or a .tar/.tar.gz file)")
        create.add_argument("path", type=Path)
        for name in ("registries", "eid"):
            group = create.add_mutually_exclusive_group()
            group.add_argument(
                f"--{name}", dest=name, action="store_true", default=None, help=f"require the {name}"
            )
            group.add_argument(f"--no-{name}", dest=name, action="store_false", help=f"leave the {name} out")
        verify = actions.add_parser("verify", help="check a backup's files against its manifest")
        verify.add_argument("path", type=Path)
        actions.add_parser("check", help="check this installation (run after a restore)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "verify":
            self._verify(options["path"])
        else:
            self._check()

    def _create(self, options: dict[str, Any]) -> None:
        try:
            where = installation.current(registries=options["registries"], eid=options["eid"])
            report = create_backup(options["path"], installation=where)
        except (BackupError, DatabaseToolError, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        parts = ["platform database", *manifest["companions"]]
        self.stdout.write(
            f"backup written to {report.path}: {', '.join(parts)}; "
            f"{manifest['uploads']['copied']} of {manifest['uploads']['referenced']} stored files; "
            f"{manifest['pki']['files']} PKI files; secrets {manifest['secrets']}"
        )
        self.stdout.write("It holds secrets: keep it encrypted and readable only by the operators.")
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"PROBLEM {problem}")
            raise CommandError(
                f"the backup was written, but {len(report.problems)} stored file(s) are not intact"
            )

    def _verify(self, path: Path) -> None:
        try:
            with archive.opened(path) as root:
                manifest, problems = archive.verify(root)
        except (archive.DamagedArchive, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        for problem in problems:
            self.stderr.write(f"PROBLEM {problem}")
        if problems or manifest is None:
            raise CommandError(f"{path} is not a usable backup: {len(problems)} problem(s)")
        self.stdout.write(
            f"{path}: intact, {len(manifest['files'])} files, made {manifest['created_at']} by motcua "
            f"{manifest['versions']['motcua']} ({manifest['database']['engine']})"
        )

    def _check(self) -> None:
        report = check_installation()
        for name, count in report.counts.items():
            self.stdout.write(f"{name}: {count}")
        for note in report.notes:
            self.stdout.write(note)
        for problem in report.problems:
            self.stderr.write(f"PROBLEM {problem}")
        if not report.ok:
            raise CommandError(f"this installation is not intact: {len(report.problems)} problem(s)")
        self.stdout.write(
            "intact: every stored file matches its row, every signed result verifies, the chains hold"
        )
