from django.urls import path

from motcua.exchange import views

app_name = "exchange"
urlpatterns = [
    path("ca-nhan/du-lieu-cua-toi/", views.data_use, name="data-use"),
    path("ca-nhan/phat-nguoi/", views.my_fines, name="fines"),
    path("ca-nhan/to-chuc/", views.organisations_page, name="organisations"),
    path("ca-nhan/to-chuc/<uuid:public_id>/chon/", views.organisation_choose, name="organisation-choose"),
    path("ca-nhan/to-chuc/thoi/", views.organisation_leave, name="organisation-leave"),
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
