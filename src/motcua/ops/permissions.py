"""Who may read the platform's full health report: the platform administrator only (an agency's
officials have no business with the platform's machinery)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden
from motcua.identity.actors import OfficialActor


def require_platform_admin(actor: OfficialActor) -> None:
    if not actor.is_platform_admin:
        raise Forbidden(_("Only the platform administrator may read the platform's health."))
