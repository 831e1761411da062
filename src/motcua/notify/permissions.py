"""Notifications are their recipient's own: every page and API operation is applicant-only
(``@applicant_required``, ``applicant_auth``), and ``selectors.notifications_of`` scopes them to
the notifications addressed to the caller. Whoever acts for someone (a representative) reads the
notifications of what they submitted, addressed to them, not the other person's. Officials read
none: what an applicant was told is on the dossier's page as its notices and history.

Contact addresses and preferences are their owner's alone, likewise (``selectors.contacts_of``).
The dead-letter list of e-mail and SMS deliveries is the platform's operators': the platform
administrator reads it, retries and resolves (``require_operator``); an agency's officials get
403 (a delivery names a person's dossier, not their agency's business)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden
from motcua.identity.actors import OfficialActor, RequestActor


def require_operator(actor: RequestActor | None) -> None:
    if not (isinstance(actor, OfficialActor) and actor.is_platform_admin):
        raise Forbidden(_("Only the platform's operators may read and act on undelivered messages."))
