"""Audit entries are written without a chain lock and sealed in the background (ADR 0030).

Entries written before this migration were linked when written, in id order per chain: they
keep their ``prev_hash`` and ``entry_hash`` (the link formula is unchanged), get their
``position`` in that order and the hash of their own content, so ``motcua audit verify``
checks them as before.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.db import migrations, models

_BATCH = 1000


def _canonical_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _content_hash(entry: Any) -> str:
    content = {
        "chain": entry.chain,
        "occurred_at": _canonical_time(entry.occurred_at),
        "type": entry.type,
        "actor": [entry.actor_kind, entry.actor_id, entry.actor_agency_code],
        "agency": entry.agency_code,
        "subject": [entry.subject_type, entry.subject_id],
        "changes": entry.changes,
        "request_id": entry.request_id,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def place_existing_entries(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("core", "AuditEntry")
    positions: dict[str, int] = {}
    last_id = 0
    while True:
        rows = list(entry_model.objects.filter(id__gt=last_id).order_by("id")[:_BATCH])
        if not rows:
            return
        for entry in rows:
            positions[entry.chain] = positions.get(entry.chain, 0) + 1
            entry.position = positions[entry.chain]
            entry.content_hash = _content_hash(entry)
        entry_model.objects.bulk_update(rows, ["position", "content_hash"])
        last_id = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("core", "0010_event_types_issue_15")]

    operations = [
        migrations.RemoveIndex(model_name="auditentry", name="core_audit_chain_idx"),
        migrations.AddField(
            model_name="auditentry",
            name="content_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(place_existing_entries, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(("position__isnull", True)),
                fields=["chain", "id"],
                name="core_audit_unsealed_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(fields=("chain", "position"), name="core_audit_chain_position_uniq"),
        ),
    ]
