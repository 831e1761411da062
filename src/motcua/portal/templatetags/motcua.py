"""Template helpers for bilingual content: specs carry {vi, en} texts, models *_vi/*_en fields."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy

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


@register.simple_tag
def error_items(*groups: Any) -> list[dict[str, str]]:
    """The entries of an error summary (``portal/patterns/error_summary.html``): one link per
    field or component in error, to the control that fixes it, in page order. Each group is a
    list of form fields (``name``, ``error``: linked to ``#field-<name>``), of components
    (``id``, ``error``: linked to their upload control, or their section), or of groups that
    hold ``fields`` (an interconnected application's later members)."""
    items: list[dict[str, str]] = []
    for group in groups:
        for entry in group or []:
            if hasattr(entry, "fields") and not hasattr(entry, "error"):
                items.extend(error_items(entry.fields))
                continue
            message = str(getattr(entry, "error", "") or "")
            if not message:
                continue
            if hasattr(entry, "name") and not hasattr(entry, "id"):
                items.append({"href": f"#field-{entry.name}", "message": f"{entry.label}: {message}"})
            else:
                target = (
                    f"upload-{entry.id}" if getattr(entry, "may_upload", False) else f"component-{entry.id}"
                )
                items.append({"href": f"#{target}", "message": f"{entry.name}: {message}"})
    return items


APPLICATION_STEPS = (
    gettext_lazy("Where to apply"),
    gettext_lazy("Consent to data use"),
    gettext_lazy("Documents and form"),
    gettext_lazy("Check your answers"),
    gettext_lazy("Submission"),
)


@register.inclusion_tag("portal/patterns/steps.html")
def application_steps(current: int) -> dict[str, Any]:
    """The progress of an online application ("Bước 2/5"): its five steps, those done, the current."""
    return {
        "current": current,
        "total": len(APPLICATION_STEPS),
        "steps": [
            {"label": label, "state": "done" if n < current else "current" if n == current else "todo"}
            for n, label in enumerate(APPLICATION_STEPS, start=1)
        ],
    }
