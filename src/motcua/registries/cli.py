"""The ``motcua-registries`` command (and ``motcua registries ...``): Django's management commands
with the reference registries' settings.

``motcua registries migrate``, ``motcua registries generate --seed 1 --size 1000``,
``motcua registries serve`` are the same as ``python -m django <command>
--settings=motcua.registries.settings``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.registries.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua registries", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
