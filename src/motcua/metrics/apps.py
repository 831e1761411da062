from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "motcua.metrics"
    label = "metrics"
    verbose_name = "Metrics: the Decision 766 index and Plan 02 targets"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.metrics.events import MetricsEvent, MetricsSubject

        register_vocabulary(self.label, event_types=MetricsEvent, subject_types=MetricsSubject)
        from motcua.metrics import handlers  # noqa: F401 (registers the event handlers)
