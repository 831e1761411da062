"""Translatable labels for the code values used in procedure specs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from motcua.catalog.typed import FieldSpec, Text

VOCABULARIES: dict[str, dict[str, Promise]] = {
    "level": {
        "commune": _("Commune"),
        "province": _("Province"),
        "ministry": _("Ministry"),
        "service_provider": _("Service provider"),
    },
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
    "channel": {"online": _("Online"), "counter": _("At the one-stop counter"), "post": _("By public post")},
    "identity_check": {
        "chip_card": _("Chip of the ID card read"),
        "paper_id": _("ID card shown at the counter"),
        "post_copy": _("Copy of the ID card enclosed"),
    },
    "dossier_status": {
        "received": _("Received, being processed"),
        "supplement_requested": _("Supplement requested"),
        "processed": _("Processed"),
        "result_returned": _("Result returned"),
        "stopped": _("Processing stopped"),
        "refused": _("Refused"),
        "withdrawn": _("Withdrawn by the applicant"),
    },
    "actor_kind": {
        "applicant": _("applicant"),
        "official": _("official"),
        "integrator": _("agency system"),
        "system": _("system"),
    },
    "event_type": {
        "dossiers.submitted": _("Submitted and received"),
        "dossiers.accepted": _("Checked and accepted for handling"),
        "dossiers.supplement_requested": _("Supplement requested (form 02)"),
        "dossiers.supplemented": _("Supplemented by the applicant"),
        "dossiers.refused": _("Refused (form 03)"),
        "dossiers.proposed": _("Result proposed for approval"),
        "dossiers.sent_back": _("Sent back to handling"),
        "dossiers.approved": _("Result approved and signed"),
        "dossiers.result_returned": _("Result returned"),
        "dossiers.stopped": _("Processing stopped (form 05)"),
        "dossiers.withdrawn": _("Withdrawn by the applicant"),
        "dossiers.transferred": _("Transferred to another agency"),
        "dossiers.claimed": _("Taken by an official"),
        "dossiers.assigned": _("Assigned to an official"),
        "dossiers.apology_issued": _("Apology and new appointment date (form 04)"),
        "dossiers.deadline_flagged": _("Deadline check"),
    },
    "step": {
        "reception_check": _("Reception"),
        "supplement_at_reception": _("Waiting for the applicant's supplement"),
        "handling": _("Handling"),
        "supplement_at_handling": _("Waiting for the applicant's supplement"),
        "approval": _("Approval and signature"),
        "result_return": _("Result return"),
        "done": _("Finished"),
    },
    "decision": {
        "accept": _("Accept for handling"),
        "supplement": _("Request a supplement (form 02)"),
        "refuse": _("Refuse (form 03)"),
        "transfer": _("Transfer to another agency"),
        "propose": _("Propose the result for approval"),
        "send_back": _("Send back to handling"),
        "stop": _("Stop processing (form 05)"),
        "approve": _("Approve and sign"),
        "return": _("Return the result"),
    },
    "notice_form": {
        "02": _("Request to supplement the dossier (form 02)"),
        "03": _("Refusal to receive the dossier (form 03)"),
        "04": _("Apology and new appointment date (form 04)"),
        "05": _("Notice that processing stopped (form 05)"),
        "transfer": _("Transfer to another agency"),
        "withdrawal": _("Withdrawal confirmed"),
    },
    "deadline": {
        "overdue": _("Overdue"),
        "due_soon": _("Due soon"),
        "on_time": _("On time"),
        "paused": _("Clock paused"),
        "none": _("No deadline"),
    },
    "provenance": {
        "registry": _("From a national database"),
        "linked": _("Passed on from the linked dossier (interconnection)"),
        "upload": _("Uploaded by the applicant"),
        "wallet": _("From the data wallet"),
        "scan": _("Scanned at the counter"),
        "declared": _("Typed by the applicant (not confirmed by a national database: check it)"),
        "none": _("Not provided (optional)"),
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
        "identity_card": _("Identity-card database"),
        "passport": _("National immigration database (passports)"),
        "electricity": _("Electricity customer database (power companies)"),
        "education": _("Education database (students and exam candidates)"),
        "traffic_fines": _("Traffic-violation database (camera-detected fines)"),
    },
    # legal bases of data components (their codes in the registries' policy)
    "legal_basis": {
        "qd-06-2022": _(
            "Decision 06/QĐ-TTg of 06/01/2022 of the Prime Minister (Project 06) on population data, "
            "electronic identification and authentication"
        ),
        "nd-63-2024": _(
            "Decree 63/2024/NĐ-CP of 10/06/2024 on the electronic interconnection of two groups of "
            "administrative procedures"
        ),
        "qd-1449-bhxh-2024": _("Decision 1449/QĐ-BHXH of 19/08/2024 of Vietnam Social Security"),
        "luat-lltp-2009": _("Law on Judicial Records 2009"),
        "luat-can-cuoc-2023": _("Identification Law 2023 (No. 26/2023/QH15)"),
        "luat-xnc-2019": _("Law on Exit and Entry of Vietnamese Citizens 2019 (No. 49/2019/QH14)"),
        "luat-dien-luc-2024": _("Electricity Law 2024 (No. 61/2024/QH15)"),
        "luat-giao-duc-2019": _("Education Law 2019 (No. 43/2019/QH14)"),
        "luat-bvdlcn-2025": _("Law on Personal Data Protection No. 91/2025/QH15"),
        "nd-118-2021": _("Decree 118/2021/NĐ-CP detailing the Law on Handling Administrative Violations"),
        "nd-01-2021": _("Decree 01/2021/NĐ-CP on enterprise registration"),
    },
    # common values of form choices, for specs that give no x-enum-labels
    "enum_value": {
        "male": _("Male"),
        "female": _("Female"),
        "mother": _("Mother"),
        "father": _("Father"),
        "grandparent": _("Grandparent"),
        "relative": _("Other relative"),
        "other": _("Someone else"),
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
        "provincial_education_department": _("Provincial Department of Education and Training"),
        "power_company": _("Power company"),
        "ministry": _("Ministry"),
    },
}


def localised(text: Any) -> str:
    """Pick the active language from a spec's ``Text`` or a ``{"vi": ..., "en": ...}`` mapping
    (Vietnamese as fallback)."""
    if isinstance(text, Text):
        return (text.en if (get_language() or "vi").startswith("en") else "") or text.vi
    if isinstance(text, Mapping):
        language = "en" if (get_language() or "vi").startswith("en") else "vi"
        return str(text.get(language) or text.get("vi") or "")
    return "" if text is None else str(text)


def label_for(vocabulary: str, value: str) -> str:
    return str(VOCABULARIES.get(vocabulary, {}).get(value, value))


def enum_label(prop: FieldSpec, value: Any) -> str:
    """A choice of a spec's form field by its label: the field's own ``x-enum-labels`` in the
    active language, else the shared ``enum_value`` vocabulary, else the value itself."""
    labels = prop.enum_labels.get(str(value))
    if labels is not None:
        return localised(labels) or str(value)
    return label_for("enum_value", str(value))
