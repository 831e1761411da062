"""The public REST API v1: one router per domain, mounted at /api/v1/ (OpenAPI at /api/v1/docs)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from motcua.catalog.api import router as catalog_router
from motcua.core.errors import MotcuaError, NotFound
from motcua.units.api import router as units_router

api = NinjaAPI(
    title="motcua API",
    version="1.0.0",
    urls_namespace="api-v1",
    description="Full-process online public services. Errors use the shape {code, message}.",
)


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=404)


@api.exception_handler(MotcuaError)
def domain_error(request: HttpRequest, exc: MotcuaError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=400)


api.add_router("/", catalog_router)
api.add_router("/units", units_router)
