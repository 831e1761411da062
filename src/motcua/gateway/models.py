"""The reference gateway's tables: merchants, transactions, notifications, refunds, the fault switch."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Merchant(models.Model):
    """A merchant (the platform, or one collecting agency): its code (``vnp_TmnCode``), shared
    secret, IPN URL and the beneficiary accounts a VietQR transfer to it may name."""

    id: int
    objects: ClassVar[models.Manager[Merchant]] = models.Manager()
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=200)  # the HMAC key, as text (bytes are its UTF-8)
    ipn_url = models.URLField(max_length=500)
    accounts = models.JSONField(default=list, blank=True)  # ["970436:1234567890", ...]
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code


class TransactionStatus(models.TextChoices):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Transaction(models.Model):
    """One payment attempt, named by the merchant's reference (``vnp_TxnRef``) and by ours
    (``number``, ``vnp_TransactionNo``)."""

    id: int
    objects: ClassVar[models.Manager[Transaction]] = models.Manager()
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="transactions")
    txn_ref = models.CharField(max_length=100)
    number = models.CharField(max_length=20, unique=True)
    amount_vnd = models.PositiveBigIntegerField()
    order_info = models.CharField(max_length=255, blank=True)
    return_url = models.URLField(max_length=500, blank=True)
    channel = models.CharField(max_length=16, default="card")  # card | transfer
    status = models.CharField(
        max_length=16, choices=TransactionStatus.choices, default=TransactionStatus.PENDING
    )
    response_code = models.CharField(max_length=2, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    card_type = models.CharField(max_length=10, blank=True)
    refunded_vnd = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "txn_ref"], name="gateway_txn_ref_unique")]

    def __str__(self) -> str:
        return f"{self.txn_ref} ({self.number})"


class NotificationStatus(models.TextChoices):
    PENDING = "pending"
    HELD = "held"  # reorder fault: waiting for the next one
    SENDING = "sending"
    CONFIRMED = "confirmed"
    GAVE_UP = "gave_up"
    SUPPRESSED = "suppressed"  # never-send fault


class Notification(models.Model):
    """One signed IPN to send (and resend until the merchant confirms it)."""

    id: int
    objects: ClassVar[models.Manager[Notification]] = models.Manager()
    transaction_id: int
    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="notifications")
    params = models.JSONField()
    status = models.CharField(
        max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_reply = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"IPN {self.id} ({self.status})"


class Refund(models.Model):
    id: int
    objects: ClassVar[models.Manager[Refund]] = models.Manager()
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="refunds")
    request_id = models.CharField(max_length=64)
    amount_vnd = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=2)  # 02 full, 03 partial
    created_by = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["transaction", "request_id"], name="gateway_refund_request_unique"
            )
        ]

    def __str__(self) -> str:
        return f"refund {self.request_id}"


class Fault(models.TextChoices):
    NONE = "none"
    FAIL = "fail"  # the gateway's API (query, refund, statement) and pages answer 503
    DELAY = "delay"  # notifications go out ``delay_ms`` late
    DUPLICATE = "duplicate"  # every notification is sent twice
    REORDER = "reorder"  # notifications are held and sent two at a time, newest first
    NEVER = "never"  # no notification is sent (query and statement still know the payment)


class FaultSwitch(models.Model):
    """One row: the fault the gateway is told to make (tests and demos only)."""

    id: int
    objects: ClassVar[models.Manager[FaultSwitch]] = models.Manager()
    mode = models.CharField(max_length=16, choices=Fault.choices, default=Fault.NONE)
    delay_ms = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.mode
