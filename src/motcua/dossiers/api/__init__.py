"""REST API for drafts and dossiers, one module per audience, each with its schemas beside it:
``applicant`` (drafts, submission, interconnected applications, the applicant's dossiers),
``official`` (the inbox and processing, open to agency systems where it says so), ``counter``
(receiving at the counter or by post) and ``public`` (the status lookup). ``schemas`` holds the
dossier's representations they share. Each does what the pages do, with the same permissions.
"""

from __future__ import annotations

from ninja import Router

from motcua.dossiers.api import applicant, counter, official, public

router = Router(tags=["dossiers"])
router.add_router("", applicant.router)
router.add_router("", public.router)
router.add_router("", official.router)
router.add_router("", counter.router)
