"""Template helpers for bilingual content: specs carry {vi, en} texts, models *_vi/*_en fields."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


@register.filter
def tr(value: Any) -> str:
    """Pick the active language from a ``{"vi": ..., "en": ...}`` mapping (Vietnamese as fallback)."""
    from motcua.catalog.labels import localised

    return localised(value)


@register.filter
def field_tr(obj: Any, name: str) -> str:
    """``{{ obj|field_tr:"name" }}``: ``name_en`` in English, else ``name_vi`` (or plain ``name``)."""
    value = getattr(obj, f"{name}_{_lang()}", "") or getattr(obj, f"{name}_vi", "") or getattr(obj, name, "")
    return str(value or "")


@register.filter
def label(value: Any, vocabulary: str) -> str:
    """Human label of a code value: ``{{ procedure.level|label:"level" }}``."""
    from motcua.catalog.labels import label_for

    return str(label_for(vocabulary, str(value)))


@register.filter
def vnd(amount: Any) -> str:
    """Format an amount in đồng the Vietnamese way: 200.000 ₫."""
    from motcua.core.text import format_vnd

    try:
        number = int(amount)
    except (TypeError, ValueError):
        return ""
    return format_vnd(number)


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ values|get_item:name }}``: a mapping's value for a key held in a variable ("" if none)."""
    getter = getattr(mapping, "get", None)
    return getter(key, "") if callable(getter) else ""


@register.simple_tag
def field_aria(field: Any, hint: bool = False) -> str:
    """The ARIA attributes of a form field (``dossiers.forms.FormField`` or any object with
    ``name`` and ``error``): invalid and tied to its message when it has an error, tied to its
    hint when ``hint``. The ids follow the shared pattern: ``error-<name>``, ``hint-<name>``."""
    from django.utils.html import format_html

    described = [f"error-{field.name}"] if getattr(field, "error", "") else []
    if hint:
        described.append(f"hint-{field.name}")
    invalid = ' aria-invalid="true"' if getattr(field, "error", "") else ""
    if not described:
        return ""
    return format_html('{} aria-describedby="{}"', mark_safe(invalid), " ".join(described))  # noqa: S308
