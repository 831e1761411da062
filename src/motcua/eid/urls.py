from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from motcua.eid import views

urlpatterns = [
    path("dang-nhap/", views.EidSignInView.as_view(), name="sign-in"),
    path("dang-xuat/", views.EidSignOutView.as_view(), name="sign-out"),
    # only what a relying party needs: authorize, token, discovery, JWKS, userinfo (no client admin pages)
    path(
        "o/",
        include(
            (oauth2_urls.base_urlpatterns + oauth2_urls.oidc_urlpatterns, oauth2_urls.app_name),
            namespace="oauth2_provider",
        ),
    ),
]
