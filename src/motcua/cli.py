"""The ``motcua`` command: Django's management commands with motcua's settings.

``motcua catalog lint``, ``motcua units load``, ``motcua runserver`` ... are the same as
``python -m django <command> --settings=motcua.settings``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
