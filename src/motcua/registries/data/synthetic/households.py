"""People and the kinds of household they form: couples, children, the extended family, people
living alone, widowed and divorced, drawn as plans before they are written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from motcua.registries.data import vocabulary as vocab
from motcua.registries.data.synthetic.base import (
    _ADULT_DAYS,
    _CHILD_COUNTS,
    _DIVORCED_AGES,
    _ELDERLY_AGES,
    _EXTENDED_AGES,
    _KINDS,
    _PARENT_AGES,
    _SINGLE_AGES,
    _SPOUSE_GAPS,
    _WIDOWED_AGES,
    _WIDOWED_PARENT_AGES,
    _YOUNG_COUPLE_AGES,
    _Person,
    _Plan,
    _Slot,
)
from motcua.registries.data.synthetic.enterprises import _Enterprises
from motcua.registries.data.synthetic.tables import _FIRST_DAY, _SERIAL_STEP, REF, YEAR


class _Households(_Enterprises):
    """The people of a household and the plan it is drawn from."""

    def __init__(self, seed: int, size: int) -> None:
        super().__init__(seed, size)
        # the household kinds' planners, drawn by ``_plan`` (here, where they are defined)
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
