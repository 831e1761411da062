from django.urls import path

from motcua.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("can-bo/tong-quan/", views.overview, name="overview"),
    path("can-bo/ho-so/", views.inbox, name="inbox"),
    path("can-bo/ho-so/nhan-nhieu/", views.bulk_claim, name="bulk-claim"),
    path("can-bo/ho-so/<str:code>/", views.dossier, name="dossier"),
    path("can-bo/ho-so/<str:code>/quyet-dinh/", views.decide, name="decide"),
    path("can-bo/ho-so/<str:code>/nhan-xu-ly/", views.claim, name="claim"),
    path("can-bo/ho-so/<str:code>/phan-cong/", views.assign, name="assign"),
    path("can-bo/ho-so/<str:code>/xin-loi/", views.apology, name="apology"),
    path("can-bo/ho-so/<str:code>/giay-tiep-nhan/", views.receipt, name="receipt"),
    path("can-bo/ho-so/<str:code>/giay-tiep-nhan.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("can-bo/ho-so/<str:code>/thong-bao/<str:key>.pdf", views.notice_pdf, name="notice-pdf"),
    path("can-bo/ho-so/<str:code>/thu-hoi-ket-qua/", views.revoke_result, name="revoke-result"),
    path("can-bo/ho-so/<str:code>/tep-tin/<uuid:public_id>/", views.dossier_file, name="dossier-file"),
    path("can-bo/tiep-nhan/", views.counter, name="counter"),
]
