from django.apps import AppConfig


class RegistryDataConfig(AppConfig):
    name = "motcua.registries.data"
    label = "registry_data"
    verbose_name = "Reference national registries: the synthetic records"
