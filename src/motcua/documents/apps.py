from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from motcua.documents import pdf_safety, pdf_speedups

        pdf_speedups.install()
        pdf_safety.install_qpdf_limits()
