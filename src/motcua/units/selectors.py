"""Reads of the map of local government. Reference data is public, so no actor is needed,
but views and API handlers read only through these functions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import get_language

from motcua.core import refdata
from motcua.core.collation import order_vietnamese
from motcua.core.errors import NotFound
from motcua.units.models import Agency, Commune, Level, Province


def list_provinces() -> QuerySet[Province]:
    return Province.objects.filter(is_active=True).order_by("code")


def get_province(code: str) -> Province:
    province = Province.objects.filter(code=code, is_active=True).first()
    if province is None:
        raise NotFound(f"No province with code {code}.")
    return province


def communes_of_province(province_code: str) -> QuerySet[Commune]:
    return Commune.objects.filter(province__code=province_code, is_active=True).order_by(
        order_vietnamese("name"), "code"
    )


def get_commune(code: str) -> Commune:
    """An active commune with its province, kept per process (``core.refdata``): read-only."""
    commune = refdata.cached(
        "commune",
        code,
        lambda: Commune.objects.select_related("province").filter(code=code, is_active=True).first(),
    )
    if commune is None:
        raise NotFound(f"No commune-level unit with code {code}.")
    return commune


def find_commune(code: str) -> Commune | None:
    """The commune with ``code`` (withdrawn ones too: old dossiers name them), with its province,
    or None; kept per process (``core.refdata``): read-only."""
    return refdata.cached(
        "commune_any", code, lambda: Commune.objects.filter(code=code).select_related("province").first()
    )


def unit_counts() -> dict[str, int]:
    return {
        "provinces": Province.objects.filter(is_active=True).count(),
        "communes": Commune.objects.filter(is_active=True).count(),
    }


def agencies(
    *,
    province_code: str | None = None,
    commune_code: str | None = None,
    agency_type: str | None = None,
    level: str | None = None,
) -> QuerySet[Agency]:
    queryset = Agency.objects.filter(is_active=True).select_related("province", "commune")
    if province_code:
        queryset = queryset.filter(province__code=province_code)
    if commune_code:
        queryset = queryset.filter(commune__code=commune_code)
    if agency_type:
        queryset = queryset.filter(agency_type=agency_type)
    if level:
        queryset = queryset.filter(level=level)
    return queryset.order_by("code")


def english_reader() -> bool:
    return (get_language() or "vi").startswith("en")


def _in_reader_language(name: str, name_en: str, english: bool) -> str:
    return name_en if english and name_en else name


def agency_names(codes: Iterable[str]) -> dict[str, str]:
    """``{code: name}`` of the given agencies in the reader's language (English when the
    reference data has it); unknown codes are left out."""
    rows = Agency.objects.filter(code__in=set(codes)).values_list("code", "name", "name_en")
    english = english_reader()
    return {code: _in_reader_language(name, name_en, english) for code, name, name_en in rows}


def agency_name(code: str) -> str:
    """The name of the agency with ``code`` (withdrawn ones too) in the reader's language
    (English when the reference data has it), or the code; kept per process (``core.refdata``)."""
    english = english_reader()

    def load() -> str:
        agency = Agency.objects.filter(code=code).only("name", "name_en").first()
        if agency is None:
            return code
        return _in_reader_language(agency.name, agency.name_en, english)

    return refdata.cached("agency_name", (code, english), load)


def get_agency(code: str) -> Agency:
    agency = Agency.objects.select_related("province", "commune").filter(code=code, is_active=True).first()
    if agency is None:
        raise NotFound(f"No agency with code {code}.")
    return agency


def competent_agency(*, level: str, agency_type: str, province_code: str, commune_code: str) -> Agency | None:
    """The first of ``competent_agencies`` (the one a new dossier goes to), kept per process
    (``core.refdata``): read-only."""
    return refdata.cached(
        "competent_agency",
        (level, agency_type, province_code, commune_code),
        lambda: competent_agencies(
            level=level, agency_type=agency_type, province_code=province_code, commune_code=commune_code
        ).first(),
    )


def competent_agencies(
    *, level: str, agency_type: str, province_code: str, commune_code: str | None = None
) -> QuerySet[Agency]:
    """The agencies that handle a procedure of ``level``/``agency_type`` for an applicant there.

    Commune-level procedures go to that commune's agency (all communes of the province when
    no commune is given); province-level ones to the province's agency, from any commune.
    Ministry-level procedures have no local agency here. A service provider (the power
    company, ADR 0067) serves a province: the provider of that type for the applicant's province.
    """
    if level == Level.COMMUNE:
        return agencies(
            province_code=province_code,
            commune_code=commune_code,
            agency_type=agency_type,
            level=Level.COMMUNE,
        )
    if level == Level.PROVINCE:
        return agencies(province_code=province_code, agency_type=agency_type, level=Level.PROVINCE)
    if level == Level.SERVICE_PROVIDER:
        return agencies(province_code=province_code, agency_type=agency_type, level=Level.SERVICE_PROVIDER)
    return Agency.objects.none()
