"""The public REST API v1: one router per domain, mounted at /api/v1/ (OpenAPI at /api/v1/docs)."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.router import BoundRouter

from motcua.api import projection
from motcua.api.errors import Utf8JSONRenderer, declare_common_errors, install_error_handlers
from motcua.catalog.api import router as catalog_router
from motcua.core.errors import (
    Conflict,
    Forbidden,
    InvalidToken,
    MotcuaError,
    NotFound,
    RateLimited,
    Unavailable,
)
from motcua.documents.api import router as documents_router
from motcua.documents.wallet_api import router as wallet_router
from motcua.dossiers.api import router as dossiers_router
from motcua.exchange.api import router as exchange_router
from motcua.feedback.api import router as feedback_router
from motcua.identity.api import router as identity_router
from motcua.identity.oauth_api import router as oauth_router
from motcua.metrics.api import router as metrics_router
from motcua.notify.api import router as notify_router
from motcua.ops.api import router as ops_router
from motcua.payments.api import router as payments_router
from motcua.units.api import router as units_router


class MotcuaAPI(NinjaAPI):
    """The API whose OpenAPI document declares, for every operation, the errors any operation
    can answer (api/errors.py)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_common_errors(schema)
        return schema

    def _get_bound_routers(self) -> list[BoundRouter]:
        """The routers as mounted, their operations answering through ``api.projection``: no
        re-validation of the platform's own answers in production (ADR 0051)."""
        bound = super()._get_bound_routers()
        projection.install(
            [
                operation
                for router in bound
                for view in router.path_operations.values()
                for operation in view.operations
            ]
        )
        return bound

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<module>_<handler>`` as django-ninja names it, where an app's API split into a package
        by audience (``dossiers/api/official.py``) still counts as its ``api`` module: clients
        generated from the schema keep their names."""
        module = re.sub(r"\.api\.\w+$", ".api", operation.view_func.__module__)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = MotcuaAPI(
    title="motcua API",
    version="1.0.0",
    urls_namespace="api-v1",
    renderer=Utf8JSONRenderer(),
    description=(
        "Full-process online public services. Every error answer, whatever its status (a refused or "
        "unreadable request, a failed CSRF check, an unknown address or method, too large, rate "
        "limited, a server error), is JSON `{code, message}` with `message` in the caller's language "
        "(Accept-Language: vi or en); a refused value adds `fields`, naming each one and why. Text "
        "is refused when it holds a control character or an invalid Unicode character, or exceeds "
        "its bound (docs/api.md)."
    ),
)
install_error_handlers(api)


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=404)


@api.exception_handler(Forbidden)
def forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=403)


@api.exception_handler(Conflict)
def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=409)


@api.exception_handler(Unavailable)
def unavailable(request: HttpRequest, exc: Unavailable) -> HttpResponse:
    response = api.create_response(request, {"code": exc.code, "message": exc.message}, status=503)
    response["Retry-After"] = "30"
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(request, {"code": exc.code, "message": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Sign in first.")
    return api.create_response(request, {"code": "unauthenticated", "message": message}, status=401)


@api.exception_handler(AuthorizationError)
def unauthorised(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    message = _("This operation is not available to your account.")
    return api.create_response(request, {"code": "forbidden", "message": message}, status=403)


@api.exception_handler(InvalidToken)
def invalid_token(request: HttpRequest, exc: InvalidToken) -> HttpResponse:
    response = api.create_response(request, {"code": exc.code, "message": exc.message}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'  # RFC 6750 §3
    return response


@api.exception_handler(MotcuaError)
def domain_error(request: HttpRequest, exc: MotcuaError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=400)


api.add_router("/", catalog_router)
api.add_router("/units", units_router)
api.add_router("/", identity_router)
api.add_router("/oauth", oauth_router)
api.add_router("/", documents_router)
api.add_router("/", wallet_router)
api.add_router("/", dossiers_router)
api.add_router("/", exchange_router)
api.add_router("/", feedback_router)
api.add_router("/", notify_router)
api.add_router("/", payments_router)
api.add_router("/", ops_router)
api.add_router("/", metrics_router)
