"""The demo people (the eID's demo accounts and their families), with the records the demo
scenarios need, written before the synthetic population.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from motcua.demo import people as demo
from motcua.demo.accounts import DemoAccount
from motcua.registries.data import vocabulary as vocab
from motcua.registries.data.synthetic.base import _Person, _Plan
from motcua.registries.data.synthetic.settling import _Settling
from motcua.registries.data.synthetic.tables import REF, YEAR, _json


class _DemoPeople(_Settling):
    """The demo families, planned and derived by hand."""

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
        ba_dinh_place = f"Nút giao {self.u.commune_names[self.u.commune_index[demo.BA_DINH]]}"
        for violation_id, detected, at, offence_index, paid_on in demo.MINH_FINES:
            offence, reference, _car, bike_fine = vocab.TRAFFIC_OFFENCES[offence_index]
            self.buffers["traffic_violation"].append((
                violation_id, plate, minh.pid, "motorcycle", d(detected.toordinal()), at, demo.BA_DINH,
                ba_dinh_place, offence, reference, bike_fine, "CAM-01-101",
                "paid" if paid_on else "unpaid", d(paid_on.toordinal()) if paid_on else None,
                f"KB-{violation_id}" if paid_on else None,
            ))  # fmt: skip
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
