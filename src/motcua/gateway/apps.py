from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "motcua.gateway"
    label = "gateway"
    verbose_name = "Reference payment gateway: merchants, transactions, notifications, refunds"
