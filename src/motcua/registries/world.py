# mypy: disable-error-code="attr-defined,union-attr"
# (the records' models declare no managers: mypy checks against the platform's settings, where
# the registries' apps are not installed, as registries.data.models explains)
"""Time passing in the synthetic world (``motcua registries advance --days N``, ADR 0063).

Moving the world's date (``WorldClock``) from D to D + N does, in date order and in one
transaction, what those N days would have done to the generated records, and records each change
in its registry's feed:

- births: a living married woman of 20 to 40 has a child (about 16 a year per 1,000 people [M]),
  registered the same day at her household's commune, with a new personal ID number
  (``civil_status`` ``birth_registered``); the child has no household yet (registering their
  residence is what the parents are then reminded of);
- deaths: a living person of 75 or more dies (about 6 a year per 1,000 people [M]): marked
  deceased, their household entry closed into their residence history (``death_registered``);
- moves: a household moves to another commune of its province (about 2% of households a year [M]):
  one ``residence`` ``moved`` change per member;
- documents: an ID card, driving licence, health-insurance card or passport whose validity ends
  within 60 days of a passing day gives ``expiring`` that day, and ``expired`` on the day after
  its last (the record's status becomes ``expired``);
- ages: a living person who turns one of ``REACHED_AGES`` gives ``population`` ``reached_age``.

The demo people's households (``motcua.demo.accounts``) are left out of the births, deaths and
moves, so that what the demo and the tests rely on about them stays true; their documents still
expire and their children still grow up.

Draws are deterministic for a seed and date (``random.Random``), except the new ID numbers'
serials, drawn as the signed birth write draws them. Rates are invented round figures, good
enough to make offers appear in a demo, not demography.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from motcua.registries import feeds
from motcua.registries.data.models import (
    DrivingLicence,
    HealthInsuranceCard,
    Household,
    IdentityCard,
    Passport,
    Person,
)
from motcua.registries.models import WorldClock

EXPIRY_NOTICE_DAYS = 60  # "expiring": the document's validity ends within this many days [M]
REACHED_AGES = (14,)  # the ages a shipped proactive rule cares about (the ID card at 14 [M])
BIRTHS_PER_1000_A_YEAR = 16
DEATHS_PER_1000_A_YEAR = 6
MOVES_PER_100_HOUSEHOLDS_A_YEAR = 2
DOCUMENTS = (
    ("identity_card", IdentityCard),
    ("driving_licence", DrivingLicence),
    ("health_insurance", HealthInsuranceCard),
    ("passport", Passport),
)


def _demo_households() -> list[str]:
    from motcua.demo.accounts import DEMO_ACCOUNTS

    ids = [account.personal_id for account in DEMO_ACCOUNTS]
    return [
        number
        for number in Person.objects.filter(personal_id__in=ids).values_list("household_number", flat=True)
        if number
    ]


@dataclass
class Report:
    start: datetime.date
    end: datetime.date
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, registry: str, kind: str) -> None:
        key = f"{registry}.{kind}"
        self.counts[key] = self.counts.get(key, 0) + 1


def _years(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _birthday(born: datetime.date, age: int) -> datetime.date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February
        return datetime.date(born.year + age, 3, 1)


def _draws(rng: random.Random, population: int, per_1000_a_year: float) -> int:
    """How many events a day brings (a Poisson-like draw from the expected rate)."""
    expected = population * per_1000_a_year / 1000 / 365
    whole = int(expected)
    return whole + (rng.random() < expected - whole)


def _child_name(rng: random.Random, father: Person | None, mother: Person, sex: str) -> str:
    surname = (father or mother).full_name.split()[0]
    given = rng.choice(
        ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Lan", "Minh", "Ngọc", "Phúc", "Quân"]
    )
    middle = "Văn" if sex == "male" else "Thị"
    return f"{surname} {middle} {given}"


def _birth(rng: random.Random, day: datetime.date, report: Report) -> None:
    from motcua.registries.data.writers import _new_personal_id

    low, high = day.replace(year=day.year - 40), day.replace(year=day.year - 20)
    mothers = (
        Person.objects.filter(
            status="living", sex="female", marital_status="married", date_of_birth__range=(low, high)
        )
        .exclude(household_number=None)
        .exclude(household_number__in=_demo_households())
    )
    count = mothers.count()
    if not count:
        return
    mother = mothers.order_by("personal_id")[rng.randrange(count)]
    father = Person.objects.filter(personal_id=mother.spouse_personal_id, status="living").first()
    household = Household.objects.filter(number=mother.household_number).first()
    commune = household.commune_code if household else mother.birth_commune_code
    sex = rng.choice(["male", "female"])
    with connection.cursor() as cursor:
        child = _new_personal_id(cursor, commune_code=commune, born=day, male=sex == "male")
    name = _child_name(rng, father, mother, sex)
    Person.objects.create(
        personal_id=child,
        full_name=name,
        date_of_birth=day,
        sex=sex,
        ethnicity=mother.ethnicity,
        birth_commune_code=commune,
        birth_registration_number=f"{day:%y%m%d}{rng.randrange(10_000):04d}",
        birth_registered_on=day,
        hometown_commune_code=(father or mother).hometown_commune_code,
        father_personal_id=father.personal_id if father else None,
        mother_personal_id=mother.personal_id,
        marital_status="single",
        status="living",
    )
    feeds.record(
        "civil_status",
        "birth_registered",
        child,
        occurred_on=day,
        data={
            "full_name": name,
            "sex": sex,
            "date_of_birth": day.isoformat(),
            "birth_commune_code": commune,
            "father_personal_id": father.personal_id if father else None,
            "mother_personal_id": mother.personal_id,
        },
    )
    report.add("civil_status", "birth_registered")


def _death(rng: random.Random, day: datetime.date, report: Report) -> None:
    elderly = Person.objects.filter(
        status="living", date_of_birth__lte=day.replace(year=day.year - 75)
    ).exclude(household_number__in=_demo_households())
    count = elderly.count()
    if not count:
        return
    person = elderly.order_by("personal_id")[rng.randrange(count)]
    household = Household.objects.filter(number=person.household_number).first()
    history: list[Any] = list(person.residence_history or [])
    if household is not None:
        since = person.permanent_since or household.registered_on
        history.append(
            {"address": household.address, "commune_code": household.commune_code, "kind": "permanent",
             "from": since.isoformat(), "to": day.isoformat()}
        )  # fmt: skip
    Person.objects.filter(personal_id=person.personal_id).update(
        status="deceased",
        died_on=day,
        death_registered_on=day,
        death_commune_code=household.commune_code if household else person.birth_commune_code,
        household_number=None,
        relation_to_head=None,
        household_position=None,
        residence_history=history,
    )
    feeds.record(
        "civil_status",
        "death_registered",
        person.personal_id,
        occurred_on=day,
        data={"died_on": day.isoformat()},
    )
    report.add("civil_status", "death_registered")


def _move(rng: random.Random, day: datetime.date, report: Report) -> None:
    households = Household.objects.exclude(number__in=_demo_households()).order_by("number")
    count = households.count()
    if not count:
        return
    household = households[rng.randrange(count)]
    province = household.commune_code[:2]
    communes = list(
        Household.objects.filter(commune_code__startswith=province)
        .exclude(commune_code=household.commune_code)
        .values_list("commune_code", flat=True)
        .distinct()[:50]
    )
    if not communes:
        return
    target = sorted(communes)[rng.randrange(len(communes))]
    old = household.commune_code
    address = f"Số {rng.randrange(1, 300)}, tổ {rng.randrange(1, 30)}"
    Household.objects.filter(number=household.number).update(commune_code=target, address=address)
    members = Person.objects.filter(household_number=household.number, status="living").order_by(
        "personal_id"
    )
    for member in members.values_list("personal_id", flat=True):
        Person.objects.filter(personal_id=member).update(permanent_since=day)
        feeds.record(
            "residence",
            "moved",
            member,
            occurred_on=day,
            data={"from_commune_code": old, "to_commune_code": target},
        )
        report.add("residence", "moved")


def _documents(
    start: datetime.date, end: datetime.date
) -> Iterator[tuple[datetime.date, str, str, str, dict[str, Any]]]:
    """Every document expiring or expired in (start, end]: (day, registry, kind, subject, data)."""
    notice = datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    one = datetime.timedelta(days=1)
    for registry, model in DOCUMENTS:
        rows = model.objects.filter(valid_until__gt=start - one, valid_until__lte=end + notice)
        for row in rows.order_by("valid_until", "pk"):
            until = row.valid_until
            data = {"valid_until": until.isoformat()}
            if start < until - notice <= end:
                yield until - notice, registry, "expiring", row.personal_id, data
            if start < until + one <= end:
                yield until + one, registry, "expired", row.personal_id, data


def _ages(
    start: datetime.date, end: datetime.date
) -> Iterator[tuple[datetime.date, str, str, str, dict[str, Any]]]:
    for age in REACHED_AGES:
        low = start.replace(year=start.year - age - 1)
        high = end.replace(year=end.year - age)
        rows = Person.objects.filter(status="living", date_of_birth__range=(low, high)).order_by(
            "personal_id"
        )
        columns = ("personal_id", "date_of_birth", "father_personal_id", "mother_personal_id")
        for personal_id, born, father, mother in rows.values_list(*columns):
            day = _birthday(born, age)
            if start < day <= end:  # with the parents, so that a rule can offer them what a minor needs
                data = {"age": age, "date_of_birth": born.isoformat()}
                data.update({"father_personal_id": father, "mother_personal_id": mother})
                yield day, "population", "reached_age", personal_id, data


def _expire(registry: str, subject: str, valid_until: str) -> None:
    model = dict(DOCUMENTS)[registry]
    if registry in {"identity_card", "passport", "driving_licence"}:
        model.objects.filter(personal_id=subject, valid_until=valid_until).update(status="expired")


@transaction.atomic
def advance(days: int, *, seed: int = 2025) -> Report:
    """Move the world on by ``days`` days (1 to 366), recording every change in the feeds."""
    if not 0 < days <= 366:
        raise ValueError("Advance the world by 1 to 366 days at a time.")
    start = feeds.world_today()
    end = start + datetime.timedelta(days=days)
    report = Report(start=start, end=end)
    timed = sorted(
        [*_documents(start, end), *_ages(start, end)], key=lambda item: (item[0], item[1], item[2], item[3])
    )
    people = Person.objects.filter(status="living").count()
    households = Household.objects.count()
    by_day: dict[datetime.date, list[tuple[datetime.date, str, str, str, dict[str, Any]]]] = {}
    for item in timed:
        by_day.setdefault(item[0], []).append(item)
    for offset in range(1, days + 1):
        day = start + datetime.timedelta(days=offset)
        rng = random.Random(f"{seed}:{day.isoformat()}")  # noqa: S311 - synthetic data
        for _ in range(_draws(rng, people, BIRTHS_PER_1000_A_YEAR)):
            _birth(rng, day, report)
        for _ in range(_draws(rng, people, DEATHS_PER_1000_A_YEAR)):
            _death(rng, day, report)
        for _ in range(_draws(rng, households * 10, MOVES_PER_100_HOUSEHOLDS_A_YEAR)):
            _move(rng, day, report)
        for _day, registry, kind, subject, data in by_day.get(day, []):
            if kind == "expired":
                _expire(registry, subject, data["valid_until"])
            feeds.record(registry, kind, subject, occurred_on=day, data=data)
            report.add(registry, kind)
    WorldClock.objects.update_or_create(pk=1, defaults={"today": end})
    return report
