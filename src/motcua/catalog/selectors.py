"""Reads of the public catalog. Public data: no actor, but views and the API read only here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from motcua.catalog import typed
from motcua.catalog.models import Bundle, Procedure, ProcedureSpecVersion
from motcua.catalog.typed import BundleDefinition, FlowSpec, ProcedureDefinition, procedure_definition
from motcua.core import refdata
from motcua.core.collation import order_vietnamese
from motcua.core.errors import NotFound
from motcua.core.text import fold_vietnamese


@dataclass(frozen=True)
class Sector:
    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class Member:
    procedure: Procedure
    optional: bool
    after: list[str]
    receives: tuple[FlowSpec, ...]
    deadline_note: str  # the integrators' note (API only); pages show public_note
    public_note: dict[str, str] = field(default_factory=dict)  # {vi, en}, may be empty
    # What the member receives without re-entry, as the titles of its form's fields ({vi, en}).
    received_fields: list[dict[str, str]] = field(default_factory=list)
    after_procedures: list[Procedure] = field(default_factory=list)


def search_procedures(
    *,
    query: str = "",
    level: str | None = None,
    sector: str | None = None,
    agency_type: str | None = None,
    only_active: bool = True,
) -> QuerySet[Procedure]:
    """Procedures in which every word of ``query`` starts a word of the name, code, sector or
    description, ignoring diacritics and case ("dang ky khai sinh" finds "Đăng ký khai sinh")."""
    queryset = Procedure.objects.all()
    if only_active:
        queryset = queryset.filter(is_active=True)
    for word in fold_vietnamese(query).split():
        queryset = queryset.filter(search_text__contains=f" {word}")
    if level:
        queryset = queryset.filter(level=level)
    if sector:
        queryset = queryset.filter(sector_code=sector)
    if agency_type:
        queryset = queryset.filter(agency_type=agency_type)
    return queryset.order_by(order_vietnamese(_name_field("name")), "code")


def _name_field(prefix: str) -> str:
    """``name_en`` for an English reader, else ``name_vi``: lists sort in the reader's language."""
    return f"{prefix}_en" if (get_language() or "vi").startswith("en") else f"{prefix}_vi"


def get_procedure(code: str) -> Procedure:
    """A published procedure, kept per process (``core.refdata``): read-only."""
    procedure = refdata.cached(
        "procedure", code, lambda: Procedure.objects.filter(code=code, is_active=True).first()
    )
    if procedure is None:
        raise NotFound(f"No published procedure with code {code}.")
    return procedure


def definition(procedure: Procedure, version: str = "") -> ProcedureDefinition:
    """The typed spec of a procedure (ADR 0039): the version it is published with now, or, given
    ``version`` (the ``spec_sha256`` a draft or dossier was filed under), that version, so a
    spec published again never relabels what was filed before. Parsed once per process by its
    hash (``core.refdata``); a procedure loaded without its spec (``defer("spec")``, as draft
    queries load it: the largest column, the same for every draft) reads it only when no
    process copy exists. A version published before versions were kept, and since replaced,
    reads as the current one."""
    if version and version != procedure.spec_sha256:
        return procedure_definition(lambda: _version_spec(procedure, version), version)
    if "spec" in procedure.get_deferred_fields():
        return procedure_definition(
            lambda: Procedure.objects.values_list("spec", flat=True).get(pk=procedure.pk),
            procedure.spec_sha256,
        )
    return procedure_definition(procedure.spec, procedure.spec_sha256)


def _version_spec(procedure: Procedure, version: str) -> Any:
    kept = ProcedureSpecVersion.objects.filter(sha256=version, procedure_id=procedure.pk).values_list(
        "spec", flat=True
    )
    for spec in kept:
        return spec
    return Procedure.objects.values_list("spec", flat=True).get(pk=procedure.pk)


def bundle_definition(bundle: Bundle) -> BundleDefinition:
    """The typed spec of a published bundle, parsed once per process by its hash."""
    return typed.bundle_definition(bundle.spec, bundle.spec_sha256)


def list_sectors() -> list[Sector]:
    rows = (
        Procedure.objects.filter(is_active=True)
        .values_list("sector_code", "sector_vi", "sector_en")
        .distinct()
        .order_by(order_vietnamese(_name_field("sector")), "sector_code")
    )
    return [Sector(code, vi, en) for code, vi, en in rows]


def list_bundles() -> QuerySet[Bundle]:
    return Bundle.objects.filter(is_active=True).order_by(order_vietnamese(_name_field("name")), "code")


def get_bundle(code: str) -> Bundle:
    bundle = Bundle.objects.filter(code=code, is_active=True).first()
    if bundle is None:
        raise NotFound(f"No published bundle with code {code}.")
    return bundle


def bundles_with_procedure(code: str) -> QuerySet[Bundle]:
    return list_bundles().filter(members__procedure__code=code).distinct()


def bundle_members(bundle: Bundle) -> list[Member]:
    procedures = {m.position: m.procedure for m in bundle.members.select_related("procedure")}
    by_code = {procedure.code: procedure for procedure in procedures.values()}
    return [
        Member(
            procedure=procedures[index],
            optional=member.optional,
            after=list(member.after),
            receives=member.receives,
            deadline_note=member.deadline_note,
            public_note=member.public_note.as_dict(),
            received_fields=[
                _field_title(definition(procedures[index]), flow.target_field) for flow in member.receives
            ],
            after_procedures=[by_code[code] for code in member.after if code in by_code],
        )
        for index, member in enumerate(bundle_definition(bundle).members)
    ]


def _field_title(spec: ProcedureDefinition, name: str) -> dict[str, str]:
    """A form field's title as ``{vi, en}`` (its name when the spec gives no title)."""
    prop = spec.fields.get(name)
    vi = (prop.title_vi if prop else "") or name
    return {"vi": vi, "en": (prop.title_en if prop else "") or vi}


def procedure_names(codes: list[str]) -> dict[str, str]:
    """``{code: Vietnamese name}`` for the given codes (unknown codes are left out)."""
    return dict(Procedure.objects.filter(code__in=codes).values_list("code", "name_vi"))


def procedure_titles(codes: list[str]) -> dict[str, str]:
    """``{code: name}`` in the reader's language for the given codes (unknown codes left out)."""
    rows = Procedure.objects.filter(code__in=codes).values_list("code", "name_vi", "name_en")
    english = (get_language() or "vi").startswith("en")
    return {code: (en if english and en else vi) for code, vi, en in rows}


def result_name(result_type: str) -> dict[str, str]:
    """The ``{vi, en}`` name the catalog gives a result type (``birth-extract``), from the first
    published procedure that issues it; ``{}`` when none does."""
    specs = Procedure.objects.filter(is_active=True, spec__result__type=result_type).values_list(
        "spec__result__name", flat=True
    )
    for name in specs[:1]:
        if isinstance(name, dict):
            return {str(k): str(v) for k, v in name.items()}
    return {}


def purpose_translations(codes: list[str]) -> dict[str, str]:
    """``{Vietnamese purpose: English purpose}`` of the data components of the given procedures:
    a registry logs the purpose a request stated (in Vietnamese); an English reader reads the
    catalog's English wording of it."""
    translations: dict[str, str] = {}
    for spec in Procedure.objects.filter(code__in=codes).values_list("spec", flat=True):
        for component in spec.get("components", []) if isinstance(spec, dict) else []:
            purpose = component.get("purpose") if isinstance(component, dict) else None
            if isinstance(purpose, dict) and purpose.get("vi") and purpose.get("en"):
                translations[str(purpose["vi"])] = str(purpose["en"])
    return translations
