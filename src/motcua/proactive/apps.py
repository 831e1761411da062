from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "motcua.proactive"
    label = "proactive"
    verbose_name = "Proactive services: offers made from registry changes"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.proactive.events import ProactiveEvent, ProactiveSubject

        register_vocabulary(self.label, event_types=ProactiveEvent, subject_types=ProactiveSubject)
        from motcua.proactive import handlers  # noqa: F401 (registers the event handler)
