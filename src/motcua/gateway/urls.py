"""URLs of the reference payment gateway."""

from __future__ import annotations

from django.urls import path

from motcua.gateway import views

urlpatterns = [
    path("paymentv2/vpcpay.html", views.pay, name="pay"),
    path("paymentv2/transfer", views.transfer, name="transfer"),
    path("merchant_webapi/api/transaction", views.transaction_api, name="api"),
    path("control/faults", views.faults, name="faults"),
    path("health", views.health, name="health"),
]
