"""Printed by `make run` before the web server starts: where to go and how to log in.

Every address comes from ``motcua.core.addresses``, as the processes' own settings do, so the
banner shows where things really are after ``make run PORT=… EID_PORT=… REGISTRIES_PORT=…``."""

from __future__ import annotations

import sys

from motcua.core.addresses import Addresses, addresses, sms_gateway_url
from motcua.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from motcua.demo.accounts import DEMO_OFFICIAL_PASSWORD as DEMO_OFFICIAL_PASSWORD  # re-exported


def _official_lines() -> list[str]:
    # identity.demo needs Django set up; the banner runs before, so it lists the usernames itself
    return [
        "tiepnhan.badinh / chuyenvien.badinh / lanhdao.badinh / quantri.badinh  (Ba Đình ward)",
        "tiepnhan.ngocha / quantri.ngocha  (Ngọc Hà ward)   giamsat.hanoi  (Hà Nội supervisor)",
        "quantri.nentang  (platform administrator)",
    ]


def banner(where: Addresses) -> str:
    url = f"{where.public_url}/"
    first = DEMO_ACCOUNTS[0]
    return "\n".join(
        [
            "",
            "=" * 72,
            "  motcua is starting",
            f"  Public catalog (Vietnamese / English):  {url}thu-tuc/",
            f"  REST API and OpenAPI documentation:     {url}api/v1/docs",
            f"  Applicants sign in at {url}dang-nhap/ through the bundled eID",
            f"  provider ({where.eid_url}, a stand-in for VNeID), e.g. {first.personal_id}",
            f"  ({first.full_name}, level {first.assurance_level}), password {DEMO_PASSWORD}.",
            "  All demo citizens: .venv/bin/motcua-eid eid accounts",
            f"  Officials sign in at {url}can-bo/dang-nhap/, password {DEMO_OFFICIAL_PASSWORD}:",
            *[f"    {line}" for line in _official_lines()],
            "  Second-factor code: .venv/bin/motcua identity totp-code <username>",
            f"  Reference national registries (signed requests only): {where.registries_url}/v1/registries",
            f"  E-mail and SMS: add yours at {url}lien-he/; SMS sent: {sms_gateway_url()}/ ;",
            "  mail captured: .venv/bin/motcua mailcapture list / show N",
            f"  Try: {url}thu-tuc/birth-registration/nop-ho-so/?province=01 as {first.full_name};",
            f"  then 'Who used my data' at {url}ca-nhan/du-lieu-cua-toi/",
            "  Stop everything with Ctrl-C.",
            "=" * 72,
            "",
        ]
    )


if __name__ == "__main__":
    sys.stdout.write(banner(addresses()))
