from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "motcua.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.identity.events import IdentityEvent, IdentitySubject

        register_vocabulary(self.label, event_types=IdentityEvent, subject_types=IdentitySubject)
