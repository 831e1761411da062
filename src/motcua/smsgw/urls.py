from django.urls import path

from motcua.smsgw import views

urlpatterns = [
    path("", views.messages_page, name="messages"),
    path("v1/messages", views.messages, name="messages-api"),
    path("v1/faults", views.faults, name="faults"),
    path("healthz", views.healthz, name="healthz"),
]
