"""Checks shared by the stand-in provider's account model and its seed command.

The demo accounts themselves are in ``motcua.demo.accounts``, where the platform and the
registries' generator find them too without importing the eID provider (ADR 0036).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from motcua.core.ids import InvalidPersonalId, parse_personal_id


def acr_for(assurance_level: int) -> str:
    """The ``acr`` claim for an assurance level: ``level1`` or ``level2``."""
    return f"level{assurance_level}"


def identity_problems(
    personal_id: str, birthdate: datetime.date | None, sex: str, *, today: datetime.date | None = None
) -> list[str]:
    """Why these attributes cannot belong to one person (empty when they can).

    The number must be valid, its century/sex digit and year must give the birth year and the
    sex, and the birth date must not lie in the future.
    """
    try:
        parsed = parse_personal_id(personal_id, today=today)
    except InvalidPersonalId as exc:
        return [exc.message]
    problems = []
    if birthdate is not None:
        if birthdate.year != parsed.birth_year:
            problems.append(
                f"The personal ID number gives birth year {parsed.birth_year}, "
                f"the birth date gives {birthdate.year}."
            )
        if birthdate > (today or timezone.localdate()):
            problems.append("The birth date lies in the future.")
    if sex != parsed.sex:
        problems.append(f"The personal ID number says {parsed.sex}, the account {sex}.")
    return problems
