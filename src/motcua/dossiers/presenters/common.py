"""Fetched and submitted values as a person reads them, shared by the draft and dossier views."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.catalog.labels import localised
from motcua.core.text import format_vnd
from motcua.exchange.labels import field_label
from motcua.exchange.sources import value_at
from motcua.units import selectors as units


@dataclass
class FetchedValue:
    label: str
    value: str


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def text_of(value: Any) -> str:
    """Fetched data as a person reads it: dates as day/month/year, an address as its one line."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(text_of(item) for item in value) if value else "—"
    if isinstance(value, dict):
        if value.get("address"):
            return str(value["address"])
        return ", ".join(
            f"{field_label(key)}: {text_of(item)}" for key, item in value.items() if item not in (None, "")
        )
    if isinstance(value, str) and ISO_DATE.match(value):
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def values_of(data: Any, fields: tuple[str, ...]) -> list[FetchedValue]:
    if isinstance(data, list):  # several records (parcels, vehicles): one line per record and field
        return [value for record in data for value in values_of(record, fields)]
    return [FetchedValue(field_label(name), _field_text(name, value_at(data, name))) for name in fields]


def _field_text(name: str, value: Any) -> str:
    """A commune code reads as the commune's name (the code alone means nothing to a person)."""
    if name.endswith("commune_code") and isinstance(value, str) and value:
        commune = units.find_commune(value)
        if commune is not None:
            commune_name = localised({"vi": commune.full_name, "en": commune.full_name_en})
            province = commune.province
            province_name = localised({"vi": province.full_name, "en": province.full_name_en})
            return f"{commune_name}, {province_name} ({value})"
    return text_of(value)


def fetched_time(iso: str) -> datetime.datetime | None:
    """The stored ISO time of a fetch (aware; templates show it in local time)."""
    return parse_datetime(iso) if iso else None


def fee_text(amount_vnd: int | None) -> str:
    if amount_vnd is None:
        return _("Set by the agency")
    return format_vnd(amount_vnd) if amount_vnd else _("No fee")
