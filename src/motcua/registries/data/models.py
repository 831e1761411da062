"""The records of the reference national registries (synthetic data, see ``generator``).

One table per kind of record, keyed by the registry's natural identifier. People are linked by
personal ID number in plain columns, never by database foreign keys: the generator writes
every table in bulk and in any order, and a registry answers for one subject with one to three
indexed queries (``records``). The indexes are exactly what those queries filter on; apart from
the primary keys they are all named ``Meta.indexes`` and ``Meta.constraints`` (not
``unique=True``), so that ``loading`` can drop them before a load and build each once after.

Rows are written by ``loading`` (raw batched inserts) and, after that, only by the signed writes
of ``writers`` (raw SQL); nothing here is edited through the ORM, so the models carry no
validation or behaviour. ``Generation`` records what was loaded.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

ID = 12  # personal ID number
ENTERPRISE = 14  # enterprise code, or branch code "0123456789-001"
COMMUNE = 5


def _nullable_text(max_length: int) -> models.CharField[str | None, str | None]:
    """A text column that may be NULL. Django prefers "" for missing text, but here absence must
    survive as JSON null (a person without a known father, a vehicle without a plate), and the
    loader writes Python None straight into the column."""
    return models.CharField(max_length=max_length, null=True)


class Person(models.Model):
    """Population, civil status and residence of one person (living or deceased)."""

    personal_id = models.CharField(max_length=ID, primary_key=True)
    full_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=6)
    ethnicity = models.CharField(max_length=30)
    birth_commune_code = models.CharField(max_length=COMMUNE)
    birth_registration_number = models.CharField(max_length=20)
    birth_registered_on = models.DateField()
    hometown_commune_code = models.CharField(max_length=COMMUNE)
    former_id_numbers = models.JSONField(null=True)
    household_number = _nullable_text(12)
    relation_to_head = _nullable_text(20)
    household_position = models.SmallIntegerField(null=True)
    permanent_since = models.DateField(null=True)
    temporary_address = _nullable_text(200)
    temporary_commune_code = _nullable_text(COMMUNE)
    temporary_since = models.DateField(null=True)
    temporary_until = models.DateField(null=True)
    residence_history = models.JSONField(null=True)
    father_personal_id = _nullable_text(ID)
    mother_personal_id = _nullable_text(ID)
    spouse_personal_id = _nullable_text(ID)
    marital_status = models.CharField(max_length=10)
    status = models.CharField(max_length=10)
    died_on = models.DateField(null=True)
    death_registered_on = models.DateField(null=True)
    death_commune_code = _nullable_text(COMMUNE)
    name_changes = models.JSONField(null=True)

    class Meta:
        db_table = "registry_data_person"
        indexes: ClassVar = [
            models.Index(fields=["household_number"], name="registry_person_household"),
            models.Index(fields=["father_personal_id"], name="registry_person_father"),
            models.Index(fields=["mother_personal_id"], name="registry_person_mother"),
        ]

    def __str__(self) -> str:
        return f"{self.personal_id} {self.full_name}"


class Household(models.Model):
    number = models.CharField(max_length=12, primary_key=True)
    commune_code = models.CharField(max_length=COMMUNE)
    address = models.CharField(max_length=200)
    head_personal_id = models.CharField(max_length=ID)
    registered_on = models.DateField()

    class Meta:
        db_table = "registry_data_household"

    def __str__(self) -> str:
        return self.number


class Marriage(models.Model):
    husband_personal_id = models.CharField(max_length=ID)
    wife_personal_id = models.CharField(max_length=ID)
    registered_on = models.DateField()
    commune_code = models.CharField(max_length=COMMUNE)
    divorced_on = models.DateField(null=True)

    class Meta:
        db_table = "registry_data_marriage"
        indexes: ClassVar = [
            models.Index(fields=["husband_personal_id"], name="registry_marriage_husband"),
            models.Index(fields=["wife_personal_id"], name="registry_marriage_wife"),
        ]

    def __str__(self) -> str:
        return f"{self.husband_personal_id} + {self.wife_personal_id}"


class Enterprise(models.Model):
    """An enterprise or one of its branches (code ``<enterprise code>-<3 digits>``)."""

    enterprise_code = models.CharField(max_length=ENTERPRISE, primary_key=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=10)
    registered_on = models.DateField()
    head_office_address = models.CharField(max_length=200)
    head_office_commune_code = models.CharField(max_length=COMMUNE)
    representative_personal_id = models.CharField(max_length=ID)
    charter_capital_vnd = models.BigIntegerField()
    registration_changes = models.JSONField(null=True)

    class Meta:
        db_table = "registry_data_enterprise"

    def __str__(self) -> str:
        return f"{self.enterprise_code} {self.name}"


class LandParcel(models.Model):
    parcel_id = models.CharField(max_length=20, primary_key=True)
    commune_code = models.CharField(max_length=COMMUNE)
    address = models.CharField(max_length=200)
    area_m2 = models.FloatField()
    land_use = models.CharField(max_length=4)
    certificate_number = models.CharField(max_length=12)
    certificate_issued_on = models.DateField()

    class Meta:
        db_table = "registry_data_land_parcel"

    def __str__(self) -> str:
        return self.parcel_id


class LandHolder(models.Model):
    """A holder on a parcel's certificate: a person or an enterprise, with the name printed on it."""

    parcel_id = models.CharField(max_length=20)
    holder_id = models.CharField(max_length=ENTERPRISE)
    holder_name = models.CharField(max_length=200)
    share = models.FloatField()
    position = models.SmallIntegerField()

    class Meta:
        db_table = "registry_data_land_holder"
        indexes: ClassVar = [
            models.Index(fields=["holder_id"], name="registry_holder_holder"),
            models.Index(fields=["parcel_id"], name="registry_holder_parcel"),
        ]

    def __str__(self) -> str:
        return f"{self.parcel_id}: {self.holder_id}"


class SocialInsurance(models.Model):
    insurance_number = models.CharField(max_length=10, primary_key=True)
    personal_id = models.CharField(max_length=ID)
    insured = models.BooleanField()
    months_contributed = models.IntegerField()
    pension_status = models.CharField(max_length=10)
    unemployment_months_contributed = models.IntegerField()
    last_employer_code = _nullable_text(ENTERPRISE)
    contributions_closed_on = models.DateField(null=True)

    class Meta:
        db_table = "registry_data_social_insurance"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["personal_id"], name="registry_insurance_person")
        ]

    def __str__(self) -> str:
        return self.insurance_number


class HealthInsuranceCard(models.Model):
    card_number = models.CharField(max_length=15, primary_key=True)
    personal_id = models.CharField(max_length=ID)
    insurance_number = models.CharField(max_length=10)
    valid_from = models.DateField()
    valid_until = models.DateField()
    contribution_group = models.CharField(max_length=20)
    benefit_level = models.SmallIntegerField()

    class Meta:
        db_table = "registry_data_health_insurance_card"
        constraints: ClassVar = [models.UniqueConstraint(fields=["personal_id"], name="registry_card_person")]

    def __str__(self) -> str:
        return self.card_number


class DrivingLicence(models.Model):
    licence_number = models.CharField(max_length=12, primary_key=True)
    personal_id = models.CharField(max_length=ID)
    classes = models.JSONField()
    issued_on = models.DateField()
    valid_until = models.DateField(null=True)
    status = models.CharField(max_length=10)
    issuing_province_code = models.CharField(max_length=2)

    class Meta:
        db_table = "registry_data_driving_licence"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["personal_id"], name="registry_licence_person")
        ]

    def __str__(self) -> str:
        return self.licence_number


class Vehicle(models.Model):
    frame_number = models.CharField(max_length=17, primary_key=True)
    owner_id = models.CharField(max_length=ENTERPRISE)
    engine_number = models.CharField(max_length=20)
    kind = models.CharField(max_length=10)
    brand = models.CharField(max_length=30)
    model = models.CharField(max_length=40)
    origin = models.CharField(max_length=10)
    quality_certificate = models.CharField(max_length=30)
    registration_tax_paid = models.BooleanField()
    plate = _nullable_text(15)
    registered_on = models.DateField(null=True)

    class Meta:
        db_table = "registry_data_vehicle"
        indexes: ClassVar = [models.Index(fields=["owner_id"], name="registry_vehicle_owner")]

    def __str__(self) -> str:
        return self.frame_number


class TrafficViolation(models.Model):
    """A traffic violation detected by a camera (phạt nguội), of a vehicle by its plate, owed by
    the vehicle's owner; ``status`` becomes ``paid`` through the signed write ``mark_paid``
    (``writers``), the one change made here after loading."""

    violation_id = models.CharField(max_length=20, primary_key=True)
    plate = models.CharField(max_length=15)
    owner_id = models.CharField(max_length=ENTERPRISE)
    vehicle_kind = models.CharField(max_length=10)
    detected_on = models.DateField()
    detected_time = models.CharField(max_length=5)
    commune_code = models.CharField(max_length=COMMUNE)
    place = models.CharField(max_length=200)
    offence = models.CharField(max_length=200)
    legal_reference = models.CharField(max_length=120)
    fine_vnd = models.BigIntegerField()
    camera_id = models.CharField(max_length=20)
    status = models.CharField(max_length=10)
    paid_on = models.DateField(null=True)
    payment_reference = _nullable_text(64)

    class Meta:
        db_table = "registry_data_traffic_violation"
        indexes: ClassVar = [
            models.Index(fields=["owner_id"], name="registry_violation_owner"),
            models.Index(fields=["plate"], name="registry_violation_plate"),
        ]

    def __str__(self) -> str:
        return self.violation_id


class Conviction(models.Model):
    personal_id = models.CharField(max_length=ID)
    court = models.CharField(max_length=200)
    judgement_number = models.CharField(max_length=30)
    judged_on = models.DateField()
    offence = models.CharField(max_length=200)
    sentence = models.CharField(max_length=100)
    expunged = models.BooleanField()
    ban = _nullable_text(200)
    ban_until = models.DateField(null=True)

    class Meta:
        db_table = "registry_data_conviction"
        indexes: ClassVar = [models.Index(fields=["personal_id"], name="registry_conviction_person")]

    def __str__(self) -> str:
        return f"{self.personal_id} {self.judgement_number}"


class IdentityCard(models.Model):
    """A person's current identity card (synthetic.identity_documents); the number is the
    personal ID number."""

    card_number = models.CharField(max_length=ID, primary_key=True)
    personal_id = models.CharField(max_length=ID)
    kind = models.CharField(max_length=16)
    issued_on = models.DateField()
    valid_until = models.DateField(null=True)
    status = models.CharField(max_length=10)
    issued_by = models.CharField(max_length=100)

    class Meta:
        db_table = "registry_data_identity_card"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["personal_id"], name="registry_identity_card_person")
        ]

    def __str__(self) -> str:
        return self.card_number


class Passport(models.Model):
    """An ordinary passport, current or expired (a person may have held several)."""

    passport_number = models.CharField(max_length=9, primary_key=True)
    personal_id = models.CharField(max_length=ID)
    kind = models.CharField(max_length=16)
    issued_on = models.DateField()
    valid_until = models.DateField()
    status = models.CharField(max_length=10)
    issued_by = models.CharField(max_length=100)

    class Meta:
        db_table = "registry_data_passport"
        indexes: ClassVar = [models.Index(fields=["personal_id"], name="registry_passport_person")]

    def __str__(self) -> str:
        return self.passport_number


class ElectricityContract(models.Model):
    """A household's contract with its province's power company (synthetic.utilities, ADR 0068)."""

    contract_number = models.CharField(max_length=12, primary_key=True)
    customer_personal_id = models.CharField(max_length=ID)
    household_number = models.CharField(max_length=12)
    address = models.CharField(max_length=255)
    commune_code = models.CharField(max_length=COMMUNE)
    power_company_code = models.CharField(max_length=8)
    meter_number = models.CharField(max_length=10)
    phases = models.PositiveSmallIntegerField()
    purpose = models.CharField(max_length=16)
    signed_on = models.DateField()
    status = models.CharField(max_length=10)

    class Meta:
        db_table = "registry_data_electricity_contract"
        indexes: ClassVar = [
            models.Index(fields=["customer_personal_id"], name="registry_power_customer"),
        ]

    def __str__(self) -> str:
        return self.contract_number


class Student(models.Model):
    """An upper-secondary student of the current school year (synthetic.utilities, ADR 0068)."""

    personal_id = models.CharField(max_length=ID, primary_key=True)
    student_code = models.CharField(max_length=10)
    school_code = models.CharField(max_length=12)
    school_name = models.CharField(max_length=150)
    school_commune_code = models.CharField(max_length=COMMUNE)
    grade = models.PositiveSmallIntegerField()
    class_name = models.CharField(max_length=8)
    school_year = models.CharField(max_length=9)
    priority_area = models.CharField(max_length=8)
    average_score = models.FloatField()  # the average of grade 11 (học bạ), out of 10

    class Meta:
        db_table = "registry_data_student"

    def __str__(self) -> str:
        return self.personal_id


class Generation(models.Model):
    """One ``generate`` run: what was asked for, what was written, and a digest of it."""

    seed = models.BigIntegerField()
    size = models.BigIntegerField()
    generator_version = models.IntegerField()
    counts = models.JSONField()
    digest = models.CharField(max_length=64)
    seconds = models.FloatField()
    generated_at = models.DateTimeField()

    # Declared because the platform's type checker does not install this app (as in motcua.eid).
    objects: ClassVar[models.Manager[Generation]] = models.Manager()

    class Meta:
        db_table = "registry_data_generation"
        get_latest_by = "generated_at"

    def __str__(self) -> str:
        return f"seed {self.seed}, {self.size} people, {self.generated_at:%Y-%m-%d %H:%M}"


# The tables ``loading`` empties and fills, by generator table key.
DATA_MODELS: dict[str, type[models.Model]] = {
    "person": Person,
    "household": Household,
    "marriage": Marriage,
    "enterprise": Enterprise,
    "land_parcel": LandParcel,
    "land_holder": LandHolder,
    "social_insurance": SocialInsurance,
    "health_insurance_card": HealthInsuranceCard,
    "driving_licence": DrivingLicence,
    "vehicle": Vehicle,
    "conviction": Conviction,
    "identity_card": IdentityCard,
    "passport": Passport,
    "traffic_violation": TrafficViolation,
    "electricity_contract": ElectricityContract,
    "student": Student,
}
