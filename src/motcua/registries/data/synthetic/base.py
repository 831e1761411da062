"""The people being built, the household plans, the per-process lookup tables and the state of one
generation run with its small draws (an address, a name, a date, a personal ID number): the base
every part of the builder extends.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Final

from motcua.core.ids import PROVINCE_CODES
from motcua.demo import people as demo
from motcua.registries.data import vocabulary as vocab
from motcua.registries.data.synthetic.tables import (
    _DEMO_IDS,
    _FIRST_DAY,
    _SERIAL_STEP,
    COLUMNS,
    Row,
    _age_table,
    _cumulative_table,
    _dates,
    _expand,
    _ppp,
    units,
)


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


class _BuilderBase:
    """The state of one generation run and its small draws; ``generator._Builder`` adds the rest."""

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
        self.violation_count = 0
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
