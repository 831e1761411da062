"""URLs of the stand-in provider: its own pages, and the OpenID Connect endpoints under ``/o/``.

Only what a relying party needs is routed from django-oauth-toolkit: authorize, token,
revocation, introspection, discovery (``/o/.well-known/openid-configuration``), JWKS and
userinfo. Its device flow, client-management pages and dynamic registration are not routed:
the one client is registered with ``motcua-eid eid seed``.
"""

from __future__ import annotations

from django.urls import URLPattern, include, path
from oauth2_provider import urls as oauth2_urls

from motcua.eid import views

OAUTH2_ENDPOINTS = frozenset(
    {
        "authorize",
        "token",
        "revoke-token",
        "introspect",
        "oidc-connect-discovery-info",
        "jwks-info",
        "user-info",
    }
)
_oauth2_patterns: list[URLPattern] = [
    pattern
    for pattern in [*oauth2_urls.base_urlpatterns, *oauth2_urls.oidc_urlpatterns]
    if pattern.name in OAUTH2_ENDPOINTS
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.sign_in, name="sign-in"),
    path("dang-xuat/", views.sign_out, name="sign-out"),
    path("o/", include((_oauth2_patterns, oauth2_urls.app_name), namespace="oauth2_provider")),
]
