"""Writes of interconnected applications (liên thông, Decree 63/2024): the birth bundle (birth
registration → permanent residence → health-insurance card) and the death bundle (death
registration → deletion of permanent residence → funeral allowance → survivor benefit, 2 to 4
chosen by the applicant).

One application: the applicant starts a draft of the bundle's first member and, on the same
page, enters what the later members need that no earlier member provides. Submitting it makes
the first member's dossier and the ``BundleApplication``. When a member's result is approved,
``advance`` (run from the event log, idempotent) creates the dossier of each chosen member whose
predecessors all have their result: at its own competent agency, with its own deadline and
process, its form filled from the earlier dossiers (``receives``: their form values and result
data) and the applicant's entries, and every component marked as coming from the linked dossier.
Nothing is typed twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog import decisions
from motcua.catalog import selectors as catalog
from motcua.catalog.models import Bundle
from motcua.catalog.selectors import Member
from motcua.catalog.typed import ChoicesSpec, FieldSpec, FlowSpec, ProcedureDefinition
from motcua.core.actors import SYSTEM, Actor
from motcua.core.errors import MotcuaError
from motcua.core.services import record_change
from motcua.dossiers.events import DossierEvent, DossierSubject
from motcua.dossiers.forms import clean_entries
from motcua.dossiers.models import BundleApplication, Dossier, DossierStatus, Draft, Provenance
from motcua.identity.actors import ApplicantActor

DONE = (DossierStatus.PROCESSED, DossierStatus.RESULT_RETURNED)
SEPARATOR = "__"  # form field names of later members on the draft page: <procedure>__<field>


def chosen_members(bundle: Bundle, requested: Sequence[str]) -> list[Member]:
    """The members the application covers: every required member, and the optional ones asked
    for, provided each one's predecessors are covered too (the survivor benefit needs the
    funeral allowance)."""
    members = catalog.bundle_members(bundle)
    wanted = set(requested)
    chosen: list[Member] = []
    codes: set[str] = set()
    for member in members:
        code = member.procedure.code
        if member.optional and code not in wanted:
            continue
        missing = [after for after in member.after if after not in codes]
        if missing:
            names = catalog.procedure_names(missing)
            raise MotcuaError(
                _("%(procedure)s needs %(missing)s too.")
                % {
                    "procedure": member.procedure.name_vi,
                    "missing": ", ".join(names.get(m, m) for m in missing),
                }
            )
        chosen.append(member)
        codes.add(code)
    limits = catalog.bundle_definition(bundle).choices or ChoicesSpec()
    high = limits.max_members if limits.max_members is not None else len(members)
    if not limits.min_members <= len(chosen) <= high:
        raise MotcuaError(_("Choose a number of procedures this application allows."))
    return chosen


def later_fields(member: Member) -> dict[str, FieldSpec]:
    """The form fields of a later member that no earlier member provides: the applicant fills them."""
    received = {flow.target_field for flow in member.receives}
    return {
        name: prop
        for name, prop in catalog.definition(member.procedure).fields.items()
        if name not in received
    }


def later_members(draft: Draft) -> list[Member]:
    if not draft.bundle_code:
        return []
    bundle = catalog.get_bundle(draft.bundle_code)
    members = [m for m in catalog.bundle_members(bundle) if m.procedure.code in draft.bundle_members]
    return members[1:]


def start_bundle_draft(
    *, actor: ApplicantActor, bundle_code: str, commune_code: str, members: Sequence[str]
) -> Draft:
    """Start (or resume) the draft of an interconnected application: a draft of the bundle's
    first member that carries the bundle and the chosen members.

    It is a draft of its own, apart from a plain draft of the same procedure at the same commune
    (``draft_services.start_draft``'s resume key includes the bundle); starting the same bundle again
    resumes it, with the members chosen this time."""
    from motcua.dossiers.services import drafts as draft_services

    bundle = catalog.get_bundle(bundle_code)
    chosen = chosen_members(bundle, members)
    with transaction.atomic():
        started = draft_services.start_draft(
            actor=actor,
            procedure_code=chosen[0].procedure.code,
            commune_code=commune_code,
            bundle_code=bundle.code,
        )
        locked = Draft.objects.select_for_update().get(pk=started.pk)
        old = locked.bundle_members
        wanted = [m.procedure.code for m in chosen]
        if old != wanted:
            locked.bundle_members = wanted
            locked.save(update_fields=["bundle_members"])
            record_change(
                actor=actor,
                type=DossierEvent.DRAFT_SAVED,
                subject_type=DossierSubject.DRAFT,
                subject_id=str(locked.public_id),
                agency_code=locked.agency_code,
                changes={"members": [old or None, wanted]},
            )
    return locked


def clean_later_entries(
    draft: Draft, raw: Mapping[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The later members' values among ``raw`` (``<procedure>__<field>``), and their errors."""
    values: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for member in later_members(draft):
        code = member.procedure.code
        fields = later_fields(member)
        mine = {
            key.partition(SEPARATOR)[2]: value
            for key, value in raw.items()
            if key.startswith(code + SEPARATOR)
        }
        cleaned, member_errors = clean_entries(fields, mine)
        values[code] = {**draft.bundle_entries.get(code, {}), **cleaned}
        errors.update({f"{code}{SEPARATOR}{name}": message for name, message in member_errors.items()})
    return values, errors


def later_problems(draft: Draft, first_values: Mapping[str, Any], *, on: datetime.date) -> dict[str, str]:
    """What the later members still need (required fields no earlier member provides), and
    whether each later member applies to the case as far as the application already tells
    (its eligibility table, on values entered or passed on from the first member's form:
    the child's date of birth decides the health-insurance card under 6). A refusal stands on
    the field the value was entered in. ``first_values``: the first member's checked form."""
    problems: dict[str, str] = {}
    for member in later_members(draft):
        code = member.procedure.code
        entered = draft.bundle_entries.get(code, {})
        fields = later_fields(member)
        spec = catalog.definition(member.procedure)
        for name in spec.required_fields:
            if name in fields and fields[name].default is None and entered.get(name) in (None, "", []):
                problems[f"{code}{SEPARATOR}{name}"] = _("This field is required.")
        known, entered_as = _known_values(draft, member, first_values)
        for name, message in decisions.eligibility_refusals(spec, known, on=on).items():
            if name in entered_as:
                problems.setdefault(entered_as[name], message)
    return problems


def _defaults(member: Member) -> dict[str, Any]:
    """The defaults of the fields a later member's applicant fills."""
    return {name: prop.default for name, prop in later_fields(member).items() if prop.default is not None}


def _filled(entries: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in entries.items() if value not in (None, "", [])}


def _known_values(
    draft: Draft, member: Member, first_values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """A later member's form values known at submission (defaults, its own entries, values
    passed on from earlier members' forms; results are not known yet), and for each the name
    of the field on the application page it was entered in."""
    code = member.procedure.code
    first_code = draft.procedure.code
    mine = _filled(draft.bundle_entries.get(code, {}))
    values = {**_defaults(member), **mine}
    entered_as = {name: f"{code}{SEPARATOR}{name}" for name in mine}
    for flow in member.receives:
        source, target = flow.source_field, flow.target_field
        if flow.source_kind != "form":
            continue
        origin = flow.from_
        if origin == first_code:
            value, field_name = first_values.get(source), source
        else:
            value, field_name = (
                draft.bundle_entries.get(origin, {}).get(source),
                f"{origin}{SEPARATOR}{source}",
            )
        if value not in (None, "", []):
            values[target] = value
            entered_as[target] = field_name
    return values, entered_as


def open_application(*, actor: ApplicantActor, draft: Draft, dossier: Dossier) -> BundleApplication:
    """In the submission's transaction: the application, with the first member's dossier in it."""
    application = BundleApplication.objects.create(
        bundle_code=draft.bundle_code,
        applicant=dossier.applicant,
        submitted_by_id=actor.applicant_id,
        members=draft.bundle_members,
        entries=draft.bundle_entries,
        commune_code=dossier.commune_code,
    )
    dossier.bundle_application = application
    dossier.save(update_fields=["bundle_application"])
    return application


def _received_value(source: Dossier, flow: FlowSpec) -> Any:
    return (source.result if flow.source_kind == "result" else source.entries).get(flow.source_field)


def advance(*, application_id: int, actor: Actor = SYSTEM) -> list[Dossier]:
    """Create the dossier of each chosen member whose predecessors all have their result and
    that has none yet. Safe to run again: a member never gets two dossiers."""
    from motcua.dossiers.services import submission as submission_services

    created: list[Dossier] = []
    with transaction.atomic():
        application = BundleApplication.objects.select_for_update().get(pk=application_id)
        bundle = catalog.get_bundle(application.bundle_code)
        members = [m for m in catalog.bundle_members(bundle) if m.procedure.code in application.members]
        existing = {
            d.procedure.code: d
            for d in Dossier.objects.filter(bundle_application=application).select_related("procedure")
        }
        for member in members:
            code = member.procedure.code
            if code in existing or not member.after:
                continue
            sources = [existing.get(after) for after in member.after]
            if any(source is None or source.status not in DONE for source in sources):
                continue
            by_code = {d.procedure.code: d for d in existing.values()}
            entries = {**_defaults(member), **_filled(application.entries.get(code, {}))}
            for flow in member.receives:
                source = by_code.get(flow.from_)
                if source is not None:
                    entries[flow.target_field] = _received_value(source, flow)
            previous = by_code[member.after[-1]]
            dossier = submission_services.create_linked_dossier(
                actor=actor,
                application=application,
                procedure=member.procedure,
                entries=entries,
                linked_from=previous,
            )
            existing[code] = dossier
            created.append(dossier)
    return created


def linked_components(spec: ProcedureDefinition, source: Dossier) -> dict[str, dict[str, Any]]:
    """Every component of a later member: passed along the interconnection from ``source``."""
    return {
        c.id: {"kind": c.kind, "provenance": Provenance.LINKED, "from": source.code} for c in spec.components
    }
