from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "motcua.units"
    label = "units"
    verbose_name = "Administrative units and agencies"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.units.errors import UnitErrorCode
        from motcua.units.events import UnitEvent, UnitSubject

        register_vocabulary(
            self.label, event_types=UnitEvent, subject_types=UnitSubject, error_codes=UnitErrorCode
        )
