"""An electronic identity account: a Django user (username = personal ID number) and the
attributes the provider asserts about the person."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models


class EidAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eid")
    subject = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the OIDC "sub"
    personal_id = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(max_length=200)
    birthdate = models.DateField()
    sex = models.CharField(max_length=6, choices=[("male", "male"), ("female", "female")])
    assurance_level = models.PositiveSmallIntegerField(choices=[(1, "level 1"), (2, "level 2")])

    # declared so type checkers see it: this app is not installed in the platform's settings
    objects: ClassVar[models.Manager[EidAccount]] = models.Manager()

    def __str__(self) -> str:
        return f"eid:{self.subject}"
