from django.urls import path

from motcua.documents import views

app_name = "documents"
urlpatterns = [
    path("ca-nhan/tep-tin/", views.upload, name="upload"),
    path("tep-tin/<uuid:public_id>/", views.download, name="download"),
]
