from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("motcua.api.urls")),
    path("", include("motcua.catalog.urls")),
    path("", include("motcua.portal.urls")),
]
