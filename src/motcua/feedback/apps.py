from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = "Feedback: dossier ratings and petitions (PAKN)"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.feedback.errors import FeedbackErrorCode
        from motcua.feedback.events import FeedbackEvent, FeedbackSubject

        register_vocabulary(
            self.label,
            event_types=FeedbackEvent,
            subject_types=FeedbackSubject,
            error_codes=FeedbackErrorCode,
        )
        from motcua.feedback import handlers  # noqa: F401 (registers the event handlers)
