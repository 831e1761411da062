"""What of a spec is public text, and the editorial markers it must never carry (ADR 0038).

Every string of a procedure or bundle spec may reach a page or the public API (names, steps,
purposes, legal bases, field titles, fee cases, the ``public_*`` wordings), except the notes that
integrators keep for one another: ``note``, ``notes``, ``deadline_note`` and ``partial_reason``.
Those carry sources and doubts ("[M]" for background knowledge, "domain notes §4"); no page shows
them. A marker anywhere else is a spec error, so a wrong spec never loads and never reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# Keys whose values are notes for integrators, never shown to applicants or officials.
INTEGRATOR_NOTE_KEYS = frozenset({"note", "notes", "deadline_note", "partial_reason", "upload_reason"})

# "[M]" or "[M: ...]" (background knowledge, unconfirmed), a reference to the project's domain
# notes, or a section sign pointing into them.
EDITORIAL_MARKER = re.compile(r"\[M[\]:\s]|\[M$|domain notes|§", re.IGNORECASE)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in INTEGRATOR_NOTE_KEYS:
                continue
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def editorial_marker_problems(spec: dict[str, Any]) -> list[str]:
    """``<path>: ...`` for every public string of ``spec`` that carries an editorial marker."""
    problems = []
    for path, text in _strings(spec, ""):
        found = EDITORIAL_MARKER.search(text)
        if found:
            problems.append(
                f"{path}: public text carries the editorial marker {found.group(0).strip()!r}; "
                "keep sources and doubts in a note (note, notes, deadline_note, partial_reason) "
                "and write public wording in the public_* fields"
            )
    return problems


def has_editorial_marker(text: str) -> bool:
    return bool(EDITORIAL_MARKER.search(text))
