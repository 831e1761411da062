from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "motcua.notify"
    label = "notify"
    verbose_name = "Notify: applicants' notifications"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.notify.errors import NotifyErrorCode
        from motcua.notify.events import NotifyEvent, NotifySubject

        register_vocabulary(
            self.label, event_types=NotifyEvent, subject_types=NotifySubject, error_codes=NotifyErrorCode
        )
        from motcua.notify import handlers, tasks  # noqa: F401 (registers the event handlers and tasks)
