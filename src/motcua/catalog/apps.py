from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    label = "catalog"
    verbose_name = "Procedure catalog"

    def ready(self) -> None:
        from motcua.catalog.errors import CatalogErrorCode
        from motcua.catalog.events import CatalogEvent, CatalogSubject
        from motcua.core.vocabulary import register_vocabulary

        register_vocabulary(
            self.label, event_types=CatalogEvent, subject_types=CatalogSubject, error_codes=CatalogErrorCode
        )
