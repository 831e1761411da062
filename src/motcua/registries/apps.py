from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "motcua.registries"
    label = "registries"
    verbose_name = "Reference national registries: requesters, keys and the access log"
