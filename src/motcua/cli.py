"""The ``motcua`` command: Django's management commands with motcua's settings.

``motcua catalog lint``, ``motcua units load``, ``motcua runserver`` ... are the same as
``python -m django <command> --settings=motcua.settings``. ``motcua registries <command>`` runs
a command of the reference registries instead, a separate Django project with its own
settings and database (``motcua-registries <command>`` is the same); ``motcua gateway <command>``
runs one of the reference payment gateway, another separate project; ``motcua smsgw <command>``
one of the reference SMS gateway's, and ``motcua mailcapture serve|list|show`` the development
SMTP capture (ADR 0050).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    arguments = argv if argv is not None else sys.argv[1:]
    if arguments[:1] == ["registries"]:
        from motcua.registries.cli import main as registries_main

        registries_main(arguments[1:])
        return
    if arguments[:1] == ["gateway"]:
        from motcua.gateway.cli import main as gateway_main

        gateway_main(arguments[1:])
        return
    if arguments[:1] == ["mailcapture"]:
        from motcua.mailcapture import main as mailcapture_main

        mailcapture_main(arguments[1:])
        return
    if arguments[:1] == ["smsgw"]:
        from motcua.smsgw.cli import main as smsgw_main

        smsgw_main(arguments[1:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua", *arguments])


if __name__ == "__main__":
    main()
