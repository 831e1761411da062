"""Names of registry fields for people: the consent screen lists what will be fetched in these
words, and the fetched data is shown under them. A dotted path is looked up whole first, then by
its last part (``permanent_residence.address`` → "Permanent address"); a test checks that every
field a shipped spec asks for has a label."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIELD_LABELS: dict[str, Promise] = {
    # people
    "personal_id": _("Personal ID number"),
    "full_name": _("Full name"),
    "other_names": _("Other names"),
    "date_of_birth": _("Date of birth"),
    "sex": _("Sex"),
    "ethnicity": _("Ethnicity"),
    "nationality": _("Nationality"),
    "place_of_birth": _("Place of birth"),
    "hometown": _("Hometown"),
    "former_id_numbers": _("Former identity card numbers"),
    "marital_status": _("Marital status"),
    "status": _("Status"),
    "died_on": _("Date of death"),
    # residence
    "permanent_residence": _("Permanent residence"),
    "permanent_residence.address": _("Permanent address"),
    "permanent_residence.commune_code": _("Commune of permanent residence"),
    "temporary_residence": _("Temporary residence"),
    "temporary_residence.address": _("Temporary address"),
    "temporary_residence.commune_code": _("Commune of temporary residence"),
    "residence_history": _("Residence history"),
    "household": _("Household"),
    "household.head_personal_id": _("Household head's personal ID number"),
    "household.number": _("Household number"),
    "household.members": _("Household members"),
    "address": _("Address"),
    "commune_code": _("Commune code"),
    "commune_name": _("Commune or ward"),
    "province_code": _("Province code"),
    "province_name": _("Province or city"),
    "since": _("Since"),
    "until": _("Until"),
    "number": _("Number"),
    "head_personal_id": _("Household head's personal ID number"),
    "members": _("Members"),
    "relation_to_head": _("Relationship to the household head"),
    # civil status
    "birth": _("Birth registration"),
    "marriage": _("Marriage"),
    "marriage.registered_on": _("Date the marriage was registered"),
    "marriage.spouse_personal_id": _("Spouse's personal ID number"),
    "divorce": _("Divorce"),
    "divorce.recorded_on": _("Date the divorce was recorded"),
    "father": _("Father"),
    "father.full_name": _("Father's full name"),
    "mother": _("Mother"),
    "mother.full_name": _("Mother's full name"),
    "spouse": _("Spouse"),
    "spouse.full_name": _("Spouse's full name"),
    "parents_personal_ids": _("Parents' personal ID numbers"),
    "spouse_personal_id": _("Spouse's personal ID number"),
    "children_personal_ids": _("Children's personal ID numbers"),
    "name_changes": _("Name changes"),
    "death": _("Death registration"),
    "registered_on": _("Registered on"),
    "recorded_on": _("Recorded on"),
    "registration_number": _("Registration number"),
    "father_personal_id": _("Father's personal ID number"),
    "mother_personal_id": _("Mother's personal ID number"),
    # judicial records
    "convictions": _("Convictions"),
    "bans_on_holding_positions": _("Bans on holding positions"),
    # driving licence
    "licence_number": _("Licence number"),
    "classes": _("Classes"),
    "issued_on": _("Issued on"),
    "valid_from": _("Valid from"),
    "valid_until": _("Valid until"),
    # insurance
    "insurance_number": _("Social-insurance number"),
    "insured": _("Currently insured"),
    "months_contributed": _("Months of contributions"),
    "pension_status": _("Pension"),
    "unemployment_insurance": _("Unemployment insurance"),
    "unemployment_insurance.contributions_closed_on": _("Unemployment-insurance contributions ended on"),
    "unemployment_insurance.last_employer": _("Last employer"),
    "unemployment_insurance.months_contributed": _("Months of unemployment-insurance contributions"),
    "card_number": _("Health-insurance card number"),
    "contribution_group": _("Contribution group"),
    "benefit_level": _("Benefit level"),
    # enterprises, land, vehicles
    "enterprise_code": _("Enterprise code"),
    "name": _("Registered name"),
    "head_office_address": _("Head office address"),
    "registration_changes": _("Registration changes"),
    "legal_representative": _("Legal representative"),
    "kind": _("Type of enterprise"),
    "parcel_id": _("Parcel"),
    "holders": _("Land users"),
    "certificate_number": _("Certificate number"),
    "frame_number": _("Frame number"),
    "engine_number": _("Engine number"),
    "origin": _("Origin"),
    "quality_certificate": _("Quality certificate"),
    "registration_tax_paid": _("Registration fee paid"),
    "plate": _("Number plate"),
    # identity cards and passports
    "id_card_number": _("Identity card number"),
    "card_kind": _("Kind of identity card"),
    "issued_by": _("Issued by"),
    "passport_number": _("Passport number"),
    "passport_kind": _("Kind of passport"),
    # electricity contracts and students (ADR 0068)
    "contract_number": _("Customer code (contract number)"),
    "contract_household_number": _("Household of the contract"),
    "supply_address": _("Address supplied"),
    "supply_commune_code": _("Commune code of the address supplied"),
    "power_company_code": _("Power company"),
    "meter_number": _("Meter number"),
    "phases": _("Phases"),
    "supply_purpose": _("Use of the electricity"),
    "signed_on": _("Signed on"),
    "contract_status": _("Status of the contract"),
    "student_code": _("Student code"),
    "school_code": _("School code"),
    "school_name": _("School"),
    "school_commune_code": _("Commune code of the school"),
    "grade": _("Grade"),
    "class_name": _("Class"),
    "school_year": _("School year"),
    "priority_area": _("Priority area"),
    "average_score": _("Grade-11 average score"),
    # camera-detected traffic violations
    "violation_id": _("Violation number"),
    "vehicle_kind": _("Kind of vehicle"),
    "detected_at": _("Detected at"),
    "place": _("Place of the violation"),
    "offence": _("Violation"),
    "legal_reference": _("Legal provision"),
    "fine_vnd": _("Fine (đồng)"),
    "camera_id": _("Camera"),
    "payment": _("Payment of the fine"),
}


def field_label(path: str) -> str:
    label = FIELD_LABELS.get(path) or FIELD_LABELS.get(path.rsplit(".", 1)[-1])
    return str(label) if label is not None else path


# How the applicant who asked stood to the person whose data it was, as the registries found it
# ("who used my data" tells the person this, never who it was).
RELATION_LABELS: dict[str, Promise] = {
    "self": _("You"),
    "represented": _("Someone acting for you (a representation)"),
    "spouse": _("Your spouse"),
    "parent": _("Your parent"),
    "child": _("Your child"),
    "sibling": _("Your brother or sister"),
    "grandparent": _("Your grandparent"),
    "grandchild": _("Your grandchild"),
    "household": _("A member of your household"),
    "named_party": _("The other party of the procedure"),
}

# Why a registry refused, as the person whose data was asked for reads it.
REFUSAL_LABELS: dict[str, Promise] = {
    "not_related": _("Refused: the applicant is not recorded as your relative or household member"),
    "representation_not_verified": _("Refused: the applicant could not be confirmed as acting for you"),
    "fields_not_allowed": _("Refused: more data was asked for than is allowed"),
    "missing_consent": _("Refused: no valid consent"),
    "invalid_consent": _("Refused: no valid consent"),
    "consent_expired": _("Refused: no valid consent"),
    "consent_mismatch": _("Refused: no valid consent"),
}


def relation_label(code: str) -> str:
    label = RELATION_LABELS.get(code)
    return str(label) if label is not None else ""


def refusal_label(code: str) -> str:
    label = REFUSAL_LABELS.get(code)
    return str(label) if label is not None else str(_("Refused by the registry"))


# What a registry write did, shown in "who used my data" instead of the fields read (ADR 0043).
OPERATION_LABELS: dict[str, Promise] = {
    "mark_paid": _("Fine marked as paid"),
    # a procedure's approved result written back (ADR 0061)
    "register_birth": _("Birth registered, personal ID number issued"),
    "register_permanent_residence": _("Permanent residence registered"),
    "register_death": _("Death registered"),
    "register_marriage": _("Marriage registered"),
}

# Services of the platform that use the registries without being a catalog procedure.
PLATFORM_SERVICE_TITLES: dict[str, Promise] = {
    "traffic-fine-payment": _("Camera-detected traffic fines"),
}


def operation_label(code: str) -> str:
    label = OPERATION_LABELS.get(code)
    return str(label) if label is not None else code
