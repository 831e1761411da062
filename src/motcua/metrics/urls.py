from django.urls import path, re_path

from motcua.metrics import views

app_name = "metrics"
urlpatterns = [
    path("chi-so-766/", views.index, name="index"),
    re_path(r"^chi-so-766/bao-cao\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("can-bo/chi-so-766/", views.dashboard, name="dashboard"),
    path("can-bo/chi-so-766/ho-so/", views.dossier_list, name="dossiers"),
    path("can-bo/chi-so-766/chi-tieu/", views.targets, name="targets"),
    re_path(
        r"^can-bo/chi-so-766/theo-doi/(?P<pk>[0-9]+)\.(?P<fmt>pdf|xlsx)$", views.followup, name="followup"
    ),
]
