from django.urls import path

from motcua.notify import views

app_name = "notify"
urlpatterns = [
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.mark_all_read, name="mark-all-read"),
    path("thong-bao/<str:public_id>/da-doc/", views.mark_read, name="mark-read"),
]
