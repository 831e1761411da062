"""Writing a household: the person rows (civil status, residence), the deceased, past addresses,
renames, temporary residence, and the records that derive from each person.
"""

from __future__ import annotations

from motcua.registries.data.synthetic.base import _ADULT_DAYS, _Person, _Plan, _Stay
from motcua.registries.data.synthetic.households import _Households
from motcua.registries.data.synthetic.tables import (
    _DEMO_IDS,
    _FIRST_DAY,
    _LAST_DAY,
    _SERIAL_STEP,
    REF,
    YEAR,
    Row,
    _json,
)


class _Settling(_Households):
    """A planned household written as rows of every registry."""

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
