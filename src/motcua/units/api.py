"""REST API for the map of local government: /api/v1/units/..."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from motcua.api.errors import ErrorOut
from motcua.api.pagination import BoundedLimitOffsetPagination
from motcua.identity.permissions import public
from motcua.units import selectors
from motcua.units.models import Agency, Commune, Province

router = Router(tags=["units"])


class ProvinceOut(Schema):
    code: str
    name: str
    name_en: str
    full_name: str
    full_name_en: str
    unit_type: str


class CommuneOut(Schema):
    code: str
    province_code: str
    name: str
    name_en: str
    full_name: str
    full_name_en: str
    unit_type: str

    @staticmethod
    def resolve_province_code(obj: Commune) -> str:
        return obj.province.code


class AgencyOut(Schema):
    code: str
    name: str
    name_en: str
    agency_type: str
    level: str
    province_code: str | None
    commune_code: str | None

    @staticmethod
    def resolve_province_code(obj: Agency) -> str | None:
        return obj.province.code if obj.province else None

    @staticmethod
    def resolve_commune_code(obj: Agency) -> str | None:
        return obj.commune.code if obj.commune else None


@router.get("/provinces", response=list[ProvinceOut], summary="The 34 provinces and centrally-run cities")
@public
def list_provinces(request: HttpRequest) -> list[Province]:
    return list(selectors.list_provinces())


@router.get(
    "/provinces/{code}/communes",
    response={200: list[CommuneOut], 404: ErrorOut},
    summary="Commune-level units of a province",
)
@public
def list_communes(request: HttpRequest, code: str) -> list[Commune]:
    selectors.get_province(code)
    return list(selectors.communes_of_province(code).select_related("province"))


@router.get("/agencies", response=list[AgencyOut], summary="Agencies, filtered by unit, type and level")
@paginate(BoundedLimitOffsetPagination)
@public
def list_agencies(
    request: HttpRequest,
    province: str | None = None,
    commune: str | None = None,
    type: str | None = None,
    level: str | None = None,
) -> list[Agency]:
    return selectors.agencies(province_code=province, commune_code=commune, agency_type=type, level=level)  # type: ignore[return-value]


@router.get("/agencies/{code}", response={200: AgencyOut, 404: ErrorOut}, summary="One agency")
@public
def get_agency(request: HttpRequest, code: str) -> Agency:
    return selectors.get_agency(code)
