from django.apps import AppConfig


class SmsGatewayConfig(AppConfig):
    name = "motcua.smsgw"
    label = "smsgw"
    verbose_name = "Reference SMS gateway"
    default_auto_field = "django.db.models.BigAutoField"
