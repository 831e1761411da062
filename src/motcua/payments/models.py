"""The payments app's tables.

``Payment`` is one fee request of one dossier (its line items typed phí/lệ phí, its beneficiary
account, its immutable reference, our ``vnp_TxnRef``), with a GOV.UK-like state: created →
started → success | failed (the citizen may start again) and its refunded amount.
``LedgerEntry`` is append-only (obligations, payments, refunds). ``GatewayNotification`` keeps
every notification as received, with the reply it got. ``Mismatch`` is what reconciliation found
and a finance officer must act on."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Payment requested")
    STARTED = "started", _("Payment in progress")
    SUCCESS = "success", _("Paid")
    FAILED = "failed", _("Payment not completed")


class Due(models.TextChoices):
    BEFORE_RECEPTION = "before_reception"
    AT_RESULT = "at_result"


class Channel(models.TextChoices):
    CARD = "card"  # the gateway's pages (bank card, internet banking)
    TRANSFER = "transfer"  # a VietQR bank transfer (counter or online)


class Payment(models.Model):
    reference = models.CharField(max_length=32, unique=True)  # our MaThamChieu / vnp_TxnRef
    # the subject: a dossier's fees, or (no dossier) one camera-detected traffic fine (ADR 0044)
    dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    violation_id = models.CharField(max_length=32, blank=True, default="")  # the registry's fine
    fine_owner = models.CharField(max_length=20, blank=True, default="")  # its owner's ID number
    agency_code = models.CharField(max_length=64, db_index=True)  # the collecting agency
    unit_code = models.CharField(max_length=5, blank=True)
    procedure_code = models.CharField(max_length=128)
    amount_vnd = models.PositiveBigIntegerField()
    fees = models.JSONField()  # [{"kind": "phi"|"le_phi", "amount_vnd": int, "name": {vi, en}}]
    due = models.CharField(max_length=20, choices=Due.choices)
    account = models.CharField(max_length=40)  # beneficiary "BIN:account"
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    # 766 DuocThanhToanTrucTuyen: 1 the national portal's payment platform, 2 a ministry/local gateway
    online_channel = models.PositiveSmallIntegerField(null=True, blank=True)
    transaction_no = models.CharField(max_length=32, blank=True)
    # card attempts: the gateway wants a new vnp_TxnRef for each, "<reference>-<attempt>"; a
    # VietQR transfer carries the bare reference
    attempts = models.PositiveSmallIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_vnd = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_vnd__lte=models.F("amount_vnd")), name="payments_refund_le_paid"
            ),
            models.CheckConstraint(
                condition=Q(dossier__isnull=False, violation_id="")
                | Q(dossier__isnull=True, violation_id__gt="", fine_owner__gt=""),
                name="payments_dossier_or_fine",
            ),
            # one obligation per fine, whatever its state: paying a fine twice is impossible
            models.UniqueConstraint(
                fields=["violation_id"], condition=~Q(violation_id=""), name="payments_one_per_fine"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def paid(self) -> bool:
        return self.status == PaymentStatus.SUCCESS

    @property
    def subject_code(self) -> str:
        """The dossier's code, or ``PN:<violation id>`` for a traffic fine (the ledger's key)."""
        return self.dossier.code if self.dossier is not None else f"PN:{self.violation_id}"

    @property
    def txn_ref(self) -> str:
        """The gateway reference of the current card attempt."""
        return f"{self.reference}-{self.attempts}" if self.attempts else self.reference


def reference_of(txn_ref: str) -> str:
    """Our payment reference inside a gateway reference (``TT…-2`` → ``TT…``)."""
    return txn_ref.split("-", 1)[0]


class LedgerKind(models.TextChoices):
    OBLIGATION = "obligation"
    PAYMENT = "payment"
    REFUND = "refund"


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The ledger is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The ledger is append-only.")


class LedgerEntry(models.Model):
    """One line of the append-only ledger: never updated, never deleted."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=16, choices=LedgerKind.choices)
    dossier_code = models.CharField(max_length=64, db_index=True)
    agency_code = models.CharField(max_length=64, db_index=True)
    account = models.CharField(max_length=40, db_index=True)
    amount_vnd = models.BigIntegerField()  # obligations and payments positive, refunds negative
    treasury = models.BooleanField(default=False)  # a refund ordered through the State Treasury
    source = models.CharField(max_length=64, blank=True)  # ipn | query | finance:<id> | transaction no.
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_vnd} {self.dossier_code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The ledger is append-only.")


class GatewayNotification(models.Model):
    """A notification as received (raw parameters) and the reply code it got."""

    reference = models.CharField(max_length=100, db_index=True, blank=True)
    params = models.JSONField()
    reply = models.CharField(max_length=2)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.reference} → {self.reply}"


class MismatchKind(models.TextChoices):
    PAID_UNKNOWN = "paid_unknown", _("Paid at the gateway, not paid in the ledger")
    KNOWN_UNPAID = "known_unpaid", _("Paid in the ledger, missing from the gateway's statement")
    AMOUNT_DIFFERS = "amount_differs", _("Amounts differ")


class Mismatch(models.Model):
    day = models.DateField(db_index=True)
    kind = models.CharField(max_length=16, choices=MismatchKind.choices)
    reference = models.CharField(max_length=100)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="mismatches"
    )
    ledger_vnd = models.BigIntegerField(null=True, blank=True)
    statement_vnd = models.BigIntegerField(null=True, blank=True)
    transaction_no = models.CharField(max_length=32, blank=True)
    found_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=64, blank=True)
    resolution = models.CharField(max_length=32, blank=True)  # settled | escalated | noted
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "reference"], name="payments_one_mismatch")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.reference}"
