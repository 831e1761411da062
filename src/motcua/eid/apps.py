from django.apps import AppConfig


class EidConfig(AppConfig):
    name = "motcua.eid"
    label = "eid"
    verbose_name = "Stand-in electronic identity"
    default_auto_field = "django.db.models.BigAutoField"
