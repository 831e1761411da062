from typing import Any

from django.db import migrations, models
from django.db.models import Count, Max


def drop_older_duplicates(apps: Any, schema_editor: Any) -> None:
    """Before the constraint: where two starts raced and made two drafts for the same procedure,
    person, place and kind, starting again always resumed the newest one, so the older ones were
    abandoned (the purge would remove them at expiry). Keep the newest of each group."""
    Draft = apps.get_model("dossiers", "Draft")
    key = ["created_by", "applicant", "procedure", "commune_code", "bundle_code"]
    groups = Draft.objects.values(*key).annotate(n=Count("id"), newest=Max("id")).filter(n__gt=1)
    for group in groups:
        Draft.objects.filter(**{name: group[name] for name in key}).exclude(id=group["newest"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("dossiers", "0007_reception_matches_channel"),
        ("exchange", "0001_initial"),
        ("identity", "0002_integrator_clients"),
    ]

    operations = [
        migrations.RunPython(drop_older_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="draft",
            constraint=models.UniqueConstraint(
                fields=("created_by", "applicant", "procedure", "commune_code", "bundle_code"),
                name="dossiers_draft_one_open",
            ),
        ),
    ]
