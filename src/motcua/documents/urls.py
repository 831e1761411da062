from django.urls import path

from motcua.documents import views

app_name = "documents"
urlpatterns = [
    path("ca-nhan/tep-tin/", views.upload, name="upload"),
    path("tep-tin/<uuid:public_id>/", views.download, name="download"),
    path("ket-qua/<uuid:public_id>/tep-tin/", views.result_file, name="result-file"),
    path("xac-minh/", views.verify, name="verify"),
]
