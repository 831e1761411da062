"""The ``eid`` app: installed only in the stand-in provider's project (``motcua.eid.settings``)."""

from __future__ import annotations

from django.apps import AppConfig


class EidConfig(AppConfig):
    name = "motcua.eid"
    label = "eid"
    verbose_name = "Stand-in electronic identity"
    default_auto_field = "django.db.models.BigAutoField"
