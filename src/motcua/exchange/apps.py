from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    label = "exchange"
    verbose_name = "Once-only data exchange with the national registries"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.exchange.events import ExchangeEvent, ExchangeSubject

        register_vocabulary(self.label, event_types=ExchangeEvent, subject_types=ExchangeSubject)
        from motcua.exchange import handlers  # noqa: F401 (registers the event handler)
