"""The ``motcua smsgw ...`` command: Django's management commands with the reference SMS gateway's
settings (``motcua smsgw migrate``, ``motcua smsgw serve``)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.smsgw.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua smsgw", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
