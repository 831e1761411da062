from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = "Dossiers: drafts, submission, one-stop processing"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.dossiers.errors import DossierErrorCode
        from motcua.dossiers.events import DossierEvent, DossierSubject

        register_vocabulary(
            self.label, event_types=DossierEvent, subject_types=DossierSubject, error_codes=DossierErrorCode
        )
        from motcua.dossiers import handlers  # noqa: F401 (registers the event handlers)
