"""Translatable labels for the code values used in procedure specs."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VOCABULARIES: dict[str, dict[str, Promise]] = {
    "level": {"commune": _("Commune"), "province": _("Province"), "ministry": _("Ministry")},
    "online_level": {"full": _("Full-process online"), "partial": _("Partially online")},
    "method": {"online": _("Online"), "counter": _("At the one-stop counter"), "post": _("By public post")},
    "applicant_type": {
        "citizen": _("Vietnamese citizen"),
        "overseas_vietnamese": _("Overseas Vietnamese"),
        "foreigner": _("Foreigner"),
        "organisation": _("Organisation"),
        "enterprise": _("Enterprise"),
    },
    "component_kind": {
        "data": _("Taken from a national database"),
        "document": _("Uploaded document"),
        "wallet": _("Reused from your data wallet"),
    },
    "registry": {
        "population": _("National population database"),
        "civil_status": _("Civil-status database"),
        "residence": _("Residence database"),
        "enterprise": _("Enterprise registration database"),
        "land": _("Land database"),
        "social_insurance": _("Social-insurance database"),
        "health_insurance": _("Health-insurance database"),
        "driving_licence": _("Driving-licence database"),
        "vehicle": _("Vehicle registration database"),
        "judicial_records": _("Judicial-record database"),
    },
    "fee_kind": {
        "none": _("No fee"),
        "fixed": _("Fixed fee"),
        "table": _("Depends on the case"),
        "dmn": _("Calculated from the case"),
        "unconfirmed": _("Fee not yet confirmed"),
    },
    "agency_type": {
        "commune_peoples_committee": _("Commune People's Committee"),
        "commune_police": _("Commune police"),
        "commune_service_centre": _("Commune public-administration service centre"),
        "provincial_peoples_committee": _("Provincial People's Committee"),
        "provincial_service_centre": _("Provincial public-administration service centre"),
        "provincial_justice_department": _("Provincial Department of Justice"),
        "provincial_police": _("Provincial police"),
        "provincial_social_insurance": _("Provincial social-insurance office"),
        "provincial_home_affairs_department": _("Provincial Department of Home Affairs"),
        "provincial_employment_centre": _("Employment service centre"),
        "land_registration_office": _("Land registration office"),
        "ministry": _("Ministry"),
    },
}


def label_for(vocabulary: str, value: str) -> str:
    return str(VOCABULARIES.get(vocabulary, {}).get(value, value))
