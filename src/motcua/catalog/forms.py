"""Validation of the public catalog's search and filter parameters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

LEVEL_CHOICES = [
    ("", _("All levels")),
    ("commune", _("Commune")),
    ("province", _("Province")),
    ("ministry", _("Ministry")),
    ("service_provider", _("Service provider")),
]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=LEVEL_CHOICES)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    province = forms.ChoiceField(label=_("Province or city"), required=False)
    commune = forms.ChoiceField(label=_("Commune, ward or special zone"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)

    def __init__(
        self,
        *args: Any,
        sectors: list[tuple[str, str]],
        provinces: list[tuple[str, str]],
        communes: list[tuple[str, str]],
        agencies: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, empty, options in (
            ("sector", _("All sectors"), sectors),
            ("province", _("All provinces"), provinces),
            ("commune", _("All communes"), communes),
            ("agency", _("All agencies"), agencies),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", empty), *options]
