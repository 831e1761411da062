from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "motcua.notify"
    label = "notify"
    verbose_name = "Notify: applicants' notifications"

    def ready(self) -> None:
        from motcua.notify import handlers  # noqa: F401 (registers the event handler)
