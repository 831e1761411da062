"""Public catalog pages: search and filter procedures, read a procedure or a bundle.

Views validate input and read through selectors only (catalog and units); they write nothing.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from motcua.catalog import selectors
from motcua.catalog.forms import CatalogFilterForm
from motcua.catalog.models import Procedure
from motcua.identity.permissions import public
from motcua.units import selectors as units
from motcua.units.models import Agency

PAGE_SIZE = 20


def _unit_choices(province_code: str, commune_code: str) -> dict[str, list[tuple[str, str]]]:
    provinces = [(p.code, p.name) for p in units.list_provinces()]
    known_provinces = {code for code, _ in provinces}
    communes: list[tuple[str, str]] = []
    agencies: list[tuple[str, str]] = []
    if province_code in known_provinces:
        communes = [(c.code, c.full_name) for c in units.communes_of_province(province_code)]
        agencies = [(a.code, a.name) for a in units.agencies(province_code=province_code, level="province")]
        if commune_code in {code for code, _ in communes}:
            agencies += [(a.code, a.name) for a in units.agencies(commune_code=commune_code)]
    return {"provinces": provinces, "communes": communes, "agencies": agencies}


def _where_to_apply(procedure: Procedure, province_code: str, commune_code: str) -> list[Agency]:
    if not province_code:
        return []
    if procedure.level == "commune" and not commune_code:
        return []
    return list(
        units.competent_agencies(
            level=procedure.level,
            agency_type=procedure.agency_type,
            province_code=province_code,
            commune_code=commune_code or None,
        )
    )


@public
def procedure_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    province_code = params.get("province", "")
    commune_code = params.get("commune", "")
    choices = _unit_choices(province_code, commune_code)
    english = (get_language() or "vi").startswith("en")
    sectors = [(s.code, s.name_en if english else s.name_vi) for s in selectors.list_sectors()]
    form = CatalogFilterForm(params or None, sectors=sectors, **choices)
    page = None
    results_with_agencies: list[tuple[Procedure, list[Agency]]] = []
    if not params or form.is_valid():
        data: dict[str, str] = form.cleaned_data if params else {}
        agency_type = None
        level = data.get("level") or None
        if data.get("agency"):
            agency = units.get_agency(data["agency"])
            agency_type, level = agency.agency_type, agency.level
        results = selectors.search_procedures(
            query=data.get("q", ""), level=level, sector=data.get("sector") or None, agency_type=agency_type
        )
        page = Paginator(results, PAGE_SIZE).get_page(params.get("page"))
        results_with_agencies = [
            (procedure, _where_to_apply(procedure, data.get("province", ""), data.get("commune", "")))
            for procedure in page.object_list
        ]
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/procedure_list.html",
        {
            "form": form,
            "page": page,
            "results": results_with_agencies,
            "query_string": query.urlencode(),
            "bundles": selectors.list_bundles(),
            "province_selected": bool(province_code) and form.is_bound and "province" not in form.errors,
        },
    )


@public
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = selectors.get_procedure(code)
    province_code = request.GET.get("province", "")
    commune_code = request.GET.get("commune", "")
    choices = _unit_choices(province_code, commune_code)
    form = CatalogFilterForm(request.GET or None, sectors=[], **choices)
    where: list[Agency] = []
    if request.GET and form.is_valid():
        where = _where_to_apply(procedure, form.cleaned_data["province"], form.cleaned_data["commune"])
    return render(
        request,
        "catalog/procedure_detail.html",
        {
            "procedure": procedure,
            "spec": selectors.definition(procedure),
            "form": form,
            "where_to_apply": where,
            "bundles": selectors.bundles_with_procedure(procedure.code),
        },
    )


@public
def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    bundle = selectors.get_bundle(code)
    members = selectors.bundle_members(bundle)
    return render(
        request,
        "catalog/bundle_detail.html",
        {"bundle": bundle, "spec": selectors.bundle_definition(bundle), "members": members},
    )
