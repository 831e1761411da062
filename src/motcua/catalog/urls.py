from django.urls import path

from motcua.catalog import views

app_name = "catalog"
urlpatterns = [
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<slug:code>/", views.procedure_detail, name="procedure-detail"),
    path("lien-thong/<slug:code>/", views.bundle_detail, name="bundle-detail"),
]
