from django.urls import path

from motcua.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("can-bo/ho-so/", views.inbox, name="inbox"),
    path("can-bo/ho-so/<str:code>/", views.dossier, name="dossier"),
]
