"""URLs of the reference registries."""

from __future__ import annotations

from django.urls import path

from motcua.registries import views

urlpatterns = [
    path("v1/<str:registry>/query", views.query, name="query"),
    path("v1/<str:registry>/write", views.write, name="write"),
    path("v1/<str:registry>/changes", views.changes, name="changes"),
    path("v1/access-log", views.access_log, name="access-log"),
    path("v1/ping", views.ping, name="ping"),
    path("v1/registries", views.catalogue, name="catalogue"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("health", views.health, name="health"),
    path("tsa", views.timestamp, name="tsa"),
    path("bench/direct/<str:registry>", views.direct, name="direct"),
]
