from django.urls import path

from motcua.proactive import views

app_name = "proactive"
urlpatterns = [
    path("de-xuat/", views.offers, name="offers"),
    path("de-xuat/cai-dat/", views.preferences, name="preferences"),
    path("de-xuat/<str:public_id>/bo-qua/", views.dismiss, name="dismiss"),
    path("de-xuat/<str:public_id>/nop-ho-so/", views.take, name="take"),
]
