"""The ``motcua gateway ...`` command: Django's management commands with the reference payment
gateway's settings (``motcua gateway migrate``, ``motcua gateway merchants add ...``,
``motcua gateway serve``)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.gateway.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua gateway", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
