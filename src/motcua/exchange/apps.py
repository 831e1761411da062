from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    label = "exchange"
    verbose_name = "Once-only data exchange with the national registries"
