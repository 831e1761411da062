from django.urls import path

from motcua.exchange import views

app_name = "exchange"
urlpatterns = [
    path("ca-nhan/du-lieu-cua-toi/", views.data_use, name="data-use"),
    path("ca-nhan/phat-nguoi/", views.my_fines, name="fines"),
    path("can-bo/ghi-du-lieu/", views.registry_writes, name="registry-writes"),
    path(
        "can-bo/ghi-du-lieu/<uuid:write_id>/gui-lai/",
        views.retry_registry_write,
        name="registry-write-retry",
    ),
    path(
        "can-bo/ghi-du-lieu/<uuid:write_id>/dong/",
        views.resolve_registry_write,
        name="registry-write-resolve",
    ),
]
