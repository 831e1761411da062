from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from motcua.core.vocabulary import register_vocabulary
        from motcua.documents.errors import DocumentErrorCode
        from motcua.documents.events import DocumentEvent, DocumentSubject

        register_vocabulary(
            self.label,
            event_types=DocumentEvent,
            subject_types=DocumentSubject,
            error_codes=DocumentErrorCode,
        )
        from motcua.documents import pdf_safety, pdf_speedups

        pdf_speedups.install()
        pdf_safety.install_qpdf_limits()
