"""The enterprise registry: enterprises, their representatives, head offices and changes."""

from __future__ import annotations

from motcua.registries.data import vocabulary as vocab
from motcua.registries.data.synthetic.base import _Person
from motcua.registries.data.synthetic.registry_records import _Records
from motcua.registries.data.synthetic.tables import _ENTERPRISE_LAW_1999, REF, YEAR, _json


class _Enterprises(_Records):
    """Enterprises founded by the people built, written once every household is settled."""

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
