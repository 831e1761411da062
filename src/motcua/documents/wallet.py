"""Writes of the data wallet (kho quản lý dữ liệu điện tử): results land there when they are
returned; holders keep uploads there, reuse documents in later procedures and share them by
time-limited links. Every write records its audit entry and event in the same transaction."""

from __future__ import annotations

from django.db import transaction

from motcua.core.actors import Actor
from motcua.core.services import record_change
from motcua.core.types import EventType
from motcua.documents.models import ResultDocument, WalletItem, WalletItemKind


def add_result(*, actor: Actor, result: ResultDocument) -> WalletItem:
    """Put a returned result in its holder's wallet (idempotent: once per result)."""
    with transaction.atomic():
        existing = WalletItem.objects.filter(result=result).first()
        if existing is not None:
            return existing
        item = WalletItem.objects.create(
            owner_id=result.holder_id,
            kind=WalletItemKind.RESULT,
            document_type=result.result_type,
            title=result.title,
            issuer=result.agency_name,
            issued_on=result.issued_on,
            valid_until=result.valid_until,
            file_id=result.file_id,
            result=result,
        )
        record_change(
            actor=actor,
            type=EventType.WALLET_ITEM_ADDED,
            subject_type="documents.wallet_item",
            subject_id=str(item.public_id),
            agency_code=result.agency_code,
            changes={"kind": [None, item.kind]},
            payload={"result": str(result.public_id), "document_type": item.document_type},
        )
    return item
