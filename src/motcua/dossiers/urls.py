from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("thu-tuc/<str:code>/nop-ho-so/", views.start, name="start"),
    path("ho-so-nhap/", views.drafts, name="drafts"),
    path("ho-so-nhap/<str:public_id>/", views.draft, name="draft"),
    path("ho-so-nhap/<str:public_id>/dong-y/", views.consent, name="consent"),
    path("ho-so-nhap/<str:public_id>/kiem-tra/", views.check, name="check"),
    path("ho-so-nhap/<str:public_id>/lay-lai/", views.retry, name="retry"),
    path("ho-so-nhap/<str:public_id>/xoa/", views.discard, name="discard"),
    path("lien-thong/<str:code>/nop-ho-so/", views.start_bundle, name="start-bundle"),
    path("ho-so/lien-thong/<str:public_id>/", views.bundle_application, name="bundle-application"),
    path("ho-so/", views.dossiers, name="dossiers"),
    path("ho-so/<str:code>/", views.dossier, name="dossier"),
    path("ho-so/<str:code>/giay-tiep-nhan/", views.receipt, name="receipt"),
    path("ho-so/<str:code>/giay-tiep-nhan.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("ho-so/<str:code>/thong-bao/<str:key>.pdf", views.notice_pdf, name="notice-pdf"),
    path("ho-so/<str:code>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<str:code>/rut-ho-so/", views.withdraw, name="withdraw"),
    path("tra-cuu-ho-so/", views.lookup, name="lookup"),
    path(
        "ho-so-nhap/<str:public_id>/thanh-phan/<str:component_id>/",
        views.component_upload,
        name="component-upload",
    ),
    path(
        "ho-so-nhap/<str:public_id>/thanh-phan/<str:component_id>/kho-du-lieu/",
        views.component_wallet,
        name="component-wallet",
    ),
]
