from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("chinh-sach-quyen-rieng-tu/", views.privacy, name="privacy"),
    path("tuyen-bo-tiep-can/", views.accessibility, name="accessibility"),
    path("dieu-khoan-su-dung/", views.terms, name="terms"),
]
