from django.urls import path

from motcua.exchange import views

app_name = "exchange"
urlpatterns = [path("ca-nhan/du-lieu-cua-toi/", views.data_use, name="data-use")]
