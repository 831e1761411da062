"""An electronic identity account: a Django user whose username is the person's 12-digit
personal ID number, and the attributes the provider asserts about that person.

This app lives only in the provider's own project (``motcua.eid.settings``); the platform
never installs it and never reads this table.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from motcua.eid.accounts import acr_for, identity_problems


class Sex(models.TextChoices):
    MALE = "male", "male"
    FEMALE = "female", "female"


class AssuranceLevel(models.IntegerChoices):
    """Assurance level of the electronic identity account (mức độ 1 / mức độ 2)."""

    LEVEL_1 = 1, "level 1"
    LEVEL_2 = 2, "level 2"


class EidAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eid")
    # The OIDC "sub": stable and opaque, so relying parties key on it, never on the ID number.
    subject = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personal_id = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(max_length=200)
    birthdate = models.DateField()
    sex = models.CharField(max_length=6, choices=Sex.choices)
    assurance_level = models.PositiveSmallIntegerField(choices=AssuranceLevel.choices)

    # Declared so that type checkers know them: the platform's settings, which mypy's Django
    # plugin loads, do not install this app, so the plugin adds neither.
    objects: ClassVar[models.Manager[EidAccount]] = models.Manager()
    user_id: int | None

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(sex__in=Sex.values), name="eid_account_sex_valid"),
            models.CheckConstraint(
                condition=models.Q(assurance_level__in=AssuranceLevel.values), name="eid_account_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"eid:{self.subject}"

    @property
    def acr(self) -> str:
        return acr_for(self.assurance_level)

    def clean(self) -> None:
        problems = identity_problems(self.personal_id, self.birthdate, self.sex)
        if problems:
            raise ValidationError({"personal_id": problems})
        if self.user_id is not None and self.user.get_username() != self.personal_id:
            raise ValidationError({"user": "The user's username must be the personal ID number."})
