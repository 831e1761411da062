"""The payments app's error codes (the API's ``code``), registered in ``AppConfig.ready``."""

from __future__ import annotations

from motcua.core.errors import ErrorKind


class PaymentErrorCode(ErrorKind):
    PAYMENT_REQUIRED = "payment_required"
    ALREADY_PAID = "already_paid"
    NOT_REFUNDABLE = "not_refundable"
    GATEWAY_UNAVAILABLE = "gateway_unavailable"
