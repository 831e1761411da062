from django.urls import path

from motcua.payments import finance_views, fine_views, views

app_name = "payments"
urlpatterns = [
    path("thanh-toan/<str:code>/", views.payment, name="payment"),
    path("thanh-toan/<str:code>/ket-qua/", views.result, name="result"),
    path("ca-nhan/phat-nguoi/<str:violation_id>/thanh-toan/", fine_views.pay_fine, name="fine"),
    path("can-bo/ho-so/<str:code>/thu-phi/", views.counter, name="counter"),
    path("can-bo/tai-chinh/", finance_views.ledger, name="finance-ledger"),
    path("can-bo/tai-chinh/doi-soat/", finance_views.reconciliation, name="finance-reconciliation"),
    path("can-bo/tai-chinh/doi-soat/<int:mismatch_id>/", finance_views.resolve, name="finance-resolve"),
    path("can-bo/tai-chinh/hoan-tien/<str:reference>/", finance_views.refund, name="finance-refund"),
]
