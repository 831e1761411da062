"""What the registries write when an agency's signed write is accepted (ADR 0043): one function
per (registry, operation), raw SQL on the registries' own tables, in the caller's transaction.

Each writer checks its body (``invalid_write``), finds the subject's record (an answer of
``not_found`` when it is not there), refuses what the records do not allow
(``write_rejected``: a fine already paid by another payment, an amount that is not the fine's)
and returns the record as it now stands. A writer is idempotent on its own terms too: marking
paid a fine already paid by the same payment answers the record again, changing nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection

from motcua.protocol import ExchangeErrorCode, ProtocolError
from motcua.registries.data.readers import Record, violation_record


def _invalid(message: str) -> ProtocolError:
    return ProtocolError(ExchangeErrorCode.INVALID_WRITE, message)


def _text(body: Mapping[str, Any], name: str, max_length: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise _invalid(f"{name!r} must be a non-empty string of at most {max_length} characters.")
    return value


def _date(body: Mapping[str, Any], name: str) -> datetime.date:
    value = _text(body, name, 10)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _invalid(f"{name!r} must be a date (YYYY-MM-DD).") from None


def _amount(body: Mapping[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10**12:
        raise _invalid(f"{name!r} must be a positive whole number of đồng.")
    return value


_VIOLATION = """
    SELECT violation_id, plate, vehicle_kind, detected_on, detected_time, commune_code, place, offence,
           legal_reference, fine_vnd, camera_id, status, paid_on, payment_reference
    FROM registry_data_traffic_violation WHERE violation_id = %s AND owner_id = %s
"""
_MARK_PAID = """
    UPDATE registry_data_traffic_violation SET status = 'paid', paid_on = %s, payment_reference = %s
    WHERE violation_id = %s AND owner_id = %s AND status = 'unpaid'
"""


def mark_paid(subject: str, body: Mapping[str, Any]) -> Record | None:
    """Mark a camera-detected violation owed by ``subject`` paid: ``violation_id``,
    ``payment_reference`` (the platform's payment), ``amount_vnd`` (must be the fine) and
    ``paid_on``. None when the subject owes no such violation."""
    violation_id = _text(body, "violation_id", 20)
    reference = _text(body, "payment_reference", 64)
    amount = _amount(body, "amount_vnd")
    paid_on = _date(body, "paid_on")
    with connection.cursor() as cursor:
        cursor.execute(_VIOLATION + " FOR UPDATE" if connection.vendor == "postgresql" else _VIOLATION,
                       [violation_id, subject])  # fmt: skip
        row = cursor.fetchone()
        if row is None:
            return None
        record = violation_record(row)
        if record["status"] == "paid":
            if record["payment"]["reference"] == reference:
                return record  # the same payment again: nothing to change
            raise ProtocolError(
                ExchangeErrorCode.WRITE_REJECTED, "The fine is already paid, by another payment."
            )
        if amount != record["fine_vnd"]:
            raise ProtocolError(
                ExchangeErrorCode.WRITE_REJECTED,
                f"The amount paid ({amount} đồng) is not the fine ({record['fine_vnd']} đồng).",
            )
        cursor.execute(_MARK_PAID, [paid_on, reference, violation_id, subject])
        if cursor.rowcount != 1:  # paid meanwhile by a concurrent write (SQLite has no row lock)
            raise ProtocolError(ExchangeErrorCode.WRITE_REJECTED, "The fine was paid meanwhile.")
        cursor.execute(_VIOLATION, [violation_id, subject])
        return violation_record(cursor.fetchone())


@dataclass(frozen=True)
class Writer:
    subject_kinds: frozenset[str]
    apply: Callable[[str, Mapping[str, Any]], Record | None]


WRITERS: dict[tuple[str, str], Writer] = {
    ("traffic_fines", "mark_paid"): Writer(frozenset({"person", "enterprise"}), mark_paid),
}
