"""Template context every page's layout needs: the support hotline shown in the footer."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def support(request: HttpRequest) -> dict[str, dict[str, str]]:
    hotline = str(settings.SUPPORT_HOTLINE)
    dialled = "".join(c for c in hotline if c.isdigit() or c == "+")
    return {"support": {"hotline": hotline, "hotline_tel": dialled}}
