"""Deterministic synthetic national registries: people in households at real communes, and the
civil-status, residence, enterprise, land, insurance, licence, vehicle and judicial records that
agree with them.

``generate(seed, size)`` streams ``(table key, batch of row tuples)``; ``COLUMNS[key]`` names
the columns of each row (the column names of ``models``; the table is ``TABLE_PREFIX + key``).
The same seed and size give byte-identical rows on any machine: one ``random.Random(seed)``
drives everything in a fixed order, and nothing depends on set or dict iteration order of
strings, hash randomisation, the clock or the platform. ``dataset_digest`` hashes the rows in
order, so tests and ``loading`` can tell two datasets apart without comparing them.

Pure Python (no Django models or settings), so the platform's own tests can import it.
Memory stays flat whatever the size: rows leave in batches, and the only state that grows
is one counter per (birth province, century/sex, year) for personal ID numbers, the
enterprise codes (about size / 100) and a bounded pool of grown-up children waiting to
found their own households.

Dates inside rows are ``YYYY-MM-DD`` strings; every birth lies on or before
``REFERENCE_DATE``, the fixed "today" of the data (not the machine's clock).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import marshal
import random
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final, TypeVar

from motcua.core.ids import PROVINCE_CODES
from motcua.demo import people as demo
from motcua.demo.accounts import DEMO_ACCOUNTS, DemoAccount
from motcua.registries.data import vocabulary as vocab

REFERENCE_DATE: Final = date(2026, 11, 1)
# Bump when the same seed and size start producing different rows, so that
# ``generate --if-unchanged`` regenerates data made by an older generator.
GENERATOR_VERSION: Final = 1
BATCH_ROWS: Final = 10_000
TABLE_PREFIX: Final = "registry_data_"
UNITS_FILE: Final = Path(__file__).resolve().parents[2] / "units" / "data" / "vn_units.json"

Row = tuple[Any, ...]
T = TypeVar("T")

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "person": (
        "personal_id", "full_name", "other_names", "date_of_birth", "sex", "ethnicity",
        "birth_commune_code", "birth_registration_number", "birth_registered_on", "hometown_commune_code",
        "former_id_numbers", "household_number", "relation_to_head", "household_position",
        "permanent_since", "temporary_address", "temporary_commune_code", "temporary_since",
        "temporary_until", "residence_history", "father_personal_id", "mother_personal_id",
        "spouse_personal_id", "marital_status", "status", "died_on", "death_registered_on",
        "death_commune_code", "name_changes",
    ),
    "household": ("number", "commune_code", "address", "head_personal_id", "registered_on"),
    "marriage": ("husband_personal_id", "wife_personal_id", "registered_on", "commune_code", "divorced_on"),
    "enterprise": (
        "enterprise_code", "name", "kind", "status", "registered_on", "head_office_address",
        "head_office_commune_code", "representative_personal_id", "charter_capital_vnd",
        "registration_changes",
    ),
    "land_parcel": (
        "parcel_id", "commune_code", "address", "area_m2", "land_use", "certificate_number",
        "certificate_issued_on",
    ),
    "land_holder": ("parcel_id", "holder_id", "holder_name", "share", "position"),
    "social_insurance": (
        "insurance_number", "personal_id", "insured", "months_contributed", "pension_status",
        "unemployment_months_contributed", "last_employer_code", "contributions_closed_on",
    ),
    "health_insurance_card": (
        "card_number", "personal_id", "insurance_number", "valid_from", "valid_until",
        "contribution_group", "benefit_level",
    ),
    "driving_licence": (
        "licence_number", "personal_id", "classes", "issued_on", "valid_until", "status",
        "issuing_province_code",
    ),
    "vehicle": (
        "frame_number", "owner_id", "engine_number", "kind", "brand", "model", "origin",
        "quality_certificate", "registration_tax_paid", "plate", "registered_on",
    ),
    "conviction": (
        "personal_id", "court", "judgement_number", "judged_on", "offence", "sentence", "expunged", "ban",
        "ban_until",
    ),
}  # fmt: skip

YEAR: Final = 365.2425
_FIRST_DAY: Final = date(1900, 1, 1).toordinal()
_LAST_DAY: Final = date(2049, 12, 31).toordinal()
REF: Final = REFERENCE_DATE.toordinal()
_UI_START: Final = date(2009, 1, 1).toordinal()  # unemployment insurance began in 2009
_SERIAL_STEP: Final = 482_263  # odd and not a multiple of 5: a permutation modulo 10**k
_DEMO_IDS: Final = frozenset(account.personal_id for account in DEMO_ACCOUNTS)


# --- Reference tables (pure functions of the shipped files, cached) --------------------------
@dataclass(frozen=True)
class Units:
    """The 34 provinces and 3,321 communes, as parallel tuples indexed by position."""

    province_codes: tuple[str, ...]
    province_names: tuple[str, ...]
    commune_codes: tuple[str, ...]
    commune_names: tuple[str, ...]
    commune_province: tuple[int, ...]
    commune_is_ward: tuple[bool, ...]
    commune_kind: tuple[str, ...]  # "Phường", "Xã" or "Đặc khu"
    commune_index: dict[str, int]
    province_communes: tuple[tuple[int, ...], ...]

    def place(self, commune_code: str) -> str:
        """``"Phường Ba Đình, Thành phố Hà Nội"``."""
        index = self.commune_index[commune_code]
        return f"{self.commune_names[index]}, {self.province_names[self.commune_province[index]]}"


@cache
def units() -> Units:
    raw = json.loads(UNITS_FILE.read_text(encoding="utf-8"))
    province_codes: list[str] = []
    province_names: list[str] = []
    codes: list[str] = []
    names: list[str] = []
    kinds: list[str] = []
    provinces: list[int] = []
    wards: list[bool] = []
    per_province: list[tuple[int, ...]] = []
    for p_index, province in enumerate(raw):
        province_codes.append(province["Code"])
        province_names.append(province["FullName"])
        first = len(codes)
        for ward in province["Wards"]:
            codes.append(ward["Code"])
            names.append(ward["FullName"])
            provinces.append(p_index)
            kinds.append(ward["AdministrativeUnitShortName"])
            wards.append(ward["AdministrativeUnitShortName"] == "Phường")
        per_province.append(tuple(range(first, len(codes))))
    return Units(
        province_codes=tuple(province_codes),
        province_names=tuple(province_names),
        commune_codes=tuple(codes),
        commune_names=tuple(names),
        commune_province=tuple(provinces),
        commune_is_ward=tuple(wards),
        commune_kind=tuple(kinds),
        commune_index={code: index for index, code in enumerate(codes)},
        province_communes=tuple(per_province),
    )


@cache
def _dates() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """ISO strings and years of every day from 1900 to 2049, indexed by ordinal - _FIRST_DAY."""
    days = [date.fromordinal(o) for o in range(_FIRST_DAY, _LAST_DAY + 1)]
    return tuple(day.isoformat() for day in days), tuple(day.year for day in days)


def _expand(pairs: Sequence[tuple[T, float]], resolution: int = 1000) -> tuple[T, ...]:
    """A lookup table in which each value fills a share of slots equal to its weight, so that a
    weighted draw is one index: ``table[int(random() * len(table))]``."""
    total = sum(weight for _value, weight in pairs)
    table: list[T] = []
    for value, weight in pairs:
        table.extend([value] * max(1, round(weight / total * resolution)))
    return tuple(table)


def _cumulative_table(weights: Sequence[float], slots: int) -> tuple[int, ...]:
    """Indices 0..len(weights)-1 spread over ``slots`` slots in proportion to their weights."""
    cumulative, running = [], 0.0
    for weight in weights:
        running += weight
        cumulative.append(running)
    return tuple(
        min(bisect.bisect_right(cumulative, (slot + 0.5) / slots * running), len(weights) - 1)
        for slot in range(slots)
    )


def _json(value: Any) -> str:
    """JSON as the hand-built columns write it: compact, Vietnamese left as it is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _ppp(province_code: str) -> str:
    """The birth-registration code of a (new) province: the new codes kept the old ones."""
    code = "0" + province_code
    return code if code in PROVINCE_CODES else ""


def _age_table(bands: Sequence[tuple[int, int, float]]) -> tuple[int, ...]:
    """Ages drawn from (first age, last age, weight per year) bands."""
    return _expand([(age, weight) for low, high, weight in bands for age in range(low, high + 1)], 4000)


# --- People being built ----------------------------------------------------------------------
class _Person:
    __slots__ = (
        "birth", "birth_commune", "cmnd", "death_commune", "death_registered", "died", "ethnicity", "father",
        "history", "hometown", "male", "marital", "mother", "name", "name_changes", "other_names", "pid",
        "registered", "registration", "renamed", "since", "spouse", "surname", "temp",
    )  # fmt: skip

    def __init__(self, pid: str, name: str, surname: str, male: bool, birth: int) -> None:
        self.pid = pid
        self.name = name
        self.surname = surname
        self.male = male
        self.birth = birth
        self.ethnicity = "Kinh"
        self.birth_commune = 0
        self.hometown = 0
        self.registration = ""
        self.registered = birth
        self.cmnd: str | None = None
        self.other_names = ""
        self.father: str | None = None
        self.mother: str | None = None
        self.spouse: str | None = None
        self.marital = "single"
        self.died: int | None = None
        self.death_registered = 0
        self.death_commune = 0
        self.since = birth
        self.temp: tuple[str, int, int, int] | None = None  # address, commune, since, until
        self.history: list[_Stay] | None = None
        self.name_changes: str | None = None
        self.renamed: tuple[int, str] | None = None  # when, and the name before


# A past address: (address, commune index, "permanent" or "temporary", from, to).
_Stay = tuple[str, int, str, int, int]
_ADULT_DAYS: Final = 6_575  # 18 years, whatever the leap days
# (birth, male, father id, mother id, surname, ethnicity, birth commune, hometown)
_Slot = tuple[int, bool, str, str, str, str, int, int]


@dataclass
class _Plan:
    """One household before it is written: nothing is emitted until the plan fits in the size."""

    commune: int
    street: str
    registered: int
    members: list[_Person]
    relations: list[str]
    deceased: list[_Person] = field(default_factory=list)
    marriages: list[Row] = field(default_factory=list)
    slots: list[_Slot] = field(default_factory=list)
    demo: bool = False

    @property
    def people(self) -> int:
        return len(self.members) + len(self.deceased)


# Household kinds and how often each is drawn.
_KINDS: Final = _expand(
    [
        ("couple_children", 58), ("couple_young", 4), ("couple_elderly", 7), ("extended", 8),
        ("single", 5.5), ("widowed_alone", 1.2), ("widowed_parent", 0.8), ("divorced_parent", 2.6),
        ("divorced_alone", 1.2),
    ]
)  # fmt: skip
_PARENT_AGES: Final = _age_table([(24, 29, 6), (30, 34, 12), (35, 39, 14), (40, 44, 14), (45, 49, 12),
                                  (50, 54, 9), (55, 59, 6), (60, 65, 3)])  # fmt: skip
_YOUNG_COUPLE_AGES: Final = _age_table([(23, 27, 10), (28, 32, 8), (33, 36, 3)])
_ELDERLY_AGES: Final = _age_table([(56, 64, 10), (65, 74, 8), (75, 84, 4), (85, 92, 1)])
_EXTENDED_AGES: Final = _age_table([(27, 34, 10), (35, 42, 10), (43, 50, 5)])
_SINGLE_AGES: Final = _age_table([(19, 24, 10), (25, 29, 9), (30, 39, 4), (40, 70, 0.5)])
_WIDOWED_AGES: Final = _age_table([(58, 69, 6), (70, 79, 8), (80, 92, 4)])
_WIDOWED_PARENT_AGES: Final = _age_table([(36, 49, 5), (50, 62, 6)])
_DIVORCED_AGES: Final = _age_table([(28, 39, 8), (40, 55, 6)])
_SPOUSE_GAPS: Final = _expand([(-2, 2), (-1, 4), (0, 8), (1, 12), (2, 15), (3, 15), (4, 12), (5, 10), (6, 7),
                               (7, 5), (8, 4), (10, 3), (12, 2)])  # fmt: skip
_CHILD_COUNTS: Final = _expand([(1, 24), (2, 46), (3, 20), (4, 10)])
_HOME_SLOTS: Final = 1 << 18


class _Static:
    """Lookup tables that depend only on the shipped files and the vocabulary: built once per
    process and shared by every generation run."""

    def __init__(self) -> None:
        u = units()
        n_provinces = len(u.province_codes)
        self.province_ppp = tuple(_ppp(code) for code in u.province_codes)
        self.province_south = tuple(int(code) >= 48 for code in u.province_codes)
        self.fallback_ppp = tuple(sorted(PROVINCE_CODES))
        self.cmnd_prefix = tuple(vocab.IDENTITY_CARD_PREFIX[code] for code in u.province_codes)
        # Where households live: province population shared among its communes, wards weighing
        # three times a rural commune (towns are denser), special zones half.
        unit_weight = {"Phường": 3.0, "Xã": 1.0, "Đặc khu": 0.5}
        home_weights, urban_weights = [], []
        for p_index in range(n_provinces):
            members = u.province_communes[p_index]
            total = sum(unit_weight[u.commune_kind[c]] for c in members)
            population = vocab.PROVINCE_POPULATION[u.province_codes[p_index]]
            for c in members:
                home_weights.append(population * unit_weight[u.commune_kind[c]] / total)
                big_city = u.province_codes[p_index] in {"01", "79"}
                urban_weights.append(
                    home_weights[-1] * (2.5 if big_city else 1.0) if u.commune_is_ward[c] else 0
                )
        self.home_table = _cumulative_table(home_weights, _HOME_SLOTS)
        self.urban_table = _cumulative_table(urban_weights, _HOME_SLOTS)
        # Per-commune address pieces.
        self.suffix = tuple(f", {u.place(code)}" for code in u.commune_codes)
        self.alley = tuple(
            "ngõ" if int(u.province_codes[p]) <= 42 else ("kiệt" if int(u.province_codes[p]) <= 51 else "hẻm")
            for p in u.commune_province
        )
        self.road = tuple(
            "phố" if u.province_codes[p] in {"01", "31"} else "đường" for p in u.commune_province
        )
        self.hamlet = tuple(
            "Bản"
            if u.province_codes[p] in vocab.HIGHLAND_PROVINCES
            else ("Ấp" if int(u.province_codes[p]) >= 75 else "Thôn")
            for p in u.commune_province
        )
        # Names and ethnicities.
        self.ethnicities = tuple(
            _expand(vocab.ETHNICITIES_BY_PROVINCE.get(code, vocab.DEFAULT_ETHNICITIES))
            for code in u.province_codes
        )
        self.surnames_north = _expand(vocab.SURNAMES_NORTH, 2000)
        self.surnames_south = _expand(vocab.SURNAMES_SOUTH, 2000)
        self.ethnic_surnames = {name: _expand(pairs) for name, pairs in vocab.ETHNIC_SURNAMES.items()}
        self.middle = (
            (_expand(vocab.MIDDLE_FEMALE_OLDER), _expand(vocab.MIDDLE_FEMALE_YOUNGER)),
            (_expand(vocab.MIDDLE_MALE_OLDER), _expand(vocab.MIDDLE_MALE_YOUNGER)),
        )
        self.given = (vocab.GIVEN_FEMALE, vocab.GIVEN_MALE)
        self.vehicle_models = _expand([(model, model[-1]) for model in vocab.VEHICLE_MODELS], 2000)
        self.offences = _expand([(offence, offence[-1]) for offence in vocab.OFFENCES])
        self.kinds = _expand([(kind, kind[-1]) for kind in vocab.ENTERPRISE_KINDS])
        self.month_starts = tuple(
            date(year, month, 1).toordinal() for year in range(2024, 2027) for month in range(1, 13)
        )


@cache
def _static() -> _Static:
    return _Static()


class _Builder:
    """One generation run; ``run()`` is the stream ``generate`` returns."""

    def __init__(self, seed: int, size: int) -> None:
        if size < demo.DEMO_PERSON_COUNT:
            raise ValueError(
                f"size must be at least {demo.DEMO_PERSON_COUNT}: the demo people and their families"
            )
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
        self.rnd = self.rng.random
        self.size = size
        self.remaining = size
        self.u = u = units()
        self.dates, self.years = _dates()
        self.buffers: dict[str, list[Row]] = {key: [] for key in COLUMNS}
        offsets = self.rng.getrandbits(64)
        self.id_offset = offsets % 1_000_000
        self.counters: dict[str, int] = {}
        self.cmnd_counts: dict[str, int] = {}
        self.household_counts: dict[int, int] = {}
        self.parcel_counts: dict[int, int] = {}
        self.insurance_counts: dict[str, int] = {}
        self.licence_counts: dict[str, int] = {}
        self.plate_counts: dict[str, int] = {}
        self.vehicle_count = 0
        self.certificate_count = 0
        self.pool: list[_Slot] = []
        self.pool_limit = max(200, min(50_000, size // 20))

        static = _static()
        self.cmnd_prefix = static.cmnd_prefix
        self.province_ppp = static.province_ppp
        self.province_south = static.province_south
        self.fallback_ppp = static.fallback_ppp
        self.home_table = static.home_table
        self.urban_table = static.urban_table
        self.suffix = static.suffix
        self.alley = static.alley
        self.road = static.road
        self.hamlet = static.hamlet
        self.ethnicities = static.ethnicities
        self.surnames_north = static.surnames_north
        self.surnames_south = static.surnames_south
        self.ethnic_surnames = static.ethnic_surnames
        self.middle = static.middle
        self.given = static.given
        self.vehicle_models = static.vehicle_models
        self.offences = static.offences
        self.kinds = static.kinds
        self.month_starts = static.month_starts

        # Enterprises: codes, head offices and statuses are fixed up front so that insurance
        # records can name an employer before the enterprise's representative turns up.
        n_enterprises = max(0, size // 100 - 1)
        self.enterprises: list[tuple[str, int, str]] = []
        prefix_counts: dict[str, int] = {}
        reserved = {demo.DEMO_COMPANY[0]}
        for _ in range(n_enterprises):
            commune = self.urban_table[self.rng.getrandbits(18)] if self.rnd() < 0.8 else self._home()
            prefix = vocab.TAX_CODE_PREFIX[u.province_codes[u.commune_province[commune]]]
            while True:
                count = prefix_counts.get(prefix, 0)
                prefix_counts[prefix] = count + 1
                code = f"{prefix}{(count * _SERIAL_STEP + self.id_offset) % 100_000_000:08d}"
                if code not in reserved:
                    break
            x = self.rnd()
            status = "active" if x < 0.85 else ("suspended" if x < 0.92 else "dissolved")
            self.enterprises.append((code, commune, status))
        self.employers = [code for code, _c, status in self.enterprises if status == "active"] or [
            demo.DEMO_COMPANY[0]
        ]
        self.next_enterprise = 0
        self.rep_reservoir: list[_Person] = []
        self.planners: dict[str, Callable[[], list[_Plan]]] = {
            "couple_children": self._plan_couple_children,
            "couple_young": self._plan_couple_young,
            "couple_elderly": self._plan_couple_elderly,
            "extended": self._plan_extended,
            "single": self._plan_single,
            "widowed_alone": self._plan_widowed_alone,
            "widowed_parent": self._plan_widowed_parent,
            "divorced_parent": self._plan_divorced_parent,
            "divorced_alone": self._plan_divorced_alone,
        }
        self._demo_records: tuple[_Person, ...] = ()

    # --- small draws ----------------------------------------------------------------------------
    def _home(self) -> int:
        return self.home_table[self.rng.getrandbits(18)]

    def _in_province(self, commune: int) -> int:
        members = self.u.province_communes[self.u.commune_province[commune]]
        return members[int(self.rnd() * len(members))]

    def _date(self, ordinal: int) -> str:
        return self.dates[ordinal - _FIRST_DAY]

    def _year(self, ordinal: int) -> int:
        return self.years[ordinal - _FIRST_DAY]

    def _in_year(self, year: int) -> int:
        return date(year, 1, 1).toordinal() + int(self.rnd() * 365)

    def _between(self, low: int, high: int) -> int:
        return low + int(self.rnd() * max(0, high - low))

    def _street(self, commune: int) -> str:
        rnd = self.rnd
        if self.u.commune_is_ward[commune]:
            street = vocab.STREETS[int(rnd() * len(vocab.STREETS))]
            number = int(rnd() * 180) + 1
            if rnd() < 0.45:
                return f"Số {number} {self.road[commune]} {street}"
            return f"Số {number} {self.alley[commune]} {int(rnd() * 300) + 1} {self.road[commune]} {street}"
        hamlet = self.hamlet[commune]
        if hamlet == "Bản":
            return f"Bản {vocab.HIGHLAND_VILLAGES[int(rnd() * len(vocab.HIGHLAND_VILLAGES))]}"
        if rnd() < 0.3:
            return f"{'Xóm' if hamlet == 'Thôn' else hamlet} {int(rnd() * 12) + 1}"
        first = vocab.VILLAGE_FIRST[int(rnd() * len(vocab.VILLAGE_FIRST))]
        return f"{hamlet} {first} {vocab.VILLAGE_SECOND[int(rnd() * len(vocab.VILLAGE_SECOND))]}"

    def _ethnicity(self, commune: int) -> str:
        table = self.ethnicities[self.u.commune_province[commune]]
        return table[int(self.rnd() * len(table))]

    def _surname(self, ethnicity: str, commune: int) -> str:
        table = self.ethnic_surnames.get(ethnicity)
        if table is None or self.rnd() < 0.1:
            table = (
                self.surnames_south
                if self.province_south[self.u.commune_province[commune]]
                else self.surnames_north
            )
        return table[int(self.rnd() * len(table))]

    def _given_name(self, male: bool, birth: int) -> str:
        rnd = self.rnd
        middles = self.middle[male][self._year(birth) >= 1990]
        given = self.given[male]
        return f"{middles[int(rnd() * len(middles))]} {given[int(rnd() * len(given))]}"

    def _new_id(self, ppp: str, year: int, male: bool) -> str:
        key = f"{ppp}{(year - 1900) // 100 * 2 + (not male)}{year % 100:02d}"
        count = self.counters.get(key, 0)
        # A per-key offset keeps the first numbers of different keys from sharing their serial.
        offset = (int(key) * 7_919 + self.id_offset) % 1_000_000
        while True:
            if count >= 1_000_000:
                raise OverflowError(f"more than a million people born under {key}")
            pid = f"{key}{(count * _SERIAL_STEP + offset) % 1_000_000:06d}"
            count += 1
            if pid not in _DEMO_IDS:
                break
        self.counters[key] = count
        return pid

    def _birth_commune(self, home: int) -> int:
        x = self.rnd()
        if x < 0.80:
            return home
        if x < 0.94:
            return self._in_province(home)
        return self._home()

    # --- people ---------------------------------------------------------------------------------
    def _person(
        self,
        male: bool,
        birth: int,
        ethnicity: str,
        home: int,
        *,
        surname: str | None = None,
        birth_commune: int | None = None,
        hometown: int | None = None,
        pid: str | None = None,
        name: str | None = None,
    ) -> _Person:
        rnd = self.rnd
        birth = min(birth, REF)
        years = self.years
        year = years[birth - _FIRST_DAY]
        if surname is None:
            surname = self._surname(ethnicity, home)
        full_name = name or f"{surname} {self._given_name(male, birth)}"
        commune = self._birth_commune(home) if birth_commune is None else birth_commune
        birth_province = self.u.commune_province[commune]
        if pid is None:
            ppp = self.province_ppp[birth_province]
            if not ppp:
                ppp = self.fallback_ppp[int(rnd() * len(self.fallback_ppp))]
            pid = self._new_id(ppp, year, male)
        person = _Person(pid, full_name, surname, male, birth)
        person.ethnicity = ethnicity
        person.birth_commune = commune
        if hometown is None:
            x = rnd()
            hometown = commune if x < 0.45 else (self._in_province(home) if x < 0.8 else self._home())
        person.hometown = hometown
        registered = birth + 1 + int(rnd() * 40)
        if registered > REF:
            registered = REF
        person.registered = registered
        person.registration = f"{int(rnd() * 480) + 1}/{years[registered - _FIRST_DAY]}"
        if year <= 2006:
            x = rnd()
            if x < 0.9:
                # Identity cards were issued from 14 where the person lived: mostly the birth province.
                issued_in = birth_province if rnd() < 0.8 else self.u.commune_province[home]
                first = self._cmnd(issued_in)
                person.cmnd = f'["{first}","{self._cmnd(issued_in)}"]' if x < 0.04 else f'["{first}"]'
        if year < 1975 and rnd() < 0.04:
            person.other_names = vocab.OTHER_NAMES[int(rnd() * len(vocab.OTHER_NAMES))]
        return person

    def _cmnd(self, province: int) -> str:
        """An old 9-digit identity-card number (CMND): two digits of the issuing province's
        police, seven serial digits; unique across the dataset."""
        prefix = self.cmnd_prefix[province]
        count = self.cmnd_counts.get(prefix, 0)
        self.cmnd_counts[prefix] = count + 1
        return f"{prefix}{(count * _SERIAL_STEP + self.id_offset) % 10_000_000:07d}"

    def _from_slot(self, slot: _Slot, home: int) -> _Person:
        birth, male, father, mother, surname, ethnicity, birth_commune, hometown = slot
        person = self._person(
            male, birth, ethnicity, home, surname=surname, birth_commune=birth_commune, hometown=hometown
        )
        person.father, person.mother = father, mother
        return person

    def _take_slot(self, low_age: int, high_age: int) -> _Slot | None:
        """A grown-up child of an earlier household whose age fits, or None."""
        pool = self.pool
        for _attempt in range(2):
            if not pool:
                return None
            index = int(self.rnd() * len(pool))
            slot = pool[index]
            age = (REF - slot[0]) / YEAR
            if low_age <= age <= high_age:
                pool[index] = pool[-1]
                pool.pop()
                return slot
        return None

    def _adult(
        self, male: bool, age: float, ethnicity: str, home: int, *, slot: _Slot | None = None
    ) -> _Person:
        if slot is not None:
            return self._from_slot(slot, home)
        return self._person(male, REF - int(age * YEAR), ethnicity, home)

    def _couple(
        self, husband_age: float, home: int, ethnicity: str, *, use_pool: bool = True
    ) -> tuple[_Person, _Person, int]:
        """A married couple living at ``home``, one of them perhaps a grown-up child of an earlier
        household; returns the couple and the marriage date."""
        rnd = self.rnd
        gap = _SPOUSE_GAPS[int(rnd() * len(_SPOUSE_GAPS))]
        slot = self._take_slot(22, 65) if use_pool and rnd() < 0.45 else None
        if slot is not None:
            slot_age = (REF - slot[0]) / YEAR
            husband_age = slot_age if slot[1] else max(slot_age + gap, 21.0 + rnd())
        husband_age = max(husband_age, 21.0)
        wife_age = max(husband_age - gap, 19.0 + rnd())
        wife_ethnicity = ethnicity if rnd() < 0.85 else "Kinh"
        husband = self._adult(True, husband_age, ethnicity, home, slot=slot if slot and slot[1] else None)
        wife = self._adult(False, wife_age, wife_ethnicity, home, slot=slot if slot and not slot[1] else None)
        earliest = max(wife.birth + int(18.2 * YEAR), husband.birth + int(20.2 * YEAR))
        latest = min(REF - 30, wife.birth + int(34 * YEAR))
        married = earliest + int((rnd() ** 1.6) * max(0, latest - earliest))
        self._marry(husband, wife)
        return husband, wife, min(married, REF - 30)

    def _marry(self, husband: _Person, wife: _Person) -> None:
        husband.marital = wife.marital = "married"
        husband.spouse, wife.spouse = wife.pid, husband.pid

    def _children(
        self, father: _Person, mother: _Person, married: int, count: int, home: int, *, until: int = REF
    ) -> list[_Person]:
        """Children born after the marriage while the mother is under 44 (and before ``until``)."""
        rnd = self.rnd
        children: list[_Person] = []
        born = married + int((0.8 + rnd() * 2.2) * YEAR)
        limit = min(until, REF - 1, mother.birth + int(44 * YEAR))
        for _ in range(count):
            if born > limit:
                break
            male = rnd() < 0.52
            own_surname = father.surname if rnd() < 0.96 else mother.surname
            child = self._person(
                male, born, father.ethnicity, home, surname=own_surname, hometown=father.hometown
            )
            child.father, child.mother = father.pid, mother.pid
            children.append(child)
            born += int((1.5 + rnd() * 4) * YEAR)
        return children

    def _leaves_home(self, child: _Person) -> bool:
        age = (REF - child.birth) / YEAR
        if age < 23:
            return False
        return self.rnd() < (0.25 if age < 28 else (0.55 if age < 35 else 0.85))

    def _slot(self, child: _Person) -> _Slot | None:
        """A child who moved out: a person to be made later as the adult of another household."""
        if child.father is None or child.mother is None:
            return None
        return (child.birth, child.male, child.father, child.mother, child.surname, child.ethnicity,
                child.birth_commune, child.hometown)  # fmt: skip

    def _absent_children(self, father: _Person, mother: _Person, married: int, home: int) -> list[_Slot]:
        """Slots for the grown-up children of an older couple (they are drawn, not made yet)."""
        rnd = self.rnd
        slots: list[_Slot] = []
        born = married + int((0.8 + rnd() * 2.2) * YEAR)
        limit = min(REF - int(23 * YEAR), mother.birth + int(44 * YEAR))
        for _ in range(1 + int(rnd() * 3)):
            if born > limit:
                break
            surname = father.surname if rnd() < 0.96 else mother.surname
            slots.append((born, rnd() < 0.52, father.pid, mother.pid, surname, father.ethnicity,
                          self._birth_commune(home), father.hometown))  # fmt: skip
            born += int((1.5 + rnd() * 4) * YEAR)
        return slots

    def _die(self, person: _Person, low: int, high: int) -> None:
        person.died = self._between(max(low, person.birth + int(30 * YEAR)), max(low, high))
        person.died = min(person.died, REF - 1)
        person.spouse = None

    # --- household kinds ------------------------------------------------------------------------
    def _plan(self) -> list[_Plan]:
        return self.planners[_KINDS[int(self.rnd() * len(_KINDS))]]()

    def _household_plan(
        self, home: int, registered: int, members: list[_Person], relations: list[str], **extra: Any
    ) -> _Plan:
        return _Plan(home, self._street(home), min(registered, REF), members, relations, **extra)

    def _settle_children(
        self,
        children: list[_Person],
        registered: int,
        members: list[_Person],
        relations: list[str],
        slots: list[_Slot],
    ) -> None:
        """Children who have left home get a household slot elsewhere; the others live here."""
        for child in children:
            if self._leaves_home(child):
                slot = self._slot(child)
                if slot is not None:
                    slots.append(slot)
            else:
                members.append(child)
                relations.append("child")
                child.since = max(child.birth, registered)

    def _family_plan(
        self, age_table: tuple[int, ...], children_count: int, *, elderly: bool = False
    ) -> _Plan:
        rnd = self.rnd
        home = self._home()
        ethnicity = self._ethnicity(home)
        age = age_table[int(rnd() * len(age_table))] + rnd()
        husband, wife, married = self._couple(age, home, ethnicity, use_pool=not elderly)
        registered = married + int(rnd() * 2 * YEAR)
        head_first = [husband, wife] if rnd() < 0.86 else [wife, husband]
        members, relations = head_first, ["head", "spouse"]
        slots: list[_Slot] = []
        marriage = (husband.pid, wife.pid, married, wife.hometown if rnd() < 0.3 else home, None)
        if elderly:
            slots = self._absent_children(husband, wife, married, home)
        else:
            children = self._children(husband, wife, married, children_count, home)
            self._settle_children(children, registered, members, relations, slots)
        return self._household_plan(home, registered, members, relations, marriages=[marriage], slots=slots)

    def _plan_couple_children(self) -> list[_Plan]:
        return [self._family_plan(_PARENT_AGES, _CHILD_COUNTS[int(self.rnd() * len(_CHILD_COUNTS))])]

    def _plan_couple_young(self) -> list[_Plan]:
        return [self._family_plan(_YOUNG_COUPLE_AGES, 1 if self.rnd() < 0.3 else 0)]

    def _plan_couple_elderly(self) -> list[_Plan]:
        return [self._family_plan(_ELDERLY_AGES, 0, elderly=True)]

    def _plan_extended(self) -> list[_Plan]:
        """A couple, their children and one or both parents of one of them."""
        rnd = self.rnd
        plan = self._family_plan(_EXTENDED_AGES, _CHILD_COUNTS[int(rnd() * len(_CHILD_COUNTS))])
        husband, wife = sorted(plan.members[:2], key=lambda person: not person.male)
        child_of = husband if rnd() < 0.8 else wife
        if child_of.father is not None:  # came from the pool: their parents exist elsewhere
            return [plan]
        father_birth = child_of.birth - int((22 + rnd() * 14) * YEAR)
        mother_birth = min(father_birth + int((rnd() * 6 - 1) * YEAR), child_of.birth - int(19 * YEAR))
        if REF - father_birth > 97 * YEAR:
            return [plan]
        home = plan.commune
        father = self._person(True, father_birth, child_of.ethnicity, home, surname=child_of.surname,
                              hometown=child_of.hometown)  # fmt: skip
        mother = self._person(False, mother_birth, child_of.ethnicity, home)
        child_of.father, child_of.mother = father.pid, mother.pid
        married = child_of.birth - int((0.8 + rnd() * 4) * YEAR)
        married = max(married, father.birth + int(20.2 * YEAR), mother.birth + int(18.2 * YEAR))
        plan.marriages.append((father.pid, mother.pid, min(married, child_of.birth), home, None))
        self._marry(father, mother)
        relation = "parent" if child_of is plan.members[0] else "parent_in_law"
        living = [father, mother]
        if rnd() < 0.25:
            gone = father if rnd() < 0.7 else mother
            survivor = mother if gone is father else father
            self._die(gone, child_of.birth + int(15 * YEAR), REF - 30)
            survivor.spouse = None
            survivor.marital = "widowed"
            gone.marital = "married"
            plan.deceased.append(gone)
            living = [survivor]
        for person in living:
            plan.members.append(person)
            plan.relations.append(relation)
            person.since = self._between(plan.registered, REF)
        return [plan]

    def _plan_single(self) -> list[_Plan]:
        rnd = self.rnd
        slot = self._take_slot(19, 45) if rnd() < 0.5 else None
        home = self._home()
        ethnicity = self._ethnicity(home)
        age = _SINGLE_AGES[int(rnd() * len(_SINGLE_AGES))] + rnd()
        person = self._adult(rnd() < 0.55, age, ethnicity, home, slot=slot)
        registered = self._between(person.birth + _ADULT_DAYS, REF)
        return [self._household_plan(home, registered, [person], ["head"])]

    def _widowed(self, age_table: tuple[int, ...], with_children: bool) -> _Plan:
        rnd = self.rnd
        home = self._home()
        ethnicity = self._ethnicity(home)
        age = age_table[int(rnd() * len(age_table))] + rnd()
        female_survivor = rnd() < 0.75
        husband_age = age + 3 if female_survivor else age
        husband, wife, married = self._couple(husband_age, home, ethnicity, use_pool=with_children)
        survivor, gone = (wife, husband) if female_survivor else (husband, wife)
        registered = married + int(rnd() * 2 * YEAR)
        members, relations = [survivor], ["head"]
        slots: list[_Slot] = []
        last_birth = married
        if with_children:
            count = _CHILD_COUNTS[int(rnd() * len(_CHILD_COUNTS))]
            children = self._children(husband, wife, married, count, home)
            self._settle_children(children, registered, members, relations, slots)
            if children:
                last_birth = children[-1].birth
        else:
            slots = self._absent_children(husband, wife, married, home)
            last_birth = max([married, *(slot[0] for slot in slots)])
        self._die(gone, max(last_birth, married + int(3 * YEAR)), REF - 30)
        survivor.spouse = None
        survivor.marital = "widowed"
        marriage = (husband.pid, wife.pid, married, home, None)
        return self._household_plan(home, registered, members, relations, deceased=[gone],
                                    marriages=[marriage], slots=slots)  # fmt: skip

    def _plan_widowed_alone(self) -> list[_Plan]:
        return [self._widowed(_WIDOWED_AGES, False)]

    def _plan_widowed_parent(self) -> list[_Plan]:
        return [self._widowed(_WIDOWED_PARENT_AGES, True)]

    def _divorced(self, with_children: bool) -> list[_Plan]:
        """Two households: the parent who kept the children (if any) and the ex-spouse, alone."""
        rnd = self.rnd
        home = self._home()
        ethnicity = self._ethnicity(home)
        age = _DIVORCED_AGES[int(rnd() * len(_DIVORCED_AGES))] + rnd()
        husband, wife, married = self._couple(age, home, ethnicity)
        children = (
            self._children(husband, wife, married, _CHILD_COUNTS[int(rnd() * len(_CHILD_COUNTS))], home)
            if with_children
            else []
        )
        last = children[-1].birth if children else married
        divorced = min(self._between(max(last, married + int(YEAR)) + 180, REF - 30), REF - 1)
        for person in (husband, wife):
            person.marital = "divorced"
            person.spouse = None
        keeper, other = (wife, husband) if rnd() < 0.8 else (husband, wife)
        registered = self._between(divorced, REF)
        members, relations = [keeper], ["head"]
        for child in children:
            members.append(child)
            relations.append("child")
            child.since = max(child.birth, registered)
        other_home = self._in_province(home) if rnd() < 0.7 else self._home()
        marriage = (husband.pid, wife.pid, married, home, divorced)
        return [
            self._household_plan(home, registered, members, relations, marriages=[marriage]),
            self._household_plan(other_home, self._between(divorced, REF), [other], ["head"]),
        ]

    def _plan_divorced_parent(self) -> list[_Plan]:
        return self._divorced(True)

    def _plan_divorced_alone(self) -> list[_Plan]:
        return self._divorced(False)

    # --- writing a household --------------------------------------------------------------------
    def _settle(self, plan: _Plan) -> None:
        rnd = self.rnd
        u = self.u
        buffers = self.buffers
        home = plan.commune
        commune_code = u.commune_codes[home]
        province = u.commune_province[home]
        province_code = u.province_codes[province]
        count = self.household_counts.get(home, 0)
        self.household_counts[home] = count + 1
        number = f"{commune_code}{(count * _SERIAL_STEP + home * 7_919 + self.id_offset) % 10_000_000:07d}"
        address = plan.street + self.suffix[home]
        head = plan.members[0]
        buffers["household"].append((number, commune_code, address, head.pid, self._date(plan.registered)))
        for marriage in plan.marriages:
            husband, wife, married, where, divorced = marriage
            buffers["marriage"].append((
                husband, wife, self._date(married), u.commune_codes[where],
                None if divorced is None else self._date(divorced),
            ))  # fmt: skip
        poor = rnd() < (0.02 if u.commune_is_ward[home] else 0.07)
        spouse = next(
            (p for p, relation in zip(plan.members, plan.relations, strict=True) if relation == "spouse"),
            None,
        )
        for position, person in enumerate(plan.members):
            if plan.relations[position] in {"head", "spouse"} and person.since == person.birth:
                person.since = plan.registered
            self._history_before(person, plan)
            if not plan.demo:
                self._derived(person, province_code, home, poor)
            elif person.pid not in _DEMO_IDS:  # a demo person's relative: ordinary records only
                self._derived(person, province_code, home, poor, ordinary=True)
        if not plan.demo:
            self._household_land(plan, head, spouse, home, address)
        for person in plan.deceased:
            self._deceased(person, plan, address)
        person_rows = buffers["person"]
        for position, person in enumerate(plan.members):
            person_rows.append(self._person_row(person, number, plan.relations[position], position))
        for person in plan.deceased:
            person_rows.append(self._person_row(person, None, None, None))
        self.remaining -= plan.people
        if plan.slots and len(self.pool) < self.pool_limit:
            self.pool.extend(plan.slots[: self.pool_limit - len(self.pool)])

    def _person_row(
        self, p: _Person, household: str | None, relation: str | None, position: int | None
    ) -> Row:
        dates = self.dates
        codes = self.u.commune_codes
        temp = p.temp
        died = p.died
        history = None
        if p.history is not None:
            # Hand-built JSON (what json.dumps gives with compact separators): the vocabulary has
            # no quotes or backslashes to escape (a test checks), and this runs once per person.
            history = "[" + ",".join(
                f'{{"address":"{address}","commune_code":"{codes[commune]}","kind":"{kind}",'
                f'"from":"{dates[start - _FIRST_DAY]}","to":"{dates[end - _FIRST_DAY]}"}}'
                for address, commune, kind, start, end in p.history
            ) + "]"  # fmt: skip
        return (
            p.pid, p.name, p.other_names, dates[p.birth - _FIRST_DAY], "male" if p.male else "female",
            p.ethnicity, codes[p.birth_commune], p.registration, dates[p.registered - _FIRST_DAY],
            codes[p.hometown], p.cmnd, household, relation, position,
            None if household is None else dates[p.since - _FIRST_DAY],
            None if temp is None else temp[0], None if temp is None else codes[temp[1]],
            None if temp is None else dates[temp[2] - _FIRST_DAY],
            None if temp is None else dates[temp[3] - _FIRST_DAY],
            history, p.father, p.mother, p.spouse, p.marital, "living" if died is None else "deceased",
            None if died is None else dates[died - _FIRST_DAY],
            None if died is None else dates[p.death_registered - _FIRST_DAY],
            None if died is None else codes[p.death_commune],
            p.name_changes,
        )  # fmt: skip

    def _deceased(self, person: _Person, plan: _Plan, address: str) -> None:
        """A person who died while living in this household: out of it, residence deleted, death
        registered where they lived; their insurance record stays for the survivors' claims."""
        rnd = self.rnd
        died = person.died
        assert died is not None
        entry = (address, plan.commune, "permanent", min(max(plan.registered, person.birth), died), died)
        person.history = [*(person.history or []), entry]
        person.temp = None
        person.death_commune = plan.commune
        if not person.death_registered:
            person.death_registered = min(died + 1 + int(rnd() * 14), REF)
        age = (died - person.birth) / YEAR
        if 25 <= age <= 80 and rnd() < 0.5:
            months = int(min(age - 18, 38) * 12 * (0.3 + 0.7 * rnd())) + 1
            province_code = self.u.province_codes[self.u.commune_province[plan.commune]]
            self.buffers["social_insurance"].append((
                self._insurance_number(province_code), person.pid, False, months, "none", 0, None, None,
            ))  # fmt: skip

    def _history_before(self, person: _Person, plan: _Plan) -> None:
        """Where an adult lived before joining this household, and past temporary stays."""
        since = person.since
        lived = since - person.birth
        if lived < _ADULT_DAYS:
            return
        rnd = self.rnd
        entries: list[_Stay] = []
        before = person.hometown if rnd() < 0.6 else self._in_province(plan.commune)
        entries.append((self._street(before) + self.suffix[before], before, "permanent", person.birth, since))
        if lived > 20 * YEAR and rnd() < 0.12:
            where = self.urban_table[self.rng.getrandbits(18)]
            start = self._between(person.birth + _ADULT_DAYS, REF - int(YEAR))
            end = min(start + int((1 + rnd() * 3) * YEAR), REF)
            entries.append((self._street(where) + self.suffix[where], where, "temporary", start, end))
        person.history = entries

    def _derived(
        self, p: _Person, province_code: str, home: int, poor: bool, *, ordinary: bool = False
    ) -> None:
        """Insurance, licence, vehicles, temporary residence and criminal record of one living
        person (``ordinary``: no renaming, conviction or directorship, for the demo families)."""
        rnd = self.rnd
        age = (REF - p.birth) / YEAR
        retirement = 61.0 if p.male else 57.0
        pension = False
        employee = False
        number = self._insurance_number(province_code)
        if age >= 18:
            if rnd() < 0.004 and not ordinary:
                self._rename(p)
            if age < 50 and rnd() < (0.25 if age < 24 else 0.04):
                self._temporary_residence(p, home)
            if age < retirement:
                if rnd() < 0.66:
                    employee = self._working_insurance(p, age, number)
            elif rnd() < 0.5:
                pension = self._retired_insurance(p, retirement, number)
            if age < 80 and rnd() < (0.68 if p.male else 0.42) * (0.5 if age > 70 else 1.0):
                self._licence(p, province_code)
            x = rnd()
            vehicles = 0 if x < 0.52 else (1 if x < 0.89 else (2 if x < 0.98 else 3))
            for _ in range(vehicles):
                self._vehicle(p.pid, max(p.birth + _ADULT_DAYS, REF - int(15 * YEAR)), province_code)
            if rnd() < 0.021 and not ordinary:
                self._convictions(p, province_code)
            if 22 <= age <= 70 and not ordinary:
                self._maybe_represent(p)
        if age < 6:
            group = "child_under_6"
        elif poor:
            group = "poor_household"
        elif pension:
            group = "retired"
        elif employee:
            group = "employee"
        elif age < 18 or (age < 23 and p.temp is not None):
            group = "student" if rnd() < 0.95 else ""
        else:
            group = "household" if rnd() < 0.79 else ""
        if group:
            self._health_card(p, group, province_code, number)

    def _rename(self, p: _Person) -> None:
        old = p.name
        new = f"{p.surname} {self._given_name(p.male, p.birth)}"
        if new == old:
            return
        changed = self._between(p.birth + _ADULT_DAYS, REF - 30)
        p.name = new
        p.renamed = (changed, old)
        p.name_changes = _json([{"changed_on": self._date(changed), "old_name": old, "new_name": new}])

    def _temporary_residence(self, p: _Person, home: int) -> None:
        rnd = self.rnd
        where = self.urban_table[self.rng.getrandbits(18)]
        if where == home:
            return
        since = self._between(max(p.birth + _ADULT_DAYS, REF - int(3 * YEAR)), REF - 10)
        until = min(since + int((1 + rnd() * 2) * YEAR), _LAST_DAY)
        address = f"Phòng {int(rnd() * 30) + 101}, {self._street(where)}{self.suffix[where]}"
        if until > REF:
            p.temp = (address, where, since, until)
        else:
            p.history = [*(p.history or []), (address, where, "temporary", since, until)]

    def _insurance_number(self, province_code: str) -> str:
        """A social-insurance number (mã số BHXH): the province where it was issued and 8 digits;
        the same number is the last 10 characters of the person's health-insurance card."""
        count = self.insurance_counts.get(province_code, 0)
        self.insurance_counts[province_code] = count + 1
        offset = (int(province_code) * 7_919 + self.id_offset) % 100_000_000
        return f"{province_code}{(count * _SERIAL_STEP + offset) % 100_000_000:08d}"

    def _working_insurance(self, p: _Person, age: float, number: str) -> bool:
        """A social-insurance account of a working-age person; True if they contribute as an employee."""
        rnd = self.rnd
        months = int(min(age - 18, 35) * 12 * (0.25 + 0.75 * rnd())) + 1
        voluntary = rnd() < 0.12
        insured = rnd() < 0.82
        employer = None if voluntary else self.employers[int(rnd() * len(self.employers))]
        ui_cap = int((REF - max(_UI_START, p.birth + _ADULT_DAYS)) / 30.44)
        ui_months = 0 if voluntary else max(0, min(ui_cap, int(months * (0.6 + 0.4 * rnd()))))
        closed = None
        if not insured:
            start = REF - int(months * 30.44)
            closed = self._date(self._between(max(start + 30, REF - int(5 * YEAR)), REF - 20))
        self.buffers["social_insurance"].append((
            number, p.pid, insured, months, "none", ui_months,
            employer if ui_months else None, closed if ui_months else None,
        ))  # fmt: skip
        return insured and not voluntary

    def _retired_insurance(self, p: _Person, retirement: float, number: str) -> bool:
        rnd = self.rnd
        months = 180 + int(rnd() * 220)
        receiving = rnd() < 0.85
        retired_on = p.birth + int(retirement * YEAR)
        ui_months = (
            int(min(max(0, (retired_on - _UI_START) / 30.44), months) * rnd())
            if retired_on > _UI_START
            else 0
        )
        self.buffers["social_insurance"].append((
            number, p.pid, False, months,
            "receiving" if receiving else "none", ui_months, None,
            self._date(min(retired_on, REF - 1)) if ui_months else None,
        ))  # fmt: skip
        return receiving

    def _health_card(self, p: _Person, group: str, province_code: str, number: str) -> None:
        code, benefit = vocab.HEALTH_INSURANCE_GROUPS[group]
        if group == "child_under_6":
            start = p.registered
            sixth = date.fromordinal(p.birth)
            try:
                end = sixth.replace(year=sixth.year + 6).toordinal() - 1
            except ValueError:  # born on 29 February
                end = date(sixth.year + 6, 2, 28).toordinal()
        elif group == "retired":
            start, end = date(2025, 1, 1).toordinal(), date(2029, 12, 31).toordinal()
        elif group == "household":
            start = self.month_starts[17 + int(self.rnd() * 17)]  # June 2025 to October 2026
            start_day = date.fromordinal(start)
            end = date(start_day.year + 1, start_day.month, 1).toordinal() - 1
        else:
            start, end = date(2026, 1, 1).toordinal(), date(2026, 12, 31).toordinal()
        self.buffers["health_insurance_card"].append((
            f"{code}{benefit}{province_code}{number}", p.pid, number, self._date(start), self._date(end),
            group, benefit,
        ))  # fmt: skip

    def _licence(self, p: _Person, province_code: str) -> None:
        rnd = self.rnd
        classes = []
        if rnd() < (0.95 if p.male else 0.9):
            classes.append("A1")
        if p.male and rnd() < 0.04:
            classes.append("A")
        car = rnd() < (0.38 if p.male else 0.16)
        if car:
            classes.append("B")
        if p.male and rnd() < 0.03:
            classes.append("C1")
        if not classes:
            classes.append("A1")
        adult = p.birth + _ADULT_DAYS
        if car or "C1" in classes:
            issued = self._between(max(adult, REF - int(11.5 * YEAR)), REF - 30)
        else:
            issued = self._between(max(adult, REF - int(30 * YEAR)), REF - 30)
        issued = max(issued, adult)
        valid_until = None
        if "C1" in classes:
            valid_until = issued + int(5 * YEAR)
        elif car:
            valid_until = issued + int(10 * YEAR)
        status = "valid"
        if valid_until is not None and valid_until < REF:
            status = "expired"
        elif rnd() < 0.01:
            status = "suspended"
        self.buffers["driving_licence"].append((
            self._licence_number(province_code, self._year(issued)), p.pid, '["' + '","'.join(classes) + '"]',
            self._date(issued), None if valid_until is None else self._date(valid_until), status,
            province_code,
        ))  # fmt: skip

    def _licence_number(self, province_code: str, year: int) -> str:
        """12 digits: issuing province, year of issue, 8 serial digits."""
        key = f"{province_code}{year % 100:02d}"
        count = self.licence_counts.get(key, 0)
        self.licence_counts[key] = count + 1
        offset = (int(key) * 7_919 + self.id_offset) % 100_000_000
        return f"{key}{(count * _SERIAL_STEP + offset) % 100_000_000:08d}"

    def _vehicle(self, owner: str, earliest: int, province_code: str) -> None:
        rnd = self.rnd
        model = self.vehicle_models[int(rnd() * len(self.vehicle_models))]
        vehicle_kind, brand, name, domestic, wmi, engine_prefix, _weight = model
        origin = "domestic" if rnd() < domestic else "imported"
        unregistered = rnd() < 0.015
        if unregistered:
            registered = None
            made = REF - int(rnd() * 20)
        else:
            registered = self._between(earliest, REF - 2)
            made = registered - int(rnd() * 120)
        year = self._year(made)
        self.vehicle_count += 1
        serial = (self.vehicle_count * _SERIAL_STEP + self.id_offset) % 100_000_000
        frame = f"{wmi}{engine_prefix[:4]:X<4}{_VIN_YEAR.get(year, 'X')}A{serial:08d}"
        engine = f"{engine_prefix}{(self.vehicle_count * 611_953 + self.id_offset) % 10_000_000:07d}"
        certificate = f"{'KĐ' if origin == 'domestic' else 'NK'}-{year}-{serial % 10_000_000:07d}"
        plate = None
        if registered is not None:
            plate = self._plate(vehicle_kind, province_code)
        self.buffers["vehicle"].append((
            frame, owner, engine, vehicle_kind, brand, name, origin, certificate,
            True if registered is not None else rnd() < 0.7, plate,
            None if registered is None else self._date(registered),
        ))  # fmt: skip

    def _plate(self, kind: str, province_code: str) -> str:
        codes = vocab.PLATE_CODES[province_code]
        code = codes[int(self.rnd() * len(codes))]
        key = f"{code}{kind[0]}"
        count = self.plate_counts.get(key, 0)
        self.plate_counts[key] = count + 1
        number = (count * 38_917 + int(code) * 101) % 100_000
        series = count // 100_000
        letters = vocab.PLATE_LETTERS
        if kind == "car":
            plate = f"{code}{letters[series % len(letters)]}-{number // 100:03d}.{number % 100:02d}"
        else:
            series_code = f"{letters[series // 9 % len(letters)]}{series % 9 + 1}"
            plate = f"{code}-{series_code} {number // 100:03d}.{number % 100:02d}"
        return self._plate(kind, province_code) if plate == demo.MINH_MOTORCYCLE[4] else plate

    def _convictions(self, p: _Person, province_code: str) -> None:
        rnd = self.rnd
        province_name = self.u.province_names[self.u.province_codes.index(province_code)]
        for _ in range(1 if rnd() < 0.85 else 2):
            offence, sentences, may_ban, _weight = self.offences[int(rnd() * len(self.offences))]
            judged = self._between(p.birth + _ADULT_DAYS, REF - 60)
            year = self._year(judged)
            if year >= 2025:  # regional courts replaced the district courts in July 2025
                court = f"Tòa án nhân dân khu vực {int(rnd() * 12) + 1} - {province_name}"
            else:
                court = f"Tòa án nhân dân {province_name}"
            expunged = rnd() < (0.8 if judged < REF - int(5 * YEAR) else 0.08)
            ban = ban_until = None
            if may_ban and rnd() < 0.7:
                ban = vocab.BANS[int(rnd() * len(vocab.BANS))]
                ban_until = self._date(min(judged + int((1 + rnd() * 4) * YEAR), _LAST_DAY))
            self.buffers["conviction"].append((
                p.pid, court, f"{int(rnd() * 400) + 1}/{year}/HS-ST", self._date(judged), offence,
                sentences[int(rnd() * len(sentences))], expunged, ban, ban_until,
            ))  # fmt: skip

    def _household_land(
        self, plan: _Plan, head: _Person, spouse: _Person | None, home: int, address: str
    ) -> None:
        rnd = self.rnd
        ward = self.u.commune_is_ward[home]
        holders = [(head, 1.0)]
        if spouse is not None and rnd() < 0.6:
            holders = [(head, 0.5), (spouse, 0.5)]
        if rnd() < 0.62:
            use, low, high = vocab.RESIDENTIAL_URBAN if ward else vocab.RESIDENTIAL_RURAL
            self._parcel(home, address, use, low, high, holders, max(plan.registered, _LAND_LAW_1993))
        if rnd() < (0.05 if ward else 0.36):
            use, low, high = vocab.FARMLAND[int(rnd() * len(vocab.FARMLAND))]
            field_address = (
                f"Xứ đồng {vocab.FIELD_NAMES[int(rnd() * len(vocab.FIELD_NAMES))]}{self.suffix[home]}"
            )
            self._parcel(home, field_address, use, low, high, holders, max(plan.registered, _LAND_LAW_1993))

    def _parcel(
        self,
        commune: int,
        address: str,
        use: str,
        low: int,
        high: int,
        holders: Sequence[tuple[_Person | tuple[str, str], float]],
        earliest: int,
        *,
        parcel_id: str | None = None,
        certificate: str | None = None,
        issued: int | None = None,
    ) -> None:
        rnd = self.rnd
        code = self.u.commune_codes[commune]
        generated = parcel_id is None
        while parcel_id is None or (generated and parcel_id == demo.MINH_PARCEL_ID):
            # Parcel numbers count up per commune, 800 to a cadastral map sheet.
            count = self.parcel_counts.get(commune, 0)
            self.parcel_counts[commune] = count + 1
            parcel_id = f"{code}-{count // 800 + 1:02d}-{count % 800 + 1:04d}"
        if certificate is None:
            self.certificate_count += 1
            series = vocab.CERTIFICATE_SERIES[
                (self.certificate_count // 1_000_000) % len(vocab.CERTIFICATE_SERIES)
            ]
            certificate = (
                f"{series} {(self.certificate_count * _SERIAL_STEP + self.id_offset) % 1_000_000:06d}"
            )
            if certificate == demo.MINH_PARCEL_CERTIFICATE:
                certificate = f"{series} {self.certificate_count % 1_000_000:06d}"
        if issued is None:
            issued = self._between(min(earliest, REF - 60), REF - 30)
        area = round(low + (high - low) * rnd() ** 2, 1)
        self.buffers["land_parcel"].append(
            (parcel_id, code, address, area, use, certificate, self._date(issued))
        )
        rows = self.buffers["land_holder"]
        for position, (holder, share) in enumerate(holders):
            if isinstance(holder, _Person):
                name = holder.name
                if holder.renamed is not None and holder.renamed[0] > issued:
                    name = holder.renamed[1]  # the certificate still shows the name it was issued to
                rows.append((parcel_id, holder.pid, name, share, position))
            else:
                rows.append((parcel_id, holder[0], holder[1], share, position))

    # --- enterprises ----------------------------------------------------------------------------
    def _maybe_represent(self, p: _Person) -> None:
        if len(self.rep_reservoir) < 2_000:
            self.rep_reservoir.append(p)
        left = len(self.enterprises) - self.next_enterprise
        if left and self.rnd() < 1.15 * left / (0.55 * self.remaining + 50):
            self._enterprise(self.next_enterprise, p)
            self.next_enterprise += 1

    def _enterprise(self, index: int, rep: _Person) -> None:
        rnd = self.rnd
        code, commune, status = self.enterprises[index]
        kind, prefix, _weight = self.kinds[int(rnd() * len(self.kinds))]
        sector = vocab.ENTERPRISE_SECTORS[int(rnd() * len(vocab.ENTERPRISE_SECTORS))]
        brand = vocab.ENTERPRISE_BRANDS[int(rnd() * len(vocab.ENTERPRISE_BRANDS))]
        name = f"{prefix} {brand}" if kind == "Doanh nghiệp tư nhân" else f"{prefix} {sector} {brand}"
        earliest = max(rep.birth + int(21 * YEAR), _ENTERPRISE_LAW_1999)
        registered = self._between(earliest, REF - 30)
        capital = vocab.CHARTER_CAPITALS[int(rnd() ** 1.5 * len(vocab.CHARTER_CAPITALS))]
        changes = []
        when = registered
        for _ in range(int(rnd() * 4)):
            when = self._between(when + 30, REF - 1)
            if when >= REF - 1:
                break
            change = vocab.REGISTRATION_CHANGES[int(rnd() * len(vocab.REGISTRATION_CHANGES))]
            changes.append({"changed_on": self._date(when), "change": change})
        address = self._office_address(commune)
        self._enterprise_rows(code, name, kind, status, registered, address + self.suffix[commune], commune,
                              rep.pid, capital, changes)  # fmt: skip
        if rnd() < 0.08:
            for branch in range(1, 2 + int(rnd() * 2)):
                where = self.urban_table[self.rng.getrandbits(18)]
                place = self.u.province_names[self.u.commune_province[where]]
                office = self._office_address(where) + self.suffix[where]
                self._enterprise_rows(
                    f"{code}-{branch:03d}", f"Chi nhánh {place} - {name}", vocab.BRANCH_KIND, status,
                    self._between(registered, REF - 1), office, where, rep.pid, 0, [],
                )  # fmt: skip
        province_code = self.u.province_codes[self.u.commune_province[commune]]
        if rnd() < 0.2:
            use, low, high = vocab.ENTERPRISE_LAND[int(rnd() * len(vocab.ENTERPRISE_LAND))]
            self._parcel(
                commune, address + self.suffix[commune], use, low, high, [((code, name), 1.0)], registered
            )
        if rnd() < 0.25:
            for _ in range(1 + int(rnd() * 3)):
                self._vehicle(code, registered, province_code)

    def _office_address(self, commune: int) -> str:
        street = vocab.STREETS[int(self.rnd() * len(vocab.STREETS))]
        return f"Số {int(self.rnd() * 300) + 1} {self.road[commune]} {street}"

    def _enterprise_rows(
        self,
        code: str,
        name: str,
        kind: str,
        status: str,
        registered: int,
        address: str,
        commune: int,
        rep: str,
        capital: int,
        changes: list[dict[str, str]],
    ) -> None:
        self.buffers["enterprise"].append((
            code, name, kind, status, self._date(registered), address, self.u.commune_codes[commune], rep,
            capital, _json(changes) if changes else None,
        ))  # fmt: skip

    def _finish_enterprises(self) -> None:
        """Enterprises whose representative did not turn up get one from the adults kept aside."""
        reservoir = self.rep_reservoir or [self._demo_records[3]]  # Thu Hà, if nobody else
        while self.next_enterprise < len(self.enterprises):
            self._enterprise(self.next_enterprise, reservoir[self.next_enterprise % len(reservoir)])
            self.next_enterprise += 1

    # --- the demo people --------------------------------------------------------------------------
    def _demo_plans(self) -> list[_Plan]:
        u = self.u
        index = u.commune_index

        def fixed(
            account: DemoAccount, home: str, birth_commune: int | None = None, **kwargs: Any
        ) -> _Person:
            birth_province = next(
                i for i, code in enumerate(u.province_codes) if "0" + code == account.personal_id[:3]
            )
            commune = birth_commune
            if commune is None:
                members = u.province_communes[birth_province]
                commune = members[int(self.rnd() * len(members))]
            return self._person(
                account.sex == "male", account.birthdate.toordinal(), "Kinh", index[home],
                surname=account.full_name.split()[0], birth_commune=commune, pid=account.personal_id,
                name=account.full_name, **kwargs,
            )  # fmt: skip

        def home_plan(
            account: DemoAccount, members: list[_Person], relations: list[str], **extra: Any
        ) -> _Plan:
            home = demo.HOMES[account.personal_id]
            return _Plan(index[home.commune_code], home.street, home.registered_on.toordinal(), members,
                         relations, demo=True, **extra)  # fmt: skip

        hanoi = u.province_communes[u.province_codes.index("01")]
        # Nguyễn Văn Minh, his wife and their daughter.
        minh = fixed(demo.MINH, demo.BA_DINH)
        wife_birth = self._in_year(demo.MINH_WIFE_BIRTH_YEAR)
        wife = self._person(False, wife_birth, "Kinh", index[demo.BA_DINH],
                            birth_commune=hanoi[int(self.rnd() * len(hanoi))])  # fmt: skip
        self._marry(minh, wife)
        minh_anh = fixed(demo.MINH_ANH, demo.BA_DINH, birth_commune=index[demo.MINH_ANH_BIRTH_COMMUNE],
                         hometown=minh.hometown)  # fmt: skip
        minh_anh.father, minh_anh.mother = minh.pid, wife.pid
        minh_anh.registered = demo.MINH_ANH_BIRTH_REGISTERED_ON.toordinal()
        minh_anh.registration = f"{int(self.rnd() * 480) + 1}/2018"
        minh_plan = home_plan(
            demo.MINH, [minh, wife, minh_anh], ["head", "spouse", "child"],
            marriages=[(minh.pid, wife.pid, demo.MINH_MARRIAGE_ON.toordinal(),
                        index[demo.MINH_MARRIAGE_COMMUNE], None)],
        )  # fmt: skip
        # Trần Thị Thu Hà lives alone in Phường Sài Gòn.
        thu_ha = fixed(demo.THU_HA, demo.SAI_GON)
        # Lê Văn Hùng, divorced; his ex-wife and their son live elsewhere in Thanh Hóa.
        hung = fixed(demo.HUNG, demo.HAC_THANH)
        thanh_hoa = u.province_communes[u.province_codes.index("38")]
        ex_home = next(c for c in thanh_hoa[5:] if c != index[demo.HAC_THANH])
        ex_wife = self._person(False, self._in_year(1981), "Kinh", ex_home)
        son = self._person(True, self._in_year(demo.HUNG_SON_BIRTH_YEAR), "Kinh", ex_home, surname="Lê",
                           hometown=hung.hometown)  # fmt: skip
        son.father, son.mother = hung.pid, ex_wife.pid
        hung.marital = ex_wife.marital = "divorced"
        hung_plan = home_plan(demo.HUNG, [hung], ["head"], marriages=[(
            hung.pid, ex_wife.pid, demo.HUNG_MARRIAGE_ON.toordinal(), index[demo.HAC_THANH],
            demo.HUNG_DIVORCE_ON.toordinal(),
        )])  # fmt: skip
        ex_registered = demo.HUNG_DIVORCE_ON.toordinal() + 90
        ex_plan = _Plan(ex_home, self._street(ex_home), ex_registered, [ex_wife, son], ["head", "child"])
        # Phạm Thị Lan lives with her parents in Đà Nẵng.
        da_nang = index[demo.HAI_CHAU]
        father = self._person(True, self._in_year(1966), "Kinh", da_nang, surname="Phạm")
        mother = self._person(False, self._in_year(1969), "Kinh", da_nang)
        self._marry(father, mother)
        lan = fixed(demo.LAN, demo.HAI_CHAU, hometown=father.hometown)
        lan.father, lan.mother = father.pid, mother.pid
        lan_plan = home_plan(demo.LAN, [father, mother, lan], ["head", "spouse", "child"], marriages=[(
            father.pid, mother.pid, date(1993, 2, 6).toordinal(), da_nang, None
        )])  # fmt: skip
        # Võ Hoàng Nam lives alone in Cần Thơ.
        nam = fixed(demo.NAM, demo.NINH_KIEU)
        # Đặng Thị Hoa, widowed; her husband died in 2021.
        hoa = fixed(demo.HOA, demo.THANH_VINH)
        husband = self._person(
            True, self._in_year(demo.HOA_HUSBAND_BIRTH_YEAR), "Kinh", index[demo.THANH_VINH]
        )
        husband.died = demo.HOA_HUSBAND_DIED_ON.toordinal()
        husband.death_registered = demo.HOA_HUSBAND_DEATH_REGISTERED_ON.toordinal()
        husband.marital = "married"
        hoa.marital = "widowed"
        vinh, married = index[demo.THANH_VINH], demo.HOA_MARRIAGE_ON.toordinal()
        hoa_plan = home_plan(
            demo.HOA, [hoa], ["head"], deceased=[husband],
            marriages=[(husband.pid, hoa.pid, married, vinh, None)],
            slots=self._absent_children(husband, hoa, married, vinh),
        )  # fmt: skip
        self._demo_records = (minh, wife, minh_anh, thu_ha, hung, lan, nam, hoa)
        return [
            minh_plan,
            home_plan(demo.THU_HA, [thu_ha], ["head"]),
            hung_plan,
            ex_plan,
            lan_plan,
            home_plan(demo.NAM, [nam], ["head"]),
            hoa_plan,
        ]

    def _demo_derived(self) -> None:
        """The records of the demo people that other apps' tests and the docs rely on."""
        minh, wife, minh_anh, thu_ha, hung, lan, nam, hoa = self._demo_records
        company_code, company_name = demo.DEMO_COMPANY
        si = self.buffers["social_insurance"]
        d = self._date
        number = self._insurance_number("01")
        si.append((number, minh.pid, True, 148, "none", 140, company_code, None))
        self._health_card(minh, "employee", "01", number)
        under_6 = REF - minh_anh.birth < 6 * YEAR
        self._health_card(
            minh_anh, "child_under_6" if under_6 else "student", "01", self._insurance_number("01")
        )
        self.buffers["driving_licence"].append((
            self._licence_number("01", demo.MINH_LICENCE_ISSUED_ON.year), minh.pid,
            _json(list(demo.MINH_LICENCE_CLASSES)), d(demo.MINH_LICENCE_ISSUED_ON.toordinal()),
            d(demo.MINH_LICENCE_ISSUED_ON.toordinal() + int(10 * YEAR)), "valid", "01",
        ))  # fmt: skip
        frame, engine, brand, model, plate = demo.MINH_MOTORCYCLE
        self.buffers["vehicle"].append((frame, minh.pid, engine, "motorcycle", brand, model, "domestic",
                                        "KĐ-2019-0153184", True, plate,
                                        d(demo.MINH_MOTORCYCLE_REGISTERED_ON.toordinal())))  # fmt: skip
        frame, engine, brand, model = demo.MINH_NEW_MOTORCYCLE
        self.buffers["vehicle"].append((frame, minh.pid, engine, "motorcycle", brand, model, "domestic",
                                        "KĐ-2026-0402217", True, None, None))  # fmt: skip
        ba_dinh = self.u.commune_index[demo.BA_DINH]
        home = demo.HOMES[minh.pid]
        self._parcel(ba_dinh, home.street + self.suffix[ba_dinh], "ODT", 68, 69, [(minh, 0.5), (wife, 0.5)],
                     0, parcel_id=demo.MINH_PARCEL_ID, certificate=demo.MINH_PARCEL_CERTIFICATE,
                     issued=date(2016, 3, 15).toordinal())  # fmt: skip
        # Thu Hà directs the demo company and is insured through it.
        number = self._insurance_number("79")
        si.append((number, thu_ha.pid, True, 96, "none", 96, company_code, None))
        self._health_card(thu_ha, "employee", "79", number)
        ngoc_ha = self.u.commune_index[demo.DEMO_COMPANY_COMMUNE]
        self._enterprise_rows(
            company_code, company_name, demo.DEMO_COMPANY_KIND, "active",
            demo.DEMO_COMPANY_REGISTERED_ON.toordinal(), demo.DEMO_COMPANY_ADDRESS + self.suffix[ngoc_ha],
            ngoc_ha, thu_ha.pid, demo.DEMO_COMPANY_CAPITAL_VND,
            [{"changed_on": "2023-05-10", "change": "Thay đổi vốn điều lệ"},
             {"changed_on": "2025-07-01", "change": "Cập nhật địa chỉ trụ sở theo đơn vị hành chính mới"}],
        )  # fmt: skip
        frame, engine, brand, model = demo.DEMO_COMPANY_MOTORCYCLE
        self.buffers["vehicle"].append((frame, company_code, engine, "motorcycle", brand, model, "domestic",
                                        "KĐ-2026-0718830", True, None, None))  # fmt: skip
        # Lê Văn Hùng: an expunged conviction, a motorcycle licence, a household card.
        court, judgement, judged_on, offence, sentence = demo.HUNG_CONVICTION
        self.buffers["conviction"].append(
            (hung.pid, court, judgement, d(judged_on.toordinal()), offence, sentence, True, None, None)
        )
        self._health_card(hung, "household", "38", self._insurance_number("38"))
        self.buffers["driving_licence"].append(
            (self._licence_number("38", 1998), hung.pid, '["A1"]', "1998-07-02", None, "valid", "38")
        )
        # Phạm Thị Lan works and is insured.
        number = self._insurance_number("48")
        si.append((number, lan.pid, True, 52, "none", 52, self.employers[0], None))
        self._health_card(lan, "employee", "48", number)
        # Võ Hoàng Nam stopped contributing when his contract ended.
        number = self._insurance_number("92")
        si.append((number, nam.pid, False, demo.NAM_MONTHS_CONTRIBUTED, "none", demo.NAM_UNEMPLOYMENT_MONTHS,
                   self.employers[0], d(demo.NAM_CONTRIBUTIONS_CLOSED_ON.toordinal())))  # fmt: skip
        self._health_card(nam, "household", "92", number)
        # Đặng Thị Hoa receives her pension.
        number = self._insurance_number("40")
        si.append((number, hoa.pid, False, demo.HOA_MONTHS_CONTRIBUTED, "receiving", 0, None, None))
        self._health_card(hoa, "retired", "40", number)

    # --- the stream -----------------------------------------------------------------------------
    def _flush(self, *, final: bool = False) -> Iterator[tuple[str, list[Row]]]:
        for key, rows in self.buffers.items():
            if rows and (final or len(rows) >= BATCH_ROWS):
                self.buffers[key] = []
                yield key, rows

    def run(self) -> Iterator[tuple[str, list[Row]]]:
        for plan in self._demo_plans():
            self._settle(plan)
        self._demo_derived()
        households = 0
        while self.remaining > 0:
            plans = self._plan()
            if sum(plan.people for plan in plans) > self.remaining:
                plans = self._plan_single()
            for plan in plans:
                self._settle(plan)
            households += 1
            if households % 16 == 0:
                yield from self._flush()
        self._finish_enterprises()
        yield from self._flush(final=True)


_LAND_LAW_1993: Final = date(1994, 1, 1).toordinal()
_ENTERPRISE_LAW_1999: Final = date(2000, 1, 1).toordinal()
# VIN model-year characters (ISO 3779), for frame numbers.
_VIN_YEAR: Final[dict[int, str]] = {
    **{2000 + i: str(i) for i in range(1, 10)},
    **dict(zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY", strict=True)),
    **dict(zip(range(1990, 2001), "LMNPRSTVWXY", strict=True)),
}


def generate(seed: int, size: int) -> Iterator[tuple[str, list[Row]]]:
    """The dataset for ``seed`` with ``size`` people (the demo people included), as batches of
    rows in a fixed order. Raises ValueError when ``size`` cannot hold the demo families."""
    return _Builder(seed, size).run()


def send_batches(seed: int, size: int, pipe: Any) -> None:
    """Stream ``generate(seed, size)`` through a ``multiprocessing`` pipe, for ``loading``, which
    runs this in a child process so that generating and writing use two cores. Each message is
    one tag byte and a payload: ``D`` + the marshalled ``(key, rows)`` batch (the same bytes
    ``digest_batch`` hashes), ``E`` + a traceback, ``.`` at the end."""
    try:
        for key, rows in generate(seed, size):
            pipe.send_bytes(b"D" + marshal.dumps((key, rows), 2))
        pipe.send_bytes(b".")
    except BaseException:
        pipe.send_bytes(b"E" + traceback.format_exc().encode())
        raise
    finally:
        pipe.close()


def digest_batch(hasher: Any, key: str, rows: list[Row]) -> None:
    """Feed one batch to a SHA-256 hasher: marshal version 2 writes every value by content (no
    shared references), so equal rows always give equal bytes."""
    hasher.update(marshal.dumps((key, rows), 2))


def dataset_digest(seed: int, size: int) -> str:
    """SHA-256 of the rows of ``generate(seed, size)``, in order."""
    hasher = hashlib.sha256()
    for key, rows in generate(seed, size):
        digest_batch(hasher, key, rows)
    return hasher.hexdigest()
