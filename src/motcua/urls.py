from django.urls import include, path
from django.views.i18n import set_language

from motcua.identity.permissions import public
from motcua.identity.urls import oidc_urlpatterns

urlpatterns = [
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", include("motcua.api.urls")),
    path("oidc/", include(oidc_urlpatterns)),
    path("", include("motcua.ops.urls")),
    path("", include("motcua.identity.urls")),
    path("", include("motcua.documents.urls")),
    path("", include("motcua.dossiers.urls")),
    path("", include("motcua.feedback.urls")),
    path("", include("motcua.proactive.urls")),
    path("", include("motcua.notify.urls")),
    path("", include("motcua.payments.urls")),
    path("", include("motcua.backoffice.urls")),
    path("", include("motcua.exchange.urls")),
    path("", include("motcua.catalog.urls")),
    path("", include("motcua.metrics.urls")),
    path("", include("motcua.portal.urls")),
]

# The site's error pages (the API's JSON shape under /api/v1): motcua.portal.errors.
handler400 = "motcua.portal.errors.bad_request"
handler403 = "motcua.portal.errors.permission_denied"
handler404 = "motcua.portal.errors.page_not_found"
handler500 = "motcua.portal.errors.server_error"
