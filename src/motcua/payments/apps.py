from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = "Payments: fees paid online, ledger, refunds, reconciliation"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.payments.errors import PaymentErrorCode
        from motcua.payments.events import PaymentEvent, PaymentSubject

        register_vocabulary(
            self.label, event_types=PaymentEvent, subject_types=PaymentSubject, error_codes=PaymentErrorCode
        )
        from motcua.payments import handlers, holds  # noqa: F401 (registers the handlers and the hold)
