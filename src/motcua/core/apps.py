from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from motcua.core import tasks  # noqa: F401  (registers periodic tasks with huey)
