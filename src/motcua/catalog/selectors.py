"""Reads of the public catalog. Public data: no actor, but views and the API read only here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from motcua.catalog.models import Bundle, Procedure
from motcua.core import refdata
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
    receives: list[dict[str, str]]
    deadline_note: str


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
    return queryset.order_by("name_vi")


def get_procedure(code: str) -> Procedure:
    """A published procedure, kept per process (``core.refdata``): read-only."""
    procedure = refdata.cached(
        "procedure", code, lambda: Procedure.objects.filter(code=code, is_active=True).first()
    )
    if procedure is None:
        raise NotFound(f"No published procedure with code {code}.")
    return procedure


def with_spec(procedure: Procedure) -> Procedure:
    """Give a procedure loaded without its spec (``defer("spec")``, as draft queries load it:
    the spec is the largest column and the same for every draft) the spec it was published
    with, kept per process by its hash (``core.refdata``)."""
    if "spec" in procedure.get_deferred_fields():
        procedure.spec = refdata.cached(
            "procedure_spec",
            (procedure.pk, procedure.spec_sha256),
            lambda: Procedure.objects.values_list("spec", flat=True).get(pk=procedure.pk),
        )
    return procedure


def list_sectors() -> list[Sector]:
    rows = (
        Procedure.objects.filter(is_active=True)
        .values_list("sector_code", "sector_vi", "sector_en")
        .distinct()
        .order_by("sector_vi")
    )
    return [Sector(code, vi, en) for code, vi, en in rows]


def list_bundles() -> QuerySet[Bundle]:
    return Bundle.objects.filter(is_active=True).order_by("name_vi")


def get_bundle(code: str) -> Bundle:
    bundle = Bundle.objects.filter(code=code, is_active=True).first()
    if bundle is None:
        raise NotFound(f"No published bundle with code {code}.")
    return bundle


def bundles_with_procedure(code: str) -> QuerySet[Bundle]:
    return list_bundles().filter(members__procedure__code=code).distinct()


def bundle_members(bundle: Bundle) -> list[Member]:
    procedures = {m.position: m.procedure for m in bundle.members.select_related("procedure")}
    members: list[dict[str, Any]] = bundle.spec["members"]
    return [
        Member(
            procedure=procedures[index],
            optional=bool(raw.get("optional", False)),
            after=list(raw.get("after", [])),
            receives=list(raw.get("receives", [])),
            deadline_note=str(raw.get("deadline_note", "")),
        )
        for index, raw in enumerate(members)
    ]


def procedure_names(codes: list[str]) -> dict[str, str]:
    """``{code: Vietnamese name}`` for the given codes (unknown codes are left out)."""
    return dict(Procedure.objects.filter(code__in=codes).values_list("code", "name_vi"))
