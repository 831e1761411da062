"""The ``motcua-eid`` command: Django's management commands with the stand-in provider's settings.

``motcua-eid migrate``, ``motcua-eid eid seed ...``, ``motcua-eid eid accounts`` are the same
as ``python -m django <command> --settings=motcua.eid.settings``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.eid.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua-eid", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
