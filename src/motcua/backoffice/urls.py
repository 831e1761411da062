from django.urls import path

from motcua.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("can-bo/ho-so/", views.inbox, name="inbox"),
    path("can-bo/ho-so/<str:code>/", views.dossier, name="dossier"),
    path("can-bo/ho-so/<str:code>/giay-tiep-nhan/", views.receipt, name="receipt"),
    path("can-bo/ho-so/<str:code>/tep-tin/<uuid:public_id>/", views.dossier_file, name="dossier-file"),
    path("can-bo/tiep-nhan/", views.counter, name="counter"),
]
