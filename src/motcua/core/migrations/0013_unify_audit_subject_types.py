"""One name per audit subject type (ADR 0032): the same applicant was audited as ``applicant``
and as ``identity.applicant``, so a query by one found half of its history.

Events are renamed in place. Audit entries are part of hash chains, so a chain holding a legacy
name is first verified as it stands; only an intact chain is renamed, and its links from the
first renamed entry on are recomputed (the content hashes and links of the renamed chain are
what ``motcua audit verify`` then checks). A chain found broken is left exactly as it is, so
``verify`` still names its break; its legacy names stay. Unsealed entries are renamed when their
own content hash holds. Re-runnable: a second run finds nothing to rename.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.db import migrations

LEGACY = {
    "applicant": "identity.applicant",
    "user": "identity.user",
    "role_assignment": "identity.role_assignment",
    "representation": "identity.representation",
    "file": "documents.file",
}
GENESIS = "0" * 64
_BATCH = 1000


def _digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _content(entry: Any) -> dict[str, Any]:
    occurred = entry.occurred_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "chain": entry.chain,
        "occurred_at": occurred,
        "type": entry.type,
        "actor": [entry.actor_kind, entry.actor_id, entry.actor_agency_code],
        "agency": entry.agency_code,
        "subject": [entry.subject_type, entry.subject_id],
        "changes": entry.changes,
        "request_id": entry.request_id,
    }


def _sealed(entry_model: Any, chain: str) -> Any:
    last = 0
    while True:
        rows = list(entry_model.objects.filter(chain=chain, position__gt=last).order_by("position")[:_BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].position


def _intact(entry_model: Any, head: Any) -> bool:
    running, count, last_id = GENESIS, 0, None
    for rows in _sealed(entry_model, head.chain):
        for entry in rows:
            count += 1
            content = _content(entry)
            if (
                entry.position != count
                or entry.prev_hash != running
                or _digest(content) != entry.content_hash
                or _digest({"prev": running, **content}) != entry.entry_hash
            ):
                return False
            running, last_id = entry.entry_hash, entry.pk
    return head.last_hash == running and head.last_entry_id == last_id and head.length == count


def _relink(entry_model: Any, head_model: Any, head: Any) -> None:
    running, renaming = GENESIS, False
    for rows in _sealed(entry_model, head.chain):
        changed = []
        for entry in rows:
            if entry.subject_type in LEGACY:
                entry.subject_type = LEGACY[entry.subject_type]
                renaming = True
            if renaming:
                content = _content(entry)
                entry.content_hash = _digest(content)
                entry.prev_hash = running
                entry.entry_hash = _digest({"prev": running, **content})
                changed.append(entry)
            running = entry.entry_hash
        if changed:
            entry_model.objects.bulk_update(changed, ["subject_type", "content_hash", "prev_hash", "entry_hash"])
    head_model.objects.filter(chain=head.chain).update(last_hash=running)


def unify_subject_types(apps: Any, schema_editor: Any) -> None:
    event_model = apps.get_model("core", "Event")
    entry_model = apps.get_model("core", "AuditEntry")
    head_model = apps.get_model("core", "AuditChainHead")
    for old, new in LEGACY.items():
        event_model.objects.filter(subject_type=old).update(subject_type=new)
    chains = set(
        entry_model.objects.filter(subject_type__in=list(LEGACY), position__isnull=False)
        .order_by()
        .values_list("chain", flat=True)
        .distinct()
    )
    for head in head_model.objects.filter(chain__in=sorted(chains)).order_by("chain"):
        if _intact(entry_model, head):
            _relink(entry_model, head_model, head)
    unsealed = list(entry_model.objects.filter(subject_type__in=list(LEGACY), position__isnull=True))
    for entry in unsealed:
        if _digest(_content(entry)) == entry.content_hash:
            entry.subject_type = LEGACY[entry.subject_type]
            entry.content_hash = _digest(_content(entry))
            entry_model.objects.filter(pk=entry.pk).update(
                subject_type=entry.subject_type, content_hash=entry.content_hash
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0012_event_types_registered_not_listed")]

    operations = [migrations.RunPython(unify_subject_types, migrations.RunPython.noop)]
