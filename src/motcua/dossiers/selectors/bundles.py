"""Reads of interconnected applications (liên thông), scoped to the applicant who made them or
for whom they were made.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.models import (
    BundleApplication,
)
from motcua.identity.actors import ApplicantActor, RequestActor

# --- Interconnected applications ---------------------------------------------------------------


def bundle_applications_of(actor: RequestActor | None) -> QuerySet[BundleApplication]:
    """An applicant's interconnected applications (made by them or for them)."""
    if not isinstance(actor, ApplicantActor):
        return BundleApplication.objects.none()
    mine = Q(submitted_by_id=actor.applicant_id) | Q(applicant_id=actor.applicant_id)
    return BundleApplication.objects.filter(mine).order_by("-created_at", "-id")


def get_bundle_application(actor: RequestActor | None, public_id: uuid.UUID | str) -> BundleApplication:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such application.")) from None
    found = bundle_applications_of(actor).filter(public_id=key).first()
    if found is None:
        raise NotFound(_("No such application."))
    return found
