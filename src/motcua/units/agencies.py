"""Which agencies exist for each unit, and their stable codes (ADR 0005, docs/units.md)."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.units.dataset import UnitRow
from motcua.units.models import AgencyType, Level


@dataclass(frozen=True)
class AgencyTemplate:
    prefix: str
    agency_type: AgencyType
    name_vi: str  # "{unit}" is the unit's full name with a lower-case first letter ("xã Ba Vì")
    name_en: str  # "{unit}" is the unit's English full name ("Ba Vi Commune")


COMMUNE_AGENCIES = (
    AgencyTemplate(
        "UBND", AgencyType.COMMUNE_PEOPLES_COMMITTEE, "Ủy ban nhân dân {unit}", "People's Committee of {unit}"
    ),
    AgencyTemplate("CAX", AgencyType.COMMUNE_POLICE, "Công an {unit}", "Police of {unit}"),
    AgencyTemplate(
        "TTPV",
        AgencyType.COMMUNE_SERVICE_CENTRE,
        "Trung tâm Phục vụ hành chính công {unit}",
        "Public Administration Service Centre of {unit}",
    ),
)

PROVINCE_AGENCIES = (
    AgencyTemplate(
        "UBNDT",
        AgencyType.PROVINCIAL_PEOPLES_COMMITTEE,
        "Ủy ban nhân dân {unit}",
        "People's Committee of {unit}",
    ),
    AgencyTemplate(
        "TTPVT",
        AgencyType.PROVINCIAL_SERVICE_CENTRE,
        "Trung tâm Phục vụ hành chính công {unit}",
        "Public Administration Service Centre of {unit}",
    ),
    AgencyTemplate(
        "STP",
        AgencyType.PROVINCIAL_JUSTICE_DEPARTMENT,
        "Sở Tư pháp {unit}",
        "Department of Justice of {unit}",
    ),
    AgencyTemplate("CAT", AgencyType.PROVINCIAL_POLICE, "Công an {unit}", "Police of {unit}"),
    AgencyTemplate(
        "BHXH", AgencyType.PROVINCIAL_SOCIAL_INSURANCE, "Bảo hiểm xã hội {unit}", "Social Insurance of {unit}"
    ),
    AgencyTemplate(
        "SNV",
        AgencyType.PROVINCIAL_HOME_AFFAIRS_DEPARTMENT,
        "Sở Nội vụ {unit}",
        "Department of Home Affairs of {unit}",
    ),
    AgencyTemplate(
        "TTDVVL",
        AgencyType.PROVINCIAL_EMPLOYMENT_CENTRE,
        "Trung tâm Dịch vụ việc làm {unit}",
        "Employment Service Centre of {unit}",
    ),
    AgencyTemplate(
        "VPDKDD",
        AgencyType.LAND_REGISTRATION_OFFICE,
        "Văn phòng Đăng ký đất đai {unit}",
        "Land Registration Office of {unit}",
    ),
    AgencyTemplate(
        "SGDDT",
        AgencyType.PROVINCIAL_EDUCATION_DEPARTMENT,
        "Sở Giáo dục và Đào tạo {unit}",
        "Department of Education and Training of {unit}",
    ),
)

# Service providers outside the government hierarchy that connect to the platform (ADR 0067): one
# per province, serving it, at level ``service_provider``. The power company of a province is a
# member of the national utility group (EVN) [M: one company per province, as the provincial
# power companies (PC) of the regional corporations were before 2025].
PROVIDER_AGENCIES = (
    AgencyTemplate("PC", AgencyType.POWER_COMPANY, "Công ty Điện lực {unit}", "Power Company of {unit}"),
)


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    name_en: str
    agency_type: str
    level: str
    province_code: str
    commune_code: str | None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def agency_code(prefix: str, unit_code: str) -> str:
    return f"{prefix}.{unit_code}"


def agencies_for_commune(commune: UnitRow) -> list[AgencyRow]:
    return [
        AgencyRow(
            code=agency_code(t.prefix, commune.code),
            name=t.name_vi.format(unit=_lower_first(commune.full_name)),
            name_en=t.name_en.format(unit=commune.full_name_en),
            agency_type=str(t.agency_type),
            level=str(Level.COMMUNE),
            province_code=commune.province_code,
            commune_code=commune.code,
        )
        for t in COMMUNE_AGENCIES
    ]


def agencies_for_province(province: UnitRow) -> list[AgencyRow]:
    return [
        AgencyRow(
            code=agency_code(t.prefix, province.code),
            name=t.name_vi.format(unit=_lower_first(province.full_name)),
            name_en=t.name_en.format(unit=province.full_name_en),
            agency_type=str(t.agency_type),
            level=str(Level.PROVINCE),
            province_code=province.code,
            commune_code=None,
        )
        for t in PROVINCE_AGENCIES
    ] + [
        AgencyRow(
            code=agency_code(t.prefix, province.code),
            name=t.name_vi.format(unit=province.name),
            name_en=t.name_en.format(unit=province.name_en),
            agency_type=str(t.agency_type),
            level=str(Level.SERVICE_PROVIDER),
            province_code=province.code,
            commune_code=None,
        )
        for t in PROVIDER_AGENCIES
    ]
