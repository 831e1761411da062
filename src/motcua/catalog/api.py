"""REST API for the public catalog: /api/v1/procedures and /api/v1/bundles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from motcua.api.errors import ErrorOut
from motcua.api.pagination import BoundedLimitOffsetPagination
from motcua.catalog import selectors
from motcua.catalog.models import Bundle, Procedure
from motcua.identity.permissions import public

router = Router(tags=["catalog"])


class Text(Schema):
    vi: str
    en: str


class ProcedureSummary(Schema):
    code: str
    national_code: str = ""
    name: Text
    sector: Text = Field(..., description="The sector (lĩnh vực)")
    sector_code: str
    level: str
    agency_type: str
    processing_days: int | None = Field(
        None, description="Statutory limit in working days; null when unconfirmed"
    )
    online_level: str
    fee_kind: str

    @staticmethod
    def resolve_name(obj: Procedure) -> dict[str, str]:
        return {"vi": obj.name_vi, "en": obj.name_en}

    @staticmethod
    def resolve_sector(obj: Procedure) -> dict[str, str]:
        return {"vi": obj.sector_vi, "en": obj.sector_en}


class ProcedureDetail(ProcedureSummary):
    spec_sha256: str
    spec: dict[str, Any] = Field(
        ...,
        description="The published spec: steps, methods, components, time limit, applicants, agency, "
        "result, fees, legal basis, online level and form (see docs/catalog.md).",
    )
    bundles: list[str]

    @staticmethod
    def resolve_bundles(obj: Procedure) -> list[str]:
        return [bundle.code for bundle in selectors.bundles_with_procedure(obj.code)]


class MemberOut(Schema):
    procedure: str
    optional: bool
    after: list[str]
    receives: list[dict[str, str]]
    deadline_note: str = Field(
        ..., description="The integrators' note on the member's deadline (not shown to applicants)."
    )
    public_note: dict[str, str] = Field(
        default_factory=dict, description="What applicants read about the member, {vi, en}; empty when none."
    )


class BundleOut(Schema):
    code: str
    name: Text
    spec_sha256: str
    members: list[MemberOut]

    @staticmethod
    def resolve_name(obj: Bundle) -> dict[str, str]:
        return {"vi": obj.name_vi, "en": obj.name_en}

    @staticmethod
    def resolve_members(obj: Bundle) -> list[dict[str, Any]]:
        return [
            {
                "procedure": m.procedure.code,
                "optional": m.optional,
                "after": m.after,
                "receives": [flow.as_dict() for flow in m.receives],
                "deadline_note": m.deadline_note,
                "public_note": m.public_note,
            }
            for m in selectors.bundle_members(obj)
        ]


@router.get("/procedures", response=list[ProcedureSummary], summary="Search the published procedures")
@paginate(BoundedLimitOffsetPagination)
@public
def list_procedures(
    request: HttpRequest,
    q: str = "",
    level: str | None = None,
    sector: str | None = None,
    agency_type: str | None = None,
) -> Any:
    """`q` ignores diacritics and case: "dang ky khai sinh" finds "Đăng ký khai sinh"."""
    return selectors.search_procedures(query=q, level=level, sector=sector, agency_type=agency_type)


@router.get("/procedures/{code}", response={200: ProcedureDetail, 404: ErrorOut}, summary="One procedure")
@public
def get_procedure(request: HttpRequest, code: str) -> Procedure:
    return selectors.get_procedure(code)


@router.get("/bundles", response=list[BundleOut], summary="Interconnected procedure bundles")
@public
def list_bundles(request: HttpRequest) -> list[Bundle]:
    return list(selectors.list_bundles())


@router.get("/bundles/{code}", response={200: BundleOut, 404: ErrorOut}, summary="One bundle")
@public
def get_bundle(request: HttpRequest, code: str) -> Bundle:
    return selectors.get_bundle(code)
