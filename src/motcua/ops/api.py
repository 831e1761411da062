"""``GET /api/v1/health``: the operator's health report, for the platform administrator."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.api.errors import DENIALS
from motcua.identity.permissions import official_auth, official_of
from motcua.ops import health
from motcua.ops.permissions import require_platform_admin

router = Router(tags=["operations"])


class CheckOut(Schema):
    name: str  # database | cache | registries | worker | outbox
    ok: bool
    summary: str
    details: dict[str, Any]


class HealthOut(Schema):
    healthy: bool
    checked_at: datetime.datetime
    checks: list[CheckOut]


@router.get(
    "/health",
    auth=official_auth,
    response={200: HealthOut, **DENIALS},
    summary="The platform's health: database, cache, registries, task worker, outbox backlog "
    "(platform administrator)",
)
def platform_health(request: HttpRequest) -> dict[str, Any]:
    require_platform_admin(official_of(request))
    return health.health_report().as_dict()
