"""A platform process that keeps applicants writing while a backup runs.

``python -m tests.ops.writer STATUS STOP``, with a platform's environment: until the file STOP
exists, an applicant uploads a file (its bytes, its row, its audit entry and event) and, every
fifth time, submits a whole birth registration (a draft, three uploads, the dossier); after each
commit the number of uploads so far is written to STATUS.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(status: Path, stop: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from motcua.documents.services import upload_file
    from motcua.dossiers.services import submission as submission_services
    from tests.identity.world import APPLICANTS, PDF, applicant_actor, complete_birth_draft, make_applicant

    actor = applicant_actor(make_applicant(*APPLICANTS["applicant_b"]))
    written = 0
    while not stop.exists():
        written += 1
        upload_file(actor=actor, chunks=[PDF, f"% writer {written}\n".encode()], file_name=f"w{written}.pdf")
        if written % 5 == 0:
            submission_services.submit_draft(
                actor=actor, public_id=str(complete_birth_draft(actor).public_id)
            )
        partial = status.with_suffix(".part")
        partial.write_text(str(written))
        partial.replace(status)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
