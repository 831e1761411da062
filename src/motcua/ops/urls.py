from django.urls import path

from motcua.ops import views

app_name = "ops"
urlpatterns = [
    path("healthz", views.liveness, name="liveness"),
    path("readyz", views.readiness, name="readiness"),
]
