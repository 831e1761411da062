"""Demo data for `make run`: officials at two wards of Hà Nội and the province, an organisation,
and the family and company links between the bundled eID provider's demo accounts.

Everything goes through the services (audited like any other change). Refused in production.
Demo officials get a confirmed TOTP device whose current code `motcua identity totp-code
<username>` prints, so a demo needs no phone.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from motcua.core.actors import Actor
from motcua.core.errors import MotcuaError
from motcua.demo.accounts import DEMO_ACCOUNTS
from motcua.demo.accounts import DEMO_OFFICIAL_PASSWORD as DEMO_OFFICIAL_PASSWORD  # re-exported
from motcua.demo.people import DEMO_COMPANY  # the company the registries know too
from motcua.identity import services
from motcua.identity.models import Applicant, RepresentationBasis, Role, User

COMMUNE_A = "00004"  # Ba Đình ward, Hà Nội
COMMUNE_B = "00008"  # Ngọc Hà ward, Hà Nội


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    full_name: str
    grants: tuple[tuple[str, str], ...]


DEMO_OFFICIALS = (
    DemoOfficial("tiepnhan.badinh", "Đỗ Thị Mai", ((Role.RECEPTION, f"UBND.{COMMUNE_A}"),)),
    DemoOfficial(
        "chuyenvien.badinh",
        "Hoàng Văn Sơn",
        ((Role.HANDLER, f"UBND.{COMMUNE_A}"), (Role.HANDLER, f"CAX.{COMMUNE_A}")),
    ),
    DemoOfficial("lanhdao.badinh", "Bùi Quang Huy", ((Role.APPROVER, f"UBND.{COMMUNE_A}"),)),
    DemoOfficial("quantri.badinh", "Ngô Thị Hạnh", ((Role.AGENCY_ADMIN, f"UBND.{COMMUNE_A}"),)),
    # the commune police and the province's social insurance: the later members of the birth bundle
    DemoOfficial(
        "congan.badinh",
        "Phạm Văn Tùng",
        ((Role.RECEPTION, f"CAX.{COMMUNE_A}"), (Role.APPROVER, f"CAX.{COMMUNE_A}")),
    ),
    DemoOfficial(
        "bhxh.hanoi",
        "Lý Thị Ngọc",
        ((Role.RECEPTION, "BHXH.01"), (Role.HANDLER, "BHXH.01"), (Role.APPROVER, "BHXH.01")),
    ),
    DemoOfficial("tiepnhan.ngocha", "Vũ Văn Long", ((Role.RECEPTION, f"UBND.{COMMUNE_B}"),)),
    DemoOfficial("quantri.ngocha", "Đặng Thị Thủy", ((Role.AGENCY_ADMIN, f"UBND.{COMMUNE_B}"),)),
    DemoOfficial("giamsat.hanoi", "Trịnh Văn Phúc", ((Role.SUPERVISOR, "UBNDT.01"),)),
    DemoOfficial("quantri.nentang", "Quản trị nền tảng", ((Role.PLATFORM_ADMIN, ""),)),
)


def refuse_in_production() -> None:
    if os.environ.get("MOTCUA_ENV") == "production":
        raise MotcuaError("Demo data is refused when MOTCUA_ENV=production.")


@transaction.atomic
def seed_demo(*, actor: Actor) -> list[str]:
    """Create what is missing (idempotent); returns one line per demo official."""
    refuse_in_production()
    lines = []
    for official in DEMO_OFFICIALS:
        user = User.objects.filter(username=official.username).first()
        if user is None:
            user = services.create_official(
                actor=actor,
                username=official.username,
                full_name=official.full_name,
                password=DEMO_OFFICIAL_PASSWORD,
            )
        for role, agency_code in official.grants:
            services.grant_role(actor=actor, username=official.username, role=role, agency_code=agency_code)
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            key = random_hex(20)
            services.confirm_totp_device(
                user=user, key_hex=key, token=f"{TOTP(bytes.fromhex(key)).token():06d}"
            )
        roles = ", ".join(f"{role}@{agency or 'platform'}" for role, agency in official.grants)
        lines.append(f"{official.username:<20} {roles}")
    parent, child = DEMO_ACCOUNTS[0], DEMO_ACCOUNTS[-1]
    child_applicant = Applicant.objects.filter(
        personal_id=child.personal_id
    ).first() or services.ensure_individual(
        personal_id=child.personal_id, name=child.full_name, birthdate=child.birthdate
    )
    services.record_representation(
        actor=actor,
        representative_personal_id=parent.personal_id,
        representative_name=parent.full_name,
        represented=child_applicant,
        basis=RepresentationBasis.PARENT,
        valid_from=child.birthdate,
    )
    company = services.register_organisation(
        actor=actor, enterprise_code=DEMO_COMPANY[0], name=DEMO_COMPANY[1]
    )
    director = DEMO_ACCOUNTS[1]
    services.record_representation(
        actor=actor,
        representative_personal_id=director.personal_id,
        representative_name=director.full_name,
        represented=company,
        basis=RepresentationBasis.LEGAL_REPRESENTATIVE,
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2030, 1, 1),
    )
    return lines


def current_totp_code(username: str) -> str:
    """The current code of a demo official's device (development only)."""
    refuse_in_production()
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise MotcuaError(f"{username} has no confirmed TOTP device.")
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"
