"""The records of the sector registries that follow from a person: social and health insurance,
driving licences, vehicles, judicial records and land parcels.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from motcua.demo import people as demo
from motcua.registries.data import vocabulary as vocab
from motcua.registries.data.synthetic.base import _ADULT_DAYS, _BuilderBase, _Person, _Plan
from motcua.registries.data.synthetic.tables import (
    _LAND_LAW_1993,
    _LAST_DAY,
    _SERIAL_STEP,
    _UI_START,
    _VIN_YEAR,
    REF,
    YEAR,
)


class _Records(_BuilderBase):
    """Insurance, licences, vehicles, convictions and land for one person or household."""

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
        if plate is not None and registered is not None:
            self._violations(plate, owner, vehicle_kind, province_code, registered)

    def _violations(self, plate: str, owner: str, kind: str, province_code: str, registered: int) -> None:
        """Camera-detected violations of one registered vehicle: about 13% have one, 2% two,
        over the last 400 days, about half paid. Drawn from the vehicle's serial, not from the random
        stream, so that adding them left every other generated row as it was. [M]: the rates are
        invented (no published figure in the domain notes)."""
        mix = (self.vehicle_count * 2_654_435_761 + self.id_offset * 40_503) % 4_294_967_296
        x = mix / 4_294_967_296
        count = 2 if x < 0.02 else (1 if x < 0.15 else 0)
        communes = self.u.province_communes[self.u.province_codes.index(province_code)]
        for index in range(count):
            draw = (mix >> (index * 7)) ^ (mix * (index + 3))
            offence, reference, car_fine, bike_fine = vocab.TRAFFIC_OFFENCES[
                draw % len(vocab.TRAFFIC_OFFENCES)
            ]
            detected = max(registered + 1, REF - 1 - (draw >> 4) % 400)
            commune = communes[(draw >> 9) % len(communes)]
            place = vocab.TRAFFIC_CAMERA_PLACES[(draw >> 13) % len(vocab.TRAFFIC_CAMERA_PLACES)]
            paid = (draw >> 17) % 10 < 5 and detected < REF - 20
            self.violation_count += 1
            serial = (self.violation_count * _SERIAL_STEP + self.id_offset) % 100_000_000
            violation_id = f"VP{province_code}{serial:08d}"
            self.buffers["traffic_violation"].append((
                violation_id, plate, owner, kind, self._date(detected),
                f"{6 + (draw >> 21) % 16:02d}:{(draw >> 25) % 60:02d}", self.u.commune_codes[commune],
                f"{place} {self.u.commune_names[commune]}", offence, reference,
                car_fine if kind == "car" else bike_fine, f"CAM-{province_code}-{(draw >> 5) % 900 + 100}",
                "paid" if paid else "unpaid", self._date(detected + 10) if paid else None,
                f"KB-{violation_id}" if paid else None,
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
