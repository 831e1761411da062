"""Response headers that Django 5.2's SecurityMiddleware does not set: a strict
Content-Security-Policy (Django gains built-in CSP only in 6.0) and a Permissions-Policy.

Pages ship no inline script and load nothing from other origins, so the policy allows only
this origin. The API documentation (Swagger UI, served from the package's static files)
needs inline styles and data: images, and gets exactly that exception.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
API_DOCS_POLICY = {**BASE_POLICY, "style-src": "'self' 'unsafe-inline'"}
API_DOCS_PATH = "/api/v1/docs"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _render(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {value}" for directive, value in policy.items())


BASE_HEADER = _render(BASE_POLICY)
API_DOCS_HEADER = _render(API_DOCS_POLICY)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = API_DOCS_HEADER if request.path.startswith(API_DOCS_PATH) else BASE_HEADER
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
