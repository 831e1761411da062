"""What the reference SMS gateway keeps: every message it accepted (once per request id), and its
fault switch (one row, so every worker process reads the same)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Message(models.Model):
    objects: ClassVar[models.Manager[Message]] = models.Manager()
    request_id = models.CharField(max_length=64, unique=True)  # the sender's X-Request-Id
    to = models.CharField(max_length=20)
    text = models.TextField()
    callback = models.URLField(max_length=300, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # the delivery receipt: "" (none yet or never: the no-receipt fault), delivered, failed
    receipt_status = models.CharField(max_length=16, blank=True)
    receipt_answer = models.PositiveSmallIntegerField(null=True, blank=True)  # the platform's HTTP status
    receipt_posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.gateway_id

    @property
    def gateway_id(self) -> str:
        return f"SMS{self.pk:08d}"


class Faults(models.Model):
    """The fault switch: refuse the next ``fail_next`` messages with 503 (-1: every one), answer
    each request ``delay_ms`` late, and post receipts as ``receipts`` says (delivered, failed, none)."""

    objects: ClassVar[models.Manager[Faults]] = models.Manager()
    fail_next = models.IntegerField(default=0)
    delay_ms = models.PositiveIntegerField(default=0)
    receipts = models.CharField(max_length=16, default="delivered")
    refused = models.PositiveIntegerField(default=0)  # how many messages the switch refused so far

    def __str__(self) -> str:
        return f"fail {self.fail_next}, delay {self.delay_ms} ms, receipts {self.receipts}"
