"""The map of local government: provinces, commune-level units and competent agencies.

Two-level local government since 1 July 2025: 34 provinces and centrally-run cities, and
3,321 commune-level units (xã, phường, đặc khu); no district level. Loaded from the shipped
dataset by ``units.services.reload_units``; agencies are derived from the units.
"""

from __future__ import annotations

from django.db import models


class ProvinceType(models.TextChoices):
    PROVINCE = "province", "Tỉnh"
    CITY = "city", "Thành phố trực thuộc trung ương"


class CommuneType(models.TextChoices):
    COMMUNE = "commune", "Xã"
    WARD = "ward", "Phường"
    SPECIAL_ZONE = "special_zone", "Đặc khu"


class Level(models.TextChoices):
    COMMUNE = "commune", "Commune"
    PROVINCE = "province", "Province"
    MINISTRY = "ministry", "Ministry"
    # a service provider outside the commune/province hierarchy that serves an area (ADR 0067)
    SERVICE_PROVIDER = "service_provider", "Service provider"


class AgencyType(models.TextChoices):
    COMMUNE_PEOPLES_COMMITTEE = "commune_peoples_committee", "Ủy ban nhân dân cấp xã"
    COMMUNE_POLICE = "commune_police", "Công an cấp xã"
    COMMUNE_SERVICE_CENTRE = "commune_service_centre", "Trung tâm Phục vụ hành chính công cấp xã"
    PROVINCIAL_PEOPLES_COMMITTEE = "provincial_peoples_committee", "Ủy ban nhân dân cấp tỉnh"
    PROVINCIAL_SERVICE_CENTRE = "provincial_service_centre", "Trung tâm Phục vụ hành chính công cấp tỉnh"
    PROVINCIAL_JUSTICE_DEPARTMENT = "provincial_justice_department", "Sở Tư pháp"
    PROVINCIAL_POLICE = "provincial_police", "Công an cấp tỉnh"
    PROVINCIAL_SOCIAL_INSURANCE = "provincial_social_insurance", "Bảo hiểm xã hội cấp tỉnh"
    PROVINCIAL_HOME_AFFAIRS_DEPARTMENT = "provincial_home_affairs_department", "Sở Nội vụ"
    PROVINCIAL_EMPLOYMENT_CENTRE = "provincial_employment_centre", "Trung tâm Dịch vụ việc làm"
    LAND_REGISTRATION_OFFICE = "land_registration_office", "Văn phòng Đăng ký đất đai"
    PROVINCIAL_EDUCATION_DEPARTMENT = "provincial_education_department", "Sở Giáo dục và Đào tạo"
    POWER_COMPANY = "power_company", "Công ty Điện lực"
    MINISTRY = "ministry", "Bộ, ngành"


class Province(models.Model):
    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    full_name = models.CharField(max_length=150)
    full_name_en = models.CharField(max_length=150)
    code_name = models.CharField(max_length=100)
    unit_type = models.CharField(max_length=16, choices=ProvinceType.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name


class Commune(models.Model):
    code = models.CharField(max_length=5, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    full_name = models.CharField(max_length=150)
    full_name_en = models.CharField(max_length=150)
    code_name = models.CharField(max_length=100)
    unit_type = models.CharField(max_length=16, choices=CommuneType.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["province", "name"], name="units_commune_province_idx")]

    def __str__(self) -> str:
        return self.full_name


class Agency(models.Model):
    """A competent authority (cơ quan có thẩm quyền) attached to a unit.

    ``code`` is motcua's stable code ``<PREFIX>.<unit code>`` (ADR 0005, docs/units.md);
    ``qcvn102_code`` holds the official QCVN 102 identifier once a deployment sets it.
    """

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    agency_type = models.CharField(max_length=48, choices=AgencyType.choices)
    level = models.CharField(max_length=16, choices=Level.choices)
    province = models.ForeignKey(Province, null=True, on_delete=models.PROTECT, related_name="agencies")
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    qcvn102_code = models.CharField(max_length=32, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["agency_type", "province"], name="units_agency_type_prov_idx"),
            models.Index(fields=["commune", "agency_type"], name="units_agency_commune_idx"),
        ]

    def __str__(self) -> str:
        return self.name
