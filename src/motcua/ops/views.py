"""The load balancer's two probes. Both are public and say only "ok" or "unavailable": which
component failed is logged for the operator and shown in ``motcua health`` and the platform
administrator's ``GET /api/v1/health``, never to an anonymous caller (ADR 0025)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from motcua.identity.permissions import public
from motcua.ops import health

logger = logging.getLogger(__name__)


def _answer(ok: bool) -> JsonResponse:
    response = JsonResponse({"status": "ok" if ok else "unavailable"}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


@public
@require_safe
def liveness(request: HttpRequest) -> JsonResponse:
    """The process answers HTTP (no database, no cache): restart it when this fails."""
    return _answer(True)


@public
@require_safe
def readiness(request: HttpRequest) -> JsonResponse:
    """This process reaches its database and cache: send it requests only while this is 200."""
    report = health.readiness()
    if not report.healthy:
        logger.warning("not ready: %s", ", ".join(report.failing))
    return _answer(report.healthy)
