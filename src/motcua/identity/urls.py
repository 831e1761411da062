from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from motcua.identity import views
from motcua.identity.permissions import sign_in_step

app_name = "identity"
urlpatterns = [
    path("dang-nhap/", views.sign_in, name="sign-in"),
    path("dang-xuat/", views.sign_out, name="sign-out"),
    path("ca-nhan/", views.my_space, name="my-space"),
    path("ca-nhan/uy-quyen/moi/", views.authorisation_new, name="authorisation-new"),
    path("ca-nhan/uy-quyen/<uuid:public_id>/", views.representation_detail, name="representation-detail"),
    path(
        "ca-nhan/uy-quyen/<uuid:public_id>/thu-hoi/",
        views.representation_revoke,
        name="representation-revoke",
    ),
    path("can-bo/dang-nhap/", views.official_sign_in, name="official-sign-in"),
    path("can-bo/xac-thuc/", views.official_second_factor, name="official-second-factor"),
    path("can-bo/thiet-lap-xac-thuc/", views.official_enrol, name="official-enrol"),
    path("can-bo/", views.official_home, name="official-home"),
    path("can-bo/co-quan/<str:agency_code>/", views.agency_staff, name="agency-staff"),
    path("can-bo/co-quan/<str:agency_code>/vai-tro/", views.agency_role_grant, name="agency-role-grant"),
    path("can-bo/vai-tro/<int:assignment_id>/thu-hoi/", views.role_revoke, name="role-revoke"),
]

# The OIDC relying party's two steps (mozilla-django-oidc), under the names its settings expect.
oidc_urlpatterns = [
    path(
        "authenticate/",
        sign_in_step(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        sign_in_step(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
