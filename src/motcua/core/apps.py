from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from motcua.core.errors import ErrorCode
        from motcua.core.types import CoreEvent, CoreSubject
        from motcua.core.vocabulary import register_vocabulary

        register_vocabulary(
            self.label, event_types=CoreEvent, subject_types=CoreSubject, error_codes=ErrorCode
        )

        from django.db.backends.signals import connection_created

        from motcua.core import tasks  # noqa: F401  (registers periodic tasks with huey)
        from motcua.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="motcua-vietnamese-collation")
