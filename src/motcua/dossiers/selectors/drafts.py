"""Reads of drafts, scoped to the actor: an applicant sees the drafts they started (for
themself or for someone they may still act for), nobody else's; officials see no drafts at all (a draft
becomes visible to an agency only once submitted). Missing and forbidden both raise ``NotFound``.

What the pages and the API show of a draft is assembled in ``presenters.drafts``.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.selectors import definition
from motcua.core.errors import NotFound
from motcua.core.selectors import audit_trail_for_subject
from motcua.dossiers.events import DossierEvent, DossierSubject
from motcua.dossiers.models import (
    Draft,
)
from motcua.exchange.sources import data_sources, prefills, value_at
from motcua.identity.actors import ApplicantActor, RequestActor
from motcua.identity.models import ApplicantKind
from motcua.identity.selectors import active_representations


def drafts_of(actor: RequestActor | None) -> QuerySet[Draft]:
    """The drafts the applicant started, for themself or for someone they may still act for: a
    draft started under an authorisation that has since been revoked or has expired is no longer
    theirs to see or change (its owner's is untouched; ``get_draft`` also checks the procedure is
    still in the authorisation's scope)."""
    if not isinstance(actor, ApplicantActor):
        return Draft.objects.none()
    drafts = Draft.objects.filter(created_by_id=actor.applicant_id)
    if actor.acts_for_organisation:  # the organisation's drafts only, within the actor's scope
        drafts = drafts.filter(applicant_id=actor.organisation_id)
        if actor.organisation_scope:
            drafts = drafts.filter(procedure__code__in=actor.organisation_scope)
    else:  # never an organisation's while acting for themself (ADR 0065)
        acting_for = (
            active_representations()
            .filter(representative_id=actor.applicant_id)
            .exclude(represented__kind=ApplicantKind.ORGANISATION)
            .values("represented_id")
        )
        drafts = drafts.filter(Q(applicant_id=actor.applicant_id) | Q(applicant_id__in=acting_for))
    return drafts.select_related("procedure", "applicant", "consent").order_by("-updated_at", "-id")


def _still_covered(actor: ApplicantActor, draft: Draft) -> bool:
    if draft.applicant_id == actor.applicant_id:
        return True
    return any(
        representation.covers(draft.procedure.code)
        for representation in active_representations().filter(
            representative_id=actor.applicant_id, represented_id=draft.applicant_id
        )
    )


def get_draft(actor: RequestActor | None, public_id: uuid.UUID | str, *, for_update: bool = False) -> Draft:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such draft.")) from None
    # the procedure's spec is not read with every draft: it comes from the per-process cache
    queryset = drafts_of(actor).select_related("created_by").defer("procedure__spec")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    draft = queryset.filter(public_id=key).first()
    if draft is None or not _still_covered(cast(ApplicantActor, actor), draft):
        raise NotFound(_("No such draft."))
    return draft


def prefilled_values(draft: Draft) -> dict[str, Any]:
    """Form fields whose value comes from data fetched for this draft, with that value: they are
    not the applicant's to change. Where several records disagree (two parcels, two vehicles),
    the applicant picks one, so such a field is left out and stays editable."""
    spec = definition(draft.procedure)
    locked: dict[str, Any] = {}
    for prefill in prefills(spec, data_sources(draft.procedure)):
        if prefill.component_id not in draft.fetched:
            continue
        value = value_at(draft.fetched[prefill.component_id], prefill.path)
        several = isinstance(value, list) and len({str(item) for item in value}) > 1
        prop = spec.fields.get(prefill.form_field)
        is_list_field = prop is not None and prop.type == "array"
        if is_list_field:
            locked[prefill.form_field] = value
        elif not several:
            locked[prefill.form_field] = (value[0] if value else "") if isinstance(value, list) else value
    return locked


def prefilled_field_names(draft: Draft) -> set[str]:
    return set(prefilled_values(draft))


def draft_discarded_by(actor: RequestActor | None, draft_public_id: uuid.UUID | str) -> bool:
    """Whether ``actor`` discarded the draft ``draft_public_id`` (its audit entry says so): a
    repeated discard is then answered as done, never with another actor's draft."""
    if not isinstance(actor, ApplicantActor):
        return False
    try:
        key = uuid.UUID(str(draft_public_id))
    except ValueError:
        return False
    return (
        audit_trail_for_subject(subject_type=DossierSubject.DRAFT, subject_id=str(key))
        .filter(type=DossierEvent.DRAFT_DISCARDED, actor_id=actor.actor_id)
        .exists()
    )
