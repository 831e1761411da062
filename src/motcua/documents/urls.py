from django.urls import path

from motcua.documents import views, wallet_views

app_name = "documents"
urlpatterns = [
    path("ca-nhan/tep-tin/", views.upload, name="upload"),
    path("tep-tin/<uuid:public_id>/", views.download, name="download"),
    path("ket-qua/<uuid:public_id>/tep-tin/", views.result_file, name="result-file"),
    path("xac-minh/", views.verify, name="verify"),
    # the data wallet (kho quản lý dữ liệu điện tử) and the links shared from it
    path("ca-nhan/kho-du-lieu/", wallet_views.wallet_list, name="wallet"),
    path("ca-nhan/kho-du-lieu/luu/", wallet_views.keep, name="wallet-keep"),
    path("ca-nhan/kho-du-lieu/<uuid:public_id>/", wallet_views.wallet_item, name="wallet-item"),
    path("ca-nhan/kho-du-lieu/<uuid:public_id>/xoa/", wallet_views.remove, name="wallet-remove"),
    path("ca-nhan/kho-du-lieu/<uuid:public_id>/chia-se/", wallet_views.share_create, name="wallet-share"),
    path("ca-nhan/chia-se/<uuid:public_id>/thu-hoi/", wallet_views.share_revoke, name="share-revoke"),
    path("chia-se/<str:token>/", wallet_views.share, name="share"),
    path("chia-se/<str:token>/tai-ve/", wallet_views.share_download, name="share-download"),
]
