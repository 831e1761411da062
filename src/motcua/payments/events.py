"""The payments app's vocabulary (ADR 0032). The three event types and their payload keys are
the contract with feedback and metrics (``/work/brief/events-contract.md``): never rename."""

from __future__ import annotations

from motcua.core.types import EventKind, SubjectKind


class PaymentEvent(EventKind):
    OBLIGATION_CREATED = "payments.obligation_created", "Payment obligation created"
    STARTED = "payments.started", "Payment started at the gateway"
    PAID = "payments.paid", "Payment confirmed by the gateway"
    FAILED = "payments.failed", "Payment attempt failed or cancelled"
    NOTIFICATION_REFUSED = "payments.notification_refused", "Gateway notification refused"
    REFUNDED = "payments.refunded", "Payment refunded"
    RECONCILED = "payments.reconciled", "Ledger reconciled with the gateway's statement"
    MISMATCH_RESOLVED = "payments.mismatch_resolved", "Reconciliation mismatch resolved by finance"


class PaymentSubject(SubjectKind):
    PAYMENT = "payments.payment", "Payment"
    RECONCILIATION = "payments.reconciliation", "Reconciliation run"
