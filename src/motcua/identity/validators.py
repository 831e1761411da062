"""Identifier validators for applicants, with messages for the person typing them."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from motcua.core.errors import MotcuaError

# An enterprise code is the enterprise's tax code: 10 digits, or 10 digits, a hyphen and 3 digits
# for a dependent unit (branch). The 10th digit is a check digit [M: the weighting is not
# confirmed in the domain notes, so it is not enforced].
_ENTERPRISE_CODE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")


def parse_enterprise_code(value: str) -> str:
    """Normalise to ``0101234567`` or ``0101234567-001``; raise with a clear message otherwise."""
    text = value.strip().replace(" ", "")
    match = _ENTERPRISE_CODE.match(text)
    if not match:
        raise MotcuaError(
            _("An enterprise code has 10 digits, or 10 digits, a hyphen and 3 digits for a branch.")
        )
    head, branch = match.groups()
    return f"{head}-{branch}" if branch else head
