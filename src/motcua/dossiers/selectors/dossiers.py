"""Reads of submitted dossiers, scoped to the actor: an applicant sees the dossiers submitted by
or for them; an official or an agency system, those of the agencies in their scope. Missing and
forbidden both raise ``NotFound``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.documents.models import ResultDocument, StoredFile
from motcua.dossiers.models import (
    Dossier,
)
from motcua.dossiers.selectors.drafts import drafts_of
from motcua.identity import selectors as identity
from motcua.identity.actors import AgencyActor, ApplicantActor, RequestActor
from motcua.identity.models import ApplicantKind
from motcua.units import selectors as units

# --- Submitted dossiers ------------------------------------------------------------------------


def dossiers_of(actor: RequestActor | None) -> QuerySet[Dossier]:
    """An applicant sees the dossiers they submitted and those submitted for them; an official or
    an agency system, the dossiers of the agencies in their scope (``identity.selectors.agency_scope``)."""
    base = Dossier.objects.select_related("procedure", "applicant", "submitted_by", "received_by")
    if isinstance(actor, ApplicantActor):
        if actor.acts_for_organisation:  # the organisation's, within the actor's scope (ADR 0065)
            theirs = Q(applicant_id=actor.organisation_id)
            if actor.organisation_scope:
                theirs &= Q(procedure__code__in=actor.organisation_scope)
            return base.filter(theirs).order_by("-submitted_at", "-id")
        mine = Q(submitted_by_id=actor.applicant_id) | Q(applicant_id=actor.applicant_id)
        mine &= ~Q(applicant__kind=ApplicantKind.ORGANISATION)
        return base.filter(mine).order_by("-submitted_at", "-id")
    if isinstance(actor, AgencyActor):
        codes = identity.visible_agencies(actor).values("code")
        return base.filter(agency_code__in=codes).order_by("-submitted_at", "-id")
    return Dossier.objects.none()


def get_dossier(actor: RequestActor | None, code: str, *, for_update: bool = False) -> Dossier:
    """The dossier ``code`` if the actor may see it; ``for_update`` locks its row (only its row)
    until the caller's transaction ends."""
    found = dossiers_of(actor).filter(code=code)
    if for_update:
        found = found.select_for_update(of=("self",))
    dossier = found.first()
    if dossier is None:
        raise NotFound(_("No such dossier."))
    return dossier


def get_dossier_file(actor: RequestActor | None, code: str, file_public_id: uuid.UUID | str) -> StoredFile:
    """A file attached to a dossier the actor may see, or its signed result (an official reads the
    scans, uploads and result of their agencies' dossiers this way; applicants read their own
    files through ``documents``)."""
    dossier = get_dossier(actor, code)
    attached = {str(entry.get("file")) for entry in dossier.components.values() if entry.get("file")}
    issued = (
        ResultDocument.objects.filter(dossier=dossier, kind="result")
        .values_list("file__public_id", flat=True)
        .first()
    )
    if issued is not None:
        attached.add(str(issued))
    if str(file_public_id) not in attached:
        raise NotFound(_("No such file."))
    stored = StoredFile.objects.filter(public_id=str(file_public_id), owner_id=dossier.applicant_id).first()
    if stored is None:
        raise NotFound(_("No such file."))
    return stored


def dossier_from_draft(actor: RequestActor | None, draft_public_id: uuid.UUID | str) -> Dossier | None:
    """The actor's dossier that the draft ``draft_public_id`` became, if it was submitted."""
    try:
        key = uuid.UUID(str(draft_public_id))
    except ValueError:
        return None
    return dossiers_of(actor).filter(draft_public_id=key).first()


@dataclass(frozen=True)
class DataUseReference:
    """What an application named in a person's access log is, as "who used my data" shows it."""

    code: str  # the dossier's code once submitted ("" while it is a draft)
    own_dossier: bool  # the reader's own dossier (submitted by or for them): linked
    own_draft: bool  # the reader's own draft, not submitted yet: linked


def data_use_references(actor: RequestActor | None, refs: Iterable[str]) -> dict[str, DataUseReference]:
    """For the dossier references of the reader's access log (a draft's id, or a dossier's code):
    the dossier code of each application that was submitted, whoever's it is (a person has the
    right to know which dossier used their data; the code alone opens nothing), and whether the
    dossier or draft is the reader's own. Only references the registries' log of the reader's
    own data named are looked up."""
    if not isinstance(actor, ApplicantActor):
        return {}
    drafts: dict[uuid.UUID, str] = {}
    codes: set[str] = set()
    for ref in refs:
        try:
            drafts[uuid.UUID(ref)] = ref
        except ValueError:
            if ref:
                codes.add(ref)
    submitted = {
        str(draft_id): code
        for draft_id, code in Dossier.objects.filter(draft_public_id__in=list(drafts)).values_list(
            "draft_public_id", "code"
        )
    }
    submitted.update(
        {code: code for code in Dossier.objects.filter(code__in=codes).values_list("code", flat=True)}
    )
    own_codes = set(dossiers_of(actor).filter(code__in=submitted.values()).values_list("code", flat=True))
    own_drafts = {
        str(public_id)
        for public_id in drafts_of(actor)
        .filter(public_id__in=list(drafts))
        .values_list("public_id", flat=True)
    }
    return {
        ref: DataUseReference(
            code=submitted.get(ref, ""),
            own_dossier=submitted.get(ref, "") in own_codes,
            own_draft=ref in own_drafts,
        )
        for ref in [*drafts.values(), *codes]
    }


def agency_name(code: str) -> str:
    """The agency's name in the reader's language (its code when unknown)."""
    return units.agency_name(code)
